"""The contract review page: for each lot or provider and a period, the four questions of a simple
outcomes review (docs/evaluation.md) — which activities were planned and what was delivered, which
outcomes people aimed for and how far they were met, what challenges came up, what was learned.
The figures are the review's own (`review/figures.py`), the notes the learning log's.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import polars as pl

from dashboard.core import disclosure
from dashboard.core.disclosure import Policy
from dashboard.core.errors import UserError
from dashboard.core.page import PageData, View, policy_for
from dashboard.core.settings import Settings
from dashboard.core.strings import t
from dashboard.extract.export import Export
from dashboard.review.figures import review_table, unit_names
from dashboard.review.learning_log import UNIT_KINDS, Note, check_outside_export, read_notes

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
    names = {by: unit_names(con, view.partnership, by) for by in UNIT_KINDS}
    page.tables["learning"] = learning_table(notes, names, policy)
    page.definitions = [
        (t(f"evaluation.def_{k}_term"), t(f"evaluation.def_{k}"))
        for k in ("planned_hours", "delivered_hours", "unit_outcomes", "handbacks",
                  "unmet_requests", "spot_share", "unit_coverage", "learning")
    ]  # fmt: skip
    return page
