"""Warming the page cache: the views a meeting opens first are worked out before anyone asks."""

from __future__ import annotations

import streamlit as st

from dashboard.app import web
from dashboard.core.page import Filters, View
from dashboard.core.settings import Settings
from dashboard.extract.export import open_export
from tests.builders import write_export
from tests.tiny import AREA, BASE, EXTRACT, tables


def test_warm_works_out_every_page_for_the_whole_partnership_and_each_locality(tmp_path):
    # Home has localities North (areas A1, A2) and South (A3): three views per page.
    data = tables(areas=[*BASE["areas"], dict(AREA, area_code="A3", locality="South")])
    folder = write_export(tmp_path / "export", data, EXTRACT)
    settings = Settings(data=folder, cache_dir=tmp_path / "cache")
    export = open_export(folder, settings)
    asked: list[tuple[str, str | None]] = []

    def figures(export, settings, view):
        asked.append(("figures", view.filters.locality))
        return view.filters.locality

    def broken(export, settings, view):
        asked.append(("broken", view.filters.locality))
        raise RuntimeError("this page is broken")

    st.cache_data.clear()
    try:
        # the broken page is skipped, not the end of the warming: 3 views of figures are done
        assert web.warm(export, settings, [broken, figures]) == 3
        assert asked == [(name, locality) for locality in (None, "North", "South")
                         for name in ("broken", "figures")]  # fmt: skip
        # a person then opening the South view is answered from the cache: figures is not run again
        view = View("Home", "2025/26", Filters(locality="South"))
        assert web.page_data(figures, web.PageContext(settings, export, view)) == "South"
        assert asked.count(("figures", "South")) == 1
    finally:
        st.cache_data.clear()
        export.close()
