"""Board pack: the headline figures as a paper to circulate, made with one button."""

import tempfile
from pathlib import Path

import streamlit as st

from dashboard.app import render, web
from dashboard.core.errors import UserError
from dashboard.core.escape import markdown_text
from dashboard.core.files import safe_stem
from dashboard.core.strings import t
from dashboard.report.board_pack import build_board_pack
from dashboard.zones.options import options_folder, saved_options

MIME = {"pdf": "application/pdf", "html": "text/html"}

opened = web.open_page(
    "board-pack", "board_pack.page_title", "board_pack.page_intro",
    heading_key="board_pack.preview_heading",
)  # fmt: skip
if opened is not None:
    ctx, view = opened.ctx, opened.ctx.view
    # what the paper will hold: the icon summary table it leads with, then each section
    render.cover_style()
    render.cover_table(opened.page, opened.policy)
    st.subheader(t("board_pack.contents_heading"))
    render.contents(opened.page.tables["contents"])
    fmt = st.radio(
        t("board_pack.format_label"), list(MIME), key="pack_format", bind="query-params",
        format_func=lambda f: t(f"board_pack.format_{f}"), horizontal=True,
    )  # fmt: skip
    try:
        saved = {p.stem: p for p in saved_options(options_folder(ctx.settings, ctx.export))}
    except UserError as exc:
        st.warning(markdown_text(str(exc)))
        saved = {}
    none = t("board_pack.option_none")
    chosen = st.selectbox(t("board_pack.option_label"), [none, *saved], key="pack_option")
    upload = st.file_uploader(t("board_pack.option_upload"), type=["csv"], key="pack_upload")
    wanted = (view.partnership, view.period, fmt)
    if st.button(t("board_pack.build_button"), key="pack_build", type="primary"):
        with st.spinner(t("board_pack.building")), tempfile.TemporaryDirectory() as tmp:
            option = saved.get(chosen)
            if upload is not None:  # the name is the user's: keep only safe characters
                option = Path(tmp) / f"{safe_stem(Path(upload.name).stem) or 'option'}.csv"
                option.write_bytes(upload.getvalue())
            name = f"board-pack-{safe_stem(view.partnership)}-{view.period.replace('/', '-')}.{fmt}"
            try:
                out = build_board_pack(
                    ctx.export, ctx.settings, partnership=view.partnership, period=view.period,
                    option=option, out=Path(tmp) / name,
                )  # fmt: skip
                st.session_state["board_pack_file"] = (wanted, name, out.read_bytes())
            except UserError as exc:
                st.error(markdown_text(str(exc)))
    made = st.session_state.get("board_pack_file")
    if made is not None and made[0] == wanted:  # never offer a pack for another view
        st.success(t("board_pack.built"))
        st.download_button(
            t("board_pack.download_button"), made[2], file_name=made[1], mime=MIME[fmt],
            key="pack_download",
        )  # fmt: skip
