"""The outcome trends page (for analysts and boards): attainment and partly-met rates over time as
XmR charts, attainment by a breakdown for P, and distance travelled.

Counting lives in outcomes/attainment.py, protected tables in outcomes/tables.py and charts in
outcomes/charts.py; this module chooses the periods, asks for each series in one call and
assembles the page. The figures it adds beyond metrics.md are defined in docs/pages.md.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import cache

import polars as pl

from dashboard.core.disclosure import Policy, flag, series_grain
from dashboard.core.page import PageData, View, policy_for
from dashboard.core.settings import Settings
from dashboard.core.strings import t
from dashboard.extract.export import Export
from dashboard.extract.filters import series_window
from dashboard.outcomes.attainment import Grain, attainment, series_periods, split_periods
from dashboard.outcomes.charts import BarChart, TrendChart, breakdown_chart, trend_chart
from dashboard.outcomes.depth_page import OutcomeDepth, add_depth
from dashboard.outcomes.reablement import monthly as reablement_monthly
from dashboard.outcomes.reablement import series_table as reablement_series_table
from dashboard.outcomes.tables import breakdown_table, distance_table, trend_table
from dashboard.spc.series import Rules, from_first
from dashboard.spc.xmr import format_value

OVERALL_TARGET_KEY = "overall_attainment"  # settings.targets key for all outcomes together
DEFAULT_BREAKDOWN = "national_outcome"
BREAKDOWNS = (
    "national_outcome", "domain", "outcome_type", "locality", "client_group", "service_type", "sds_option",
    "deprivation_decile", "urban_rural", "age_band", "sex",
)  # fmt: skip


@dataclass
class OutcomeBreakdownPage(PageData):
    """Attainment by one breakdown for P: its bars (the table is `tables[breakdown.table]`)."""

    breakdown: BarChart | None = None


@dataclass
class OutcomeTrendsPage(OutcomeBreakdownPage):
    """The outcome trends page: the SPC chart of each rate, and the default breakdown's bars."""

    rate: TrendChart | None = None
    partly_met_rate: TrendChart | None = None
    depth: OutcomeDepth | None = None


def _trend(
    monthly: pl.DataFrame,
    quarterly: pl.DataFrame,
    *,
    measure: str,
    numerator: str,
    direction: str,
    target: float | None,
    settings: Settings,
    policy: Policy,
    shown_with: tuple[str, ...] = (),
    table_of: Callable[[pl.DataFrame], pl.DataFrame] | None = None,
) -> tuple[TrendChart, pl.DataFrame | None]:
    """One rate's SPC chart at the finest grain disclosure allows, and its protected table.

    `shown_with` names numerators another chart on the page shows over the same denominator at a
    grain at least as fine (met beside partly met): what they leave together (not met) must not
    be small either, so this chart steps to a coarser grain when it would be."""
    grain, frame, note = series_grain(
        monthly, quarterly, policy, denominator="denominator", numerator=(numerator, *shown_with)
    )
    if frame is None or frame.is_empty():
        name = t(f"outcome_pages.measure_{measure}")
        note = note or t("outcome_pages.trend_title_empty", measure=name)
        return TrendChart(measure, None, note, None, note, None, None), None
    chart = trend_chart(frame, measure, grain=grain, note=note, direction=direction,
                        target=target, rules=Rules.of(settings))  # fmt: skip
    if table_of is not None:
        return chart, table_of(frame)
    return chart, trend_table(frame, measure, numerator, policy)


def _series(
    export: Export, settings: Settings, view: View, start: date, grains: Sequence[Grain]
) -> list[pl.DataFrame]:
    """The attainment series at each grain, counted in one query and each trimmed."""
    lists = [series_periods(start, view.p.end, g) for g in grains]
    df = attainment(
        export.cursor(),
        partnerships=[view.partnership],
        periods=[p for ps in lists for p in ps],
        filters=view.filters,
        framework_file=settings.framework_file,
    )
    return [from_first(part) for part in split_periods(df, *map(len, lists))]


def _add_breakdown(page: OutcomeBreakdownPage, export: Export, settings: Settings, by: str) -> None:
    policy = policy_for(settings)
    table = breakdown_table(export, settings, page.view, by, policy)
    chart = breakdown_chart(table, by, page.view.period, policy)
    page.tables[chart.table] = table
    page.breakdown = chart


def _headline(table: pl.DataFrame, view: View, policy: Policy) -> list[str]:
    total = table.filter(pl.col("is_total")).row(0, named=True)
    if total[flag("rate")]:
        attained = t("outcome_pages.headline_hidden", period=view.period)
    elif total["rate"] is None:
        attained = t("outcome_pages.headline_none", period=view.period)
    else:
        attained = t("outcome_pages.headline", period=view.period,
                     rate=format_value(total["rate"], "%"), met=total["met"],
                     denominator=total["denominator"])  # fmt: skip
    if total[flag("coverage")] or total["coverage"] is None:
        covered = t("outcome_pages.coverage_hidden")
    else:
        covered = t("outcome_pages.coverage", rate=format_value(total["coverage"], "%"),
                    reviewed=total["reviewed"], due=total["due"])  # fmt: skip
    return [attained, covered]


def outcome_definitions(*keys: str) -> list[tuple[str, str]]:
    return [(t(f"outcome_pages.def_{k}_term"), t(f"outcome_pages.def_{k}")) for k in keys]


def build(
    export: Export,
    settings: Settings,
    view: View,
) -> OutcomeTrendsPage:
    """Attainment and partly-met rates over time as XmR charts, the national-outcome breakdown for
    P and distance travelled: what an analyst explores and a board reads."""
    policy = policy_for(settings)
    page = OutcomeTrendsPage("outcome-trends", view)
    start = series_window(export, view.p.end, settings.series_months)
    # a board series too thin by month is drawn by quarter; internal figures never need quarters
    if policy.controlled:
        monthly, quarterly = _series(export, settings, view, start, ("month", "quarter"))
    else:
        (monthly,) = _series(export, settings, view, start, ("month",))
        quarterly = monthly
    common = {"settings": settings, "policy": policy}
    page.rate, rate_table = _trend(monthly, quarterly, measure="rate", numerator="met",
                                   direction="increase",
                                   target=settings.targets.get(OVERALL_TARGET_KEY), **common)  # fmt: skip
    page.partly_met_rate, partly_table = _trend(monthly, quarterly, measure="partly_met_rate",
                                                numerator="partly_met", direction="neutral",
                                                target=None, shown_with=("met",), **common)  # fmt: skip
    for measure, table in (("rate", rate_table), ("partly_met_rate", partly_table)):
        if table is not None:
            page.tables[measure] = table
    _add_breakdown(page, export, settings, DEFAULT_BREAKDOWN)
    page.sentences = _headline(page.tables[f"breakdown_{DEFAULT_BREAKDOWN}"], view, policy)
    page.tables["distance"] = distance_table(export, settings, view, policy)
    page.depth = add_depth(page.tables, export, settings, view, policy)
    _add_reablement(page, export, settings, start, policy)
    page.definitions = outcome_definitions(
        "attainment", "partly_met", "coverage", "interval", "series", "spc", "distance",
        "types", "journey", "reablement_goals", "reablement_followed", "phrases",
    )  # fmt: skip
    return page


def _add_reablement(
    page: OutcomeTrendsPage, export: Export, settings: Settings, start: date, policy: Policy
) -> None:
    """Reablement goals met and plans followed by no further support, month by month with SPC
    (by quarter when a board's months are thin), each with its protected table."""
    grains: tuple[Grain, ...] = ("month", "quarter") if policy.controlled else ("month",)
    frames = [
        from_first(reablement_monthly(export, settings, page.view,
                                      series_periods(start, page.view.p.end, g)), "plans_ended")
        for g in grains
    ]  # fmt: skip
    monthly, quarterly = frames[0], frames[-1]
    assert page.depth is not None
    for measure, num, den in (("goals_met_rate", "goals_met", "goals"),
                              ("followed_none_rate", "followed_none", "plans_ended")):  # fmt: skip
        as_rate = [f.rename({den: "denominator"}) for f in (monthly, quarterly)]
        chart, table = _trend(
            *as_rate, measure=measure, numerator=num, direction="increase", target=None,
            settings=settings, policy=policy,
            table_of=lambda f, m=measure, n=num: reablement_series_table(
                f, m, n, "denominator", policy),
        )  # fmt: skip
        if table is not None:
            page.tables[f"reablement_{measure}"] = table
        page.depth.reablement.append(replace(chart, table=f"reablement_{measure}"))


@cache
def outcome_breakdown_page(by: str) -> Callable[[Export, Settings, View], OutcomeBreakdownPage]:
    """The page function for one breakdown, named after it, so web.page_data caches each choice of
    the breakdown selector apart without recounting the trends."""

    def page_fn(export: Export, settings: Settings, view: View) -> OutcomeBreakdownPage:
        page = OutcomeBreakdownPage(f"outcome-breakdown-{by}", view)
        _add_breakdown(page, export, settings, by)
        page.definitions = outcome_definitions("attainment", "interval", "coverage")
        return page

    page_fn.__name__ = page_fn.__qualname__ = f"outcome_breakdown_{by}"
    return page_fn
