"""The spend page's tables: each breakdown's spend, spot purchasing, hours, value beside outcomes and
the SPC series, every one protected (`figures.protect_amounts`) before it leaves this module.

Figures not in metrics.md are defined in docs/spend.md. Value is worded as contribution, not
attribution: attainment is shown beside cost, never as its return.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import polars as pl

from dashboard.core import disclosure, formats
from dashboard.core.disclosure import Policy
from dashboard.core.intervals import wilson
from dashboard.core.periods import Period
from dashboard.core.ratio import rate
from dashboard.core.strings import t
from dashboard.outcomes.indicators import is_provisional
from dashboard.spend.figures import HOUR_SERVICES, protect_amounts

PROVIDER_BREAKDOWNS = ("provider", "paid_provider")
TOTAL = "is_total"


def _labelled(
    df: pl.DataFrame, breakdown: str, policy: Policy, providers: pl.DataFrame
) -> pl.DataFrame:
    """The `group` column a reader sees: codes as they are, providers named or labelled."""
    none = t(f"spend.none_{breakdown}")
    total = pl.when(pl.col(TOTAL)).then(pl.lit(t("spend.total")))
    if breakdown in PROVIDER_BREAKDOWNS:
        named = df.join(
            providers.rename({"provider_id": "grp"}), on="grp", how="left", maintain_order="left"
        ).with_columns(pl.col("provider_name").fill_null(pl.col("grp")))
        named = disclosure.provider_labels(
            named, policy, "grp", "provider_name", universe=providers["provider_id"]
        )
        label = pl.col("provider_name")
    else:
        named, label = df, pl.col("grp")
    if breakdown == "sds_option":
        label = pl.concat_str(pl.lit(t("spend.sds_label")), pl.col("grp"))
    return named.with_columns(
        total.otherwise(pl.when(pl.col("grp").is_null()).then(pl.lit(none)).otherwise(label)).alias(
            "group"
        )
    )


def _with_total(figs: pl.DataFrame, breakdown: str, p: int = 1) -> pl.DataFrame:
    part = figs.filter(pl.col("p") == p)
    rows = part.filter(pl.col("breakdown") == breakdown).with_columns(pl.lit(False).alias(TOTAL))
    total = part.filter(pl.col("breakdown") == "all").with_columns(
        pl.lit(True).alias(TOTAL), pl.lit(None, pl.String).alias("grp")
    )
    return pl.concat([rows, total])


SPEND_AMOUNTS = {
    "spend": ["people"],
    "payments": ["people"],
    "recoveries": ["recovery_people"],
    "on_contract_gbp": ["on_contract_people"],
    "spot_gbp": ["spot_people"],
    "direct_payment_gbp": ["direct_payment_people"],
    "budget": ["plan_people"],
}
SPEND_COUNTS = ("people", "recovery_people", "on_contract_people", "spot_people",
                "direct_payment_people", "plan_people", "plans", "budget_gaps")  # fmt: skip


def spend_table(
    figs: pl.DataFrame, breakdown: str, policy: Policy, providers: pl.DataFrame
) -> pl.DataFrame:
    """Spend in three kinds, recoveries apart, planned budget and utilisation for one breakdown,
    with its total row; a board sees providers labelled and in label order."""
    df = _labelled(_with_total(figs, breakdown), breakdown, policy, providers)
    cols = ["group", *SPEND_COUNTS, *SPEND_AMOUNTS, "utilisation", TOTAL]
    out = protect_amounts(
        df.select(cols),
        policy,
        counts=SPEND_COUNTS,
        amounts=SPEND_AMOUNTS,
        shares={"utilisation": ["people", "plan_people"]},
        total_flag=TOTAL,
    )
    return _ordered(out, breakdown, policy, None)


def spot_table(
    figs: pl.DataFrame, breakdown: str, policy: Policy, providers: pl.DataFrame
) -> pl.DataFrame:
    """Where spot purchasing concentrates: each group's spot spend, its share of the group's
    purchased spend (not direct payments) and its share of all spot spend."""
    total_spot = figs.filter(pl.col("breakdown") == "all", pl.col("p") == 1)["spot_gbp"].sum()
    df = _labelled(_with_total(figs, breakdown), breakdown, policy, providers).with_columns(
        (pl.col("spot_gbp") / total_spot if total_spot else pl.lit(None, pl.Float64)).alias(
            "share_of_all_spot"
        ),
    )
    people = ["spot_people", "on_contract_people"]
    out = protect_amounts(
        df.select(
            "group", *people, "spot_gbp", "purchased_gbp", "spot_share", "share_of_all_spot", TOTAL
        ),  # fmt: skip
        policy,
        counts=people,
        amounts={"spot_gbp": ["spot_people"], "purchased_gbp": people},
        shares={"spot_share": people, "share_of_all_spot": ["spot_people"]},
        total_flag=TOTAL,
    )
    return _ordered(out, breakdown, policy, "spot_gbp")


def _ordered(df: pl.DataFrame, breakdown: str, policy: Policy, by: str | None) -> pl.DataFrame:
    """Total first; localities and service types by `by` (largest first) so a reader sees where
    spend concentrates; providers never ranked for a board (label order instead)."""
    if breakdown in PROVIDER_BREAKDOWNS and policy.controlled:
        labelled = disclosure.unranked(df, policy, "group")
        return labelled.sort(TOTAL, descending=True, maintain_order=True)
    keys = [pl.col(TOTAL)] + ([pl.col(by).cast(pl.Float64)] if by else []) + [pl.col("group")]
    return df.sort(keys, descending=[True] + ([True] if by else []) + [False], nulls_last=True)


def hours_table(figs: pl.DataFrame, policy: Policy) -> pl.DataFrame:
    """Delivered against planned hours over the payments that record hours (like with like,
    metrics.md v1.2), cost per delivered hour, and the plans whose payments never record hours
    ("hours not reported": on neither side, never hours not delivered), by hour-based service."""
    df = _with_total(figs, "service_type").filter(
        pl.col(TOTAL) | pl.col("grp").is_in(HOUR_SERVICES)
    )
    df = df.with_columns(
        pl.when(pl.col(TOTAL))
        .then(pl.lit(t("spend.total")))
        .otherwise(
            pl.col("grp").replace_strict(formats.labels(list(HOUR_SERVICES)), default=pl.col("grp"))
        )
        .alias("group")
    )
    # The total row is over every service type, but only hour-based plans carry hours, so it is
    # the sum of these rows and protected as their total.
    people = ["hour_people", "hourly_people"]
    return protect_amounts(
        df.select(
            "group",
            *people,
            "unreported_people",
            "unreported_plans",
            "planned_hours_gaps",
            "hours_gap_lines",
            "hours_delivered",
            "recorded_planned",
            "hours_ratio",
            "hourly_spend",
            "cost_per_hour",
            TOTAL,
        ),  # fmt: skip
        policy,
        counts=[
            *people,
            "unreported_people",
            "unreported_plans",
            "planned_hours_gaps",
            "hours_gap_lines",
        ],  # fmt: skip
        amounts={
            "hours_delivered": ["hourly_people"],
            "recorded_planned": ["hourly_people"],
            "hourly_spend": ["hourly_people"],
            "cost_per_hour": ["hourly_people"],
        },  # fmt: skip
        shares={"hours_ratio": ["hourly_people"]},
        total_flag=TOTAL,
    ).sort(TOTAL, "group", descending=[True, False])


def value_table(
    figs: pl.DataFrame, outcomes: pl.DataFrame, breakdown: str, policy: Policy
) -> pl.DataFrame:
    """Attainment of personal outcomes (with its 95 % Wilson interval) beside weekly cost, for
    service types or lots: what each contributes alongside the rest, not what spend bought."""
    money = _with_total(figs, breakdown).select(
        "grp", TOTAL, "plan_people", "people", "plan_weeks", "spend", "weekly_cost",
        "weekly_budget",
    )  # fmt: skip
    keyed = money.with_columns(
        pl.when(pl.col(TOTAL)).then(pl.lit("all")).otherwise("grp").alias("k")
    )
    both = keyed.join(
        outcomes.rename({"grp": "k"}), on="k", how="full", coalesce=True, nulls_equal=True
    ).with_columns(
        pl.col(TOTAL).fill_null(False),
        *(pl.col(c).fill_null(0) for c in ("met", "denominator", "plan_people", "people")),
    )
    low, high = wilson("met", "denominator")
    df = both.with_columns(
        rate("met", "denominator").alias("attainment"),
        low.alias("attainment_low"),
        high.alias("attainment_high"),
        pl.when(pl.col(TOTAL)).then(None).otherwise(pl.col("k")).alias("grp"),
    )
    df = _labelled(df, breakdown, policy, pl.DataFrame(schema={"provider_id": pl.String,
                                                               "provider_name": pl.String}))  # fmt: skip
    interval = ("met", "denominator")
    return protect_amounts(
        df.select(
            "group",
            "met",
            "denominator",
            "attainment",
            "attainment_low",
            "attainment_high",
            "plan_people",
            "people",
            "spend",
            "weekly_cost",
            "weekly_budget",
            TOTAL,
        ),  # fmt: skip
        policy,
        counts=["plan_people", "people"],
        rates={"attainment": interval, "attainment_low": interval, "attainment_high": interval},
        amounts={
            "spend": ["people"],
            "weekly_cost": ["people", "plan_people"],
            "weekly_budget": ["plan_people"],
        },  # fmt: skip
        total_flag=TOTAL,
    ).sort(TOTAL, "group", descending=[True, False], nulls_last=True)


def series_table(
    series: pl.DataFrame, periods: Sequence[Period], extract: date, lag_weeks: int
) -> pl.DataFrame:
    """One row per period (`spend_series` rows) from the first with a plan or a payment: spend,
    budget, utilisation, the people behind them and whether spend for it is still arriving."""
    labels = pl.DataFrame(
        {
            "p": range(1, len(periods) + 1),
            "period": [p.label for p in periods],
            "provisional": [is_provisional(p.end, extract, lag_weeks) for p in periods],
        },
        schema_overrides={"p": pl.Int64},
    )
    df = (
        series.join(labels, on="p")
        .sort("p")
        .with_columns(pl.min_horizontal("people", "plan_people").alias("fewest_people"))
    )
    started = (pl.col("plan_people") + pl.col("people")).cum_sum() > 0
    return df.filter(started).select(
        "period", "provisional", "people", "plan_people", "fewest_people", "spend", "budget",
        "utilisation",
    )  # fmt: skip


def protected_series(series: pl.DataFrame, policy: Policy) -> pl.DataFrame:
    """The series table the SPC charts are drawn from (`series_table` rows at the grain shown),
    each amount hidden with the people behind it."""
    return protect_amounts(
        series.drop("fewest_people"),
        policy,
        counts=["people", "plan_people"],
        amounts={"spend": ["people"], "budget": ["plan_people"]},
        shares={"utilisation": ["people", "plan_people"]},
    )
