"""Reporting periods: financial years, their quarters and calendar months (metrics.md, Periods).

Every figure is for a period P; the SQL takes P as dates, so the text a user types ("2025/26 Q4")
is turned into dates here, once, and a typo is a UserError that names the accepted forms.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from dashboard.core.errors import UserError
from dashboard.core.strings import t

ACCEPTED_FORMS = "a financial year '2025/26', a quarter '2025/26 Q1' or a month '2025-04'"
# Financial quarter n starts this many months after 1 April.
QUARTER_START_MONTH = {1: 4, 2: 7, 3: 10, 4: 1}

# The years a period or an as-at date may fall in: the export's dates start in 1900 (contract v1.2),
# and a year far ahead has no data and would overflow the calendar when a period is extended.
FIRST_YEAR, LAST_YEAR = 1900, 2999

_YEAR = re.compile(r"^(\d{4})/(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})/(\d{2})\s+Q([1-4])$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class Period:
    """Days `start` to `end` inclusive, labelled as the user would write it."""

    start: date
    end: date
    label: str

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def end_exclusive(self) -> date:
        return self.end + timedelta(days=1)


def add_months(d: date, months: int) -> date:
    """The same day `months` later (or earlier); only ever called on the 1st of a month."""
    index = d.year * 12 + d.month - 1 + months
    return d.replace(year=index // 12, month=index % 12 + 1)


def _span(start: date, months: int) -> tuple[date, date]:
    return start, add_months(start, months) - timedelta(days=1)


def financial_year_label(start_year: int) -> str:
    return f"{start_year}/{(start_year + 1) % 100:02d}"


def financial_year(start_year: int) -> Period:
    return Period(*_span(date(start_year, 4, 1), 12), financial_year_label(start_year))


def quarter(start_year: int, n: int) -> Period:
    """Financial quarter n of the year starting April `start_year`; Q4 is January–March after it."""
    year = start_year + 1 if n == 4 else start_year
    start = date(year, QUARTER_START_MONTH[n], 1)
    return Period(*_span(start, 3), f"{financial_year_label(start_year)} Q{n}")


def month(year: int, m: int) -> Period:
    return Period(*_span(date(year, m, 1), 1), f"{year}-{m:02d}")


def _bad(text: str) -> UserError:
    return UserError(f"period {text!r} is not recognised: give {ACCEPTED_FORMS}")


def _start_year(text: str, first: str, second: str) -> int:
    year = int(first)
    if (year + 1) % 100 != int(second):
        raise _bad(text)
    if not FIRST_YEAR <= year < LAST_YEAR:  # the year must end inside the range too
        raise _out_of_range(text)
    return year


def parse_period(text: str) -> Period:
    """'2025/26' (1 Apr 2025–31 Mar 2026), '2025/26 Q1' (Apr–Jun 2025) or '2025-04'."""
    cleaned = text.strip()
    if m := _YEAR.match(cleaned):
        period = financial_year(_start_year(text, m[1], m[2]))
    elif m := _QUARTER.match(cleaned):
        period = quarter(_start_year(text, m[1], m[2]), int(m[3]))
    elif (m := _MONTH.match(cleaned)) and 1 <= int(m[2]) <= 12:
        period = month(int(m[1]), int(m[2])) if _in_range(int(m[1])) else None
    else:
        raise _bad(text)
    if period is None or not (_in_range(period.start.year) and _in_range(period.end.year)):
        raise _out_of_range(text)
    return period


def _in_range(year: int) -> bool:
    return FIRST_YEAR <= year <= LAST_YEAR


def _out_of_range(text: str) -> UserError:
    return UserError(t("periods.out_of_range", text=text[:40], first=FIRST_YEAR, last=LAST_YEAR))


def parse_date(text: str, what: str = "date") -> date:
    """An ISO date from FIRST_YEAR to LAST_YEAR; anything else is a UserError naming `what`."""
    try:
        parsed = date.fromisoformat(text.strip())
    except ValueError:
        raise UserError(f"{what} {text!r} is not a date: give YYYY-MM-DD") from None
    if not _in_range(parsed.year):
        raise _out_of_range(f"{what} {text}")
    return parsed


def year_back(d: date) -> date:
    """The same date a year earlier; 29 February becomes 28 February."""
    try:
        return d.replace(year=d.year - 1)
    except ValueError:
        return d.replace(year=d.year - 1, day=28)


def year_earlier(p: Period) -> Period:
    """P shifted back twelve months, labelled the way P is (a year, quarter or month)."""
    start = add_months(p.start, -12)
    end = add_months(p.end_exclusive, -12) - timedelta(days=1)
    if m := _QUARTER.match(p.label):
        label = f"{financial_year_label(int(m[1]) - 1)} Q{m[3]}"
    elif _YEAR.match(p.label):
        label = financial_year_label(start.year)
    elif _MONTH.match(p.label):
        label = f"{start.year}-{start.month:02d}"
    else:
        label = f"{start.isoformat()} to {end.isoformat()}"
    return Period(start, end, label)


def period_params(periods: Sequence[Period]) -> dict[str, list[date]]:
    """The `$starts` and `$ends` lists every period query takes. Every reporting period is whole
    calendar months, and the spend queries count by month (queries/base_spend_months.sql), so any other
    span is refused here rather than counted wrongly there."""
    for p in periods:
        if p.start.day != 1 or p.end_exclusive.day != 1:
            raise ValueError(f"period {p.label} is not whole calendar months")
    return {"starts": [p.start for p in periods], "ends": [p.end for p in periods]}


def as_at_or_end(p: Period, as_at: date | None) -> date:
    """The snapshot date for "at the end of P": the as-at date when given, else P's last day."""
    return p.end if as_at is None else as_at


def months_in(start: date, end: date) -> list[Period]:
    """Every calendar month that starts on or after `start`'s month and on or before `end`."""
    first = date(start.year, start.month, 1)
    out = []
    while first <= end:
        out.append(month(first.year, first.month))
        first = add_months(first, 1)
    return out


def quarters_in(start: date, end: date) -> list[Period]:
    """Every financial quarter overlapping `start`..`end`, in order."""
    fy = start.year if start.month >= 4 else start.year - 1
    out = []
    for year in range(fy, end.year + 1):
        out.extend(
            q for n in (1, 2, 3, 4) if (q := quarter(year, n)).start <= end and q.end >= start
        )
    return out


def days_active_within(start_date: date, end_date: date | None, p: Period) -> int:
    """Days of P on which start_date <= day < end_date (end NULL = open), as the SQL counts them."""
    first = max(start_date, p.start)
    stop = min(end_date or p.end_exclusive, p.end_exclusive)
    return max((stop - first).days, 0)


def window_start(end: date, months: int, first: date | None = None) -> date:
    """First day of a series of `months` months ending with `end`'s month, or of the data's first
    month (`first`) when that is later: a chart never starts before there was anything to count."""
    window = add_months(date(end.year, end.month, 1), 1 - months)
    return window if first is None else max(window, date(first.year, first.month, 1))
