"""Budget spend and value: individual budget spend beside the difference support makes (issue 11).

Spend is counted from the individual budget spend lines (queries/spend_lines.sql) and planned
budget from the plans (queries/spend_planned.sql), each over a list of periods and breakdowns in
one pass, so the year's figures, every breakdown and the monthly SPC series share one definition.
Figures not in metrics.md are defined in docs/spend.md. Value is worded as contribution, not
attribution: attainment is shown beside cost, never as its return.

A money or hours figure for a handful of people can identify a person's package, so each one
carries the count of people behind it and is hidden whenever that count is (`protect_amounts`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb
import plotly.graph_objects as go
import polars as pl

from dashboard.core import disclosure
from dashboard.core.disclosure import Policy, flag
from dashboard.core.intervals import wilson
from dashboard.core.page import NO_FILTERS, Filters, PageData, View, policy_for
from dashboard.core.periods import Period, months_in, period_params, quarters_in, window_start
from dashboard.core.query import run
from dashboard.core.settings import Settings
from dashboard.core.strings import t
from dashboard.extract.export import Export
from dashboard.outcomes.attainment import attainments, split_periods
from dashboard.outcomes.indicators import is_provisional
from dashboard.spc.chart import spc_figure
from dashboard.spc.icons import colour
from dashboard.spc.series import Rules, judge
from dashboard.spc.xmr import SpcResult, band_assurance, format_value, reading

HOUR_SERVICES = ("home_care", "reablement", "personal_assistant")  # plans with planned hours
BREAKDOWNS = ("locality", "service_type", "sds_option", "provider", "lot")
SPOT_BREAKDOWNS = ("locality", "service_type", "paid_provider")
VALUE_BREAKDOWNS = ("service_type", "lot")  # attainment beside weekly cost
PROVIDER_BREAKDOWNS = ("provider", "paid_provider")
MONEY = pl.Decimal(18, 2)  # amounts and hours: exact decimals, so screens never show them as %
TOTAL = "is_total"


# --- counting -------------------------------------------------------------------------------------


def _ratio(numerator: str, denominator: str) -> pl.Expr:
    """numerator ÷ denominator, null (not computable) when the denominator is 0."""
    den = pl.col(denominator)
    return pl.when(den != 0).then(pl.col(numerator) / den).otherwise(None)


def spend_figures(
    con: duckdb.DuckDBPyConnection,
    *,
    partnership: str,
    periods: Sequence[Period],
    breakdowns: Sequence[str] = ("all",),
    filters: Filters = NO_FILTERS,
    hour_services: Sequence[str] = HOUR_SERVICES,
) -> pl.DataFrame:
    """Spend, planned budget and hours per period index p × breakdown × group, with the ratios.

    Spend-side groups (`paid_provider`) have no planned budget; plan-side counts there are 0.
    """
    common = {
        "partnership": partnership,
        **period_params(periods),
        "hour_services": list(hour_services),
        **filters.params(),
    }
    keys = ["p", "breakdown", "grp"]
    plan_side = [b for b in breakdowns if b not in ("paid_provider",)]
    # The lines and the plans are counted side by side, each on its own cursor.
    with ThreadPoolExecutor(max_workers=2) as threads:
        lines_job = threads.submit(
            run, con.cursor(), "spend_lines", breakdowns=list(breakdowns), **common
        )
        planned = run(con.cursor(), "spend_planned", breakdowns=plan_side, **common)
        lines = lines_job.result()
    both = lines.join(planned, on=keys, how="full", coalesce=True, nulls_equal=True)
    if "all" in breakdowns:  # every period has its row, so a series has no holes
        grid = pl.DataFrame(
            {"p": range(1, len(periods) + 1), "breakdown": "all", "grp": "all"},
            schema={"p": both.schema["p"], "breakdown": pl.String, "grp": pl.String},
        )
        both = pl.concat([both, grid.join(both, on=keys, how="anti")], how="diagonal")
    counts = [c for c in both.columns if c not in keys]
    return (
        both.with_columns(pl.col(c).fill_null(0) for c in counts)
        .with_columns(
            pl.col("p").cast(pl.Int64),
            _ratio("spend", "budget").alias("utilisation"),
            (pl.col("on_contract_gbp") + pl.col("spot_gbp")).alias("purchased_gbp"),
            _ratio("hours_delivered", "planned_hours").alias("hours_ratio"),
            _ratio("hourly_spend", "hours_delivered").alias("cost_per_hour"),
            _ratio("spend", "plan_weeks").alias("weekly_cost"),
            _ratio("budget", "plan_weeks").alias("weekly_budget"),
        )
        .with_columns(
            _ratio("on_contract_gbp", "purchased_gbp").alias("on_contract_share"),
            _ratio("spot_gbp", "purchased_gbp").alias("spot_share"),
        )
        .sort(keys, nulls_last=True)
    )


# --- disclosure -----------------------------------------------------------------------------------


def protect_amounts(
    df: pl.DataFrame,
    policy: Policy,
    *,
    counts: Sequence[str],
    amounts: Mapping[str, Sequence[str]] | None = None,
    shares: Mapping[str, Sequence[str]] | None = None,
    rates: Mapping[str, tuple[str, str]] | None = None,
    total_flag: str | None = None,
) -> pl.DataFrame:
    """`disclosure.protect` for counts and rates, then each amount (money, hours) and share (a
    ratio of amounts) hidden wherever a people count it rests on is hidden or small (so rounding
    to base 5 hides it too). Amounts become exact decimals; shares stay fractions."""
    amounts, shares = dict(amounts or {}), dict(shares or {})
    out = disclosure.protect(df, policy, counts=counts, rates=rates, total_flag=total_flag)

    def hidden(people: Sequence[str]) -> pl.Expr:
        small = [pl.lit(df[p].is_between(1, policy.threshold - 1)) for p in people]
        return pl.any_horizontal([pl.col(flag(p)) for p in people] + small) & policy.controlled

    flags = {c: hidden(people) for c, people in {**amounts, **shares}.items()}
    out = out.with_columns(v.alias(flag(c)) for c, v in flags.items())
    return out.with_columns(
        pl.when(pl.col(flag(c))).then(None).otherwise(pl.col(c)).alias(c) for c in flags
    ).with_columns(pl.col(c).round(2).cast(MONEY) for c in amounts)


# --- tables ---------------------------------------------------------------------------------------


def provider_universe(con: duckdb.DuckDBPyConnection, partnership: str) -> pl.DataFrame:
    """Every provider of the partnership's plans and payment lines, named where the optional
    providers table names it, so a board label stays the same across tables and filters."""
    return run(con, "spend_providers", partnership=partnership)


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
    """Delivered against planned hours and cost per delivered hour, by hour-based service type."""
    df = _with_total(figs, "service_type").filter(
        pl.col(TOTAL) | pl.col("grp").is_in(HOUR_SERVICES)
    )
    df = df.with_columns(
        pl.when(pl.col(TOTAL))
        .then(pl.lit(t("spend.total")))
        .otherwise(pl.col("grp"))
        .alias("group")
    )
    # The total row is over every service type, but only hour-based plans carry hours, so it is
    # the sum of these rows and protected as their total.
    people = ["hour_people", "hourly_people"]
    return protect_amounts(
        df.select(
            "group",
            *people,
            "planned_hours_gaps",
            "hours_gap_lines",
            "hours_delivered",
            "planned_hours",
            "hours_ratio",
            "hourly_spend",
            "cost_per_hour",
            TOTAL,
        ),  # fmt: skip
        policy,
        counts=[*people, "planned_hours_gaps", "hours_gap_lines"],
        amounts={
            "hours_delivered": ["hourly_people"],
            "planned_hours": ["hour_people"],
            "hourly_spend": ["hourly_people"],
            "cost_per_hour": ["hourly_people"],
        },  # fmt: skip
        shares={"hours_ratio": people},
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
        _ratio("met", "denominator").alias("attainment"),
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


def value_outcomes(
    con: duckdb.DuckDBPyConnection, partnership: str, period: Period, breakdowns: Sequence[str],
    filters: Filters,
) -> dict[str, pl.DataFrame]:  # fmt: skip
    """Per breakdown (the plan's service type or lot), met and denominator per group with the
    "all" row for everyone, all counted in one query."""
    counted = attainments(con, partnerships=[partnership], periods=[period],
                          bys=("all", *breakdowns), filters=filters)  # fmt: skip
    return {
        b: pl.concat([counted[b], counted["all"]])
        .select("grp", "met", "denominator")
        .cast({"met": pl.Int64, "denominator": pl.Int64})
        for b in breakdowns
    }


# --- series and SPC -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SpendChart:
    """A chart the page draws, with its text alternative and the table behind it."""

    figure: go.Figure | None
    result: SpcResult | None
    alt: str
    table: str
    note: str | None = None


def series_periods(period: Period, extract: date, months: int) -> tuple[list[Period], list[Period]]:
    """Months (and the financial quarters they fall in) ending with P, or with the extract's month
    when P runs past it: no chart point for a month with nothing paid yet."""
    end = min(period.end, extract)
    start = window_start(end, months)
    return months_in(start, end), quarters_in(start, end)


def spend_series(
    con: duckdb.DuckDBPyConnection,
    *,
    partnership: str,
    periods: Sequence[Period],
    filters: Filters = NO_FILTERS,
) -> pl.DataFrame:
    """Spend, planned budget, the people behind each and utilisation per period index p: only
    what the charts need, so months and quarters together cost one query."""
    df = run(
        con,
        "spend_series",
        partnership=partnership,
        **period_params(periods),
        **filters.params(),
    )
    return df.with_columns(
        pl.col("p").cast(pl.Int64), _ratio("spend", "budget").alias("utilisation")
    )


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


def band_judgement(result: SpcResult, band: tuple[float, float]) -> str | None:
    """`spc.band_assurance` in the spend page's words: within the band, under or over it (the
    band wholly beyond one limit), or sometimes outside."""
    judged = band_assurance(result, *band)
    if judged == "consistently_fails":
        return "under" if result.limits[1] < band[0] else "over"
    return {"consistently_passes": "within", "hit_and_miss": "hit_and_miss"}.get(judged)


def _spc(series: pl.DataFrame, column: str, settings: Settings) -> SpcResult:
    """A period with nothing paid or planned is a zero on the chart, not a gap."""
    return judge(series.with_columns(pl.col(column).fill_null(0.0)), column, Rules.of(settings))


def spend_charts(
    monthly: pl.DataFrame, quarterly: pl.DataFrame, policy: Policy, settings: Settings
) -> tuple[dict[str, SpendChart], pl.DataFrame, list[str]]:  # fmt: skip
    """SPC charts of utilisation (judged against the band) and of spend, at the finest safe grain,
    with the protected series table and the plain-language readings."""
    band = tuple(settings.budget_band)
    grain, series, note = disclosure.series_grain(
        monthly, quarterly, policy, denominator="fewest_people"
    )
    table = protect_amounts(
        (series if series is not None else monthly.clear()).drop("fewest_people"),
        policy,
        counts=["people", "plan_people"],
        amounts={"spend": ["people"], "budget": ["plan_people"]},
        shares={"utilisation": ["people", "plan_people"]},
    )
    if series is None or series.filter(pl.col("utilisation").is_not_null()).height == 0:
        empty = SpendChart(None, None, note or t("spend.no_series"), "series", note)
        return {"utilisation": empty, "spend": empty}, table, [note or t("spend.no_series")]
    periods = t(f"spend.periods_{grain}")
    util = _spc(series, "utilisation", settings)
    money = _spc(series, "spend", settings)
    dates = series["period"].to_list()
    fig_u = spc_figure(util, title=t("spend.chart_utilisation_title"), y_title=t(
        "spend.chart_utilisation_axis"), dates=dates, x_title=t(f"spend.axis_{grain}"))  # fmt: skip
    fig_u.add_hrect(
        y0=band[0], y1=band[1], line_width=0, fillcolor=colour("target"), opacity=0.08,
        annotation_text=t("spend.band_label", low=band[0], high=band[1]),
        annotation_position="top left",
    )  # fmt: skip
    fig_s = spc_figure(money, title=t("spend.chart_spend_title"), y_title=t(
        "spend.chart_spend_axis"), dates=dates, percent=False, x_title=t(f"spend.axis_{grain}"))  # fmt: skip
    judged = band_judgement(util, band)
    readings = [
        reading(util, t("spend.measure_utilisation"), "%", periods),
        reading(money, t("spend.measure_spend"), "", periods),
    ]
    if judged:
        readings.append(t(f"spend.band_{judged}", low=band[0], high=band[1]))
    if any(series["provisional"]):
        readings.append(t("spend.provisional_points", lag=settings.run_out_lag_weeks))
    alt_u = t("spend.alt_utilisation", n=series.height, periods=periods,
              centre=format_value(util.centre, "%"), low=band[0], high=band[1])  # fmt: skip
    alt_s = t("spend.alt_spend", n=series.height, periods=periods,
              centre=format_value(money.centre, ""))  # fmt: skip
    charts = {
        "utilisation": SpendChart(fig_u, util, alt_u, "series", note),
        "spend": SpendChart(fig_s, money, alt_s, "series", note),
    }
    return charts, table, readings


# --- the page -------------------------------------------------------------------------------------


def _money(value: Any) -> str:
    amount = float(value)
    return t("spend.money_negative" if amount < 0 else "spend.money", value=abs(amount))


def _summary_sentences(summary: dict, view: View, provisional: bool, lag: int) -> list[str]:
    """Plain-language lines for a board, from the protected total row (a hidden figure says so)."""
    out = []
    if summary["spend"] is None or summary["budget"] is None:
        return [t("spend.summary_hidden")]
    util = summary["utilisation"]
    out.append(
        t(
            "spend.summary_utilisation",
            partnership=view.partnership,
            period=view.period,
            spend=_money(summary["spend"]),
            budget=_money(summary["budget"]),
            utilisation=t("spend.not_computable") if util is None else f"{util:.1%}",
        )  # fmt: skip
    )
    if provisional:
        out.append(t("spend.summary_provisional", lag=lag))
    if summary["recoveries"] is not None:
        out.append(t("spend.summary_recoveries", recoveries=_money(-summary["recoveries"]),
                     payments=_money(summary["payments"])))  # fmt: skip
    kinds = [summary[k] for k in ("on_contract_gbp", "spot_gbp", "direct_payment_gbp")]
    if all(k is not None for k in kinds):
        out.append(t("spend.summary_kinds", on_contract=_money(kinds[0]), spot=_money(kinds[1]),
                     direct=_money(kinds[2])))  # fmt: skip
    if summary["budget_gaps"]:
        out.append(t("spend.summary_budget_gaps", n=summary["budget_gaps"]))
    elif summary["budget_gaps__suppressed"]:
        out.append(t("spend.summary_budget_gaps_hidden"))
    return out


def _spot_sentence(table: pl.DataFrame, breakdown: str) -> str | None:
    """Where the largest shown share of spot spend sits (not for providers: never ranked)."""
    rows = table.filter(~pl.col(TOTAL), pl.col("share_of_all_spot").is_not_null())
    if not rows.height or breakdown in PROVIDER_BREAKDOWNS:
        return None
    top = rows.sort("share_of_all_spot", descending=True).row(0, named=True)
    if not top["share_of_all_spot"]:
        return None
    return t(f"spend.spot_top_{breakdown}", group=top["group"], share=top["share_of_all_spot"])


def _hours_sentence(hours: pl.DataFrame) -> str | None:
    total = hours.filter(pl.col(TOTAL)).row(0, named=True)
    if total["hours_ratio"] is None or total["cost_per_hour"] is None:
        return None
    return t("spend.summary_hours", ratio=total["hours_ratio"], cost=_money(total["cost_per_hour"]))


def build(
    export: Export,
    settings: Settings,
    view: View,
) -> PageData:
    """Spend against planned budget, spot purchasing, hours, value and the monthly SPC charts."""
    policy = policy_for(settings)
    page = PageData("spend", view)
    page.definitions = [(t(f"spend.def_{k}_term"), t(f"spend.def_{k}")) for k in DEFINITIONS]
    if not export.usable("budget_spend") or not export.usable("support_plans"):
        page.sentences.append(t("spend.unusable"))
        return page
    con = export.cursor()
    common = {"partnership": view.partnership, "filters": view.filters}
    lag = settings.run_out_lag_weeks
    figs = spend_figures(
        con, periods=[view.p], breakdowns=("all", *BREAKDOWNS, "paid_provider"), **common
    )
    providers = provider_universe(con, view.partnership)
    for b in BREAKDOWNS:
        page.tables[f"spend_by_{b}"] = spend_table(figs, b, policy, providers)
    for b in SPOT_BREAKDOWNS:
        page.tables[f"spot_by_{b.removeprefix('paid_')}"] = spot_table(figs, b, policy, providers)
    page.tables["hours"] = hours_table(figs, policy)
    outcomes = value_outcomes(con, view.partnership, view.p, VALUE_BREAKDOWNS, view.filters)
    for b, counted in outcomes.items():
        page.tables[f"value_by_{b}"] = value_table(figs, counted, b, policy)
    months, quarters = series_periods(view.p, export.extract_date, settings.series_months)
    both = spend_series(con, periods=[*months, *quarters], **common)
    monthly, quarterly = (
        series_table(part, ps, export.extract_date, lag)
        for part, ps in zip(
            split_periods(both, len(months), len(quarters)), (months, quarters), strict=True
        )
    )
    page.charts, page.tables["series"], readings = spend_charts(
        monthly, quarterly, policy, settings
    )
    summary = page.tables["spend_by_locality"].filter(pl.col(TOTAL)).row(0, named=True)
    provisional = is_provisional(view.p.end, export.extract_date, lag)
    page.sentences += _summary_sentences(summary, view, provisional, lag)
    page.sentences += [s for s in (_spot_sentence(page.tables["spot_by_locality"], "locality"),
                                   _hours_sentence(page.tables["hours"])) if s]  # fmt: skip
    page.sentences += readings
    page.sentences.append(t("spend.contribution"))
    return page


DEFINITIONS = ("spend", "recoveries", "kinds", "utilisation", "budget_gap", "spot_share",
               "hours", "cost_per_hour", "weekly_cost", "attainment_interval", "provisional",
               "people", "contribution")  # fmt: skip
