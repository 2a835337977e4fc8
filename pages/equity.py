"""Equity: attainment, unmet need and SDS option mix by group, so a board sees who is left behind."""

import polars as pl
import streamlit as st

from dashboard.app import render, web
from dashboard.core.strings import t
from dashboard.equity.figures import EQUITY_BREAKDOWNS

opened = web.open_page("equity", "evaluation.equity_title", "evaluation.equity_intro")
if opened is not None:
    page, policy = opened.page, opened.policy
    by = st.selectbox(
        t("evaluation.equity_breakdown"), EQUITY_BREAKDOWNS, key="equity_by",
        bind="query-params", format_func=lambda b: t(f"evaluation.by_{b}"),
    )  # fmt: skip
    for charts, name, heading in (
        (page.attainment, "attainment", "attainment_heading"),
        (page.unmet, "unmet_need", "unmet_heading"),
    ):
        st.subheader(t(f"evaluation.{heading}"))
        chart = charts[by]
        render.chart_with_table(
            chart.figure, page.tables[name].filter(pl.col("breakdown") == by), policy,
            key=f"equity-{name}", alt=chart.alt,
        )  # fmt: skip
    st.subheader(t("evaluation.sds_heading"))
    render.table(
        page.tables["sds_mix"].filter(pl.col("breakdown") == by), policy, key="equity-sds-mix"
    )
    render.workbook_button(page, policy)
