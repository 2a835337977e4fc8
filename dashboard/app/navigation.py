"""The app's pages, grouped for the people who use them: the one list the app, the command line, the
cache warm-up and the tests all read.

A page is found by its name. Page `zone-map` is drawn by `pages/zone_map.py`, served at `/zone_map`,
printed by `dashboard page zone-map`, and its figures come from `build` in
`dashboard/<wing>/zone_map.py` (here `dashboard/zones/zone_map.py`). Builders are imported on first
use, so the command line does not load every page's dependencies to print one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

from dashboard.core.errors import UserError
from dashboard.core.page import Builder


@dataclass(frozen=True)
class PageEntry:
    group: str  # strings key of the navigation group
    name: str  # the page's name: `dashboard page NAME`, and (with underscores) its script and URL
    # the package under dashboard/ holding its builder; None: no figures of its own
    wing: str | None
    title: str  # strings key of the page title in the navigation
    # The export's tables the page cannot count without: when one is unusable (say, a file cut
    # short mid-meeting) the page names the file and stops instead of showing empty figures.
    # None: the page reports the export's problems itself (data quality).
    needs: tuple[str, ...] | None = ("areas", "people", "support_plans")

    @property
    def url_path(self) -> str:
        """The script's stem: the same path Streamlit gives a file in `pages/`, so a shared link to
        a page resolves on a browser's first visit too (st.navigation and `pages/` agree)."""
        return self.name.replace("-", "_")

    @property
    def script(self) -> str:
        return f"{self.url_path}.py"

    @property
    def module(self) -> str | None:
        return None if self.wing is None else f"dashboard.{self.wing}.{self.url_path}"


_PLACES = ("areas", "people", "support_plans")
_OUTCOMES = (*_PLACES, "personal_outcomes", "outcome_reviews")
_ALL = (*_OUTCOMES, "budget_spend")
_NEW_OUTCOMES = (*_PLACES, "personal_outcomes")  # emerging needs counts outcomes set, not reviews

PAGE_ENTRIES: tuple[PageEntry, ...] = (
    PageEntry("nav.board", "overview", "report", "nav.home", _OUTCOMES),
    PageEntry("nav.board", "national-outcomes", "outcomes", "nav.national_outcomes", _OUTCOMES),
    PageEntry("nav.board", "outcome-trends", "outcomes", "nav.outcome_trends", _OUTCOMES),
    PageEntry("nav.board", "fair-comparison", "outcomes", "nav.fair_comparison", _OUTCOMES),
    PageEntry("nav.board", "board-pack", "report", "nav.board_pack", _ALL),
    PageEntry("nav.commissioning", "zone-map", "zones", "nav.zone_map", _PLACES),
    PageEntry("nav.commissioning", "zone-compare", "zones", "nav.zone_compare", _PLACES),
    PageEntry("nav.commissioning", "spend", "spend", "nav.spend", _ALL),
    PageEntry("nav.commissioning", "contract-review", "review", "nav.contract_review", _ALL),
    PageEntry("nav.planning", "emerging-needs", "emerging", "nav.emerging", _NEW_OUTCOMES),
    PageEntry("nav.planning", "equity", "equity", "nav.equity", _OUTCOMES),
    PageEntry("nav.planning", "carers", "equity", "nav.carers", _OUTCOMES),
    PageEntry("nav.data", "data-quality", "quality", "nav.data_quality", None),
)

# The pages with figures of their own, in the app's order: what `dashboard page --list` names.
PAGE_NAMES: tuple[str, ...] = tuple(e.name for e in PAGE_ENTRIES if e.module is not None)


def needs(name: str) -> tuple[str, ...] | None:
    """The tables page `name` cannot count without (see PageEntry.needs)."""
    return next(e.needs for e in PAGE_ENTRIES if e.name == name)


def builder(name: str) -> Builder:
    """The function that makes page `name`'s figures from (export, settings, view)."""
    entry = next((e for e in PAGE_ENTRIES if e.name == name and e.module), None)
    if entry is None:
        raise UserError(f"there is no page '{name}'; the pages are: {', '.join(PAGE_NAMES)}")
    build: Callable = import_module(entry.module).build  # type: ignore[arg-type]
    return build
