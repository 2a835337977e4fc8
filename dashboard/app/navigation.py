"""The app's pages, grouped for the people who use them: one list the app and the tests both read."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageEntry:
    group: str  # strings key of the navigation group
    script: str  # file under pages/
    title: str  # strings key of the page title in the navigation

    @property
    def url_path(self) -> str:
        """The file's stem: the same path Streamlit gives a file in `pages/`, so a shared link to a
        page resolves on a browser's first visit too (st.navigation and a `pages/` folder agree)."""
        return self.script.removesuffix(".py")


PAGE_ENTRIES: tuple[PageEntry, ...] = (
    PageEntry("nav.board", "home.py", "nav.home"),
    PageEntry("nav.board", "national_outcomes.py", "nav.national_outcomes"),
    PageEntry("nav.board", "outcome_trends.py", "nav.outcome_trends"),
    PageEntry("nav.board", "board_pack.py", "nav.board_pack"),
    PageEntry("nav.commissioning", "zone_map.py", "nav.zone_map"),
    PageEntry("nav.commissioning", "zone_compare.py", "nav.zone_compare"),
    PageEntry("nav.commissioning", "spend_value.py", "nav.spend"),
    PageEntry("nav.commissioning", "contract_review.py", "nav.contract_review"),
    PageEntry("nav.planning", "emerging_needs.py", "nav.emerging"),
    PageEntry("nav.planning", "equity.py", "nav.equity"),
    PageEntry("nav.planning", "carers.py", "nav.carers"),
    PageEntry("nav.data", "data_quality.py", "nav.data_quality"),
)
