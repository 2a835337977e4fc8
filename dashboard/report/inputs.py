"""The three figures the pack borrows from other pages' data, each read in one place.

The pack prints what the pages show, so it reads their page data rather than working the figures
out again. Each read is one small function, so when a page's data changes shape only one line here
changes with it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from dashboard.core.page import PageData

if TYPE_CHECKING:
    from dashboard.outcomes.national_outcomes import Icons
    from dashboard.outcomes.outcome_trends import TrendChart
    from dashboard.spend.spend import SpendChart


def attainment_trend(trends: PageData) -> TrendChart:
    """The outcome trends page's SPC chart of overall attainment."""
    return trends.charts["rate"]


def indicator_icons(national: PageData) -> Mapping[str, Icons]:
    """The national outcomes page's SPC icons, by indicator id."""
    return national.charts


def utilisation(spending: PageData) -> SpendChart:
    """The spend page's budget utilisation chart."""
    return spending.charts["utilisation"]
