"""Emerging needs signals: every cell of the partnership counted (SQL in `queries/emerging_*.sql`),
judged as one family, ranked, and put through disclosure control for the page and `dashboard
emerging` (cli.md's JSON).

metrics.md ("Emerging needs") asks for signals that come early without false alarms. Every cell
(locality × client group; locality × domain for outcomes set) is judged over the latest four
financial quarters before the as-at date and all the history the export holds before them (up to
`emerging.history_quarters`) in two ways: an exact rate test of the latest four quarters against the
history, with Benjamini–Hochberg across the cells Tarone's filter keeps, and the SPC special-cause
rules on its quarterly series (`stats`). The rising cells that do not pass are the watch list. Why
these choices: docs/emerging.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import duckdb
import polars as pl

from dashboard.core import disclosure, query
from dashboard.core.disclosure import Policy
from dashboard.core.periods import Period
from dashboard.core.settings import DEFAULTS, Settings
from dashboard.emerging.demography import quarter_bases
from dashboard.emerging.stats import (
    KEYS,
    MEASURES,
    PER,
    PER_YEAR,
    RECENT_QUARTERS,
    SHARE_MEASURE,
    area_rises,
    cell_spc,
    cells,
    discrete_bh,
    quarter_window,
    rate_test,
    smallest_p_value,
    spc_rise,
)

# Figures worked out from a signal's counts: hidden with them, as they would give them away.
DERIVED = ("rate_ratio", "ci_low", "ci_high", "recent_per_1000", "before_per_1000",
           "before_per_year", "expected", "p_value", "q_value")  # fmt: skip
WATCH_MAX = 10  # cli.md: the watch list holds at most ten cells


@dataclass(frozen=True)
class Thresholds:
    """What makes a cell a signal: the false discovery rate, the smallest rate ratio worth calling,
    the SPC run and trend lengths, and the smallest cell mean SPC is trusted on. One value, so the
    page, the command line and the JSON judge with the same settings."""

    fdr: float = DEFAULTS.emerging_fdr
    min_ratio: float = DEFAULTS.emerging_min_ratio
    trend_len: int = DEFAULTS.spc_trend_len
    run_len: int = DEFAULTS.spc_run_len
    spc_min_mean: float = DEFAULTS.emerging_spc_min_mean
    history: int = DEFAULTS.emerging_history_quarters

    @classmethod
    def of(cls, settings: Settings) -> Thresholds:
        return cls(settings.emerging_fdr, settings.emerging_min_ratio, settings.spc_trend_len,
                   settings.spc_run_len, settings.emerging_spc_min_mean,
                   settings.emerging_history_quarters)  # fmt: skip


def area_table(con: duckdb.DuckDBPyConnection, partnership: str) -> pl.DataFrame:
    """Every area of the partnership with its locality and populations: the cells' rate bases."""
    return query.run(con, "emerging_areas", partnership=partnership)


def event_counts(
    con: duckdb.DuckDBPyConnection,
    partnership: str,
    quarters: Sequence[Period],
    measures: Sequence[str] = MEASURES,
) -> pl.DataFrame:
    """measure, locality, area_code, grp, q (0 = oldest quarter), n: one SQL query for all cells."""
    counts = query.run(
        con,
        "emerging_counts",
        partnership=partnership,
        first=quarters[0].start,
        stop=quarters[-1].end_exclusive,
    )
    return counts.filter(pl.col("measure").is_in(list(measures)))


@dataclass(frozen=True)
class Emerging:
    """Everything behind the signals, exact (before disclosure control)."""

    as_at: date
    quarters: tuple[Period, ...]
    cells: pl.DataFrame  # every cell, with its test and SPC figures
    signals: pl.DataFrame  # the emerging ones, ranked
    watch: pl.DataFrame  # rising but not conclusive, smallest p-value first
    areas: pl.DataFrame  # every area of the partnership
    area_counts: pl.DataFrame  # measure, locality, grp, area_code, recent, before, excess
    populations: pl.DataFrame  # area_populations rows of the partnership (none: areas' figures)


def _judge(cell_frame: pl.DataFrame, fdr: float, trend_len: int, run_len: int) -> pl.DataFrame:
    rows = []
    for cell in cell_frame.iter_rows(named=True):
        test = rate_test(
            cell["recent"], cell["before"], cell["exposure_recent"], cell["exposure_before"]
        )
        rows.append(
            {
                "rate_ratio": test.rate_ratio if test else None,
                "ci_low": test.ci_low if test else None,
                "ci_high": test.ci_high if test else None,
                "p_value": test.p_value if test else None,
                "smallest_p": smallest_p_value(
                    cell["recent"] + cell["before"],
                    cell["exposure_recent"] / (cell["exposure_recent"] + cell["exposure_before"]),
                )
                if test
                else None,
                "spc_rise": spc_rise(cell_spc(cell["rates"], trend_len, run_len)),
            }
        )
    schema = {"rate_ratio": pl.Float64, "ci_low": pl.Float64, "ci_high": pl.Float64,
              "p_value": pl.Float64, "smallest_p": pl.Float64, "spc_rise": pl.Boolean}  # fmt: skip
    judged = cell_frame.hstack(pl.DataFrame(rows, schema=schema))
    tested = judged.filter(pl.col("p_value").is_not_null())
    adjusted = iter(discrete_bh(tested["p_value"].to_list(), tested["smallest_p"].to_list(), fdr))
    q_values = [None if p is None else next(adjusted) for p in judged["p_value"].to_list()]
    return judged.with_columns(
        pl.Series("q_value", q_values, dtype=pl.Float64),
        in_family=pl.Series([q is not None for q in q_values], dtype=pl.Boolean),
    )


def _rising(min_ratio: float) -> pl.Expr:
    """Tested, and a rate ratio of at least the minimum (an infinite one counts)."""
    return pl.col("p_value").is_not_null() & (
        pl.col("rate_ratio").is_null() | (pl.col("rate_ratio") >= min_ratio)
    )


def _dressed(frame: pl.DataFrame, area_counts: pl.DataFrame) -> pl.DataFrame:
    """A cell's figures for a reader: rates per 1,000 a year (a share per 1,000 for outcomes set),
    events a year before, the count expected in the latest four quarters had nothing changed, and
    the areas where the rise is."""
    rising = (
        area_counts.filter(pl.col("excess") > 0)
        .sort(["excess", "area_code"], descending=[True, False])
        .group_by(KEYS, maintain_order=True)
        .agg(areas=pl.col("area_code"))
    )
    a_year = pl.when(pl.col("measure") == SHARE_MEASURE).then(1).otherwise(PER_YEAR)
    return (
        frame.with_columns(
            recent_per_1000=pl.col("recent") / pl.col("exposure_recent") * PER * a_year,
            before_per_1000=pl.col("before") / pl.col("exposure_before") * PER * a_year,
            before_per_year=pl.col("before") / pl.col("before_quarters") * PER_YEAR,
            expected=pl.col("before") * pl.col("exposure_recent") / pl.col("exposure_before"),
            signal=pl.concat_str(KEYS, separator="|"),
        )
        .join(rising, on=KEYS, how="left")
        .with_columns(pl.col("areas").fill_null([]))
    )


def _ranked_signals(
    judged: pl.DataFrame,
    area_counts: pl.DataFrame,
    fdr: float,
    min_ratio: float,
    spc_min_mean: float,
) -> pl.DataFrame:
    """Cells that rose by the rate test (Tarone-filtered BH at `fdr`) or by SPC (an upward special
    cause on a cell big enough for XmR, borne out by the counts at `fdr` ÷ the number of such
    cells: Bonferroni, so SPC adds at most `fdr` false signals a partnership in expectation;
    docs/emerging.md), either way by at least `min_ratio`."""
    big_enough = _rising(min_ratio)
    by_test = big_enough & pl.col("q_value").is_not_null() & (pl.col("q_value") <= fdr)
    spc_cell = pl.col("p_value").is_not_null() & (
        pl.col("before") >= spc_min_mean * pl.col("before_quarters")
    )
    by_spc = (
        big_enough
        & pl.col("spc_rise")
        & spc_cell
        & (pl.col("p_value") <= fdr / spc_cell.sum().clip(lower_bound=1))
    )
    reason = (
        pl.when(by_test & by_spc)
        .then(pl.lit("rate_test+spc"))
        .when(by_test)
        .then(pl.lit("rate_test"))
        .otherwise(pl.lit("spc"))
    )
    return _dressed(judged.filter(by_test | by_spc).with_columns(reason=reason), area_counts).sort(
        ["ci_low", "rate_ratio", "measure", "locality", "grp"],
        descending=[True, True, False, False, False],
        nulls_last=False,
    )


def watch_list(
    judged: pl.DataFrame, signals: pl.DataFrame, area_counts: pl.DataFrame, min_ratio: float
) -> pl.DataFrame:
    """The cells rising by at least `min_ratio` that are not signals: worth watching, not yet
    conclusive. Smallest one-sided p-value first (the strongest evidence), at most WATCH_MAX."""
    waiting = (
        judged.filter(_rising(min_ratio))
        .join(signals.select(KEYS), on=KEYS, how="anti")
        .sort(["p_value", "measure", "locality", "grp"])
        .head(WATCH_MAX)
        .with_columns(reason=pl.lit(None, dtype=pl.String))
    )
    return _dressed(waiting, area_counts)


def find_signals(
    cell_frame: pl.DataFrame, area_counts: pl.DataFrame, thresholds: Thresholds = Thresholds()
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Every cell with its test and SPC figures, the emerging ones ranked, and the watch list."""
    th = thresholds
    judged = _judge(cell_frame, th.fdr, th.trend_len, th.run_len)
    signals = _ranked_signals(judged, area_counts, th.fdr, th.min_ratio, th.spc_min_mean)
    return judged, signals, watch_list(judged, signals, area_counts, th.min_ratio)


def emerging(
    con: duckdb.DuckDBPyConnection,
    *,
    partnership: str,
    as_at: date,
    thresholds: Thresholds = Thresholds(),
    measures: Sequence[str] = MEASURES,
) -> Emerging:
    """Every cell of the partnership judged as one family, so the false-alarm control does not
    depend on which slice a reader looks at."""
    quarters = quarter_window(as_at, thresholds.history)
    areas = area_table(con, partnership)
    counts = event_counts(con, partnership, quarters, measures)
    populations = query.run(con, "emerging_populations", partnership=partnership)
    bases = quarter_bases(areas, populations, quarters) if populations.height else None
    cell_frame = cells(counts, areas, len(quarters), bases)
    area_counts = area_rises(counts, cell_frame, len(quarters))
    judged, signals, watch = find_signals(cell_frame, area_counts, thresholds)
    return Emerging(as_at, quarters, judged, signals, watch, areas, area_counts, populations)


def history_range(found: Emerging) -> tuple[Period, Period, int]:
    """The first and last quarter before the latest four that some measure is judged against, and
    how many quarters that is (each measure's own history starts where the export holds it)."""
    q = found.quarters
    first = int(found.cells["first_q"].min()) if found.cells.height else 0  # type: ignore[arg-type]
    last = len(q) - RECENT_QUARTERS - 1
    return q[min(first, last)], q[last], max(last + 1 - first, 0)


SIGNAL_COLUMNS = ["signal", "locality", "grp", "measure", "rate_ratio", "ci_low", "ci_high",
                  "recent", "before", "reason", "areas", "recent_per_1000", "before_per_1000",
                  "before_per_year", "expected", "base", "p_value", "q_value"]  # fmt: skip


def protect_signals(signals: pl.DataFrame, policy: Policy) -> pl.DataFrame:
    """Counts through disclosure control; a signal whose counts are hidden keeps its place with
    its ratio, interval, rates and p-values hidden too (each would let the counts be worked out)."""
    out = disclosure.protect(signals.select(SIGNAL_COLUMNS), policy, counts=["recent", "before"])
    hidden = pl.col(disclosure.flag("recent")) | pl.col(disclosure.flag("before"))
    return out.with_columns(
        pl.when(hidden).then(None).otherwise(pl.col(c)).alias(c) for c in DERIVED
    )


def signal_records(protected: pl.DataFrame) -> list[dict]:
    """cli.md's signal objects: `domain` in place of `client_group` for outcomes set."""
    records = []
    for row in disclosure.to_records(protected.drop("signal")):
        group = row.pop("grp")
        name = "domain" if row["measure"] == SHARE_MEASURE else "client_group"
        first = {"locality": row.pop("locality"), name: group}
        records.append(first | row)
    return records


def emerging_json(
    con: duckdb.DuckDBPyConnection,
    *,
    partnership: str,
    as_at: date,
    policy: Policy,
    thresholds: Thresholds = Thresholds(),
    measures: Sequence[str] = MEASURES,
) -> dict:
    """`dashboard emerging --as-at D`: the cli.md JSON, signals ranked by the interval's low end."""
    found = emerging(
        con, partnership=partnership, as_at=as_at, thresholds=thresholds, measures=measures
    )
    q = found.quarters
    first, last, _ = history_range(found)
    return {
        "as_at": as_at.isoformat(),
        "partnership": partnership,
        "recent": [q[-RECENT_QUARTERS].label, q[-1].label],
        "before": [first.label, last.label],
        "before_quarters": {
            m: n
            for m, n in found.cells.group_by("measure")
            .agg(pl.col("before_quarters").first())
            .sort("measure")
            .iter_rows()
        },
        "false_discovery_rate": thresholds.fdr,
        "min_rate_ratio": thresholds.min_ratio,
        "cells_tested": found.cells["p_value"].drop_nulls().len(),
        "cells_in_family": int(found.cells["in_family"].sum()),
        "signals": signal_records(protect_signals(found.signals, policy)),
        "watch": signal_records(protect_signals(found.watch, policy)),
        "populations_by_year": bool(found.populations.height),
    }
