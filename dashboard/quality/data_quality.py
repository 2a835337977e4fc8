"""The data quality page: how far each page can be trusted.

Its figures are what validation found when the export was opened (tables loaded, rows set aside,
errors), the data gaps of `queries/quality_data_gaps.sql`, and review completeness by month, all
through disclosure control; the board pack's data quality note prints the same tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import plotly.graph_objects as go
import polars as pl

from dashboard.core import disclosure, formats, palette, query
from dashboard.core.page import PageData, View, policy_for
from dashboard.core.periods import add_months, months_in
from dashboard.core.settings import Settings
from dashboard.core.strings import t
from dashboard.extract.export import Export
from dashboard.extract.validation import Report
from dashboard.outcomes.attainment import attainment

COMPLETENESS_MONTHS = 24


@dataclass
class DataQualityPage(PageData):
    """The page's tables and, when outcomes and reviews can be used, the completeness chart."""

    review_completeness: go.Figure | None = None


def build(export: Export, settings: Settings, view: View) -> DataQualityPage:
    """How far the data can be trusted: what validation found, data gaps, review completeness."""
    policy = policy_for(settings)
    report = export.report
    page = DataQualityPage("data-quality", view)
    page.sentences.append(
        t(
            "quality.extract",
            date=formats.day(date.fromisoformat(report.extract_date)),
            source=t(f"quality.source_{report.extract_date_source}"),
        )
    )
    page.tables.update(validation_tables(report, policy))
    page.tables["data_gaps"] = data_gaps(export, view, policy)
    if export.usable("personal_outcomes") and export.usable("outcome_reviews"):
        completeness, year = review_completeness(export, view, policy)
        page.tables["review_completeness"] = completeness
        page.review_completeness = completeness_figure(completeness)
        page.sentences.append(_beside_the_year(year, view))
    if report.errors:
        page.sentences.append(t("quality.errors_found", n=len(report.errors)))
    if report.unusable:
        page.sentences.append(
            t("quality.unusable_found", tables=", ".join(sorted(report.unusable_tables)))
        )
    if report.absent:
        page.sentences.append(t("quality.absent", tables=", ".join(report.absent)))
    page.definitions = [
        (t("quality.def_gap_term"), t("quality.def_gap")),
        (t("quality.def_completeness_term"), t("quality.def_completeness")),
    ]
    return page


def validation_tables(report: Report, policy: disclosure.Policy) -> dict[str, pl.DataFrame]:
    """What validation found, as tables: each table's status and rows (`tables`), the errors that
    set rows aside (`errors`) and the columns that made a table unusable (`unusable`)."""
    tables = pl.DataFrame(
        {
            "table": list(report.tables) + report.absent,
            "status": [
                t("quality.status_unusable")
                if name in report.unusable_tables
                else t("quality.status_loaded")
                for name in report.tables
            ]
            + [t("quality.status_absent")] * len(report.absent),
            "rows": [s.rows for s in report.tables.values()] + [0] * len(report.absent),
            "set_aside": [s.set_aside for s in report.tables.values()] + [0] * len(report.absent),
        },
        schema={"table": pl.Utf8, "status": pl.Utf8, "rows": pl.Int64, "set_aside": pl.Int64},
    )
    out = {"tables": disclosure.protect(tables, policy, counts=["rows", "set_aside"])}
    errors = pl.DataFrame(
        [
            {"table": e.table, "column": e.column, "problem": e.kind, "detail": e.detail, "rows": e.count,
             "examples": ", ".join(e.examples)}
            for e in report.errors
        ],
        schema={"table": pl.Utf8, "column": pl.Utf8, "problem": pl.Utf8, "detail": pl.Utf8,
                "rows": pl.Int64, "examples": pl.Utf8},
    )  # fmt: skip
    if policy.audience == "board":  # record keys are for the partnership's own analysts
        errors = errors.drop("examples")
    out["errors"] = disclosure.protect(errors, policy, counts=["rows"])
    out["unusable"] = pl.DataFrame(
        [
            {"table": u.table, "column": u.column, "problem": u.kind, "message": u.message}
            for u in report.unusable
        ],
        schema={"table": pl.Utf8, "column": pl.Utf8, "problem": pl.Utf8, "message": pl.Utf8},
    )
    return out


def data_gaps(export: Export, view: View, policy: disclosure.Policy) -> pl.DataFrame:
    """Each kind of data gap (plans with no hours or budget, spend with no hours delivered): how
    many records have it, of how many, named for the reader and protected."""
    gaps = query.run(
        export.cursor(), "quality_data_gaps", partnership=view.partnership, as_at=view.p.end
    )
    # Named from a lookup, not a Python function per row: Polars would run that function on its
    # worker threads, which then wait for the interpreter lock other sessions' threads hold.
    names = {g: t(f"quality.gap_{g}") for g in gaps["gap"].unique().to_list()}
    gaps = gaps.with_columns(pl.col("gap").replace_strict(names, return_dtype=pl.Utf8))
    return disclosure.protect(
        gaps, policy, counts=["with_gap", "total"], rates={"share": ("with_gap", "total")}
    )


def review_completeness(
    export: Export, view: View, policy: disclosure.Policy
) -> tuple[pl.DataFrame, dict]:
    """Review coverage (metrics.md) with P set to each of the last 24 months to the period's end
    (a month that falls well short of its neighbours shows reviews not yet recorded), and the
    period's own coverage, counted in the same pass, so the page can say why the two differ."""
    end = view.p.end
    months = months_in(add_months(date(end.year, end.month, 1), 1 - COMPLETENESS_MONTHS), end)
    figures = attainment(
        export.cursor(), partnerships=[view.partnership], periods=[view.p, *months],
        filters=view.filters,
    )  # fmt: skip
    protected = disclosure.protect(
        figures.select("p", "period", "due", "reviewed", "coverage"),
        policy, counts=["due", "reviewed"], rates={"coverage": ("reviewed", "due")},
    )  # fmt: skip
    year = protected.filter(pl.col("p") == 1)
    table = protected.filter(pl.col("p") > 1).drop("p").sort("period")
    return table, (year.row(0, named=True) if year.height else {"coverage": None})


def _beside_the_year(year: dict, view: View) -> str:
    """The monthly share beside the period's coverage: an outcome is due in every month its plan
    is active but reviewed about once a year, so a month's share is far lower by design."""
    if year["coverage"] is None:
        return t("quality.completeness_vs_period_hidden", period=view.period)
    return t("quality.completeness_vs_period", period=view.period,
             coverage=formats.percent(year["coverage"]))  # fmt: skip


def completeness_figure(table: pl.DataFrame) -> go.Figure:
    """Coverage by month as a line with markers; months hidden for a board are left as gaps."""
    figure = go.Figure(
        go.Scatter(
            x=[formats.month(p) for p in table["period"].to_list()],
            y=[None if v is None else v * 100 for v in table["coverage"].to_list()],
            mode="lines+markers",
            line={"color": palette.DARK_BLUE},
            name=t("quality.completeness_axis"),
        )
    )
    figure.update_layout(
        title=t("quality.completeness_title"),
        xaxis_title=t("quality.completeness_month_axis"),
        yaxis_title=t("quality.completeness_axis"),
        yaxis_range=[0, 100],
        showlegend=False,
    )
    return figure
