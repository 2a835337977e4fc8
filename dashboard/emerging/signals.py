"""Emerging needs signals: every cell of the partnership counted (SQL in `queries/emerging_*.sql`),
judged as one family, ranked, and put through disclosure control for the page and `dashboard
emerging` (cli.md's JSON).

metrics.md ("Emerging needs") asks for signals that come early without false alarms. Every cell
(locality × client group; locality × domain for outcomes set) is judged over the twelve financial
quarters before the as-at date in two ways: an exact rate test of the latest four quarters against
the eight before, with Benjamini–Hochberg across all the cells, and the SPC special-cause rules on
its quarterly series (`stats`). Why these choices: docs/emerging.md.
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
from dashboard.emerging.stats import (
    BEFORE_QUARTERS,
    KEYS,
    MEASURES,
    PER,
    SHARE_MEASURE,
    area_rises,
    benjamini_hochberg,
    cell_spc,
    cells,
    quarter_window,
    rate_test,
    spc_rise,
)

# Figures worked out from a signal's counts: hidden with them, as they would give them away.
DERIVED = ("rate_ratio", "ci_low", "ci_high", "recent_per_1000", "before_per_1000", "p_value",
           "q_value")  # fmt: skip


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

    @classmethod
    def of(cls, settings: Settings) -> Thresholds:
        return cls(settings.emerging_fdr, settings.emerging_min_ratio, settings.spc_trend_len,
                   settings.spc_run_len, settings.emerging_spc_min_mean)  # fmt: skip


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
    areas: pl.DataFrame  # every area of the partnership
    area_counts: pl.DataFrame  # measure, locality, grp, area_code, recent, before, excess


def _judge(cell_frame: pl.DataFrame, trend_len: int, run_len: int) -> pl.DataFrame:
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
                "spc_rise": spc_rise(cell_spc(cell["rates"], trend_len, run_len)),
            }
        )
    schema = {"rate_ratio": pl.Float64, "ci_low": pl.Float64, "ci_high": pl.Float64,
              "p_value": pl.Float64, "spc_rise": pl.Boolean}  # fmt: skip
    judged = cell_frame.hstack(pl.DataFrame(rows, schema=schema))
    tested = judged["p_value"].drop_nulls().to_list()
    adjusted = iter(benjamini_hochberg(tested))
    q_values = [None if p is None else next(adjusted) for p in judged["p_value"].to_list()]
    return judged.with_columns(pl.Series("q_value", q_values, dtype=pl.Float64))


def _ranked_signals(
    judged: pl.DataFrame,
    area_counts: pl.DataFrame,
    fdr: float,
    min_ratio: float,
    spc_min_mean: float,
) -> pl.DataFrame:
    """Cells that rose by the rate test (BH at `fdr`) or by SPC (an upward special cause on a cell
    big enough for XmR, borne out by the counts at `fdr` before correction), either way by at
    least `min_ratio`."""
    big_enough = pl.col("p_value").is_not_null() & (
        pl.col("rate_ratio").is_null() | (pl.col("rate_ratio") >= min_ratio)
    )
    by_test = big_enough & (pl.col("q_value") <= fdr)
    by_spc = (
        big_enough
        & pl.col("spc_rise")
        & (pl.col("p_value") <= fdr)
        & (pl.col("before") >= spc_min_mean * BEFORE_QUARTERS)
    )
    reason = (
        pl.when(by_test & by_spc)
        .then(pl.lit("rate_test+spc"))
        .when(by_test)
        .then(pl.lit("rate_test"))
        .otherwise(pl.lit("spc"))
    )
    rising = (
        area_counts.filter(pl.col("excess") > 0)
        .sort(["excess", "area_code"], descending=[True, False])
        .group_by(KEYS, maintain_order=True)
        .agg(areas=pl.col("area_code"))
    )
    window = pl.col("exposure_recent"), pl.col("exposure_before")
    return (
        judged.filter(by_test | by_spc)
        .with_columns(
            reason=reason,
            recent_per_1000=pl.col("recent") / window[0] * PER,
            before_per_1000=pl.col("before") / window[1] * PER,
            signal=pl.concat_str(KEYS, separator="|"),
        )
        .join(rising, on=KEYS, how="left")
        .with_columns(pl.col("areas").fill_null([]))
        .sort(
            ["ci_low", "rate_ratio", "measure", "locality", "grp"],
            descending=[True, True, False, False, False],
            nulls_last=False,
        )
    )


def find_signals(
    cell_frame: pl.DataFrame, area_counts: pl.DataFrame, thresholds: Thresholds = Thresholds()
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Every cell with its test and SPC figures, and the emerging ones ranked."""
    th = thresholds
    judged = _judge(cell_frame, th.trend_len, th.run_len)
    return judged, _ranked_signals(judged, area_counts, th.fdr, th.min_ratio, th.spc_min_mean)


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
    quarters = quarter_window(as_at)
    areas = area_table(con, partnership)
    counts = event_counts(con, partnership, quarters, measures)
    cell_frame = cells(counts, areas)
    area_counts = area_rises(counts, cell_frame)
    judged, signals = find_signals(cell_frame, area_counts, thresholds)
    return Emerging(as_at, quarters, judged, signals, areas, area_counts)


SIGNAL_COLUMNS = ["signal", "locality", "grp", "measure", "rate_ratio", "ci_low", "ci_high",
                  "recent", "before", "reason", "areas", "recent_per_1000", "before_per_1000",
                  "base", "p_value", "q_value"]  # fmt: skip


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
    return {
        "as_at": as_at.isoformat(),
        "partnership": partnership,
        "recent": [q[BEFORE_QUARTERS].label, q[-1].label],
        "before": [q[0].label, q[BEFORE_QUARTERS - 1].label],
        "false_discovery_rate": thresholds.fdr,
        "min_rate_ratio": thresholds.min_ratio,
        "cells_tested": found.cells["p_value"].drop_nulls().len(),
        "signals": signal_records(protect_signals(found.signals, policy)),
    }
