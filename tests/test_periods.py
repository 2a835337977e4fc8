"""Reporting periods: parsing, shifting a year back, month and quarter lists, days active."""

from datetime import date

import pytest

from dashboard.core.errors import UserError
from dashboard.core.periods import (
    Period,
    as_at_or_end,
    days_active_within,
    months_in,
    parse_period,
    period_params,
    quarters_in,
    year_back,
    year_earlier,
)


def test_financial_year_runs_april_to_march():
    p = parse_period("2025/26")
    assert (p.start, p.end, p.label, p.days) == (
        date(2025, 4, 1),
        date(2026, 3, 31),
        "2025/26",
        365,
    )


def test_quarters_including_q4_crossing_the_calendar_year():
    assert parse_period("2025/26 Q1").start == date(2025, 4, 1)
    assert parse_period("2025/26 Q1").end == date(2025, 6, 30)
    q4 = parse_period("2025/26 q4")  # Q4 is January–March of the next calendar year
    assert (q4.start, q4.end, q4.days) == (date(2026, 1, 1), date(2026, 3, 31), 90)
    # 2027/28 Q4 holds 29 February 2028: 31 + 29 + 31 = 91 days
    assert parse_period("2027/28 Q4").days == 91


def test_month():
    p = parse_period("2024-02")
    assert (p.start, p.end, p.label) == (date(2024, 2, 1), date(2024, 2, 29), "2024-02")


@pytest.mark.parametrize("bad", ["2025/27", "2025", "2025/26 Q5", "2025-13", "Q1 2025/26", ""])
def test_bad_period_names_the_value_and_the_forms(bad):
    with pytest.raises(UserError) as err:
        parse_period(bad)
    assert repr(bad) in str(err.value) and "2025/26 Q1" in str(err.value)


def test_year_earlier_keeps_the_kind_of_period():
    assert year_earlier(parse_period("2025/26")) == parse_period("2024/25")
    assert year_earlier(parse_period("2025/26 Q4")) == parse_period("2024/25 Q4")
    assert year_earlier(parse_period("2024-02")) == parse_period("2023-02")  # 29 Feb -> 28 Feb
    assert year_back(date(2024, 2, 29)) == date(2023, 2, 28)


def test_as_at_defaults_to_the_last_day():
    p = parse_period("2025/26 Q2")
    assert as_at_or_end(p, None) == date(2025, 9, 30)
    assert as_at_or_end(p, date(2025, 8, 1)) == date(2025, 8, 1)


def test_months_and_quarters_in_a_range():
    months = months_in(date(2025, 11, 15), date(2026, 2, 1))
    assert [m.label for m in months] == ["2025-11", "2025-12", "2026-01", "2026-02"]
    quarters = quarters_in(date(2025, 2, 1), date(2025, 7, 1))
    assert [q.label for q in quarters] == ["2024/25 Q4", "2025/26 Q1", "2025/26 Q2"]


def test_days_active_within_counts_start_to_the_day_before_end():
    p = parse_period("2025/26 Q1")  # 1 Apr – 30 Jun 2025, 91 days
    assert days_active_within(date(2025, 1, 1), None, p) == 91
    # end_date is the first day not active: ending 1 April leaves no day of P
    assert days_active_within(date(2025, 1, 1), date(2025, 4, 1), p) == 0
    assert days_active_within(date(2025, 6, 30), date(2025, 8, 1), p) == 1
    assert days_active_within(date(2025, 5, 1), date(2025, 5, 11), p) == 10


def test_period_params_takes_whole_months_only():
    year, feb = parse_period("2025/26"), parse_period("2024-02")
    assert period_params([year, feb]) == {
        "starts": [date(2025, 4, 1), date(2024, 2, 1)],
        "ends": [date(2026, 3, 31), date(2024, 2, 29)],
    }
    with pytest.raises(ValueError, match="not whole calendar months"):
        period_params([Period(date(2025, 4, 2), date(2025, 4, 30), "2 to 30 April")])
    with pytest.raises(ValueError, match="not whole calendar months"):
        period_params([Period(date(2025, 4, 1), date(2025, 4, 29), "1 to 29 April")])


@pytest.mark.parametrize("text", ["9999/00", "1899/00", "2999/00 Q4", "0001-01", "3000-01"])
def test_period_outside_1900_to_2999_is_a_user_error(text):
    with pytest.raises(UserError, match="out of range"):
        parse_period(text)


def test_periods_at_the_edges_of_the_range_are_kept():
    assert parse_period("1900/01").start == date(1900, 4, 1)
    assert parse_period("2998/99 Q4").end == date(2999, 3, 31)
    assert parse_period("2999-12").end == date(2999, 12, 31)


@pytest.mark.parametrize("text", ["0001-01-01", "1899-12-31", "3000-01-01"])
def test_as_at_outside_1900_to_2999_is_a_user_error(text):
    from dashboard.core.periods import parse_date

    with pytest.raises(UserError, match="out of range"):
        parse_date(text, "--as-at")
