"""The carers page: unpaid carers' own outcomes (every carer_* domain), how far they were met, review
coverage and the trend. Figures from `equity/carer_figures.py`; the trend is judged as every SPC
chart is (`spc/series.judge`)."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from dashboard.core import disclosure, formats
from dashboard.core.disclosure import Policy
from dashboard.core.page import PageData, View, policy_for
from dashboard.core.settings import Settings
from dashboard.core.strings import t
from dashboard.equity.carer_figures import carer_series, domain_table, protect_trend, trend_periods
from dashboard.equity.charts import Chart
from dashboard.extract.export import Export
from dashboard.outcomes.attainment import attainment, attainments, split_periods
from dashboard.spc.chart import spc_figure
from dashboard.spc.series import Rules, judge
from dashboard.spc.xmr import format_value, latest, reading


@dataclass
class CarersPage(PageData):
    """The carers page's figures: its tables and, when disclosure allows one, the trend chart."""

    trend: Chart | None = None


def build(
    export: Export,
    settings: Settings,
    view: View,
) -> CarersPage:
    """Unpaid carers' own outcomes (every carer_* domain): attainment, review coverage, trend."""
    policy = policy_for(settings)
    page = CarersPage("carers", view)
    common = {"partnerships": [view.partnership], "by": "domain", "filters": view.filters,
              "framework_file": settings.framework_file}  # fmt: skip
    months, quarters = trend_periods(view.p.end, settings.series_months, policy)
    domains, monthly, quarterly = split_periods(
        attainment(export.cursor(), periods=[view.p, *months, *quarters], **common),
        1, len(months), len(quarters),
    )  # fmt: skip
    page.tables["domains"] = domain_table(domains, policy)
    overall = page.tables["domains"].filter(pl.col("is_total")).row(0, named=True)
    page.sentences.append(_carers_summary(overall, policy))
    page.sentences.append(_beside_outcome_6(export, settings, view, policy))
    _carer_trend(page, settings, policy, monthly, quarterly)
    page.definitions = [(t("evaluation.def_carers_term"), t("evaluation.def_carers"))]
    return page


def _beside_outcome_6(export: Export, settings: Settings, view: View, policy: Policy) -> str:
    """Why this page's figure and national outcome 6's differ (issue 20): outcome 6 counts the
    outcomes linked to it (by the practitioner, else by the crosswalk), this page every outcome in
    a carer domain; a carer's outcome linked elsewhere, or another outcome linked to 6, is in one
    figure only. Outcome 6's figure is protected as the national outcomes page protects it."""
    counted = attainments(
        export.cursor(), partnerships=[view.partnership], periods=[view.p],
        bys=("national_outcome",), filters=view.filters, framework_file=settings.framework_file,
    )["national_outcome"].filter(pl.col("grp") == "6")  # fmt: skip
    if counted.is_empty():
        return t("evaluation.carers_vs_no6_none")
    row = disclosure.protect(
        counted.select("met", "denominator").with_columns(
            (pl.col("met") / pl.col("denominator")).alias("rate")
        ),
        policy, counts=["met", "denominator"], rates={"rate": ("met", "denominator")},
    ).row(0, named=True)  # fmt: skip
    if row["rate"] is None:
        return t("evaluation.carers_vs_no6_hidden")
    return t("evaluation.carers_vs_no6", rate=formats.percent(row["rate"]),
             met=formats.count(row["met"]), denominator=formats.count(row["denominator"]))  # fmt: skip


def _carers_summary(row: dict, policy: Policy) -> str:
    """The headline in words; a hidden figure is said to be hidden, never guessed at."""
    if row["denominator"] == 0:
        return t("evaluation.carers_none")
    if row["rate"] is None or row["coverage"] is None:
        return t("evaluation.carers_hidden", threshold=policy.threshold)
    return t(
        "evaluation.carers_summary", rate=row["rate"] * 100, met=row["met"],
        denominator=row["denominator"], coverage=row["coverage"] * 100,
    )  # fmt: skip


def _carer_trend(
    page: CarersPage, settings: Settings, policy: Policy, monthly: pl.DataFrame,
    quarterly: pl.DataFrame,
) -> None:  # fmt: skip
    """The trend at the finest grain disclosure allows, its reading as a sentence, its chart and
    its protected table; or a sentence saying there is no trend to show."""
    grain, shown, note = disclosure.series_grain(
        carer_series(monthly), carer_series(quarterly), policy, denominator="denominator",
        numerator="met",
    )  # fmt: skip
    if note:
        page.sentences.append(note)
    if shown is None or shown.height == 0 or shown["rate"].null_count() == shown.height:
        page.sentences.append(t("evaluation.carers_no_trend"))
        return
    shown = shown.filter(pl.col("rate").is_not_null())
    result = judge(shown, "rate", Rules.of(settings), direction="increase")
    periods = t(f"evaluation.grain_{grain}")
    said = reading(result, t("evaluation.carers_measure"), "%", periods)
    page.sentences.append(said)
    point = latest(result)  # a short title that fits the chart; the sentence says the rest
    title = t("evaluation.carers_measure") if point is None else t(
        "evaluation.carers_trend_title", measure=t("evaluation.carers_measure"),
        value=format_value(point["value"], "%"),
        period=formats.month(shown["period"][point["index"]]),
    )  # fmt: skip
    page.trend = Chart(
        spc_figure(
            result, title=title, y_title=t("evaluation.axis_attainment"),
            dates=shown["period"].to_list(), x_title=t(f"evaluation.axis_{grain}"),
        ),
        t("evaluation.alt_trend", title=said, n=shown.height, grain=periods),
    )  # fmt: skip
    page.tables["trend"] = protect_trend(shown, policy)
