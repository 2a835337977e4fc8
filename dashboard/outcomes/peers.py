"""The peer figures an indicator is compared with: the record-level average of the comparator
partnerships, or the published figures of a benchmark file when one is given (docs/figures.md)."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import duckdb
import polars as pl

from dashboard.core.errors import UserError
from dashboard.core.framework import load_framework
from dashboard.core.periods import Period, parse_period
from dashboard.core.query import run
from dashboard.core.settings import DEFAULTS
from dashboard.core.strings import t

NATIONAL = "Scotland"  # the benchmark file's partnership name for the national figure
# The benchmark file: `indicator` (or `indicator_id`, the first format), `period`, `value` or both
# `numerator` and `denominator`, `source`; `partnership` optional (docs/figures.md).
REQUIRED = ("period", "source")
BENCHMARK_SCHEMA = {
    "partnership": pl.String,
    "indicator_id": pl.String,
    "period": pl.String,
    "numerator": pl.Float64,
    "denominator": pl.Float64,
    "value": pl.Float64,
    "source": pl.String,
}
MAY_EXCEED_ONE = ("no9_budget_utilisation",)  # spend over budget: a rate that may pass 1
RATE_TOLERANCE = 0.0005  # a published rate rounded to 0.1 percentage point still agrees


def _number(text: str | None, where: str, column: str) -> float | None:
    """A cell as a number (blank: None); anything else is refused naming its line and column."""
    if text is None or not text.strip():
        return None
    try:
        value = float(text)
    except ValueError:
        raise UserError(t("benchmark.not_number", where=where, column=column, value=text)) from None
    if not math.isfinite(value) or value < 0:
        raise UserError(t("benchmark.negative", where=where, column=column, value=text))
    return value


def _row(raw: dict, where: str, units: dict[str, str]) -> dict:
    """One benchmark line checked: a known indicator, a period the dashboard writes, a value (given,
    or the numerator over the denominator) that agrees with its counts, a rate within 0–1."""
    indicator = (raw.get("indicator") or raw.get("indicator_id") or "").strip()
    if indicator not in units:
        raise UserError(t("benchmark.unknown_indicator", where=where, value=indicator))
    try:
        label = parse_period(raw["period"] or "").label
    except UserError:
        raise UserError(t("benchmark.bad_period", where=where, value=raw["period"])) from None
    num, den = (_number(raw.get(c), where, c) for c in ("numerator", "denominator"))
    value = _number(raw.get("value"), where, "value")
    if (num is None) != (den is None):
        raise UserError(t("benchmark.half_counts", where=where))
    if num is not None and (num > den or den == 0):
        raise UserError(t("benchmark.counts", where=where, numerator=raw["numerator"],
                          denominator=raw["denominator"]))  # fmt: skip
    if value is None and num is None:
        raise UserError(t("benchmark.no_value", where=where))
    if num is not None and units[indicator] == "rate":
        if value is not None and abs(value - num / den) > RATE_TOLERANCE:
            raise UserError(t("benchmark.disagrees", where=where, value=raw["value"]))
        value = num / den if value is None else value
    if units[indicator] == "rate" and value > 1 and indicator not in MAY_EXCEED_ONE:
        raise UserError(t("benchmark.over_one", where=where, value=raw["value"]))
    partnership = (raw.get("partnership") or "").strip() or None
    return {"partnership": partnership, "indicator_id": indicator, "period": label,
            "numerator": num, "denominator": den, "value": value,
            "source": (raw["source"] or "").strip()}  # fmt: skip


def read_benchmark(path: Path, framework_file: Path = DEFAULTS.framework_file) -> pl.DataFrame:
    """Published figures per partnership (docs/figures.md, "Benchmark file"): the peers', the
    national figure (partnership `Scotland`) and, if given, the home partnership's own."""
    try:
        with Path(path).open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            header = tuple(reader.fieldnames or ())
            rows = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise UserError(t("benchmark.unreadable", path=path, problem=exc)) from None
    missing = [c for c in REQUIRED if c not in header]
    if "indicator" not in header and "indicator_id" not in header:
        missing.insert(0, "indicator")
    if "value" not in header and not {"numerator", "denominator"} <= set(header):
        missing.append("value")
    if missing:
        raise UserError(t("benchmark.missing_columns", path=path, columns=", ".join(missing)))
    units = {i.id: i.unit for i in load_framework(framework_file).indicators}
    out, seen = [], {}
    for n, raw in enumerate(rows, start=2):
        row = _row(raw, t("benchmark.where", path=path, line=n), units)
        key = (row["partnership"], row["indicator_id"], row["period"])
        if row["partnership"] is not None and key in seen:
            raise UserError(t("benchmark.duplicate", path=path, line=n, first=seen[key]))
        seen[key] = n
        out.append(row)
    return pl.DataFrame(out, schema=BENCHMARK_SCHEMA)


PEER_UNIT = pl.Struct({"unit": pl.String, "numerator": pl.Float64, "denominator": pl.Float64,
                       "value": pl.Float64, "smallest_count": pl.Float64, "source": pl.String})  # fmt: skip


def _summary(peers: pl.DataFrame) -> pl.DataFrame:
    """Per indicator: the unweighted peer average, how many, the smallest count any rests on, the
    sources, the spread (lowest, quartiles by linear interpolation, highest) and each peer."""
    value = pl.col("value")
    return peers.group_by("indicator_id").agg(
        value.mean().alias("peer_average"),
        pl.len().alias("peer_count"),
        pl.col("smallest_count").min().alias("peer_smallest_count"),
        pl.col("source").drop_nulls().unique(maintain_order=True).str.join("; ").alias("peer_source"),
        value.min().alias("peer_lowest"),
        value.quantile(0.25, "linear").alias("peer_q25"),
        value.median().alias("peer_median"),
        value.quantile(0.75, "linear").alias("peer_q75"),
        value.max().alias("peer_highest"),
        pl.struct(pl.col("partnership").alias("unit"), "numerator", "denominator", "value",
                  "smallest_count", "source").cast(PEER_UNIT).alias("peer_units"),  # fmt: skip
    ).with_columns(pl.when(pl.col("peer_source") == "").then(None).otherwise(pl.col("peer_source"))
                   .alias("peer_source"))  # fmt: skip


def peer_average(values: pl.DataFrame, peers: list[str]) -> pl.DataFrame:
    """Record-level peers: each comparator's own figure where it is defined (a peer without one is
    left out); no national figure can be counted from an export."""
    rows = values.filter(
        pl.col("partnership").is_in(peers), pl.col("p") == 1, pl.col("value").is_not_null()
    ).with_columns(pl.lit(None, pl.String).alias("source"))
    return _summary(rows).with_columns(
        pl.lit(None, pl.Float64).alias("scotland"), pl.lit(None, pl.String).alias("scotland_source")
    )


def benchmark_average(
    benchmark: pl.DataFrame,
    period: Period,
    home: str | None = None,
    comparators: list[str] | None = None,
) -> pl.DataFrame:
    """Published peers for P's label: every partnership's row but the home one and Scotland's
    (with `comparators`, only theirs; rows naming no partnership are peers either way), and the
    national figure beside them."""
    rows = benchmark.filter(pl.col("period") == period.label).with_columns(
        pl.lit(None, pl.Float64).alias("smallest_count")
    )
    national = pl.col("partnership").str.to_lowercase() == NATIONAL.lower()
    peer = ~national.fill_null(False) & (pl.col("partnership") != (home or "")).fill_null(True)
    if comparators:
        peer = peer & (pl.col("partnership").is_in(comparators) | pl.col("partnership").is_null())
    scotland = (
        rows.filter(national.fill_null(False))
        .group_by("indicator_id")
        .agg(
            pl.col("value").first().alias("scotland"),
            pl.col("source").first().alias("scotland_source"),
        )
    )
    summary = _summary(rows.filter(peer))
    return summary.join(scotland, on="indicator_id", how="full", coalesce=True)


def comparators_for(
    con: duckdb.DuckDBPyConnection, partnership: str, comparators: list[str] | None
) -> list[str]:
    """The named comparators, else every other partnership in the export."""
    if comparators:
        return [c for c in comparators if c != partnership]
    return [p for p in run(con, "indicator_partnerships")["partnership"] if p != partnership]
