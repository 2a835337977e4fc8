"""The figures behind each page of the app, one library function a page.

A page function takes the opened export, the settings and the view (partnership, period, filters)
and returns a `PageData`: named tables already through disclosure control, the sentences to show,
and any chart results. The Streamlit page draws it; `dashboard page NAME` prints it. So the app, the
command line and the tests all see the same numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import plotly.graph_objects as go
import polars as pl

from dashboard import disclosure, palette, query
from dashboard.contract import CLIENT_GROUPS, SERVICE_TYPES
from dashboard.export import Export
from dashboard.outcomes import Filters, attainment
from dashboard.periods import Period, add_months, financial_year, months_in, parse_period
from dashboard.settings import Settings
from dashboard.strings import t


@dataclass(frozen=True)
class View:
    partnership: str
    period: str
    filters: Filters = Filters()

    @property
    def p(self) -> Period:
        return parse_period(self.period)


@dataclass
class PageData:
    name: str
    view: View
    tables: dict[str, pl.DataFrame] = field(default_factory=dict)  # protected
    sentences: list[str] = field(default_factory=list)
    charts: dict[str, Any] = field(default_factory=dict)
    definitions: list[tuple[str, str]] = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "page": self.name,
            "partnership": self.view.partnership,
            "period": self.view.period,
            "filters": {k: v for k, v in self.view.filters.params().items() if v is not None},
            "sentences": self.sentences,
            "tables": {name: disclosure.to_records(df) for name, df in self.tables.items()},
        }


def whole_partnership(fn: Callable) -> Callable:
    """Marks a page function whose figures cover the whole partnership whatever the side bar's
    filters say, so the app caches it without them and a filter change does not recompute it."""
    fn.uses_filters = False
    return fn


def policy_for(settings: Settings) -> disclosure.Policy:
    return disclosure.Policy(
        audience=settings.audience,
        threshold=settings.disclosure_threshold,
        method=settings.disclosure_method,
        name_providers=settings.name_providers,
    )


@dataclass(frozen=True)
class FilterOptions:
    partnerships: list[str]
    home: str | None
    years: list[str]
    quarters: list[str]
    default_period: str | None
    localities_by_partnership: dict[str, list[str]]
    client_groups: tuple[str, ...] = CLIENT_GROUPS
    service_types: tuple[str, ...] = SERVICE_TYPES

    def for_partnership(self, partnership: str) -> _Local:
        return _Local(self.localities_by_partnership.get(partnership, []))


@dataclass(frozen=True)
class _Local:
    localities: list[str]


def last_complete_year(extract: date) -> int:
    """Start year of the latest financial year that ended on or before the extract date."""
    return extract.year - 1 if extract >= date(extract.year, 3, 31) else extract.year - 2


def filter_options(export: Export, settings: Settings) -> FilterOptions:
    """Every value a filter can take, from the export itself."""
    partnerships = export.partnerships if export.usable("areas") else []
    home = None
    if partnerships:
        home = settings.partnership if settings.partnership in partnerships else partnerships[0]
    localities: dict[str, list[str]] = {}
    for row in query.run(export.cursor(), "web_localities").iter_rows(named=True):
        localities.setdefault(row["partnership"], []).append(row["locality"])
    extract = export.extract_date
    first = query.run(export.cursor(), "web_data_span")["first_date"][0] or extract
    first_year = first.year if first.month >= 4 else first.year - 1
    current_year = extract.year if extract.month >= 4 else extract.year - 1
    years = [financial_year(y).label for y in range(current_year, first_year - 1, -1)]
    quarters = [f"{y} Q{n}" for y in years for n in (4, 3, 2, 1)]
    default = financial_year(max(last_complete_year(extract), first_year)).label
    return FilterOptions(partnerships, home, years, quarters, default, localities)


# The data quality page.


def data_quality(export: Export, settings: Settings, view: View) -> PageData:
    """How far the data can be trusted: what validation found, data gaps, review completeness."""
    policy = policy_for(settings)
    report = export.report
    page = PageData("data-quality", view)
    page.sentences.append(
        t(
            "quality.extract",
            date=report.extract_date,
            source=t(f"quality.source_{report.extract_date_source}"),
        )
    )
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
    page.tables["tables"] = disclosure.protect(tables, policy, counts=["rows", "set_aside"])
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
    page.tables["errors"] = disclosure.protect(errors, policy, counts=["rows"])
    page.tables["unusable"] = pl.DataFrame(
        [
            {"table": u.table, "column": u.column, "problem": u.kind, "message": u.message}
            for u in report.unusable
        ],
        schema={"table": pl.Utf8, "column": pl.Utf8, "problem": pl.Utf8, "message": pl.Utf8},
    )
    gaps = query.run(
        export.cursor(), "quality_data_gaps", partnership=view.partnership, as_at=view.p.end
    )
    # Named from a lookup, not a Python function per row: Polars would run that function on its
    # worker threads, which then wait for the interpreter lock other sessions' threads hold.
    names = {g: t(f"quality.gap_{g}") for g in gaps["gap"].unique().to_list()}
    gaps = gaps.with_columns(pl.col("gap").replace_strict(names, return_dtype=pl.Utf8))
    page.tables["data_gaps"] = disclosure.protect(
        gaps, policy, counts=["with_gap", "total"], rates={"share": ("with_gap", "total")}
    )
    if export.usable("personal_outcomes") and export.usable("outcome_reviews"):
        completeness = review_completeness(export, view, policy)
        page.tables["review_completeness"] = completeness
        page.charts["review_completeness"] = completeness_figure(completeness)
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


COMPLETENESS_MONTHS = 24


def review_completeness(export: Export, view: View, policy: disclosure.Policy) -> pl.DataFrame:
    """Review coverage (metrics.md) with P set to each of the last 24 months to the period's end:
    a month that falls well short of its neighbours shows reviews not yet recorded."""
    end = view.p.end
    months = months_in(add_months(date(end.year, end.month, 1), 1 - COMPLETENESS_MONTHS), end)
    figures = attainment(
        export.cursor(), partnerships=[view.partnership], periods=months, filters=view.filters
    )
    table = figures.select("period", "due", "reviewed", "coverage").sort("period")
    return disclosure.protect(
        table, policy, counts=["due", "reviewed"], rates={"coverage": ("reviewed", "due")}
    )


def completeness_figure(table: pl.DataFrame) -> go.Figure:
    """Coverage by month as a line with markers; months hidden for a board are left as gaps."""
    figure = go.Figure(
        go.Scatter(
            x=table["period"].to_list(),
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
