"""Unpaid carers: their own outcomes, how far they were met, review coverage and the trend."""

import streamlit as st

from dashboard.app import render, web
from dashboard.core.strings import t

opened = web.open_page("carers", "evaluation.carers_title", "evaluation.carers_intro")
if opened is not None:
    page, policy = opened.page, opened.policy
    st.subheader(t("evaluation.domains_heading"))
    render.table(page.tables["domains"], policy, key="carer-domains")
    if page.trend is not None:
        st.subheader(t("evaluation.trend_heading"))
        render.chart_with_table(
            page.trend.figure, page.tables["trend"], policy, key="carer-trend", alt=page.trend.alt
        )
    render.workbook_button(page, policy)
