"""The equity page: who is being left behind. Attainment, unmet need and SDS choice by group
(`equity/figures.py`), each breakdown's interval chart (`equity/charts.py`) and the largest gap in
words, so a board can tell a real gap from chance (docs/evaluation.md)."""

from __future__ import annotations

from dataclasses import dataclass, field

from dashboard.core.page import PageData, View, policy_for
from dashboard.core.settings import Settings
from dashboard.core.strings import t
from dashboard.equity.charts import Chart, breakdown_chart
from dashboard.equity.figures import (
    DEFAULT_GAP_MIN_DENOMINATOR,
    EQUITY_BREAKDOWNS,
    attainment_table,
    largest_gap,
    sds_mix_table,
    unmet_table,
)
from dashboard.extract.export import Export


@dataclass
class EquityPage(PageData):
    """The equity page's figures: its tables, and one interval chart per breakdown of each of
    attainment and unmet need (keyed by breakdown, one of EQUITY_BREAKDOWNS)."""

    attainment: dict[str, Chart] = field(default_factory=dict)
    unmet: dict[str, Chart] = field(default_factory=dict)


def gap_sentence(gap: dict | None) -> str:
    """The largest gap in words, saying whether the intervals overlap (then it may be chance)."""
    if gap is None:
        return t("evaluation.gap_none")
    return t(
        "evaluation.gap_overlap" if gap["overlap"] else "evaluation.gap_real",
        breakdown=t(f"evaluation.by_{gap['breakdown']}"),
        high_group=gap["high"]["group"],
        high=gap["high"]["rate"] * 100,
        low_group=gap["low"]["group"],
        low=gap["low"]["rate"] * 100,
        points=gap["gap"] * 100,
    )


def build(
    export: Export,
    settings: Settings,
    view: View,
    min_denominator: int = DEFAULT_GAP_MIN_DENOMINATOR,
) -> EquityPage:
    """Attainment, unmet need and SDS option mix by group, with intervals and the largest gap."""
    policy = policy_for(settings)
    page = EquityPage("equity", view)
    page.tables["attainment"] = attainment_table(export, view, policy, settings)
    page.tables["unmet_need"] = unmet_table(export, view, policy)
    page.tables["sds_mix"] = sds_mix_table(export, view, policy)
    page.sentences.append(gap_sentence(largest_gap(page.tables["attainment"], min_denominator)))
    if not export.present("home_care_requests"):
        page.sentences.append(t("evaluation.no_requests"))
    for b in EQUITY_BREAKDOWNS:
        page.attainment[b] = breakdown_chart(
            page.tables["attainment"], b, "rate", "attainment", True
        )
        page.unmet[b] = breakdown_chart(page.tables["unmet_need"], b, "per_1000", "unmet", False)
    page.definitions = [(t(f"evaluation.def_{k}_term"), t(f"evaluation.def_{k}"))
                        for k in ("equity_attainment", "unmet_rate", "sds_mix", "largest_gap")]  # fmt: skip
    return page
