"""The equity page: who is being left behind. Attainment, unmet need and SDS choice by group
(`equity/figures.py`), each breakdown's interval chart (`equity/charts.py`) and the largest gap in
words, so a board can tell a real gap from chance (docs/evaluation.md)."""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from dashboard.core import formats
from dashboard.core.page import PageData, View, policy_for
from dashboard.core.settings import Settings
from dashboard.core.strings import t
from dashboard.equity.charts import Chart, breakdown_chart
from dashboard.equity.figures import (
    DEFAULT_GAP_MIN_DENOMINATOR,
    EQUITY_BREAKDOWNS,
    attainment_table,
    labelled,
    sds_mix_table,
    unmet_table,
)
from dashboard.equity.gradient import lead_gap, slope_index
from dashboard.extract.export import Export


@dataclass
class EquityPage(PageData):
    """The equity page's figures: its tables, and one interval chart per breakdown of each of
    attainment and unmet need (keyed by breakdown, one of EQUITY_BREAKDOWNS)."""

    attainment: dict[str, Chart] = field(default_factory=dict)
    unmet: dict[str, Chart] = field(default_factory=dict)


def gap_sentence(gap: dict | None) -> str:
    """The gap a board reads first (the largest reliable one, `gradient.lead_gap`) in words, with
    the interval of the difference; a gap not clear of zero is said to be possibly chance."""
    if gap is None:
        return t("evaluation.gap_none")
    return t(
        "evaluation.gap_real" if gap["reliable"] else "evaluation.gap_overlap",
        breakdown=t(f"evaluation.by_{gap['breakdown']}"),
        high_group=formats.label(gap["high"]["group"]),
        high=formats.percent(gap["high"]["rate"]),
        low_group=formats.label(gap["low"]["group"]),
        low=formats.percent(gap["low"]["rate"]),
        points=gap["gap"] * 100,
        points_low=gap["gap_low"] * 100,
        points_high=gap["gap_high"] * 100,
    )


def gradient_sentence(attainment: pl.DataFrame) -> str:
    """The deprivation gradient: the most against the least deprived decile shown, and the slope
    index of inequality with its interval (docs/evaluation.md)."""
    sii = slope_index(attainment.filter(pl.col("breakdown") == "deprivation_decile"))
    if sii is None:
        return t("evaluation.gradient_none")
    key = "gradient_real" if sii["low"] > 0 or sii["high"] < 0 else "gradient_chance"
    return t(
        f"evaluation.{key}",
        most=formats.percent(sii["most"]["rate"]), most_decile=sii["most"]["group"],
        least=formats.percent(sii["least"]["rate"]), least_decile=sii["least"]["group"],
        sii=sii["sii"] * 100, low=sii["low"] * 100, high=sii["high"] * 100,
    )  # fmt: skip


def build(
    export: Export,
    settings: Settings,
    view: View,
    min_denominator: int = DEFAULT_GAP_MIN_DENOMINATOR,
) -> EquityPage:
    """Attainment, unmet need and SDS option mix by group, with intervals and the largest gap."""
    policy = policy_for(settings)
    page = EquityPage("equity", view)
    attainment = attainment_table(export, view, policy, settings)
    page.sentences.append(gap_sentence(lead_gap(attainment, min_denominator)))
    page.sentences.append(gradient_sentence(attainment))
    page.tables["attainment"] = labelled(attainment)
    page.tables["unmet_need"] = labelled(unmet_table(export, view, policy))
    page.tables["sds_mix"] = labelled(sds_mix_table(export, view, policy))
    if not export.present("home_care_requests"):
        page.sentences.append(t("evaluation.no_requests"))
    for b in EQUITY_BREAKDOWNS:
        page.attainment[b] = breakdown_chart(
            page.tables["attainment"], b, "rate", "attainment", True
        )
        page.unmet[b] = breakdown_chart(page.tables["unmet_need"], b, "per_1000", "unmet", False)
    page.definitions = [(t(f"evaluation.def_{k}_term"), t(f"evaluation.def_{k}"))
                        for k in ("equity_attainment", "unmet_rate", "sds_mix", "largest_gap", "sii")]  # fmt: skip
    return page
