"""Emerging needs, issue 22: what changed inside a signal (`why`), on test_emerging's fixture: every
person born in 1940, a woman, in a decile-5 area, with an SDS option 3 plan."""

from __future__ import annotations

from datetime import date

import polars as pl

from dashboard.core.disclosure import Policy
from dashboard.emerging import signals, why
from tests.builders import db_from_rows
from tests.test_emerging import AS_AT, STRICT, mid_quarter, step_rows


def request(i: int, assessed: date, start: date | None) -> dict:
    return dict(request_id=f"R{i}", person_id="P1", area_code="G1", assessed_date=assessed,
                hours_requested_week=7.0, package_start_date=start, complex_needs=False)  # fmt: skip


def found_and_cell(rows):
    con = db_from_rows(rows.data)
    found = signals.emerging(con, partnership="Home", as_at=AS_AT, **STRICT)
    cell = found.cells.filter(pl.col("grp") == "dementia").row(0, named=True)
    return con, found, cell


def test_the_age_mix_of_a_signal_against_its_past_and_the_partnership():
    con, found, cell = found_and_cell(step_rows())
    got = why.mix(con, "Home", cell, found.quarters)
    # Glen dementia: 5 plans a quarter from May 2023 to Feb 2025 (ages 83 and 84, then 85 in
    # Feb 2025), 10 a quarter from May 2025 (85, then 86 in Feb 2026). Before: 35 aged 75-84
    # and 5 aged 85+; recent: all 40 aged 85+; only Glen has dementia plans, so the partnership's
    # latest year is the same 40.
    ages = got.filter(pl.col("dimension") == "age_band").select("category", *why.COUNTS).rows()
    assert ages == [("75_84", 0, 35, 0), ("85_plus", 40, 5, 40)]
    assert got.filter(pl.col("dimension") == "sex").rows() == [("sex", "female", 40, 40, 40)]
    assert got.filter(pl.col("dimension") == "deprivation")["category"].to_list() == ["fifth_3"]
    assert got.filter(pl.col("dimension") == "sds_option")["category"].to_list() == ["option_3"]
    protected = why.protect_mix(got, Policy("board"))
    # only the age mix changed (by at least five points): 100% aged 85+ against 5 of 40 = 12.5%
    assert why.mix_sentences(protected) == [
        "Age: people aged 85 and over made up 100% of the latest year, against 12% in the years "
        "before (100% across the partnership)."
    ]


def test_a_small_category_is_hidden_with_its_sibling_for_a_board():
    # one Town plan for dementia in the latest year, at 2025's age 85: partnership 41, Glen 40;
    # Glen's age mix is unchanged. Add 3 Glen plans for dementia of people born 1970 (under 65)
    rows = step_rows().plans("T1", "dementia", [0] * 11 + [1])
    for i in range(3):
        rows.data["people"].append(dict(person_id=f"Y{i}", birth_year=1970, sex="male",
                                        client_group="dementia", area_code="G1"))  # fmt: skip
        rows.data["support_plans"].append(
            dict(rows.data["support_plans"][0], plan_id=f"SY{i}", person_id=f"Y{i}",
                 start_date=mid_quarter(10))
        )  # fmt: skip
    con, found, cell = found_and_cell(rows)
    protected = why.protect_mix(why.mix(con, "Home", cell, found.quarters), Policy("board"))
    sexes = protected.filter(pl.col("dimension") == "sex")
    # 3 men is small: hidden; the 40 women beside it would give it back from the total 43, so
    # hidden too; their shares with them
    assert sexes.select("category", "recent", "recent_share").rows() == [
        ("female", None, None), ("male", None, None)]  # fmt: skip


def test_waits_for_home_care_in_the_locality_against_the_years_before_and_the_partnership():
    rows = step_rows()
    rows.data["home_care_requests"] = [
        # before: waits of 10, 20 and 30 days (median 20), one never met; recent: 40, 50, 60 (50)
        request(1, mid_quarter(2), date(2023, 11, 20)),
        request(2, mid_quarter(3), date(2024, 3, 1)),
        request(3, mid_quarter(4), date(2024, 6, 10)),
        request(4, mid_quarter(5), None),
        request(5, mid_quarter(8), date(2025, 6, 20)),
        request(6, mid_quarter(9), date(2025, 9, 29)),
        request(7, mid_quarter(10), date(2026, 1, 9)),
    ]
    con, found, cell = found_and_cell(rows)
    assert [(r["request_id"], r["assessed_date"]) for r in rows.data["home_care_requests"]][:1] == [
        ("R1", date(2023, 11, 10))]  # fmt: skip
    assert why.waits(con, "Home", cell, found.quarters, Policy("internal")) == (
        "Home care requests in Glen: the median wait from assessment to a package was 50 days in "
        "the latest year, against 20 days in the years before (50 days across the partnership); 3 "
        "of the 3 requests of the latest year have a package."
    )
    # three met requests are a small count: a board does not see the sentence
    assert why.waits(con, "Home", cell, found.quarters, Policy("board")) is None
