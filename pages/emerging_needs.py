"""Emerging needs: where need is growing, ranked, each with its trend and its areas on a map."""

import polars as pl
import streamlit as st

from dashboard.app import render, web
from dashboard.core.escape import markdown_text
from dashboard.core.strings import t

opened = web.open_page("emerging-needs", "emerging.title", "emerging.intro", period_kind="quarter")
if opened is not None:
    page, policy = opened.page, opened.policy
    details = page.signals
    if details:
        st.subheader(t("emerging.signals_heading"))
        render.table(page.tables["signals"], policy, key="emerging-signals")
        st.subheader(t("emerging.detail_heading"))
        labels = {d.key: d.label for d in details}
        chosen = st.selectbox(
            t("emerging.choose_signal"), list(labels), format_func=labels.get,
            key="signal", bind="query-params",
        )  # fmt: skip
        detail = next(d for d in details if d.key == chosen)
        st.write(markdown_text(detail.sentence))  # the locality name is data
        st.caption(detail.reason)
        st.markdown(f"**{t('emerging.trend_heading')}**")
        if detail.figure is None:
            st.info(detail.note)
        else:
            trend = page.tables["trends"].filter(pl.col("signal") == chosen)
            render.chart_with_table(
                detail.figure, trend, policy, key="emerging-trend", alt=detail.alt
            )
        st.markdown(f"**{t('emerging.map_heading')}**")
        render.deck_chart(detail.deck, key="emerging-map")
        st.caption(markdown_text(detail.map_alt))
        areas = page.tables["areas"].filter(pl.col("signal") == chosen)
        render.folded_table(areas.drop("signal"), policy, key="emerging-areas")
        st.markdown(f"**{t('emerging.why_heading')}**")
        st.caption(t("emerging.why_intro"))
        for sentence in detail.why:
            st.markdown(f"- {markdown_text(sentence)}")  # a locality name is data
        why = page.tables["why"].filter(pl.col("signal") == chosen)
        if why.height:
            render.folded_table(why.drop("signal"), policy, key="emerging-why")
    st.subheader(t("emerging.watch_heading"))
    st.caption(page.watch_note)
    for sentence in page.watch:
        st.markdown(f"- {sentence}")
    if page.watch:
        render.folded_table(page.tables["watch"], policy, key="emerging-watch")
    st.subheader(t("emerging.heat_heading"))
    st.caption(t("emerging.heat_intro"))
    for measure, figure in page.heatmaps:
        if figure is not None:
            name = t(f"emerging.measure_{measure}")
            render.chart_with_table(
                figure, page.tables[f"heat_{measure}"], policy, key=f"emerging-heat-{measure}",
                alt=t("emerging.heat_alt", measure=name),
            )  # fmt: skip
    st.subheader(t("emerging.projection_heading"))
    for sentence in page.projection:
        st.write(sentence)
    if "projection" in page.tables:
        render.folded_table(page.tables["projection"], policy, key="emerging-projection")
    render.workbook_button(page, policy)
