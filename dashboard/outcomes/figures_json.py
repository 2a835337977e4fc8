"""The `dashboard figures --json` object (cli.md): attainment, distance travelled, review coverage
and the indicator table of one partnership and period, exact for internal readers and
disclosure-controlled for a board. The national outcomes page hides exactly what this hides."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path

import duckdb
import polars as pl

from dashboard.core.disclosure import Policy, protect, shown_count, to_records
from dashboard.core.page import NO_FILTERS, Filters
from dashboard.core.periods import Period, as_at_or_end
from dashboard.core.settings import DEFAULTS
from dashboard.outcomes.attainment import outcome_figures
from dashboard.outcomes.comparators import with_comparisons
from dashboard.outcomes.indicators import (
    ATTAINMENT_IDS,
    COUNT_IDS,
    DEFAULT_INTENSIVE_MIN_HOURS,
    SPEND_IDS,
    indicator_table,
)

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
    rows = rows.with_columns(  # round5 rounds the count; the mean rests on the exact count
        pl.col("outcomes").map_elements(lambda n: shown_count(n, policy), return_dtype=pl.Int64)
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


def _shown_counts(row: dict, policy: Policy) -> None:
    """Counts a table does not hold as a board may see them: the data gap (plans whose figures are
    missing) hidden when small or rounded, and under round5 the numerator and denominator rounded
    (the rate stays worked out from the exact counts, as in every protected table)."""
    gap = row.get("data_gap")
    row["data_gap"] = shown_count(gap, policy)
    if gap is not None and row["data_gap"] is None:
        row["suppressed"] = True
    if policy.controlled and policy.method == "round5" and row["id"] not in SPEND_IDS:
        for c in ("numerator", "denominator"):
            row[c] = shown_count(row[c], policy)


def indicator_json(table: pl.DataFrame, attainment_protected: pl.DataFrame, policy: Policy) -> list:
    """Indicator rows; counts as integers; board suppression of every count-based figure."""
    flags = {r["grp"]: r for r in attainment_protected.to_dicts() if not r["is_total"]}
    out = []
    for row in table.rename({"indicator_id": "id"}).to_dicts():
        if row["id"] not in SPEND_IDS:  # money, not counts
            for c in ("numerator", "denominator"):
                row[c] = None if row[c] is None else int(row[c])
        if row["id"] in ATTAINMENT_IDS:
            f = flags[ATTAINMENT_IDS[row["id"]]]
            hide = {"value": f["rate__suppressed"], "numerator": f["met__suppressed"],
                    "denominator": f["denominator__suppressed"]}  # fmt: skip
        elif row["id"] in COUNT_IDS:
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
        _shown_counts(row, policy)
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
    framework_file: Path = DEFAULTS.framework_file,
    min_hours: float = DEFAULT_INTENSIVE_MIN_HOURS,
    funnel_adjustment: str = DEFAULTS.funnel_adjustment,
) -> dict:
    """The `dashboard figures --json` object: exact for internal, disclosure-controlled for board;
    each indicator also carries its comparators, Scotland and funnel (outcomes/comparators.py)."""
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
        "indicators": with_comparisons(
            indicator_json(table, attainment_protected, policy),
            table,
            partnership,
            policy,
            funnel_adjustment,
        ),
    }
