"""The spend page: individual budget spend beside the difference support makes (issue 11).

Figures come from spend/figures.py (SQL, then disclosure control), tables from spend/tables.py and
the SPC charts from spend/charts.py; this module assembles them with the plain-language sentences a
board reads. Value is worded as contribution, not attribution.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from dashboard.core import formats
from dashboard.core.page import PageData, View, policy_for
from dashboard.core.settings import Settings
from dashboard.core.strings import t
from dashboard.extract.export import Export
from dashboard.outcomes.attainment import split_periods
from dashboard.outcomes.indicators import is_provisional
from dashboard.spend.charts import SpendChart, spend_charts
from dashboard.spend.figures import (
    provider_universe,
    series_periods,
    spend_figures,
    spend_series,
    value_outcomes,
)
from dashboard.spend.tables import (
    PROVIDER_BREAKDOWNS,
    TOTAL,
    hours_table,
    series_table,
    spend_table,
    spot_table,
    value_table,
)

BREAKDOWNS = ("locality", "service_type", "sds_option", "provider", "lot")
SPOT_BREAKDOWNS = ("locality", "service_type", "paid_provider")
VALUE_BREAKDOWNS = ("service_type", "lot")  # attainment beside weekly cost


@dataclass
class SpendPage(PageData):
    """The spend page: its protected tables and sentences, and the two SPC charts (None when the
    export has no usable spend or plans)."""

    utilisation: SpendChart | None = None
    spend: SpendChart | None = None


def _money(value: Any) -> str:
    return formats.money(value)


def _summary_sentences(summary: dict, view: View, provisional: bool, lag: int) -> list[str]:
    """Plain-language lines for a board, from the protected total row (a hidden figure says so)."""
    out = []
    if summary["spend"] is None or summary["budget"] is None:
        return [t("spend.summary_hidden")]
    util = summary["utilisation"]
    out.append(
        t(
            "spend.summary_utilisation",
            partnership=view.partnership,
            period=view.period,
            spend=_money(summary["spend"]),
            budget=_money(summary["budget"]),
            utilisation=t("spend.not_computable") if util is None else formats.percent(util),
        )  # fmt: skip
    )
    if provisional:
        out.append(t("spend.summary_provisional", lag=lag))
    if summary["recoveries"] is not None:
        out.append(t("spend.summary_recoveries", recoveries=_money(-summary["recoveries"]),
                     payments=_money(summary["payments"])))  # fmt: skip
    kinds = [summary[k] for k in ("on_contract_gbp", "spot_gbp", "direct_payment_gbp")]
    if all(k is not None for k in kinds):
        out.append(t("spend.summary_kinds", on_contract=_money(kinds[0]), spot=_money(kinds[1]),
                     direct=_money(kinds[2])))  # fmt: skip
    if summary["budget_gaps"]:
        out.append(t("spend.summary_budget_gaps", n=summary["budget_gaps"]))
    elif summary["budget_gaps__suppressed"]:
        out.append(t("spend.summary_budget_gaps_hidden"))
    return out


def _spot_sentence(table: pl.DataFrame, breakdown: str) -> str | None:
    """Where the largest shown share of spot spend sits (not for providers: never ranked)."""
    rows = table.filter(~pl.col(TOTAL), pl.col("share_of_all_spot").is_not_null())
    if not rows.height or breakdown in PROVIDER_BREAKDOWNS:
        return None
    top = rows.sort("share_of_all_spot", descending=True).row(0, named=True)
    if not top["share_of_all_spot"]:
        return None
    return t(f"spend.spot_top_{breakdown}", group=top["group"], share=top["share_of_all_spot"])


def _hours_sentences(hours: pl.DataFrame) -> list[str]:
    """Hours delivered against planned, like with like, and the plans whose hours are not
    reported (metrics.md v1.2), from the protected total row."""
    total = hours.filter(pl.col(TOTAL)).row(0, named=True)
    out = []
    if total["hours_ratio"] is not None and total["cost_per_hour"] is not None:
        out.append(t("spend.summary_hours", ratio=total["hours_ratio"],
                     cost=formats.money(total["cost_per_hour"], per_hour=True)))  # fmt: skip
    if total["unreported_plans"]:
        out.append(t("spend.summary_hours_unreported", plans=total["unreported_plans"]))
    return out


def build(
    export: Export,
    settings: Settings,
    view: View,
) -> SpendPage:
    """Spend against planned budget, spot purchasing, hours, value and the monthly SPC charts."""
    policy = policy_for(settings)
    page = SpendPage("spend", view)
    page.definitions = [(t(f"spend.def_{k}_term"), t(f"spend.def_{k}")) for k in DEFINITIONS]
    if not export.usable("budget_spend") or not export.usable("support_plans"):
        page.sentences.append(t("spend.unusable"))
        return page
    con = export.cursor()
    common = {"partnership": view.partnership, "filters": view.filters}
    lag = settings.run_out_lag_weeks
    figs = spend_figures(
        con, periods=[view.p], breakdowns=("all", *BREAKDOWNS, "paid_provider"), **common
    )
    providers = provider_universe(con, view.partnership)
    for b in BREAKDOWNS:
        page.tables[f"spend_by_{b}"] = spend_table(figs, b, policy, providers)
    for b in SPOT_BREAKDOWNS:
        page.tables[f"spot_by_{b.removeprefix('paid_')}"] = spot_table(figs, b, policy, providers)
    page.tables["hours"] = hours_table(figs, policy)
    outcomes = value_outcomes(con, view.partnership, view.p, VALUE_BREAKDOWNS, view.filters)
    for b, counted in outcomes.items():
        page.tables[f"value_by_{b}"] = value_table(figs, counted, b, policy)
    months, quarters = series_periods(view.p, export.extract_date, settings.series_months)
    both = spend_series(con, periods=[*months, *quarters], **common)
    monthly, quarterly = (
        series_table(part, ps, export.extract_date, lag)
        for part, ps in zip(
            split_periods(both, len(months), len(quarters)), (months, quarters), strict=True
        )
    )
    charts = spend_charts(monthly, quarterly, policy, settings)
    page.utilisation, page.spend = charts.utilisation, charts.spend
    page.tables["series"] = charts.table
    summary = page.tables["spend_by_locality"].filter(pl.col(TOTAL)).row(0, named=True)
    provisional = is_provisional(view.p.end, export.extract_date, lag)
    page.sentences += _summary_sentences(summary, view, provisional, lag)
    spot = _spot_sentence(page.tables["spot_by_locality"], "locality")
    page.sentences += [spot] if spot else []
    page.sentences += _hours_sentences(page.tables["hours"])
    page.sentences += charts.readings
    page.sentences.append(t("spend.contribution"))
    return page


DEFINITIONS = ("spend", "recoveries", "kinds", "utilisation", "budget_gap", "spot_share",
               "hours", "cost_per_hour", "weekly_cost", "attainment_interval", "provisional",
               "people", "contribution")  # fmt: skip
