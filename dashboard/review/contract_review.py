"""The contract review: for each lot or provider and a period, the four questions of a simple
outcomes review (docs/evaluation.md) — which activities were planned and what was delivered, which
outcomes people aimed for and how far they were met, what challenges came up, what was learned.

It is a review of contribution, not attribution: the outcomes are those people set under the
packages a contract carries, met with everyone else's help too, so a board sees providers
unranked (label order) and named only where the settings allow.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
import polars as pl

from dashboard.core import disclosure
from dashboard.core.disclosure import Policy, flag
from dashboard.core.errors import UserError
from dashboard.core.framework import DEFAULT_FRAMEWORK_FILE
from dashboard.core.page import NO_FILTERS, Filters, PageData, View, policy_for
from dashboard.core.periods import Period
from dashboard.core.query import run
from dashboard.core.ratio import rate
from dashboard.core.settings import Settings
from dashboard.core.strings import t
from dashboard.extract.export import Export
from dashboard.outcomes.attainment import attainment
from dashboard.review.learning_log import UNIT_KINDS, Note, check_outside_export, read_notes
from dashboard.spend.figures import HOUR_SERVICES, protect_amounts, provider_universe, spend_figures
from dashboard.zones import zones

OUTCOME_KEYS = ("met", "partly_met", "denominator", "rate")
CHALLENGE_KEYS = ("handbacks", "unmet_requests", "spot_purchase_share", "review_coverage")
PEOPLE = ("hour_people", "hourly_people", "spot_people", "on_contract_people")
COUNTS = ("met", "partly_met", "denominator", "due", "reviewed", "handbacks", "unmet_requests",
          *PEOPLE)  # fmt: skip
LEARNING = pl.List(pl.Struct({"date": pl.String, "note": pl.String}))
COLUMNS = ("unit", "name", "planned_hours", "delivered_hours", "planned_hours_gaps", *COUNTS,
           "rate", "partly_met_rate", "review_coverage", "spot_purchase_share")  # fmt: skip


def _names(con: duckdb.DuckDBPyConnection, partnership: str, by: str) -> pl.DataFrame:
    """unit, name of every lot today (or every provider) of the partnership."""
    if by == "lot":
        lots = zones.todays_lots(con, partnership)
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
    framework_file: Path = DEFAULT_FRAMEWORK_FILE,
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
            attainment(
                con,
                partnerships=[partnership],
                periods=[period],
                by=by,
                filters=filters,
                framework_file=framework_file,
            ),  # fmt: skip
            ["met", "partly_met", "denominator", "due", "reviewed"],
        ),
        _keyed(run(con, "review_handbacks", **window, **filters.params()), ["handbacks"]),
        _keyed(run(con, "review_unmet", **window, **people), ["unmet_requests"]),
    ]
    names = _names(con, partnership, by)
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
    framework_file: Path = DEFAULT_FRAMEWORK_FILE,
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
    framework_file: Path = DEFAULT_FRAMEWORK_FILE,
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


# --- the page -------------------------------------------------------------------------------------

REVIEW_TABLES = {"lot": "lots", "provider": "providers"}
OPTIONAL_TABLES = ("home_care_lots", "providers", "handbacks", "home_care_requests")


def learning_table(
    notes: Sequence[Note], names: dict[str, pl.DataFrame], policy: Policy
) -> pl.DataFrame:
    """The notes as the audience may see them: the team's own text is shown (it is written for
    the review), but a board sees a provider's label, never its id or an unallowed name."""
    df = pl.DataFrame(
        [{"date": n.date, "by": n.by, "unit": n.unit, "period": n.period, "note": n.note}
         for n in notes],
        schema={"date": pl.Date, "by": pl.String, "unit": pl.String, "period": pl.String,
                "note": pl.String},
    )  # fmt: skip
    parts = []
    for by, units in names.items():
        rows = df.filter(pl.col("by") == by).join(units, on="unit", how="left")
        if by == "provider" and policy.controlled and not policy.name_providers:
            rows = rows.filter(pl.col("unit").is_in(units["unit"].implode()))
            rows = disclosure.provider_labels(rows, policy, "unit", "name", universe=units["unit"])
            rows = rows.with_columns(pl.col("name").alias("unit"))
        parts.append(rows.with_columns(pl.col("name").fill_null(pl.col("unit"))))
    out = pl.concat(parts).sort("date", descending=True, maintain_order=True)
    return out.with_columns(pl.col("by").replace_strict(
        {k: t(f"evaluation.by_{k}") for k in UNIT_KINDS}, default=None))  # fmt: skip


def build(export: Export, settings: Settings, view: View) -> PageData:
    """Planned and delivered, outcomes aimed for and met, challenges and learning, per lot and per
    provider; the page's own figures and the review's JSON are the same frames."""
    policy = policy_for(settings)
    page = PageData("contract-review", view)
    con = export.cursor()
    # By lot and by provider are independent: each runs on its own cursor, side by side.
    with ThreadPoolExecutor(max_workers=len(REVIEW_TABLES)) as threads:
        jobs = {
            name: threads.submit(
                review_table,
                export.cursor(),
                partnership=view.partnership,
                period=view.p,
                by=by,
                policy=policy,
                filters=view.filters,
                framework_file=settings.framework_file,
            )  # fmt: skip
            for by, name in REVIEW_TABLES.items()
        }
        page.tables.update({name: job.result() for name, job in jobs.items()})
    page.sentences.append(t("evaluation.review_contribution"))
    absent = [name for name in OPTIONAL_TABLES if not export.present(name)]
    if absent:
        page.sentences.append(t("evaluation.review_absent", tables=", ".join(absent)))
    try:
        check_outside_export(settings.notes_dir, export.folder)
        notes = read_notes(settings.notes_dir, view.partnership, within=view.p)
    except UserError as exc:  # the page still shows its figures; the message says what to fix
        page.sentences.append(str(exc))
        notes = []
    names = {by: _names(con, view.partnership, by) for by in UNIT_KINDS}
    page.tables["learning"] = learning_table(notes, names, policy)
    page.definitions = [
        (t(f"evaluation.def_{k}_term"), t(f"evaluation.def_{k}"))
        for k in ("planned_hours", "delivered_hours", "unit_outcomes", "handbacks",
                  "unmet_requests", "spot_share", "unit_coverage", "learning")
    ]  # fmt: skip
    return page
