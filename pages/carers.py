"""Unpaid carers: their own outcomes, how far they were met, review coverage and the trend."""

import streamlit as st

from dashboard import render, web
from dashboard.equity import carers_page
from dashboard.pages_data import policy_for
from dashboard.strings import t

st.title(t("evaluation.carers_title"))
st.write(t("evaluation.carers_intro"))
ctx = web.page_context()
if ctx is not None:
    page = web.page_data(carers_page, ctx)
    policy = policy_for(ctx.settings)
    for sentence in page.sentences:
        st.write(sentence)
    st.subheader(t("evaluation.domains_heading"))
    render.table(page.tables["domains"], policy, key="carer-domains")
    if "trend" in page.charts:
        st.subheader(t("evaluation.trend_heading"))
        chart = page.charts["trend"]
        render.chart_with_table(
            chart["figure"], page.tables["trend"], policy, key="carer-trend", alt=chart["alt"]
        )
    render.workbook_button(page, policy)
