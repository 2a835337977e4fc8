"""Home care zones: today's lots and up to three options side by side, with what differs in words."""

import polars as pl
import streamlit as st

from dashboard.app import render, web
from dashboard.core import disclosure
from dashboard.core.errors import UserError
from dashboard.core.escape import markdown_text
from dashboard.core.strings import t
from dashboard.zones import change_map, maps, views, zone_compare
from dashboard.zones.options import load_option, options_folder, saved_options

WORKING = "zone_working_option"  # shared with the zone map page, within the session


def figure_table(df: pl.DataFrame, names: str, policy: disclosure.Policy, *, key: str) -> None:
    """A protected table turned one row per figure (render.by_figure), its note and downloads."""
    shown = render.by_figure(df, policy, names=names)
    # every figure in view: 35 px a row and the heading, so the page scrolls, not the table
    height = (shown.height + 1) * 35 + 3
    st.dataframe(shown.to_arrow(), hide_index=True, width="stretch", height=height)
    note = disclosure.screen_footnote(policy)
    if note:
        st.caption(markdown_text(note))
    render.downloads_for(df, policy, key=key)


opened = web.open_page("zone-compare", "zone_pages.title_compare", sentences=False)
if opened is not None:
    ctx, page, policy = opened.ctx, opened.page, opened.policy
    inputs = web.page_data(views.zone_inputs, ctx)  # exact, to compare the options picked here
    st.write(page.sentences[0])

    options = {}
    try:
        found = saved_options(options_folder(ctx.settings, ctx.export))
    except UserError as exc:
        st.error(markdown_text(str(exc)))  # names the uploaded file
        found = []
    by_name = {path.stem: path for path in found}
    chosen = st.multiselect(
        t("zone_pages.compare_saved"), list(by_name), key="options", bind="query-params",
        max_selections=zone_compare.MAX_COMPARED,
    )  # fmt: skip
    uploads = st.file_uploader(
        t("zone_pages.compare_upload"), type="csv", accept_multiple_files=True, key="uploads"
    )
    working = st.session_state.get(WORKING)
    if working is not None and st.checkbox(t("zone_pages.compare_working"), key="with-working"):
        options[t("zone_pages.working_name")] = working
    try:
        for name in chosen:
            options[name] = load_option(by_name[name], inputs)
        for upload in uploads or []:
            text = upload.getvalue().decode("utf-8-sig")
            options[upload.name] = load_option(text, inputs, name=upload.name)
    except (UserError, UnicodeDecodeError) as exc:
        st.error(markdown_text(str(exc)))  # names the uploaded file
    if len(options) > zone_compare.MAX_COMPARED:
        st.warning(t("zone_pages.compare_too_many", most=zone_compare.MAX_COMPARED))
        options = dict(list(options.items())[: zone_compare.MAX_COMPARED])

    result = zone_compare.compare(inputs, options, policy)
    for sentence in result.sentences or page.sentences[1:]:
        st.write(markdown_text(sentence))
    st.subheader(t("zone_pages.summary_heading"))
    # one column per option and one row per figure, so the table never scrolls sideways
    figure_table(result.summary, "option", policy, key="compare")
    st.subheader(t("zone_pages.compare_heading"))
    for tab, (name, view) in zip(
        st.tabs([markdown_text(n) for n in result.views]), result.views.items(), strict=True
    ):
        with tab:
            alt = maps.map_alt(view, maps.DEFAULT_MEASURE, policy)
            deck = maps.map_deck(view, maps.DEFAULT_MEASURE, policy,
                                 basemap_url=ctx.settings.basemap_url)  # fmt: skip
            render.deck_chart(deck, alt=alt, key=f"map-{name}", height=maps.MAP_SIZE.height)
            st.caption(markdown_text(alt))
            st.html(maps.legend_html(*maps.legend(view, maps.DEFAULT_MEASURE, policy)))
            if view.changes:
                st.markdown(f"**{t('zone_pages.change_heading')}**")
                title, keys = change_map.change_legend(view)
                render.deck_chart(change_map.change_deck(view, basemap_url=ctx.settings.basemap_url),
                                  alt=title, key=f"changes-{name}",
                                  height=change_map.CHANGE_SIZE.height)  # fmt: skip
                st.html(maps.legend_html(title, keys))
            figure_table(view.zones.drop("zone"), "name", policy, key=f"zones-{name}")
    render.workbook_button(page, policy)
