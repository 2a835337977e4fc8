"""Outcome trends: attainment over time judged with SPC, by group, and distance travelled."""

import streamlit as st

from dashboard.app import render, web
from dashboard.core.strings import t
from dashboard.outcomes.outcome_trends import (
    BREAKDOWNS,
    DEFAULT_BREAKDOWN,
    outcome_breakdown_page,
)

opened = web.open_page(
    "outcome-trends", "outcome_pages.title_trends", "outcome_pages.intro_trends",
    period_kind="quarter",
)  # fmt: skip
if opened is not None:
    ctx, page, policy = opened.ctx, opened.page, opened.policy
    st.subheader(t("outcome_pages.heading_trends"))
    for name, chart in (("rate", page.rate), ("partly_met_rate", page.partly_met_rate)):
        if chart.figure is None:
            st.info(chart.note)
            continue
        render.icons([icon for icon in (chart.variation_icon, chart.assurance_icon) if icon])
        st.markdown(chart.reading)
        for note in (chart.note, *chart.warnings):
            if note:
                st.caption(note)
        render.chart_with_table(
            chart.figure, page.tables[chart.table], policy, key=f"trend-{name}", alt=chart.alt
        )
    st.subheader(t("outcome_pages.heading_breakdown"))
    by = st.selectbox(
        t("outcome_pages.breakdown_label"), BREAKDOWNS, key="breakdown", bind="query-params",
        format_func=lambda b: t(f"outcome_pages.by_{b}"),
    )  # fmt: skip
    shown = page if by == DEFAULT_BREAKDOWN else web.page_data(outcome_breakdown_page(by), ctx)
    bar = shown.breakdown
    render.chart_with_table(
        bar.figure, shown.tables[bar.table], policy, key=f"breakdown-{by}", alt=bar.alt
    )
    st.subheader(t("outcome_pages.heading_distance"))
    render.table(
        page.tables["distance"], policy, key="distance",
        caption=t("outcome_pages.distance_caption"),
    )  # fmt: skip
    render.workbook_button(page, policy)
