"""Overview: the board's cover. Headline tiles with their Making Data Count icons, what changed
since last year, and the icon summary table of the nine national outcomes (issue 20)."""

from html import escape

import streamlit as st
from streamlit.errors import StreamlitAPIException

from dashboard.app import render, web
from dashboard.app.navigation import PAGE_ENTRIES
from dashboard.core.periods import year_earlier
from dashboard.core.strings import t

opened = web.open_page("overview", "overview.title", sentences=False)
if opened is not None:
    ctx, page, policy = opened.ctx, opened.page, opened.policy
    render.cover_style(compact=True)
    entries = {e.name: e for e in PAGE_ENTRIES}
    for column, tile in zip(st.columns(len(page.tiles)), page.tiles, strict=True):
        with column:
            st.html(render.tile_html(tile, year_earlier(ctx.view.p).label))
            entry = entries[tile.page]
            label = t("overview.open_page", tile=tile.label.lower())
            try:
                st.page_link(f"pages/{entry.script}", label=label, icon=":material/arrow_forward:")
            except StreamlitAPIException:  # the page run on its own (tests): no navigation
                st.caption(escape(label))
    render.sentence_list(t("overview.changed_heading"), page.sentences)
    render.cover_table(page, policy)
