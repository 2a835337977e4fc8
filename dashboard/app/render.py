"""Drawing a page's figures in Streamlit: tables one click from every chart, downloads, footnotes.

Only presentation lives here; every number arrives already computed and through disclosure control.
"""

from __future__ import annotations

import copy
import json
from html import escape
from typing import Any

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
from dashboard.outcomes.cover import COVER_CSS, cover_html, icon_img


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
    downloads_for(df, policy, key=key)


def downloads_for(df: pl.DataFrame, policy: Policy, *, key: str) -> None:
    """A protected frame's CSV and Excel downloads (made when clicked), for a table drawn another
    way on screen (turned one row per figure, so it does not scroll sideways)."""
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


def by_figure(df: pl.DataFrame, policy: Policy, *, names: str) -> pl.DataFrame:
    """A protected frame as screen text turned round: one row per figure (its plain heading) and
    one column per row of `df`, headed by its `names` cell. Many figures of a few options or zones
    then fit the page's width instead of scrolling sideways."""
    shown = disclosure.display(df, policy).drop("is_total", strict=False)
    figures = [c for c in shown.columns if c != names]
    columns = {column_label(names): [column_label(c) for c in figures]}
    for row in shown.iter_rows(named=True):
        heading = str(row[names])
        while heading in columns:  # two rows of one name stay two columns
            heading += " "
        columns[heading] = [str(row[c]) for c in figures]
    return pl.DataFrame(columns)


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
    folded_table(df, policy, key=key, caption=caption)


def folded_table(df: pl.DataFrame, policy: Policy, *, key: str, caption: str | None = None) -> None:
    """A table one click away: a data grid and its download buttons are several Tab stops, so a
    page with many tables keeps them folded and a keyboard user can still go round the page."""
    with st.expander(t("render.show_table")):
        table(df, policy, key=key, caption=caption)


def deck_json(deck: pdk.Deck) -> str:
    """The map's JSON as pydeck writes it, without its two-space indentation: indented, the
    largest partnership's zone map is 813 kB, and every browser receives it on every rerun."""
    return json.dumps(deck, sort_keys=True, default=default_serialize, separators=(",", ":"))


def deck_chart(deck: pdk.Deck, *, key: str, alt: str | None = None, **options: Any) -> Any:
    """A pydeck map, sent as compact JSON (deck_json); the same map, drawn the same. `options`
    go to st.pydeck_chart (height, on_select …), whose answer (a selection) is returned."""
    compact = copy.copy(deck)  # the page's own figure is left as it was
    compact.to_json = lambda: deck_json(deck)
    return st.pydeck_chart(compact, alt=alt, key=key, **options)


def icons(names: list[str], images=st, words=st) -> None:
    """Making Data Count icons in `images`, their meaning written out in `words` (never colour or
    shape alone). Streamlit's HTML sanitiser strips inline SVG, so each icon is an image."""
    if not names:
        return
    # images with their meaning as text alternatives, and no focusable full-screen button each
    images.html(" ".join(icon_img(name, 40) for name in names))
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


TILE_CSS = """
.cover-tile{border:1px solid #767676;border-radius:6px;padding:4px 8px}
.cover-tile .label{font-size:0.85rem;font-weight:600;color:#1a1a1a}
.cover-tile .value{font-size:1.5rem;font-weight:700;color:#1a1a1a;line-height:1.2}
.cover-tile .prior{font-size:0.75rem;color:#4a4a4a}
.cover-changed-heading{font-size:0.9rem;font-weight:600;margin:0;color:#1a1a1a}
.cover-changed{font-size:0.85rem;margin:0;padding-left:1.2rem;color:#1a1a1a}
"""
# The cover fits one screen at 1366×768: less space above the title on this page only.
COMPACT_CSS = """
[data-testid="stMainBlockContainer"]{padding-top:2.75rem;padding-bottom:1rem}
[data-testid="stMainBlockContainer"] h1{font-size:1.75rem;padding:0}
[data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"]{gap:0.5rem}
[data-testid="stPageLink"] span{white-space:normal}
"""


# Every page: a visible keyboard focus on the navigation and links (WCAG 2.2 AA 2.4.7, 2.4.11).
FOCUS_CSS = """
[data-testid="stSidebarNav"] a:focus-visible,[data-testid="stPageLink"] a:focus-visible,
[data-testid="stMain"] a:focus-visible,summary:focus-visible{outline:3px solid #1a1a1a;
 outline-offset:2px;box-shadow:0 0 0 5px #ffffff}
"""


def focus_style() -> None:
    """The app-wide focus outline, drawn once a run by app.py."""
    st.html(f"<style>{FOCUS_CSS}</style>")


def cover_style(*, compact: bool = False) -> None:
    """The cover's table and tile styles, once a page (st.html with only a style applies it);
    `compact`: less space above the title, so the Overview fits one screen."""
    st.html(f"<style>{COVER_CSS}{TILE_CSS}{COMPACT_CSS if compact else ''}</style>")


def sentence_list(heading: str, sentences: list[str]) -> None:
    """A heading and sentences as a compact list (our own markup; every text escaped)."""
    items = "".join(f"<li>{escape(s)}</li>" for s in sentences)
    st.html(f'<p class="cover-changed-heading">{escape(heading)}</p>'
            f'<ul class="cover-changed">{items}</ul>')  # fmt: skip


def tile_html(tile, prior: str) -> str:
    """A headline tile: label, figure with its icons (images with text alternatives), the figure a
    year earlier and a note. Every text is escaped: option names come from the user."""
    icons = " ".join(icon_img(n, 26) for n in (tile.variation, tile.assurance) if n)
    value = escape(tile.value) if tile.value is not None else escape(t("overview.no_figure"))
    if tile.year_earlier is not None:
        before = t("overview.year_earlier", prior=prior, value=tile.year_earlier)
    else:
        before = t("overview.no_year_earlier")
    return (
        f'<div class="cover-tile" role="group" aria-label="{escape(tile.label)}">'
        f'<div class="label">{escape(tile.label)}</div>'
        f'<div class="value">{value} {icons}</div>'
        f'<div class="prior">{escape(before)}</div></div>'
    )


def cover_table(page: PageData, policy: Policy) -> None:
    """The icon summary table of the nine national outcomes (outcomes/cover.py), no sideways
    scroll; its figures download as CSV and Excel."""
    caption = t(
        "overview.table_caption", partnership=page.view.partnership, period=page.view.period
    )
    st.html(cover_html(page.tables["cover"], policy, page.icons, page.tables["sparklines"],
                       caption))  # fmt: skip
    note = disclosure.screen_footnote(policy)
    if note:
        st.caption(markdown_text(note))


def contents(frame: pl.DataFrame) -> None:
    """A board pack's sections, each heading with a short list of what it holds (text, no grid)."""
    for (section,), rows in frame.group_by("section", maintain_order=True):
        items = "".join(
            f"<li>{escape(k)}: {escape(i)}</li>" for k, i in rows.select("kind", "item").iter_rows()
        )
        st.html(f'<p class="cover-changed-heading">{escape(section)}</p>'
                f'<ul class="cover-changed">{items}</ul>')  # fmt: skip
