"""The contract review in figures: for each lot or provider and a period, planned and delivered
hours, outcomes aimed for and met, and the challenges (handbacks, unmet requests, spot purchase,
review coverage), counted through `queries/review_*.sql`, the spend and attainment figures, then
through disclosure control; and the review as `dashboard review --json` prints it (cli.md).

It is a review of contribution, not attribution: the outcomes are those people set under the
packages a contract carries, met with everyone else's help too, so a board sees providers
unranked (label order) and named only where the settings allow.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import duckdb
import polars as pl

from dashboard.core import disclosure
from dashboard.core.disclosure import Policy, flag
from dashboard.core.page import NO_FILTERS, Filters
from dashboard.core.periods import Period
from dashboard.core.query import run
from dashboard.core.ratio import rate
from dashboard.core.settings import DEFAULTS
from dashboard.outcomes.attainment import attainment_breakdown
from dashboard.review.learning_log import UNIT_KINDS, Note, check_outside_export, read_notes
from dashboard.spend.figures import HOUR_SERVICES, protect_amounts, provider_universe, spend_figures
from dashboard.zones.figures import todays_lots

OUTCOME_KEYS = ("met", "partly_met", "denominator", "rate")
CHALLENGE_KEYS = ("handbacks", "unmet_requests", "spot_purchase_share", "review_coverage")
PEOPLE = ("hour_people", "hourly_people", "spot_people", "on_contract_people")
COUNTS = ("met", "partly_met", "denominator", "due", "reviewed", "handbacks", "unmet_requests",
          *PEOPLE)  # fmt: skip
LEARNING = pl.List(pl.Struct({"date": pl.String, "note": pl.String}))
COLUMNS = ("unit", "name", "planned_hours", "delivered_hours", "planned_hours_gaps", *COUNTS,
           "rate", "partly_met_rate", "review_coverage", "spot_purchase_share")  # fmt: skip


def unit_names(con: duckdb.DuckDBPyConnection, partnership: str, by: str) -> pl.DataFrame:
    """unit, name of every lot today (or every provider) of the partnership."""
    if by == "lot":
        lots = todays_lots(con, partnership)
        return lots.select(unit="zone", name="lot_name").unique("unit").sort("unit")
    return provider_universe(con, partnership).select(unit="provider_id", name="provider_name")


def _keyed(df: pl.DataFrame, columns: Sequence[str]) -> pl.DataFrame:
    return df.filter(pl.col("grp").is_not_null()).select(pl.col("grp").alias("unit"), *columns)


def unit_figures(
    con: duckdb.DuckDBPyConnection,
    *,
    partnership: str,
    period: Period,
    by: str,
    filters: Filters = NO_FILTERS,
    framework_file: Path = DEFAULTS.framework_file,
    hour_services: Sequence[str] = HOUR_SERVICES,
) -> pl.DataFrame:
    """Exact figures, one row per lot (or provider) with anything to review in P: today's lots,
    and every unit with plans, spend, outcomes, handbacks or unmet requests in P."""
    if by not in UNIT_KINDS:
        raise ValueError(f"by must be one of {UNIT_KINDS}, not {by!r}")
    window = {"partnership": partnership, "start": period.start, "end": period.end, "by": by}
    people = {"locality": filters.locality, "client_group": filters.client_group}
    money = spend_figures(
        con, partnership=partnership, periods=[period], breakdowns=(by,), filters=filters,
        hour_services=hour_services,
    )  # fmt: skip
    parts = [
        _keyed(
            money,
            [
                "planned_hours",
                "planned_hours_gaps",
                pl.col("hours_delivered").alias("delivered_hours"),
                *PEOPLE,
                pl.col("spot_share").alias("spot_purchase_share"),
            ],
        ),  # fmt: skip
        _keyed(
            attainment_breakdown(
                con,
                partnership=partnership,
                period=period,
                by=by,
                filters=filters,
                framework_file=framework_file,
            ),
            ["met", "partly_met", "denominator", "due", "reviewed"],
        ),  # fmt: skip
        _keyed(run(con, "review_handbacks", **window, **filters.params()), ["handbacks"]),
        _keyed(run(con, "review_unmet", **window, **people), ["unmet_requests"]),
    ]
    names = unit_names(con, partnership, by)
    units = pl.concat([names.select("unit"), *(p.select("unit") for p in parts)]).unique()
    df = units.join(names, on="unit", how="left")
    for part in parts:
        df = df.join(part, on="unit", how="left")
    return (
        df.with_columns(
            pl.col("name").fill_null(pl.col("unit")),
            *(pl.col(c).fill_null(0) for c in (*COUNTS, "planned_hours_gaps")),
            *(pl.col(c).fill_null(0.0) for c in ("planned_hours", "delivered_hours")),
        )
        .with_columns(
            rate("met", "denominator").alias("rate"),
            rate("partly_met", "denominator").alias("partly_met_rate"),
            rate("reviewed", "due").alias("review_coverage"),
        )
        .select(COLUMNS)
        .sort("unit")
    )


def protect_units(
    df: pl.DataFrame, policy: Policy, by: str, universe: Sequence[str] | None = None
) -> pl.DataFrame:
    """The review as `policy`'s audience may see it: small counts and what rests on them hidden;
    for a board, providers labelled (the label is their unit too, as an id can name them) and in
    label order."""
    out = protect_amounts(
        df,
        policy,
        counts=[*COUNTS, "planned_hours_gaps"],
        amounts={"planned_hours": ["hour_people"], "delivered_hours": ["hourly_people"]},
        shares={"spot_purchase_share": ["spot_people", "on_contract_people"]},
        rates={
            "rate": ("met", "denominator"),
            "partly_met_rate": ("partly_met", "denominator"),
            "review_coverage": ("reviewed", "due"),
        },
        remainders={"denominator": ["met", "partly_met"]},  # not met = denominator − both
    )  # hours stay exact decimals, so screens and workbooks show them as hours, not percentages
    if by != "provider" or not policy.controlled or policy.name_providers:
        return out
    labelled = disclosure.provider_labels(out, policy, "unit", "name", universe=universe)
    return disclosure.unranked(labelled.with_columns(pl.col("name").alias("unit")), policy, "name")


def review_table(
    con: duckdb.DuckDBPyConnection,
    *,
    partnership: str,
    period: Period,
    by: str,
    policy: Policy,
    filters: Filters = NO_FILTERS,
    framework_file: Path = DEFAULTS.framework_file,
    notes: Sequence[Note] | None = None,
) -> pl.DataFrame:
    """The protected review, one row per unit; with `notes`, each unit's in a `learning` column
    (attached before labelling: notes are filed under the real id, which a board may not see)."""
    exact = unit_figures(
        con, partnership=partnership, period=period, by=by, filters=filters,
        framework_file=framework_file,
    )  # fmt: skip
    if notes is not None:
        exact = exact.with_columns(
            pl.Series("learning", [_learning(notes, u) for u in exact["unit"]], dtype=LEARNING)
        )
    universe = provider_universe(con, partnership)["provider_id"] if by == "provider" else None
    return protect_units(exact, policy, by, universe)


def _object(row: dict, keys: Sequence[str]) -> dict:
    """A JSON object of `keys`, with `suppressed` true when any of them is hidden."""
    return {**{k: row[k] for k in keys}, "suppressed": any(row[flag(k)] for k in keys)}


def _learning(notes: Sequence[Note], unit: str) -> list[dict]:
    return [{"date": n.date.isoformat(), "note": n.note} for n in notes if n.unit == unit]


def review_json(
    con: duckdb.DuckDBPyConnection,
    *,
    partnership: str,
    period: Period,
    by: str = "lot",
    policy: Policy,
    notes_dir: Path,
    export_folder: Path | None = None,
    filters: Filters = NO_FILTERS,
    framework_file: Path = DEFAULTS.framework_file,
) -> dict:
    """The review in the shape of cli.md (`dashboard review --json`); `suppressed` on the unit
    object speaks for its hours."""
    if export_folder is not None:
        check_outside_export(notes_dir, export_folder)
    shown = review_table(
        con, partnership=partnership, period=period, by=by, policy=policy, filters=filters,
        framework_file=framework_file,
        notes=read_notes(notes_dir, partnership, by=by, within=period),
    )  # fmt: skip
    return {
        "partnership": partnership,
        "period": period.label,
        "by": by,
        "audience": policy.audience,
        "units": [
            {
                "unit": row["unit"],
                "name": row["name"],
                **_object(row, ("planned_hours", "delivered_hours")),
                "outcomes": _object(row, OUTCOME_KEYS),
                "challenges": _object(row, CHALLENGE_KEYS),
                "learning": row["learning"],
            }
            for row in shown.iter_rows(named=True)
        ],
    }
