"""What the side bar's filters offer: every value a filter can take, read from the export."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dashboard.core import query
from dashboard.core.contract import CLIENT_GROUPS, SERVICE_TYPES
from dashboard.core.periods import financial_year, window_start
from dashboard.core.settings import Settings
from dashboard.extract.export import Export


@dataclass(frozen=True)
class FilterOptions:
    partnerships: list[str]
    home: str | None
    years: list[str]
    quarters: list[str]
    default_period: str | None
    localities_by_partnership: dict[str, list[str]]
    client_groups: tuple[str, ...] = CLIENT_GROUPS
    service_types: tuple[str, ...] = SERVICE_TYPES

    def for_partnership(self, partnership: str) -> _Local:
        return _Local(self.localities_by_partnership.get(partnership, []))


@dataclass(frozen=True)
class _Local:
    localities: list[str]


def last_complete_year(extract: date) -> int:
    """Start year of the latest financial year that ended on or before the extract date."""
    return extract.year - 1 if extract >= date(extract.year, 3, 31) else extract.year - 2


def filter_options(export: Export, settings: Settings) -> FilterOptions:
    """Every value a filter can take, from the export itself."""
    partnerships = export.partnerships if export.usable("areas") else []
    home = None
    if partnerships:
        home = settings.partnership if settings.partnership in partnerships else partnerships[0]
    localities: dict[str, list[str]] = {}
    for row in query.run(export.cursor(), "web_localities").iter_rows(named=True):
        localities.setdefault(row["partnership"], []).append(row["locality"])
    extract = export.extract_date
    first = query.run(export.cursor(), "web_data_span")["first_date"][0] or extract
    first_year = first.year if first.month >= 4 else first.year - 1
    current_year = extract.year if extract.month >= 4 else extract.year - 1
    years = [financial_year(y).label for y in range(current_year, first_year - 1, -1)]
    quarters = [f"{y} Q{n}" for y in years for n in (4, 3, 2, 1)]
    default = financial_year(max(last_complete_year(extract), first_year)).label
    return FilterOptions(partnerships, home, years, quarters, default, localities)


def series_window(export: Export, end: date, months: int) -> date:
    """First day of a trend ending at `end`: `months` months back, or the month of the earliest
    plan start when that is later."""
    first = query.run(export.cursor(), "web_data_span")["first_date"][0]
    return window_start(end, months, first)
