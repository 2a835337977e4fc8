"""The app's pages, grouped for the people who use them: one list the app and the tests both read."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageEntry:
    group: str  # strings key of the navigation group
    script: str  # file under pages/
    title: str  # strings key of the page title in the navigation
    url_path: str


PAGE_ENTRIES: tuple[PageEntry, ...] = (
    PageEntry("nav.board", "home.py", "nav.home", "home"),
    PageEntry("nav.data", "data_quality.py", "nav.data_quality", "data-quality"),
)
