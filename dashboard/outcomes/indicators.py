"""The local indicators for the nine national outcomes (metrics.md table), their comparisons
(year earlier, peer average, target, gap), monthly series, and the `figures` JSON of cli.md.

Each indicator's counting is one SQL file run over every partnership and period it is needed for
at once, so the home figure, its year earlier, the peers and a series all come from the same code.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

import duckdb
import polars as pl

from dashboard.core.disclosure import Policy, protect, to_records
from dashboard.core.errors import UserError
from dashboard.core.framework import DEFAULT_FRAMEWORK_FILE, load_framework
from dashboard.core.page import NO_FILTERS, Filters
from dashboard.core.periods import (
    Period,
    as_at_or_end,
    months_in,
    period_params,
    year_back,
    year_earlier,
)
from dashboard.core.query import parameter_names, run, sql_text
from dashboard.core.ratio import rate
from dashboard.core.settings import DEFAULTS
from dashboard.outcomes.attainment import attainments, complete, label_periods, outcome_figures

DEFAULT_INTENSIVE_MIN_HOURS = 10.0  # weekly hours at home that make needs "intensive"
GAP_ID = "no5_deprivation_gap"
DEFAULT_GAP_TARGET = 0.0  # metrics.md: the gap is judged against 0 unless a target is set
ATTAINMENT_IDS = {f"no{n}_attainment": str(n) for n in (1, 2, 3, 4, 6, 7)}
SPEND_IDS = ("no9_budget_utilisation", "no9_on_contract_spend")
QUERIES = {
    "no2_intensive_at_home": "indicator_intensive_at_home",
    "no3_choice_control": "indicator_choice_control",
    "no8_graded_good": "indicator_graded_good",
    "no8_staffing_handbacks": "indicator_staffing_handbacks",
    "no9_budget_utilisation": "indicator_budget_utilisation",
    "no9_on_contract_spend": "indicator_on_contract_spend",
}
BENCHMARK_COLUMNS = ("indicator_id", "period", "value", "source")
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


QUERY_THREADS = 3


def _query_rows(
    con: duckdb.DuckDBPyConnection, indicator_id: str, pool: dict, partnerships: list[str], n: int
) -> pl.DataFrame:
    name = QUERIES[indicator_id]
    wanted = parameter_names(sql_text(name))
    df = run(con, name, **{k: v for k, v in pool.items() if k in wanted})
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


def indicator_values(
    con: duckdb.DuckDBPyConnection,
    *,
    partnerships: list[str],
    periods: list[Period],
    as_ats: list[date],
    filters: Filters = NO_FILTERS,
    framework_file: Path = DEFAULT_FRAMEWORK_FILE,
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
    pool = {
        "partnerships": partnerships,
        **period_params(periods),
        "as_ats": as_ats,
        "min_hours": min_hours,
        **filters.params(),
    }
    # The six indicator queries are independent: DuckDB runs them side by side, each on its own
    # cursor (a cursor per thread is how one database is shared), which halves a page's wait.
    with ThreadPoolExecutor(max_workers=QUERY_THREADS) as pool_of_threads:
        rows = pool_of_threads.map(
            lambda i: _query_rows(con.cursor(), i, pool, partnerships, len(periods)), QUERIES
        )
        parts = [_attainment_rows(by_outcome), _gap_rows(by_group), *rows]
    long = pl.concat([df.cast(LONG_SCHEMA).select(list(LONG_SCHEMA)) for df in parts])
    order = {ind.id: n for n, ind in enumerate(load_framework(framework_file).indicators)}
    return long.sort(
        pl.col("partnership"), pl.col("p"), pl.col("indicator_id").replace_strict(order)
    )


def read_benchmark(path: Path, framework_file: Path = DEFAULT_FRAMEWORK_FILE) -> pl.DataFrame:
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


def _peer_average(values: pl.DataFrame, peers: list[str]) -> pl.DataFrame:
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


def _benchmark_average(benchmark: pl.DataFrame, period: Period) -> pl.DataFrame:
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


def is_provisional(period_end: date, extract_date: date | None, lag_weeks: int) -> bool:
    """Spend for a period ending less than the run-out lag before the extract is still arriving."""
    return extract_date is not None and extract_date - period_end < timedelta(weeks=lag_weeks)


def comparators_for(
    con: duckdb.DuckDBPyConnection, partnership: str, comparators: list[str] | None
) -> list[str]:
    """The named comparators, else every other partnership in the export."""
    if comparators:
        return [c for c in comparators if c != partnership]
    return [p for p in run(con, "indicator_partnerships")["partnership"] if p != partnership]


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
    framework_file: Path = DEFAULT_FRAMEWORK_FILE,
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
        _benchmark_average(benchmark, period)
        if benchmark is not None
        else _peer_average(values, peers)
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
    framework_file: Path = DEFAULT_FRAMEWORK_FILE,
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


# --- the `figures` JSON (cli.md) -----------------------------------------------------------------

ATTAINMENT_KEYS = ("met", "partly_met", "not_met", "denominator", "rate", "partly_met_rate")
INTERNAL = Policy(audience="internal")


def _record(row: dict, keys: tuple[str, ...]) -> dict:
    """The listed keys of a protected record, with its `suppressed` mark when anything is hidden."""
    out = {k: row[k] for k in keys}
    if row.get("suppressed"):
        out["suppressed"] = True
    return out


def attainment_json(
    overall: pl.DataFrame, by_outcome: pl.DataFrame, policy: Policy
) -> tuple[dict, pl.DataFrame]:
    """Overall and by national outcome, protected together: the overall row is their total."""
    cols = ["grp", *ATTAINMENT_KEYS]
    frame = pl.concat(
        [
            by_outcome.select(cols).with_columns(is_total=pl.lit(False)),
            overall.select(cols).with_columns(is_total=pl.lit(True)),
        ]
    )
    protected = protect(
        frame,
        policy,
        counts=["met", "partly_met", "not_met", "denominator"],
        rates={"rate": ("met", "denominator"), "partly_met_rate": ("partly_met", "denominator")},
        parts={"denominator": ["met", "partly_met", "not_met"]},
        total_flag="is_total",
    )
    records = to_records(protected)
    return {
        "overall": _record(next(r for r in records if r["is_total"]), ATTAINMENT_KEYS),
        "by_national_outcome": {
            r["grp"]: _record(r, ATTAINMENT_KEYS) for r in records if not r["is_total"]
        },
    }, protected


def _distance_json(distance: pl.DataFrame, policy: Policy) -> dict:
    hidden = pl.lit(policy.controlled) & pl.col("outcomes").is_between(1, policy.threshold - 1)
    rows = distance.with_columns(hidden.alias("suppressed")).with_columns(
        pl.when(pl.col("suppressed")).then(None).otherwise(pl.col(c)).alias(c)
        for c in ("outcomes", "mean")
    )
    total = rows.filter(pl.col("is_total")).to_dicts()
    tools = rows.filter(~pl.col("is_total")).to_dicts()
    top = _record(total[0], ("outcomes", "mean")) if total else {"outcomes": 0, "mean": None}
    top["by_tool"] = [_record(t, ("score_tool", "outcomes", "mean")) for t in tools]
    return top


def _coverage_json(overall: pl.DataFrame, policy: Policy) -> dict:
    frame = overall.select("reviewed", "due", pl.col("coverage").alias("rate"))
    protected = protect(
        frame, policy, counts=["reviewed", "due"], rates={"rate": ("reviewed", "due")}
    )
    return _record(to_records(protected)[0], ("reviewed", "due", "rate"))


INDICATOR_KEYS = (
    "id", "national_outcome", "value", "numerator", "denominator", "year_earlier",
    "peer_average", "target", "gap", "label", "unit", "data_gap", "peer_count", "peer_source",
    "provisional",
)  # fmt: skip


def _hidden_if_small(row: dict, column: str, smallest: str, policy: Policy) -> None:
    if policy.controlled and policy.is_small(row[smallest]):
        row[column] = None
        row["suppressed"] = True


def indicator_json(table: pl.DataFrame, attainment_protected: pl.DataFrame, policy: Policy) -> list:
    """Indicator rows; counts as integers; board suppression of every count-based figure."""
    flags = {r["grp"]: r for r in attainment_protected.to_dicts() if not r["is_total"]}
    out = []
    for row in table.rename({"indicator_id": "id"}).to_dicts():
        if row["id"] not in SPEND_IDS:
            for c in ("numerator", "denominator"):
                row[c] = None if row[c] is None else int(row[c])
        if row["id"] in ATTAINMENT_IDS:
            f = flags[ATTAINMENT_IDS[row["id"]]]
            hide = {"value": f["rate__suppressed"], "numerator": f["met__suppressed"],
                    "denominator": f["denominator__suppressed"]}  # fmt: skip
        elif row["id"] in QUERIES and row["id"] not in SPEND_IDS:
            one = pl.DataFrame([row]).select("value", "numerator", "denominator")
            p = protect(one, policy, counts=["numerator", "denominator"],
                        rates={"value": ("numerator", "denominator")}).to_dicts()[0]  # fmt: skip
            hide = {c: p[f"{c}__suppressed"] for c in ("value", "numerator", "denominator")}
        else:
            hide = {"value": policy.controlled and policy.is_small(row["smallest_count"])}
        for c, h in hide.items():
            if h:
                row[c] = None
                row["suppressed"] = True
        if row["value"] is None:
            row["gap"] = None
        _hidden_if_small(row, "year_earlier", "year_earlier_smallest_count", policy)
        _hidden_if_small(row, "peer_average", "peer_smallest_count", policy)
        record = {k: row[k] for k in INDICATOR_KEYS}
        if row.get("suppressed"):
            record["suppressed"] = True
        out.append(record)
    return out


def figures_json(
    con: duckdb.DuckDBPyConnection,
    *,
    partnership: str,
    period: Period,
    as_at: date | None = None,
    filters: Filters = NO_FILTERS,
    comparators: list[str] | None = None,
    targets: Mapping[str, float] | None = None,
    benchmark: pl.DataFrame | None = None,
    policy: Policy = INTERNAL,
    extract_date: date | None = None,
    lag_weeks: int = DEFAULTS.run_out_lag_weeks,
    framework_file: Path = DEFAULT_FRAMEWORK_FILE,
    min_hours: float = DEFAULT_INTENSIVE_MIN_HOURS,
) -> dict:
    """The `dashboard figures --json` object: exact for internal, disclosure-controlled for board."""
    figs = outcome_figures(
        con, partnership=partnership, period=period, filters=filters, framework_file=framework_file
    )
    table = indicator_table(
        con,
        partnership=partnership,
        period=period,
        as_at=as_at,
        comparators=comparators,
        targets=targets,
        benchmark=benchmark,
        filters=filters,
        extract_date=extract_date,
        lag_weeks=lag_weeks,
        framework_file=framework_file,
        min_hours=min_hours,
    )
    attainment_block, attainment_protected = attainment_json(
        figs.overall, figs.by_national_outcome, policy
    )
    return {
        "partnership": partnership,
        "period": period.label,
        "as_at": as_at_or_end(period, as_at).isoformat(),
        "audience": policy.audience,
        "filters": {k: v for k, v in filters.params().items() if v is not None},
        "attainment": attainment_block,
        "distance_travelled": _distance_json(figs.distance, policy),
        "review_coverage": _coverage_json(figs.overall, policy),
        "indicators": indicator_json(table, attainment_protected, policy),
    }
