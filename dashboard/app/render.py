"""Drawing a page's figures in Streamlit: tables one click from every chart, downloads, footnotes.

Only presentation lives here; every number arrives already computed and through disclosure control.
"""

from __future__ import annotations

import copy
import json

import polars as pl
import pydeck as pdk
import streamlit as st
from pydeck.bindings.json_tools import default_serialize

from dashboard.app import downloads
from dashboard.core import disclosure
from dashboard.core.disclosure import Policy
from dashboard.core.escape import markdown_text
from dashboard.core.page import PageData
from dashboard.core.strings import t
from dashboard.spc import icons as spc_icons


def table(df: pl.DataFrame, policy: Policy, *, key: str, caption: str | None = None) -> None:
    """A protected frame as screen text, with CSV and Excel downloads and the suppression note.

    The files are made when a download is clicked, not on every rerun: writing a workbook costs
    more than drawing the page, and most reruns never download."""
    shown = disclosure.display(df, policy).drop("is_total", strict=False)
    labels = {c: st.column_config.Column(column_label(c)) for c in shown.columns}
    # As an Arrow table: Streamlit sends it as it is, where a Polars frame would go through pandas,
    # whose conversion waits on Polars' worker threads while holding the interpreter lock.
    st.dataframe(shown.to_arrow(), hide_index=True, width="stretch", column_config=labels)
    note = disclosure.screen_footnote(policy)
    if caption or note:
        st.caption(markdown_text(" ".join(x for x in (caption, note) if x)))
    if disclosure.flag_columns(df) or not policy.controlled:
        left, right = st.columns(2)
        left.download_button(
            t("render.download_csv"),
            lambda: downloads.csv_bytes(df, policy),
            file_name=f"{key}.csv",
            mime="text/csv",
            key=f"csv-{key}",
        )
        right.download_button(
            t("render.download_excel"),
            lambda: downloads.excel_bytes({key: df}, policy, []),
            file_name=f"{key}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key=f"xlsx-{key}",
        )


def column_label(column: str) -> str:
    """A column's heading on screen: its plain label from the strings file where one is written,
    else its name in words. Files keep the column names, which analysts' scripts rely on."""
    try:
        return t(f"columns.{column}")
    except KeyError:
        return column.replace("_", " ").capitalize()


def chart_with_table(
    figure, df: pl.DataFrame, policy: Policy, *, key: str, alt: str, caption: str | None = None
) -> None:
    """A Plotly chart with its text alternative, and its data one click away."""
    st.plotly_chart(figure, key=f"chart-{key}", config={"displaylogo": False})
    st.caption(markdown_text(alt))  # alt texts name localities and providers
    with st.expander(t("render.show_table")):
        table(df, policy, key=key, caption=caption)


def deck_json(deck: pdk.Deck) -> str:
    """The map's JSON as pydeck writes it, without its two-space indentation: indented, the
    largest partnership's zone map is 813 kB, and every browser receives it on every rerun."""
    return json.dumps(deck, sort_keys=True, default=default_serialize, separators=(",", ":"))


def deck_chart(deck: pdk.Deck, *, key: str, alt: str | None = None) -> None:
    """A pydeck map, sent as compact JSON (deck_json); the same map, drawn the same."""
    compact = copy.copy(deck)  # the page's own figure is left as it was
    compact.to_json = lambda: deck_json(deck)
    st.pydeck_chart(compact, alt=alt, key=key)


def icons(names: list[str], images=st, words=st) -> None:
    """Making Data Count icons in `images`, their meaning written out in `words` (never colour or
    shape alone). Streamlit's HTML sanitiser strips inline SVG, so the icons are drawn by st.image."""
    if not names:
        return
    images.image([spc_icons.svg(name) for name in names], width=40)
    words.caption(" ".join(f"{t(f'spc.icon_{name}')}." for name in names))


def workbook_button(page: PageData, policy: Policy) -> None:
    """Every table of the page in one workbook, with the page's definitions."""
    tables = {name: df for name, df in page.tables.items() if disclosure.flag_columns(df)}
    if not tables:
        return
    st.download_button(
        t("render.download_workbook"),
        lambda: downloads.excel_bytes(tables, policy, page.definitions),
        file_name=f"{page.name}-{page.view.period.replace('/', '-')}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"workbook-{page.name}",
    )
