"""The nine national outcomes, each in its statutory words, with its local indicators: the cover a
board reads first."""

import polars as pl
import streamlit as st

from dashboard.app import render, web
from dashboard.core import disclosure
from dashboard.core.framework import load_framework
from dashboard.core.strings import t

opened = web.open_page(
    "national-outcomes", "outcome_pages.title_national", "outcome_pages.intro_national"
)
if opened is not None:
    ctx, page, policy = opened.ctx, opened.page, opened.policy
    table = page.tables["indicators"]
    screen = disclosure.display(table, policy)
    render.cover_style()
    render.cover_table(page, policy)  # the same icon summary table as the Overview (issue 20)
    # (a section comparing the indicators with peers may follow the table here)
    st.subheader(t("overview.detail_heading"))
    for outcome in load_framework(ctx.settings.framework_file).outcomes:
        st.subheader(t("outcome_pages.outcome_heading", n=outcome.number, label=outcome.label))
        st.caption(outcome.statement)
        rows = screen.filter(pl.col("national_outcome") == str(outcome.number)).to_dicts()
        if not rows:
            st.write(t("outcome_pages.no_indicators"))
        for row in rows:
            icons = page.icons[row["indicator_id"]]
            left, right = st.columns([1, 5])
            right.markdown(f"**{row['indicator']}**")
            right.markdown(row["summary"])
            right.caption(
                t("outcome_pages.figures_line", **{k: row[k] for k in
                  ("value", "year_earlier", "peer_average", "target", "gap")})
            )  # fmt: skip
            render.icons([n for n in (icons.variation, icons.assurance) if n], left, right)
            if row["provisional"] == "True":
                right.caption(t("figures.provisional"))
    with st.expander(t("outcome_pages.table_heading")):  # a grid only when asked for (Tab order)
        render.table(table, policy, key="national-outcomes")
    render.workbook_button(page, policy)
