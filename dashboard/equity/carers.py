"""The carers page: unpaid carers' own outcomes (every carer_* domain), how far they were met, review
coverage and the trend. Figures from `equity/carer_figures.py`; the trend is judged as every SPC
chart is (`spc/series.judge`)."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from dashboard.core import disclosure
from dashboard.core.disclosure import Policy
from dashboard.core.page import PageData, View, policy_for
from dashboard.core.settings import Settings
from dashboard.core.strings import t
from dashboard.equity.carer_figures import carer_series, domain_table, protect_trend, trend_periods
from dashboard.equity.charts import Chart
from dashboard.extract.export import Export
from dashboard.outcomes.attainment import attainment, split_periods
from dashboard.spc.chart import spc_figure
from dashboard.spc.series import Rules, judge
from dashboard.spc.xmr import reading


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
    _carer_trend(page, settings, policy, monthly, quarterly)
    page.definitions = [(t("evaluation.def_carers_term"), t("evaluation.def_carers"))]
    return page


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
    title = reading(result, t("evaluation.carers_measure"), "%", periods)
    page.sentences.append(title)
    page.trend = Chart(
        spc_figure(
            result, title=title, y_title=t("evaluation.axis_attainment"),
            dates=shown["period"].to_list(),
        ),
        t("evaluation.alt_trend", title=title, n=shown.height, grain=periods),
    )  # fmt: skip
    page.tables["trend"] = protect_trend(shown, policy)
