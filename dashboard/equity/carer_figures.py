"""Unpaid carers' own outcomes in figures: the attainment counts of every carer_* domain, summed
per period, with intervals and review coverage, through disclosure control. Counted by the
attainment figures (by domain), so the carers page and the outcome pages agree."""

from __future__ import annotations

from datetime import date

import polars as pl

from dashboard.core import disclosure
from dashboard.core.contract import CARER_DOMAINS
from dashboard.core.disclosure import Policy
from dashboard.core.periods import Period, window_start
from dashboard.core.ratio import rate
from dashboard.core.strings import t
from dashboard.equity.figures import interval_rates, with_wilson
from dashboard.outcomes.attainment import series_periods

COUNTS = ["met", "partly_met", "denominator", "due", "reviewed"]


def carer_counts(df: pl.DataFrame) -> pl.DataFrame:
    """Per period, the counts summed over the carer domains (each outcome has one domain)."""
    return (
        df.filter(pl.col("grp").is_in(CARER_DOMAINS))
        .group_by("p", "period", "period_start", "period_end")
        .agg(pl.col(c).sum() for c in COUNTS)
        .sort("p")
    )


def domain_table(domains: pl.DataFrame, policy: Policy) -> pl.DataFrame:
    """Every carer domain (none left out for having no outcomes) and their total, protected; the
    total row is flagged so disclosure control can keep it from giving a hidden domain away."""
    grid = pl.DataFrame({"grp": list(CARER_DOMAINS)})
    by_domain = grid.join(domains.select("grp", *COUNTS), on="grp", how="left").with_columns(
        pl.col(c).fill_null(0) for c in COUNTS
    )
    total = by_domain.select(pl.lit("all").alias("grp"), *(pl.col(c).sum() for c in COUNTS))
    table = pl.concat([by_domain, total.select(by_domain.columns)]).with_columns(
        pl.col("grp").replace_strict({d: t(f"evaluation.domain_{d}") for d in CARER_DOMAINS},
                                     default=t("evaluation.all_carer_domains")).alias("domain"),
        (pl.col("grp") == "all").alias("is_total"),
    )  # fmt: skip
    table = with_wilson(table, "met", "denominator", "rate").with_columns(
        rate("partly_met", "denominator").alias("partly_met_rate"),
        rate("reviewed", "due").alias("coverage"),
    )
    return disclosure.protect(
        table.select("domain", *COUNTS, "rate", "rate_low", "rate_high", "partly_met_rate",
                     "coverage", "is_total"),  # fmt: skip
        policy,
        counts=COUNTS,
        rates={**interval_rates("rate", "met", "denominator"),
               "partly_met_rate": ("partly_met", "denominator"), "coverage": ("reviewed", "due")},
        remainders={"denominator": ["met", "partly_met"]},  # not met = denominator − both
        total_flag="is_total",
    )  # fmt: skip


def trend_periods(end: date, months: int, policy: Policy) -> tuple[list[Period], list[Period]]:
    """The trend's months ending with P's month, and their quarters when a board may need them
    (disclosure falls back to quarters only under control)."""
    start = window_start(end, months)
    quarters = series_periods(start, end, "quarter") if policy.controlled else []
    return series_periods(start, end, "month"), quarters


def carer_series(counted: pl.DataFrame) -> pl.DataFrame:
    """The carers' attainment rate per period of `counted` (exact: protect before showing)."""
    return carer_counts(counted).with_columns(rate("met", "denominator").alias("rate"))


def protect_trend(shown: pl.DataFrame, policy: Policy) -> pl.DataFrame:
    """The trend's points as the audience may see them."""
    return disclosure.protect(
        shown.select("period", "met", "denominator", "rate"),
        policy,
        counts=["met", "denominator"],
        rates={"rate": ("met", "denominator")},
    )
