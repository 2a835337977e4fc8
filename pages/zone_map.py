"""Home care zones: today's lots (or a working option) on a full-width map, an area picked by a click
or by name to move or lock, and a panel to design, open and save an option."""

import polars as pl
import streamlit as st

from dashboard.app import render, web
from dashboard.core import areamap, disclosure
from dashboard.core.contract import LOT_MODELS
from dashboard.core.errors import UserError
from dashboard.core.escape import markdown_text
from dashboard.core.strings import t
from dashboard.zones import maps, options, views
from dashboard.zones.design import InfeasibleDesign

WORKING = "zone_working_option"  # the session's working option: a frame area_code, zone, model
WARNINGS = "zone_working_warnings"  # what the designer said about it, shown while it is unchanged
LOCKS = "zone_locked_areas"  # area code: the zone it is locked in, for the next design
PICK = "area-pick"  # the area picked by a click on the map, a table row or its name box


def newly(source: str, value: str | None) -> str | None:
    """`value` when it differs from what `source` gave on the last run: the latest of a click on
    the map and a row picked in the table decides the selected area."""
    last = st.session_state.get(f"zone-last-{source}")
    st.session_state[f"zone-last-{source}"] = value
    return value if value is not None and value != last else None


def set_working(option: pl.DataFrame, warnings: list[str] | None = None) -> None:
    st.session_state[WORKING] = option
    st.session_state[WARNINGS] = warnings or []  # the designer's warnings were about its option
    st.rerun()


opened = web.open_page("zone-map", "zone_pages.title_map")
if opened is not None:
    ctx, page, policy = opened.ctx, opened.page, opened.policy
    inputs = web.page_data(views.zone_inputs, ctx)  # exact, to redraw the working option
    names = dict(inputs.demand.select("area_code", "area_name").iter_rows())
    locks: dict[str, str] = st.session_state.setdefault(LOCKS, {})

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

    # the selected area: a click on the map or a row of the area table, whichever came last
    table = views.area_table(shown)
    rows = (st.session_state.get("area-table") or {}).get("selection", {}).get("rows", [])
    from_map = newly("map", next(iter(areamap.picked(st.session_state.get("zone-map"))), None))
    from_table = newly("table", table["area_code"][rows[0]] if rows else None)
    if from_map or from_table:
        st.session_state[PICK] = from_map or from_table
    selected = st.session_state.get(PICK)

    measure = st.selectbox(
        t("zone_pages.measure"), [maps.ZONE_MEASURE, *maps.MEASURES], key="measure",
        bind="query-params", format_func=lambda m: t(f"zone_pages.measure_{m}"),
    )  # fmt: skip
    alt = maps.map_alt(shown, measure, policy)
    st.subheader(t("zone_pages.map_heading"))
    st.caption(t("zone_pages.map_how"))
    deck = maps.map_deck(shown, measure, policy, basemap_url=ctx.settings.basemap_url,
                         selected=selected, locked=locks)  # fmt: skip
    render.deck_chart(deck, alt=alt, key="zone-map", height=maps.MAP_SIZE.height,
                      on_select="rerun", selection_mode="single-object")  # fmt: skip
    st.caption(markdown_text(alt))
    st.html(maps.legend_html(*maps.legend(shown, measure, policy)))

    st.subheader(t("zone_pages.pick_heading"))
    codes = inputs.demand["area_code"].sort().to_list()
    area = st.selectbox(
        t("zone_pages.pick_area"), codes, key=PICK, index=None,
        placeholder=t("zone_pages.pick_placeholder"),
        format_func=lambda c: t("zone_pages.tooltip_area", name=names.get(c) or c, code=c),
    )  # fmt: skip
    with st.expander(t("zone_pages.areas_heading")):
        shown_table = disclosure.display(table, policy)
        st.dataframe(
            shown_table.to_arrow(), hide_index=True, width="stretch", key="area-table",
            on_select="rerun", selection_mode="single-row",
            column_config={c: st.column_config.Column(render.column_label(c))
                           for c in shown_table.columns},
        )  # fmt: skip
    if area is not None:
        option = working if working is not None else inputs.today
        zone_of = dict(option.select("area_code", "zone").iter_rows())
        zone = zone_of.get(area)
        label = shown.names.get(zone, zone) if zone else t("zone_pages.mark_no_zone")
        st.write(markdown_text(t("zone_pages.pick_in", area=names.get(area) or area, zone=label)))
        zone_names = sorted(option["zone"].unique())
        a, b = st.columns([3, 1], vertical_alignment="bottom")
        to = a.selectbox(t("zone_pages.edit_zone"), zone_names, key="move-to",
                         format_func=lambda z: shown.names.get(z, z))  # fmt: skip
        if b.button(t("zone_pages.edit_move"), key="move"):
            if area in locks:
                locks[area] = to
            set_working(options.move_area(option, area, to))
        if (
            zone is not None
            and area not in locks
            and st.button(t("zone_pages.lock_area", zone=label), key="lock")
        ):
            locks[area] = zone
            st.rerun()
        if area in locks and st.button(t("zone_pages.unlock_area"), key="unlock"):
            del locks[area]
            st.rerun()
    if locks:
        st.caption(markdown_text(t("zone_pages.locked_list", areas=", ".join(
            f"{names.get(a) or a} ({shown.names.get(z, z)})" for a, z in sorted(locks.items())))))  # fmt: skip

    st.subheader(t("zone_pages.zones_heading"))
    st.caption(t("zone_pages.zones_how"))
    render.table(shown.zones, policy, key="zones")
    # folded: a data grid takes a Tab press a cell, so the design form below was ~80 presses
    # away for a keyboard user (issue 20)
    with st.expander(t("zone_pages.option_heading"), expanded=False):
        render.table(shown.summary, policy, key="option")

    st.header(t("zone_pages.design_heading"))
    lot_names = inputs.lot_names
    with st.form("design"):
        k = st.number_input(t("zone_pages.design_k"), min_value=1, value=max(1, shown.zones.height))
        floor = st.number_input(
            t("zone_pages.design_floor"), min_value=0.0, value=float(shown.floor or 0.0)
        )
        keep = st.multiselect(t("zone_pages.design_keep"), sorted(inputs.today["zone"].unique()),
                              format_func=lambda z: lot_names.get(z) or z)  # fmt: skip
        share = st.slider(
            t("zone_pages.design_travel"), min_value=0, max_value=100, step=5,
            value=int(round(options.travel_share(ctx.settings) * 20) * 5),
            help=t("zone_pages.design_travel_help"),
        )  # fmt: skip
        if locks:
            st.caption(t("zone_pages.design_locks", n=len(locks)))
        run = st.form_submit_button(t("zone_pages.design_run"))
    if run:
        bar = st.progress(0.0)
        try:
            found = options.proposal(
                inputs, ctx.settings, k=int(k), floor=floor or None, keep_lots=keep, lock=locks,
                travel_share=share / 100,
                progress=lambda fraction, message: bar.progress(fraction, text=message),
            )  # fmt: skip
            set_working(found.option, found.warnings)
        except InfeasibleDesign as exc:
            st.error(markdown_text(str(exc)))

    folder = None
    try:
        folder = options.options_folder(ctx.settings, ctx.export)
    except UserError as exc:
        st.error(markdown_text(str(exc)))
    saved = {p.stem: p for p in options.saved_options(folder)} if folder else {}
    if saved:
        st.subheader(t("zone_pages.open_heading"))
        a, b = st.columns([3, 1], vertical_alignment="bottom")
        chosen = a.selectbox(t("zone_pages.open_choice"), list(saved), key="open-choice")
        if b.button(t("zone_pages.open_button"), key="open"):
            try:
                set_working(options.load_option(saved[chosen], inputs))
            except UserError as exc:
                st.error(markdown_text(str(exc)))

    if working is not None:
        zone_names = sorted(working["zone"].unique())
        st.subheader(t("zone_pages.model_heading"))
        a, b, c = st.columns([2, 2, 1], vertical_alignment="bottom")
        zone = a.selectbox(t("zone_pages.model_zone"), zone_names, key="model-zone",
                           format_func=lambda z: shown.names.get(z, z))  # fmt: skip
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
        if st.button(t("zone_pages.save_button"), key="save") and folder is not None:
            try:
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
