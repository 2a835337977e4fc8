"""Reablement: the stepped goals set in reablement plans, how many were met within the reablement
period, and what followed the plan (no further support, a smaller package, the same or larger),
by locality for P and month by month for SPC. Counted by queries/outcomes_reablement.sql;
defined in docs/outcomes.md.
"""

from __future__ import annotations

import duckdb
import polars as pl

from dashboard.core.disclosure import Policy, protect
from dashboard.core.page import NO_FILTERS, Filters, View
from dashboard.core.periods import Period, period_params
from dashboard.core.query import run
from dashboard.core.settings import Settings
from dashboard.core.strings import t
from dashboard.extract.export import Export
from dashboard.outcomes.attainment import label_periods

FOLLOWED = ("followed_none", "followed_smaller", "followed_same_or_larger", "ended_otherwise")
COUNTS = ("plans_ended", "goals", "goals_met", *FOLLOWED)


def reablement_counts(
    con: duckdb.DuckDBPyConnection,
    *,
    partnerships: list[str],
    periods: list[Period],
    extract,
    follow_days: int,
    filters: Filters = NO_FILTERS,
) -> pl.DataFrame:
    """Reablement plans ended, goals, goals met and what followed, per partnership × period ×
    locality (a locality with no plan ending is absent)."""
    df = run(con, "outcomes_reablement", partnerships=partnerships, extract=extract,
             follow_days=follow_days, **period_params(periods), **filters.params())  # fmt: skip
    return label_periods(df.with_columns(pl.col("p").cast(pl.Int64)), periods)


def _rates(df: pl.DataFrame) -> pl.DataFrame:
    return df.with_columns(
        (pl.col("goals_met") / pl.col("goals")).alias("goals_met_rate"),
        *((pl.col(f) / pl.col("plans_ended")).alias(f"{f}_rate") for f in FOLLOWED),
    ).with_columns(pl.col(f"{f}_rate").fill_nan(None) for f in ("goals_met", *FOLLOWED))


def _protect(frame: pl.DataFrame, policy: Policy, total_flag: str | None) -> pl.DataFrame:
    return protect(
        frame,
        policy,
        counts=list(COUNTS),
        rates={"goals_met_rate": ("goals_met", "goals")}
        | {f"{f}_rate": (f, "plans_ended") for f in FOLLOWED},
        parts={"plans_ended": list(FOLLOWED)},
        total_flag=total_flag,
    )


def locality_table(export: Export, settings: Settings, view: View, policy: Policy) -> pl.DataFrame:
    """P by locality with the partnership's total: plans ended, goals met and what followed."""
    df = reablement_counts(export.cursor(), partnerships=[view.partnership], periods=[view.p],
                           extract=export.extract_date, filters=view.filters,
                           follow_days=settings.reablement_follow_days)  # fmt: skip
    counts = df.select("locality", *COUNTS).sort("locality")
    total = counts.select(pl.lit(t("web.all")).alias("locality"),
                          *(pl.col(c).sum().cast(pl.Int64) for c in COUNTS))  # fmt: skip
    both = pl.concat([counts.with_columns(pl.col(c).cast(pl.Int64) for c in COUNTS), total])
    both = both.with_columns(is_total=pl.Series([False] * counts.height + [True]))
    return _protect(_rates(both), policy, "is_total")


def monthly(export: Export, settings: Settings, view: View, periods: list[Period]) -> pl.DataFrame:
    """The partnership's counts and rates in each period (zeros where no plan ended): the series
    the page judges with SPC; exact, so the page protects what it shows."""
    df = reablement_counts(export.cursor(), partnerships=[view.partnership], periods=periods,
                           extract=export.extract_date, filters=view.filters,
                           follow_days=settings.reablement_follow_days)  # fmt: skip
    summed = df.group_by("p").agg(pl.col(c).sum().cast(pl.Int64) for c in COUNTS)
    grid = pl.DataFrame({"p": list(range(1, len(periods) + 1))}, schema={"p": pl.Int64})
    full = grid.join(summed, on="p", how="left").with_columns(
        pl.col(c).fill_null(0) for c in COUNTS
    )
    return _rates(label_periods(full, periods)).sort("p")


def series_table(frame: pl.DataFrame, measure: str, numerator: str, denominator: str,
                 policy: Policy) -> pl.DataFrame:  # fmt: skip
    """The table behind one reablement SPC chart: each period's counts and the rate."""
    return protect(frame.select("period", numerator, denominator, measure), policy,
                   counts=[numerator, denominator],
                   rates={measure: (numerator, denominator)})  # fmt: skip
