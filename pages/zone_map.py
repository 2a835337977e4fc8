"""Home care zones: today's lots (or a working option) on a map, and a panel to design and edit one."""

import streamlit as st

from dashboard.app import render, web
from dashboard.core.contract import LOT_MODELS
from dashboard.core.errors import UserError
from dashboard.core.escape import markdown_text
from dashboard.core.strings import t
from dashboard.zones import maps, options, views
from dashboard.zones.design import InfeasibleDesign

WORKING = "zone_working_option"  # the session's working option: a frame area_code, zone, model
WARNINGS = "zone_working_warnings"  # what the designer said about it, shown while it is unchanged

opened = web.open_page("zone-map", "zone_pages.title_map")
if opened is not None:
    ctx, page, policy = opened.ctx, opened.page, opened.policy
    inputs = web.page_data(views.zone_inputs, ctx)  # exact, to redraw the working option

    working = st.session_state.get(WORKING)
    if working is None:
        shown = page.today
    else:
        shown = views.option_view(inputs, working, policy, name=t("zone_pages.working_name"))
        st.info(t("zone_pages.working_note"))
        for warning in st.session_state.get(WARNINGS, []):
            st.warning(warning)
        if st.button(t("zone_pages.back_to_today"), key="back-to-today"):
            del st.session_state[WORKING]
            st.session_state.pop(WARNINGS, None)
            st.rerun()

    measure = st.selectbox(
        t("zone_pages.measure"), list(maps.MEASURES), key="measure", bind="query-params",
        format_func=lambda m: t(f"zone_pages.measure_{m}"),
    )  # fmt: skip
    alt = maps.map_alt(shown, measure, policy)
    left, right = st.columns([3, 2])
    with left:
        st.subheader(t("zone_pages.map_heading"))
        deck = maps.map_deck(
            shown.areas, shown.outlines, measure, policy, basemap_url=ctx.settings.basemap_url
        )
        render.deck_chart(deck, alt=alt, key="zone-map")
        st.caption(markdown_text(alt))
        for line in maps.legend(shown.areas, measure, policy):
            st.caption(line)
    with right:
        st.subheader(t("zone_pages.zones_heading"))
        render.table(shown.zones, policy, key="zones")
    # folded: a data grid takes a Tab press a cell, so the design form below was ~80 presses
    # away for a keyboard user (issue 20)
    with st.expander(t("zone_pages.option_heading"), expanded=False):
        render.table(shown.summary, policy, key="option")
    with st.expander(t("zone_pages.areas_heading")):
        render.table(views.area_table(shown), policy, key="areas")

    st.header(t("zone_pages.design_heading"))
    with st.form("design"):
        k = st.number_input(t("zone_pages.design_k"), min_value=1, value=max(1, shown.zones.height))
        floor = st.number_input(
            t("zone_pages.design_floor"), min_value=0.0, value=float(inputs.floor or 0.0)
        )
        keep = st.multiselect(t("zone_pages.design_keep"), sorted(inputs.today["zone"].unique()))
        seed = st.number_input(t("zone_pages.design_seed"), min_value=0, value=0, step=1)
        run = st.form_submit_button(t("zone_pages.design_run"))
    if run:
        bar = st.progress(0.0)
        try:
            found = options.proposal(
                inputs, ctx.settings, k=int(k), floor=floor, keep_lots=keep, seed=int(seed),
                progress=lambda fraction, message: bar.progress(fraction, text=message),
            )  # fmt: skip
            st.session_state[WORKING], st.session_state[WARNINGS] = found.option, found.warnings
            st.rerun()
        except InfeasibleDesign as exc:
            st.error(markdown_text(str(exc)))

    if working is not None:
        zone_names = sorted(working["zone"].unique())
        st.subheader(t("zone_pages.edit_heading"))
        a, b, c = st.columns([2, 2, 1])
        area = a.selectbox(t("zone_pages.edit_area"), inputs.demand["area_code"].to_list())
        to = b.selectbox(t("zone_pages.edit_zone"), zone_names)
        if c.button(t("zone_pages.edit_move"), key="move"):
            st.session_state[WORKING] = options.move_area(working, area, to)
            st.session_state.pop(WARNINGS, None)  # the designer's warnings were about its option
            st.rerun()

        st.subheader(t("zone_pages.model_heading"))
        a, b, c = st.columns([2, 2, 1])
        zone = a.selectbox(t("zone_pages.model_zone"), zone_names, key="model-zone")
        model = b.selectbox(
            t("zone_pages.model_choice"), LOT_MODELS, key="model-choice",
            format_func=lambda m: m.replace("_", " "),
        )  # fmt: skip
        if c.button(t("zone_pages.model_set"), key="set-model"):
            st.session_state[WORKING] = options.set_model(working, zone, model)
            st.rerun()
        for line in options.model_notes(model):
            st.write(line)
        st.caption(t("zone_pages.model_source"))

        st.subheader(t("zone_pages.save_heading"))
        name = st.text_input(t("zone_pages.save_name"), key="option-name")
        if st.button(t("zone_pages.save_button"), key="save"):
            try:
                folder = options.options_folder(ctx.settings, ctx.export)
                paths = options.save_option(working, inputs, folder, name)
                st.success(t("zone_pages.saved", csv=paths[0], geojson=paths[1]))
            except UserError as exc:
                st.error(markdown_text(str(exc)))
        a, b = st.columns(2)
        a.download_button(
            t("zone_pages.download_csv"), lambda: options.option_csv(working),
            file_name="zone-option.csv", mime="text/csv", key="option-csv",
        )  # fmt: skip
        b.download_button(
            t("zone_pages.download_geojson"),
            lambda: options.option_geojson_text(working, inputs),
            file_name="zone-option.geojson", mime="application/geo+json", key="option-geojson",
        )  # fmt: skip
    render.workbook_button(page, policy)
