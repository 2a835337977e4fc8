"""The pack's comparison section: the spine chart of the national outcomes page and the funnels of
partnerships of the fair comparison page, printed from their pages' protected figures."""

from __future__ import annotations

from dashboard.core.disclosure import Policy
from dashboard.core.strings import t
from dashboard.outcomes.comparators import outside_sentence
from dashboard.outcomes.comparison_charts import funnel_grid, spine_figure, spine_text
from dashboard.outcomes.fair_comparison import FairComparisonPage
from dashboard.outcomes.national_outcomes import NationalOutcomesPage
from dashboard.report.content import Section, chart, table

SPINE_COLUMNS = ("indicator", "value", "scotland", "lowest", "q25", "q75", "highest", "compared")


def comparison_section(
    national: NationalOutcomesPage, fair: FairComparisonPage, policy: Policy
) -> Section:
    """How the partnership compares: the spine chart with its table, then one funnel of
    partnerships per indicator that has peers with counts, each finding in a sentence."""
    section = Section("comparison", t("board_pack.heading_comparison"))
    spine = national.tables.get("spine")
    figure = spine_figure(spine) if spine is not None else None
    if figure is None:
        section.sentences.append(t("funnel.spine_none"))
    else:
        section.sentences.append(t("funnel.spine_intro"))
        shown = spine.filter(spine["lowest"].is_not_null())
        section.charts.append(chart(figure, t("funnel.spine_alt", n=shown.height),
                                    height=70 + 30 * shown.height))  # fmt: skip
        labels = {c: t(f"board_pack.col_spine_{c}") for c in SPINE_COLUMNS}
        section.tables.append(table(spine_text(spine), policy, labels,
                                    t("board_pack.caption_spine", period=national.view.period)))  # fmt: skip
    funnels = {fair.indicators[i]: f for i, (f, _) in fair.partnerships.items()}
    if funnels:
        found = [outside_sentence(f, left_off, fair.indicators[i])
                 for i, (f, left_off) in fair.partnerships.items() if f.outside("998")]  # fmt: skip
        section.sentences += found or [t("board_pack.funnels_none")]
        grid = funnel_grid(funnels, highlight=national.view.partnership)
        section.charts.append(chart(grid, t("board_pack.funnels_alt", n=len(funnels)),
                                    height=int(grid.layout.height)))  # fmt: skip
    return section
