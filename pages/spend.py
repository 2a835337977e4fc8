"""Spend and value: individual budget spend against planned budgets, beside outcomes."""

import streamlit as st

from dashboard.app import render, web
from dashboard.core.strings import t
from dashboard.spend.spend import BREAKDOWNS

opened = web.open_page("spend", "spend.title", "spend.intro", heading_key="spend.heading_summary")
if opened is not None:
    page, policy = opened.page, opened.policy
    if page.tables:
        st.subheader(t("spend.heading_series"))
        for name, chart in (("utilisation", page.utilisation), ("spend", page.spend)):
            if chart.figure is None:
                st.info(chart.alt)
                continue
            render.chart_with_table(
                chart.figure, page.tables[chart.table], policy, key=f"series-{name}",
                alt=chart.alt, caption=chart.note,
            )  # fmt: skip
        st.subheader(t("spend.heading_breakdown"))
        by = st.selectbox(
            t("spend.breakdown_label"), BREAKDOWNS, key="spend_by", bind="query-params",
            format_func=lambda b: t(f"spend.breakdown_{b}"),
        )  # fmt: skip
        render.table(page.tables[f"spend_by_{by}"], policy, key=f"spend-by-{by}")
        st.subheader(t("spend.heading_spot"))
        for tab, name in zip(
            st.tabs([t(f"spend.spot_{n}") for n in ("locality", "service_type", "provider")]),
            ("locality", "service_type", "provider"),
            strict=True,
        ):
            with tab:
                render.table(page.tables[f"spot_by_{name}"], policy, key=f"spot-by-{name}")
        st.subheader(t("spend.heading_hours"))
        render.table(page.tables["hours"], policy, key="hours")
        st.subheader(t("spend.heading_value"))
        for tab, name in zip(
            st.tabs([t("spend.value_service_type"), t("spend.value_lot")]),
            ("service_type", "lot"),
            strict=True,
        ):
            with tab:
                render.table(page.tables[f"value_by_{name}"], policy, key=f"value-by-{name}")
        render.workbook_button(page, policy)
    with st.expander(t("spend.heading_definitions")):
        for term, text in page.definitions:
            st.markdown(f"**{term}**: {text}")
