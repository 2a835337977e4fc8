"""Contract review: planned and delivered, outcomes aimed for and met, challenges, learning."""

import streamlit as st

from dashboard.app import render, web
from dashboard.core.errors import UserError
from dashboard.core.escape import markdown_text
from dashboard.core.strings import t
from dashboard.review.contract_review import REVIEW_TABLES
from dashboard.review.learning_log import UNIT_KINDS, add_note

opened = web.open_page(
    "contract-review",
    "evaluation.review_title",
    "evaluation.review_intro",
    period_kind="quarter",
)
if opened is not None:
    ctx, page, policy = opened.ctx, opened.page, opened.policy
    by = st.radio(
        t("evaluation.review_by"), UNIT_KINDS, key="review_by", bind="query-params",
        format_func=lambda k: t(f"evaluation.by_{k}"), horizontal=True,
    )  # fmt: skip
    units = page.tables[REVIEW_TABLES[by]]
    st.subheader(t(f"evaluation.{REVIEW_TABLES[by]}_heading"))
    render.table(units, policy, key=f"review-{REVIEW_TABLES[by]}")
    st.subheader(t("evaluation.learning_heading"))
    if page.tables["learning"].height:
        render.table(page.tables["learning"], policy, key="learning")
    else:
        st.info(t("evaluation.learning_none"))
    if not policy.controlled:  # the team writes notes on its own (internal) view, under real ids
        with st.form("note", clear_on_submit=True):
            st.write(t("evaluation.note_form"))
            names = dict(zip(units["unit"], units["name"], strict=True))
            unit = st.selectbox(t("evaluation.note_unit"), list(names), format_func=names.get)
            text = st.text_area(t("evaluation.note_text"))
            if st.form_submit_button(t("evaluation.note_save")) and unit is not None:
                try:
                    add_note(
                        ctx.settings.notes_dir, ctx.view.partnership, export_folder=ctx.export.folder,
                        by=by, unit=unit, period=ctx.view.period, note=text,
                    )  # fmt: skip
                    st.cache_data.clear()  # the review carries the new note on the next run
                    st.success(t("evaluation.note_saved"))
                except UserError as exc:
                    st.error(markdown_text(str(exc)))
    render.workbook_button(page, policy)
