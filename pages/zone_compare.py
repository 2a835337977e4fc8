"""Home care zones: today's lots and up to three options side by side, with what differs in words."""

import streamlit as st

from dashboard.app import render, web
from dashboard.core.errors import UserError
from dashboard.core.escape import markdown_text
from dashboard.core.strings import t
from dashboard.zones import maps, views, zone_compare
from dashboard.zones.options import load_option, options_folder, saved_options

WORKING = "zone_working_option"  # shared with the zone map page, within the session

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
    render.table(result.summary, policy, key="compare")
    st.subheader(t("zone_pages.compare_heading"))
    for column, (name, view) in zip(
        st.columns(len(result.views)), result.views.items(), strict=True
    ):
        with column:
            st.markdown(f"**{markdown_text(name)}**")  # an uploaded file's name
            alt = maps.map_alt(view, maps.DEFAULT_MEASURE, policy)
            deck = maps.map_deck(
                view.areas, view.outlines, maps.DEFAULT_MEASURE, policy,
                basemap_url=ctx.settings.basemap_url,
            )  # fmt: skip
            render.deck_chart(deck, alt=alt, key=f"map-{name}")
            st.caption(markdown_text(alt))
            render.table(view.zones, policy, key=f"zones-{name}")
    for line in maps.legend(result.views[t("zone_pages.today")].areas,
                            maps.DEFAULT_MEASURE, policy):  # fmt: skip
        st.caption(line)
    render.workbook_button(page, policy)
