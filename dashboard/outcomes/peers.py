"""The peer figures an indicator is compared with: the record-level average of the comparator
partnerships, or the published figures of a benchmark file when one is given (docs/figures.md)."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import polars as pl

from dashboard.core.errors import UserError
from dashboard.core.framework import load_framework
from dashboard.core.periods import Period
from dashboard.core.query import run
from dashboard.core.settings import DEFAULTS

BENCHMARK_COLUMNS = ("indicator_id", "period", "value", "source")


def read_benchmark(path: Path, framework_file: Path = DEFAULTS.framework_file) -> pl.DataFrame:
    """Published peer figures: CSV indicator_id,period,value,source (docs/figures.md)."""
    try:
        with Path(path).open(newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
            header = tuple(rows[0].keys()) if rows else ()
    except OSError as exc:
        raise UserError(f"benchmark file {path} cannot be read: {exc}") from None
    missing = [c for c in BENCHMARK_COLUMNS if c not in header]
    if missing:
        raise UserError(f"benchmark file {path}: missing columns {', '.join(missing)}")
    known = {i.id for i in load_framework(framework_file).indicators}
    for n, row in enumerate(rows, start=2):
        if row["indicator_id"] not in known:
            raise UserError(
                f"benchmark file {path} line {n}: unknown indicator {row['indicator_id']!r}"
            )
        try:
            row["value"] = float(row["value"])
        except ValueError:
            raise UserError(
                f"benchmark file {path} line {n}: value {row['value']!r} is not a number"
            ) from None
    schema = {
        "indicator_id": pl.String,
        "period": pl.String,
        "value": pl.Float64,
        "source": pl.String,
    }
    return pl.DataFrame([{c: r[c] for c in BENCHMARK_COLUMNS} for r in rows], schema=schema)


def peer_average(values: pl.DataFrame, peers: list[str]) -> pl.DataFrame:
    """Unweighted mean over the peers whose value is defined; a peer without one is left out."""
    return (
        values.filter(
            pl.col("partnership").is_in(peers), pl.col("p") == 1, pl.col("value").is_not_null()
        )
        .group_by("indicator_id")
        .agg(
            pl.col("value").mean().alias("peer_average"),
            pl.len().alias("peer_count"),
            pl.col("smallest_count").min().alias("peer_smallest_count"),
        )
        .with_columns(pl.lit(None, pl.String).alias("peer_source"))
    )


def benchmark_average(benchmark: pl.DataFrame, period: Period) -> pl.DataFrame:
    return (
        benchmark.filter(pl.col("period") == period.label)
        .group_by("indicator_id")
        .agg(
            pl.col("value").mean().alias("peer_average"),
            pl.len().alias("peer_count"),
            pl.lit(None, pl.Float64).alias("peer_smallest_count"),
            pl.col("source").unique(maintain_order=True).str.join("; ").alias("peer_source"),
        )
    )


def comparators_for(
    con: duckdb.DuckDBPyConnection, partnership: str, comparators: list[str] | None
) -> list[str]:
    """The named comparators, else every other partnership in the export."""
    if comparators:
        return [c for c in comparators if c != partnership]
    return [p for p in run(con, "indicator_partnerships")["partnership"] if p != partnership]
