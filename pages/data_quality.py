"""Data quality: how far each page can be trusted."""

import streamlit as st

from dashboard.app import render, web
from dashboard.core.escape import markdown_text
from dashboard.core.strings import t

opened = web.open_page("data-quality", "quality.title")
if opened is not None:
    page, policy = opened.page, opened.policy
    st.subheader(t("quality.tables_heading"))
    render.table(page.tables["tables"], policy, key="tables")
    st.subheader(t("quality.errors_heading"))
    if page.tables["errors"].height:
        render.table(page.tables["errors"], policy, key="errors")
    else:
        st.success(t("quality.no_errors"))
    if page.tables["unusable"].height:
        st.subheader(t("quality.unusable_heading"))
        for message in page.tables["unusable"]["message"]:
            st.error(markdown_text(message))
    if page.review_completeness is not None:
        st.subheader(t("quality.completeness_heading"))
        render.chart_with_table(
            page.review_completeness, page.tables["review_completeness"], policy,
            key="review-completeness", alt=t("quality.completeness_alt"),
        )  # fmt: skip
    st.subheader(t("quality.gaps_heading"))
    render.table(page.tables["data_gaps"], policy, key="data-gaps")
    render.workbook_button(page, policy)
