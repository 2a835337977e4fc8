"""Who is being left behind, in figures: attainment, unmet need and SDS choice by deprivation,
rurality, age, sex and client group, each with its denominator and a 95 % interval so a board can
tell a real gap from chance (docs/evaluation.md). Counted through `queries/equity_*.sql` and the
attainment figures, then through disclosure control: an interval end is hidden with its rate.
"""

from __future__ import annotations

import polars as pl

from dashboard.core import disclosure, formats
from dashboard.core.disclosure import Policy
from dashboard.core.intervals import garwood, wilson
from dashboard.core.page import View
from dashboard.core.query import run
from dashboard.core.ratio import rate
from dashboard.core.settings import Settings
from dashboard.extract.export import Export
from dashboard.outcomes.attainment import attainments

EQUITY_BREAKDOWNS = ("deprivation_decile", "urban_rural", "age_band", "sex", "client_group")
PER = 1000  # unmet need is per 1,000 population
LABELLED_BREAKDOWNS = ("sex", "client_group")  # their groups are codes of the export
DEFAULT_GAP_MIN_DENOMINATOR = 10  # smaller groups are left out of the "largest gap" sentence


# --- intervals ------------------------------------------------------------------------------------


def with_rate_interval(
    df: pl.DataFrame, count: str, population: str, per: int = PER
) -> pl.DataFrame:
    """`per_1000` and its Garwood interval; null where there is no population to divide by."""
    bounds = [
        garwood(c, p / per) if p else (None, None)
        for c, p in zip(df[count].to_list(), df[population].to_list(), strict=True)
    ]
    return df.with_columns(
        (pl.col(count) / pl.col(population) * per).alias("per_1000"),
        pl.Series("per_1000_low", [b[0] for b in bounds], dtype=pl.Float64),
        pl.Series("per_1000_high", [b[1] for b in bounds], dtype=pl.Float64),
    )


def with_wilson(df: pl.DataFrame, numerator: str, denominator: str, name: str) -> pl.DataFrame:
    low, high = wilson(numerator, denominator)
    return df.with_columns(
        rate(numerator, denominator).alias(name),
        low.alias(f"{name}_low"),
        high.alias(f"{name}_high"),
    )


def interval_rates(name: str, numerator: str, denominator: str) -> dict[str, tuple[str, str]]:
    """A rate and its interval ends are hidden together: either end gives the rate away."""
    return {c: (numerator, denominator) for c in (name, f"{name}_low", f"{name}_high")}


# --- equity tables --------------------------------------------------------------------------------


def in_group_order(df: pl.DataFrame) -> pl.DataFrame:
    """Each breakdown's groups in their own order, deciles and classes 1, 2 … 10 rather than as
    text (1, 10, 2 …); breakdowns, and rows within a group, stay in the order they came."""
    first_seen = pl.col("_row").min().over("breakdown")
    numeric = pl.col("group").cast(pl.Int64, strict=False)
    return (
        df.with_row_index("_row")
        .sort(first_seen, numeric, pl.col("group"), nulls_last=True, maintain_order=True)
        .drop("_row")
    )


def attainment_table(
    export: Export, view: View, policy: Policy, settings: Settings
) -> pl.DataFrame:
    counted = attainments(
        export.cursor(),
        partnerships=[view.partnership],
        periods=[view.p],
        bys=EQUITY_BREAKDOWNS,
        filters=view.filters,
        framework_file=settings.framework_file,
    )
    frames = [
        counted[b].select(
            pl.lit(b).alias("breakdown"),
            pl.col("grp").alias("group"),
            "met",
            "denominator",
            "reviewed",
            "due",
        )
        for b in EQUITY_BREAKDOWNS
    ]
    df = with_wilson(pl.concat(frames), "met", "denominator", "rate")
    protected = disclosure.protect(
        df.with_columns(rate("reviewed", "due").alias("coverage")),
        policy,
        counts=["met", "denominator", "reviewed", "due"],
        rates={**interval_rates("rate", "met", "denominator"), "coverage": ("reviewed", "due")},
    )
    return in_group_order(protected)


def unmet_table(export: Export, view: View, policy: Policy) -> pl.DataFrame:
    df = run(
        export.cursor(), "equity_requests", partnership=view.partnership, start=view.p.start,
        end=view.p.end, locality=view.filters.locality, client_group=view.filters.client_group,
    ).rename({"grp": "group"})  # fmt: skip
    protected = disclosure.protect(
        with_rate_interval(df, "requests", "population"),
        policy,
        counts=["requests", "population"],
        rates=interval_rates("per_1000", "requests", "population"),
    )
    return in_group_order(protected)


def sds_mix_table(export: Export, view: View, policy: Policy) -> pl.DataFrame:
    df = run(
        export.cursor(), "equity_sds_mix", partnership=view.partnership, as_at=view.p.end,
        **view.filters.params(),
    ).rename({"grp": "group"})  # fmt: skip
    protected = disclosure.protect(
        with_wilson(df, "people_option", "people", "share"),
        policy,
        counts=["people_option", "people"],
        rates=interval_rates("share", "people_option", "people"),
    )
    return in_group_order(protected)


def labelled(df: pl.DataFrame) -> pl.DataFrame:
    """The `group` column in words for a reader (`not_known` → "Not known", `elderly_frail` →
    "Older people (frail)"); deciles and urban/rural classes stay numbers, their axis says
    which end is which."""
    words = formats.labels(df["group"].drop_nulls().unique().to_list())
    coded = pl.col("breakdown").is_in(LABELLED_BREAKDOWNS)
    return df.with_columns(
        pl.when(coded)
        .then(
            pl.col("group").replace_strict(words, default=pl.col("group"), return_dtype=pl.String)
        )
        .otherwise(pl.col("group"))
        .alias("group")
    )
