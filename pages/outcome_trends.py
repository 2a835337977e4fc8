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
    render.folded_table(
        page.tables["distance"], policy, key="distance",
        caption=t("outcome_pages.distance_caption"),
    )  # fmt: skip
    depth = page.depth
    st.subheader(t("outcome_pages.heading_types"))
    for meaning in depth.type_meanings:
        st.markdown(f"- {meaning}")
    if depth.types_note:
        st.info(depth.types_note)
    else:
        render.folded_table(page.tables["types"], policy, key="types",
                     caption=t("outcome_pages.types_caption"))  # fmt: skip
        if depth.types_trend.figure is not None:
            render.chart_with_table(depth.types_trend.figure, page.tables["types_trend"], policy,
                                    key="types-trend", alt=depth.types_trend.alt)  # fmt: skip
    st.subheader(t("outcome_pages.heading_journey"))
    if not depth.journeys:
        st.info(t("outcome_pages.journey_not_scored"))
    for i, chart in enumerate(depth.journeys):
        if chart.figure is None:
            st.caption(chart.note)
        else:
            st.plotly_chart(chart.figure, key=f"journey-{i}")
            st.caption(chart.alt)
    render.folded_table(page.tables["journey"], policy, key="journey",
                        caption=t("outcome_pages.journey_caption"))  # fmt: skip
    render.folded_table(page.tables["journey_change"], policy, key="journey-change",
                        caption=t("outcome_pages.journey_change_caption"))  # fmt: skip
    st.subheader(t("outcome_pages.heading_reablement"))
    for chart in depth.reablement:
        if chart.figure is None:
            st.info(chart.note)
            continue
        st.markdown(chart.reading)
        render.chart_with_table(chart.figure, page.tables[chart.table], policy,
                                key=chart.table, alt=chart.alt)  # fmt: skip
    render.folded_table(page.tables["reablement"], policy, key="reablement",
                        caption=t("outcome_pages.reablement_caption"))  # fmt: skip
    if "phrases" in page.tables:  # never built for a board
        st.subheader(t("outcome_pages.heading_phrases"))
        render.table(page.tables["phrases"], policy, key="phrases",
                     caption=t("outcome_pages.phrases_caption", threshold=policy.threshold))  # fmt: skip
    render.workbook_button(page, policy)
