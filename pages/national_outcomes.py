"""The nine national outcomes, each in its statutory words, with its local indicators: the cover a
board reads first."""

import streamlit as st

from dashboard.app import comparison, render, web
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
    comparison.spine_section(page, policy)  # the indicators against their comparators (issue 23)
    st.subheader(t("overview.detail_heading"))
    for outcome in load_framework(ctx.settings.framework_file).outcomes:
        st.subheader(t("outcome_pages.outcome_heading", n=outcome.number, label=outcome.label))
        st.caption(outcome.statement)
        mine = screen["national_outcome"] == str(outcome.number)
        rows = screen.filter(mine).to_dicts()
        ids = table.filter(mine)["indicator_id"].to_list()  # the screen shows labels, not ids
        if not rows:
            st.write(t("outcome_pages.no_indicators"))
        for row, indicator_id in zip(rows, ids, strict=True):
            icons = page.icons[indicator_id]
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
