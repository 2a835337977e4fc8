"""Personal-outcome figures: attainment, review coverage and distance travelled (metrics.md).

The counting is done in SQL (queries/outcomes_*.sql) over a list of periods at once, so one query
gives a single period, its year earlier, every peer partnership and a 60-month series alike; this
module turns the user's choices into those parameters and the counts into rates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

import duckdb
import polars as pl

from dashboard.core.errors import UserError
from dashboard.core.framework import load_framework
from dashboard.core.page import NO_FILTERS, Filters
from dashboard.core.periods import Period, months_in, period_params, quarters_in
from dashboard.core.query import run
from dashboard.core.ratio import rate
from dashboard.core.settings import DEFAULTS

BREAKDOWNS = (
    "all", "national_outcome", "domain", "outcome_type", "locality", "client_group", "service_type", "sds_option",
    "deprivation_decile", "deprivation_group", "urban_rural", "age_band", "sex", "lot", "provider",
)  # fmt: skip
NATIONAL_OUTCOMES = tuple(str(n) for n in range(1, 10))
DEPRIVATION_GROUPS = ("deciles_1_2", "deciles_9_10")
# Groups every partnership × period row set is completed with (zeros), so a series has no holes.
ALWAYS_SHOWN = {"all": ("all",), "national_outcome": NATIONAL_OUTCOMES,
                "deprivation_group": DEPRIVATION_GROUPS}  # fmt: skip
COUNTS = ("met", "partly_met", "not_met", "no_longer_relevant", "denominator", "due", "reviewed")
Grain = Literal["month", "quarter"]


@dataclass(frozen=True)
class OutcomeFigures:
    """One partnership, one period: the frames every outcome page and the CLI show."""

    overall: pl.DataFrame
    by_national_outcome: pl.DataFrame
    distance: pl.DataFrame  # one row per score tool, plus the is_total row
    coverage: pl.DataFrame


def crosswalk_params(framework_file: Path) -> dict[str, list]:
    crosswalk = load_framework(framework_file).crosswalk
    return {"xw_domains": list(crosswalk), "xw_outcomes": list(crosswalk.values())}


def label_periods(df: pl.DataFrame, periods: list[Period]) -> pl.DataFrame:
    """Add period_start, period_end and period (its label) from the 1-based index `p`."""
    labels = pl.DataFrame(
        {
            "p": list(range(1, len(periods) + 1)),
            "period": [p.label for p in periods],
            "period_start": [p.start for p in periods],
            "period_end": [p.end for p in periods],
        },
        schema_overrides={"p": pl.Int64},
    )
    return df.with_columns(pl.col("p").cast(pl.Int64)).join(labels, on="p", how="left")


def split_periods(df: pl.DataFrame, *sizes: int) -> list[pl.DataFrame]:
    """Cut a frame counted over several period lists passed as one (so one query serves, say, a
    period, its months and its quarters) back into a frame per list, each with p from 1."""
    out, offset = [], 0
    for n in sizes:
        part = df.filter(pl.col("p").is_between(offset + 1, offset + n))
        out.append(part.with_columns(pl.col("p") - offset))
        offset += n
    return out


def complete(
    df: pl.DataFrame,
    partnerships: list[str],
    n_periods: int,
    groups: tuple[str, ...],
    counts: tuple[str, ...] = COUNTS,
) -> pl.DataFrame:
    """Every partnership × period × group row present, zeros where nothing was counted."""
    grid = pl.DataFrame(
        [(pt, p, g) for pt in partnerships for p in range(1, n_periods + 1) for g in groups],
        schema={"partnership": pl.String, "p": pl.Int64, "grp": pl.String},
        orient="row",
    )
    extra = df.join(grid, on=["partnership", "p", "grp"], how="anti")
    full = grid.join(df, on=["partnership", "p", "grp"], how="left")
    return pl.concat([full, extra.select(full.columns)]).with_columns(
        pl.col(c).fill_null(0) for c in counts
    )


def attainments(
    con: duckdb.DuckDBPyConnection,
    *,
    partnerships: list[str],
    periods: list[Period],
    bys: Sequence[str] = ("all",),
    filters: Filters = NO_FILTERS,
    framework_file: Path = DEFAULTS.framework_file,
) -> dict[str, pl.DataFrame]:
    """`attainment` for each breakdown of `bys`, counted in one query: the latest reviews and due
    outcomes are found once and only the grouping is repeated, so a page asking for the total
    and a breakdown pays for one pass."""
    unknown = [b for b in bys if b not in BREAKDOWNS]
    if unknown:
        raise UserError(
            f"breakdown {unknown[0]!r} is not known: use one of {', '.join(BREAKDOWNS)}"
        )
    counts = run(
        con,
        "outcomes_attainment",
        partnerships=partnerships,
        bys=list(bys),
        **period_params(periods),
        **crosswalk_params(framework_file),
        **filters.params(),
    ).with_columns(pl.col("p").cast(pl.Int64))
    out = {}
    for by in bys:
        one = complete(
            counts.filter(pl.col("breakdown") == by).drop("breakdown"),
            partnerships,
            len(periods),
            ALWAYS_SHOWN.get(by, ()),
        )
        out[by] = label_periods(
            one.with_columns(
                rate("met", "denominator").alias("rate"),
                rate("partly_met", "denominator").alias("partly_met_rate"),
                rate("reviewed", "due").alias("coverage"),
            ),
            periods,
        ).sort("partnership", "p", "grp", nulls_last=True)
    return out


def attainment(
    con: duckdb.DuckDBPyConnection,
    *,
    partnerships: list[str],
    periods: list[Period],
    by: str = "all",
    filters: Filters = NO_FILTERS,
    framework_file: Path = DEFAULTS.framework_file,
) -> pl.DataFrame:
    """Attainment and review coverage per partnership × period × group of `by`.

    Columns: partnership, p, period, period_start, period_end, grp, the COUNTS, rate,
    partly_met_rate, coverage.
    """
    return attainments(
        con,
        partnerships=partnerships,
        periods=periods,
        bys=(by,),
        filters=filters,
        framework_file=framework_file,
    )[by]


def distance_travelled(
    con: duckdb.DuckDBPyConnection,
    *,
    partnerships: list[str],
    periods: list[Period],
    filters: Filters = NO_FILTERS,
) -> pl.DataFrame:
    """Distance travelled per partnership × period: a row per score tool and an is_total row
    (its mean null when scores came from more than one tool)."""
    df = run(
        con,
        "outcomes_distance",
        partnerships=partnerships,
        **period_params(periods),
        **filters.params(),
    )
    return label_periods(df, periods)


def _one(df: pl.DataFrame, partnership: str) -> pl.DataFrame:
    return df.filter(pl.col("partnership") == partnership)


def outcome_figures(
    con: duckdb.DuckDBPyConnection,
    *,
    partnership: str,
    period: Period,
    filters: Filters = NO_FILTERS,
    framework_file: Path = DEFAULTS.framework_file,
) -> OutcomeFigures:
    """Everything the outcome summary shows for one partnership and period."""
    common = {"partnerships": [partnership], "periods": [period], "filters": filters}
    both = attainments(
        con, **common, bys=("all", "national_outcome"), framework_file=framework_file
    )
    overall, by_outcome = both["all"], both["national_outcome"]
    distance = distance_travelled(con, **common)
    coverage = overall.select("partnership", "period", "due", "reviewed", "coverage")
    return OutcomeFigures(overall, by_outcome, _one(distance, partnership), coverage)


def attainment_breakdown(
    con: duckdb.DuckDBPyConnection,
    *,
    partnership: str,
    period: Period,
    by: str,
    filters: Filters = NO_FILTERS,
    framework_file: Path = DEFAULTS.framework_file,
) -> pl.DataFrame:
    """Attainment (with its review coverage beside it) by one breakdown, for one period."""
    return attainment(
        con,
        partnerships=[partnership],
        periods=[period],
        by=by,
        filters=filters,
        framework_file=framework_file,
    )


def series_periods(start: date, end: date, grain: Grain) -> list[Period]:
    """The months, or financial quarters, from `start` to `end`."""
    if grain == "month":
        return months_in(start, end)
    if grain == "quarter":
        return quarters_in(start, end)
    raise UserError(f"series grain {grain!r} is not known: use month or quarter")


def attainment_series(
    con: duckdb.DuckDBPyConnection,
    *,
    partnership: str,
    start: date,
    end: date,
    grain: Grain = "month",
    filters: Filters = NO_FILTERS,
    national_outcome: int | None = None,
    framework_file: Path = DEFAULTS.framework_file,
) -> pl.DataFrame:
    """The attainment rate with P set to each month (or quarter) in turn, in one query."""
    by = "all" if national_outcome is None else "national_outcome"
    df = attainment(
        con,
        partnerships=[partnership],
        periods=series_periods(start, end, grain),
        by=by,
        filters=filters,
        framework_file=framework_file,
    )
    return df if national_outcome is None else df.filter(pl.col("grp") == str(national_outcome))
