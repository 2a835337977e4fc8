"""The local indicators for the nine national outcomes (metrics.md table): their values, their
comparisons (year earlier, peer average, target, gap) and their monthly series.

Each indicator's counting is one SQL file, named below where it is run, over every partnership and
period it is needed for at once, so the home figure, its year earlier, the peers and a series all
come from the same code. Budget utilisation reads the spend wing's own definition
(queries/spend_budget_utilisation.sql), the one the spend page's SPC series reads.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from pathlib import Path

import duckdb
import polars as pl

from dashboard.core.framework import load_framework
from dashboard.core.page import NO_FILTERS, Filters
from dashboard.core.parallel import side_by_side
from dashboard.core.periods import (
    Period,
    as_at_or_end,
    months_in,
    period_params,
    year_back,
    year_earlier,
)
from dashboard.core.query import run
from dashboard.core.ratio import rate
from dashboard.core.settings import DEFAULTS
from dashboard.outcomes.attainment import attainments, complete, label_periods
from dashboard.outcomes.peers import benchmark_average, comparators_for, peer_average

DEFAULT_INTENSIVE_MIN_HOURS = 10.0  # weekly hours at home that make needs "intensive"
GAP_ID = "no5_deprivation_gap"
DEFAULT_GAP_TARGET = 0.0  # metrics.md: the gap is judged against 0 unless a target is set
ATTAINMENT_IDS = {f"no{n}_attainment": str(n) for n in (1, 2, 3, 4, 6, 7)}
SPEND_IDS = ("no9_budget_utilisation", "no9_on_contract_spend")
# Indicators that are a count of people or plans over another: protected as counts and a rate.
COUNT_IDS = ("no2_intensive_at_home", "no3_choice_control", "no8_graded_good",
             "no8_staffing_handbacks")  # fmt: skip
QUERY_THREADS = 3  # the indicator queries run on this many threads: more only queue on the cores
LONG_SCHEMA = {
    "partnership": pl.String,
    "p": pl.Int64,
    "indicator_id": pl.String,
    "value": pl.Float64,
    "numerator": pl.Float64,
    "denominator": pl.Float64,
    "data_gap": pl.Int64,
    "smallest_count": pl.Float64,
}


def _smallest(*counts: str) -> pl.Expr:
    """The smallest positive count a figure rests on (a count of 0 may be shown), for disclosure."""
    positive = [pl.when(pl.col(c) > 0).then(pl.col(c).cast(pl.Float64)) for c in counts]
    return pl.min_horizontal(positive)


def _attainment_rows(df: pl.DataFrame) -> pl.DataFrame:
    ids = {grp: i for i, grp in ATTAINMENT_IDS.items()}
    return (
        df.filter(pl.col("grp").is_in(list(ids)))
        .with_columns(
            not_met_or_partly=pl.col("denominator") - pl.col("met"),
            indicator_id=pl.col("grp").replace_strict(ids),
        )
        .select(
            "partnership",
            "p",
            "indicator_id",
            pl.col("rate").alias("value"),
            pl.col("met").alias("numerator"),
            "denominator",
            pl.lit(0).alias("data_gap"),
            _smallest("met", "denominator", "not_met_or_partly").alias("smallest_count"),
        )
    )


def _gap_rows(df: pl.DataFrame) -> pl.DataFrame:
    """Deciles 9–10 rate − deciles 1–2 rate, in percentage points; null if either has no outcome."""
    groups = df.with_columns(other=pl.col("denominator") - pl.col("met"))
    most = groups.filter(pl.col("grp") == "deciles_1_2")
    least = groups.filter(pl.col("grp") == "deciles_9_10")
    both = most.join(least, on=["partnership", "p"], suffix="_least")
    counts = ["met", "denominator", "other", "met_least", "denominator_least", "other_least"]
    return both.select(
        "partnership",
        "p",
        pl.lit(GAP_ID).alias("indicator_id"),
        ((pl.col("rate_least") - pl.col("rate")) * 100).alias("value"),
        pl.lit(None).alias("numerator"),
        pl.lit(None).alias("denominator"),
        pl.lit(0).alias("data_gap"),
        _smallest(*counts).alias("smallest_count"),
    )


def _indicator_rows(
    indicator_id: str, df: pl.DataFrame, partnerships: list[str], n: int
) -> pl.DataFrame:
    """One indicator's query rows completed to every partnership × period, in the long shape."""
    df = df.with_columns(pl.col("p").cast(pl.Int64), grp=pl.lit("all"))
    if "value" not in df.columns:
        df = df.with_columns(rate("numerator", "denominator").alias("value"))
    counts = ("numerator", "denominator", "data_gap")
    grid = complete(
        df.with_columns(pl.col(c).cast(pl.Float64) for c in counts),
        partnerships,
        n,
        ("all",),
        counts,
    )
    is_count = indicator_id not in SPEND_IDS
    return grid.with_columns(
        pl.lit(indicator_id).alias("indicator_id"),
        (pl.col("denominator") - pl.col("numerator")).alias("complement"),
    ).select(
        "partnership",
        "p",
        "indicator_id",
        "value",
        "numerator",
        "denominator",
        "data_gap",
        (_smallest("numerator", "denominator", "complement") if is_count else pl.lit(None)).alias(
            "smallest_count"
        ),
    )


def _budget_utilisation(
    con: duckdb.DuckDBPyConnection, partnerships: list[str], periods: list[Period], filters: Filters
) -> pl.DataFrame:
    """Spend ÷ planned budget, from the definition the spend page's series shares; the budget
    gaps are its data gap, and no people are counted (the indicator is not hidden by them)."""
    df = run(con, "spend_budget_utilisation", partnerships=partnerships,
             **period_params(periods), count_people=False, **filters.params())  # fmt: skip
    return df.select(
        "partnership",
        "p",
        pl.col("spend").alias("numerator"),
        pl.col("budget").alias("denominator"),
        pl.col("budget_gaps").alias("data_gap"),
    )


def _queried(
    con: duckdb.DuckDBPyConnection,
    partnerships: list[str],
    periods: list[Period],
    as_ats: list[date],
    filters: Filters,
    min_hours: float,
) -> dict[str, pl.DataFrame]:
    """The six indicators counted by their own queries, per indicator id. They are independent,
    so they run side by side, each on its own cursor, which halves a page's wait."""
    who = {"partnerships": partnerships, **filters.params()}
    window = period_params(periods)
    ids_and_calls = {
        "no2_intensive_at_home": lambda: run(
            con.cursor(), "indicator_intensive_at_home", as_ats=as_ats, min_hours=min_hours, **who
        ),
        "no3_choice_control": lambda: run(
            con.cursor(), "indicator_choice_control", as_ats=as_ats, **who
        ),
        "no8_graded_good": lambda: run(con.cursor(), "indicator_graded_good", as_ats=as_ats, **who),
        "no8_staffing_handbacks": lambda: run(
            con.cursor(), "indicator_staffing_handbacks", as_ats=as_ats, **window, **who
        ),
        "no9_budget_utilisation": lambda: _budget_utilisation(
            con.cursor(), partnerships, periods, filters
        ),
        "no9_on_contract_spend": lambda: run(
            con.cursor(), "indicator_on_contract_spend", **window, **who
        ),
    }
    results = side_by_side(*ids_and_calls.values(), threads=QUERY_THREADS)
    return dict(zip(ids_and_calls, results, strict=True))


def indicator_values(
    con: duckdb.DuckDBPyConnection,
    *,
    partnerships: list[str],
    periods: list[Period],
    as_ats: list[date],
    filters: Filters = NO_FILTERS,
    framework_file: Path = DEFAULTS.framework_file,
    min_hours: float = DEFAULT_INTENSIVE_MIN_HOURS,
) -> pl.DataFrame:
    """Every indicator for every partnership × period (end-of-P snapshots at as_ats[i]), long.

    Columns: partnership, p, indicator_id, value, numerator, denominator, data_gap,
    smallest_count (the smallest positive count the value rests on, for disclosure control).
    """
    common = {"partnerships": partnerships, "periods": periods, "filters": filters}
    counted = attainments(
        con, **common, bys=("national_outcome", "deprivation_group"), framework_file=framework_file
    )
    by_outcome, by_group = counted["national_outcome"], counted["deprivation_group"]
    queried = _queried(con, partnerships, periods, as_ats, filters, min_hours)
    rows = [_indicator_rows(i, df, partnerships, len(periods)) for i, df in queried.items()]
    parts = [_attainment_rows(by_outcome), _gap_rows(by_group), *rows]
    long = pl.concat([df.cast(LONG_SCHEMA).select(list(LONG_SCHEMA)) for df in parts])
    order = {ind.id: n for n, ind in enumerate(load_framework(framework_file).indicators)}
    return long.sort(
        pl.col("partnership"), pl.col("p"), pl.col("indicator_id").replace_strict(order)
    )


def is_provisional(period_end: date, extract_date: date | None, lag_weeks: int) -> bool:
    """Spend for a period ending less than the run-out lag before the extract is still arriving."""
    return extract_date is not None and extract_date - period_end < timedelta(weeks=lag_weeks)


def indicator_table(
    con: duckdb.DuckDBPyConnection,
    *,
    partnership: str,
    period: Period,
    as_at: date | None = None,
    comparators: list[str] | None = None,
    targets: Mapping[str, float] | None = None,
    benchmark: pl.DataFrame | None = None,
    filters: Filters = NO_FILTERS,
    extract_date: date | None = None,
    lag_weeks: int = DEFAULTS.run_out_lag_weeks,
    framework_file: Path = DEFAULTS.framework_file,
    min_hours: float = DEFAULT_INTENSIVE_MIN_HOURS,
) -> pl.DataFrame:
    """One row per indicator (framework order) with its value, counts and comparisons.

    Year earlier: P shifted back 12 months, the as-at date back one year; null when that figure is
    undefined (nothing in its denominator). Peers: record-level comparators, or the benchmark file's
    published figures for P's label when one is given (peer_source then names where they came from).
    """
    snapshot = as_at_or_end(period, as_at)
    peers = comparators_for(con, partnership, comparators)
    values = indicator_values(
        con,
        partnerships=[partnership, *peers],
        periods=[period, year_earlier(period)],
        as_ats=[snapshot, year_back(snapshot)],
        filters=filters,
        framework_file=framework_file,
        min_hours=min_hours,
    )
    home = values.filter(pl.col("partnership") == partnership)
    earlier = home.filter(pl.col("p") == 2).select(
        "indicator_id",
        pl.col("value").alias("year_earlier"),
        pl.col("smallest_count").alias("year_earlier_smallest_count"),
    )
    peer = (
        benchmark_average(benchmark, period, partnership, comparators)
        if benchmark is not None
        else peer_average(values, peers)
    )
    framework = pl.DataFrame([vars(i) for i in load_framework(framework_file).indicators]).rename(
        {"id": "indicator_id"}
    )
    targets = dict(targets or {})
    targets.setdefault(GAP_ID, DEFAULT_GAP_TARGET)
    target = pl.col("indicator_id").replace_strict(targets, default=None, return_dtype=pl.Float64)
    provisional = is_provisional(period.end, extract_date, lag_weeks)
    return (
        framework.join(
            home.filter(pl.col("p") == 1).drop("partnership", "p"),
            on="indicator_id",
            how="left",
            maintain_order="left",
        )
        .join(earlier, on="indicator_id", how="left", maintain_order="left")
        .join(peer, on="indicator_id", how="left", maintain_order="left")
        .with_columns(target.alias("target"))
        .with_columns(
            pl.when(pl.col("indicator_id") == GAP_ID)
            .then(pl.col("value"))
            .otherwise(pl.col("value") - pl.col("target"))
            .alias("gap"),
            (pl.col("indicator_id").is_in(SPEND_IDS) & provisional).alias("provisional"),
        )
    )


def indicator_series(
    con: duckdb.DuckDBPyConnection,
    *,
    partnership: str,
    start: date,
    end: date,
    filters: Filters = NO_FILTERS,
    extract_date: date | None = None,
    lag_weeks: int = DEFAULTS.run_out_lag_weeks,
    framework_file: Path = DEFAULTS.framework_file,
    min_hours: float = DEFAULT_INTENSIVE_MIN_HOURS,
) -> pl.DataFrame:
    """Every indicator per month (end-of-P figures at the month's last day), with the SPC direction
    and, for spend, whether the month is still provisional."""
    months = months_in(start, end)
    values = indicator_values(
        con,
        partnerships=[partnership],
        periods=months,
        as_ats=[m.end for m in months],
        filters=filters,
        framework_file=framework_file,
        min_hours=min_hours,
    )
    framework = load_framework(framework_file)
    direction = {i.id: i.spc_direction for i in framework.indicators}
    good = {i.id: i.good_direction for i in framework.indicators}
    late = [
        n for n, m in enumerate(months, start=1) if is_provisional(m.end, extract_date, lag_weeks)
    ]
    return label_periods(values, months).with_columns(
        pl.col("indicator_id").replace_strict(direction).alias("spc_direction"),
        pl.col("indicator_id").replace_strict(good).alias("good_direction"),
        (pl.col("indicator_id").is_in(SPEND_IDS) & pl.col("p").is_in(late)).alias("provisional"),
    )
