"""Figures that misled a lay reader (issue 20), each pinned on a small fixture worked by hand, and
the one formatting module every page's text goes through."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import polars as pl
import pytest

from dashboard.core import disclosure, formats, query
from dashboard.core.disclosure import Policy
from dashboard.core.periods import month, parse_period
from dashboard.core.settings import Settings
from dashboard.spc.xmr import format_value
from dashboard.spend.charts import spend_charts
from dashboard.spend.figures import spend_figures
from dashboard.spend.tables import series_table
from tests.builders import db_from_rows
from tests.tiny import AREA, PERSON, PLAN

BOARD = Policy(audience="board")


def line(spend_id, plan, start, end, hours, amount=100.0, person="P1"):
    return dict(spend_id=spend_id, person_id=person, plan_id=plan, period_start=start,
                period_end=end, amount_gbp=amount, hours_delivered=hours, provider_id=None,
                on_contract=True)  # fmt: skip


HOURS = {
    "areas": [dict(AREA, area_code="A1")],
    "people": [dict(PERSON, person_id="P1", area_code="A1"),
               dict(PERSON, person_id="P2", area_code="A1")],  # fmt: skip
    "support_plans": [
        # home care, 14 hours a week: 2 hours a day
        dict(PLAN, plan_id="S1", person_id="P1", start_date=date(2025, 1, 1), weekly_hours=14.0),
        # a direct-payment personal assistant plan whose payments never record hours
        dict(PLAN, plan_id="S2", person_id="P2", start_date=date(2025, 1, 1), sds_option=1,
             service_type="personal_assistant", weekly_hours=21.0, provider_id=None, lot_id=None),
    ],
    "budget_spend": [
        # 28 April–4 May: 3 days in April, 4 in May; belongs to April (its start)
        line("L1", "S1", date(2025, 4, 28), date(2025, 5, 4), 12.0),
        # 30 June–6 July: 1 day in June
        line("L2", "S1", date(2025, 6, 30), date(2025, 7, 6), 13.0),
        # a payment of S1 with no hours: a gap, since S1's other payments record them
        line("L3", "S1", date(2025, 5, 12), date(2025, 5, 18), None),
        line("L4", "S2", date(2025, 4, 7), date(2025, 4, 13), None, person="P2"),
        line("L5", "S2", date(2025, 5, 5), date(2025, 5, 11), None, person="P2"),
    ],
}  # fmt: skip


@pytest.fixture(scope="module")
def con():
    return db_from_rows(HOURS)


def _total(con, period) -> dict:
    figs = spend_figures(con, partnership="Home", periods=[period])
    return figs.filter(pl.col("breakdown") == "all").row(0, named=True)


def test_hours_against_planned_compare_like_with_like(con):
    q1 = _total(con, parse_period("2025/26 Q1"))
    # Q1: L1 wholly inside (7 days × 2 = 14 planned), L2 1 day inside (2 planned); L3 records
    # no hours so is on neither side; S2 never records hours: not reported, on neither side
    assert q1["hours_delivered"] == pytest.approx(25.0)
    assert q1["recorded_planned"] == pytest.approx(16.0)
    assert q1["hours_ratio"] == pytest.approx(25 / 16)
    assert (q1["unreported_plans"], q1["unreported_people"], q1["hours_gap_lines"]) == (1, 1, 1)
    april = _total(con, month(2025, 4))
    # April: L1 only (it starts there), 3 of its days inside April: 6 planned hours
    assert april["hours_delivered"] == pytest.approx(12.0)
    assert april["recorded_planned"] == pytest.approx(6.0)
    may = _total(con, month(2025, 5))
    # May: S1's only line (L3) records no hours, so S1 is not reported in May, nor is S2
    assert may["hours_delivered"] == pytest.approx(0.0)
    assert may["hours_ratio"] is None
    assert (may["unreported_plans"], may["hours_gap_lines"]) == (2, 0)


def test_data_quality_stops_calling_unreported_hours_missing(con):
    gaps = query.run(con, "quality_data_gaps", partnership="Home", as_at=date(2025, 6, 30))
    by = {r["gap"]: (r["with_gap"], r["total"]) for r in gaps.to_dicts()}
    # payments of S1 in the 12 months: L1, L2 (30 June ≤ as-at), L3; L3 is the one gap.
    # S2's two payments record no hours at all: not a gap, S2 is one plan of two not reported
    assert by["delivered"] == (1, 3)
    assert by["unreported"] == (1, 2)


def test_money_months_percentages_and_labels_read_as_people_write_them():
    assert formats.money(4_142_662.06) == "£4.1m"
    assert formats.money(Decimal("92109")) == "£92k"
    assert formats.money(24.4, per_hour=True) == "£24 an hour"
    assert formats.money(-50) == "−£50"
    assert formats.month("2026-03") == "March 2026"
    assert formats.month(date(2026, 3, 31)) == "March 2026"
    assert formats.month("2025/26 Q1") == "2025/26 Q1"
    assert formats.day(date(2026, 3, 31)) == "31 March 2026"
    assert formats.percent(0.432) == "43.2%"
    assert formats.label("home_care") == "Home care"
    assert formats.label("lead_and_framework") == "Lead provider and framework"
    assert formats.label("no1_attainment") == "Personal outcomes met (national outcome 1)"
    assert formats.label("seeing_people") == "Seeing people"
    # the SPC sentences go through the same module: no "4,142,662.1"
    assert format_value(4_142_662.06, "£") == "£4.1m"
    assert format_value(0.601, "%") == "60.1%"


def test_a_hidden_rate_reads_hidden_and_a_hidden_count_the_threshold():
    df = pl.DataFrame({"group": ["a", "b"], "met": [3, 40], "denominator": [10, 50]})
    protected = disclosure.protect(
        df.with_columns((pl.col("met") / pl.col("denominator")).alias("rate")),
        BOARD,
        counts=["met", "denominator"],
        rates={"rate": ("met", "denominator")},
    )
    shown = disclosure.display(protected, BOARD).to_dicts()
    # a: 3 met is hidden (<5), and its rate reads "hidden", never "<5" (less than 5%)
    assert shown[0]["met"] == "<5" and shown[0]["rate"] == "hidden"
    assert shown[1]["rate"] == "80.0%"
    assert all("<" not in r["rate"] for r in shown)


def test_a_provisional_month_is_never_called_a_change():
    # twelve settled months near 97% and a latest month, inside the run-out lag, at 60.1%:
    # payments still arriving, so the reading speaks of the last settled month, never 60.1%
    values = [0.97, 0.975, 0.968, 0.972, 0.971, 0.969, 0.974, 0.97, 0.973, 0.968, 0.971, 0.972]
    months = [month(2025, m) for m in range(1, 13)] + [month(2026, m) for m in range(1, 5)]
    rows = values + [0.970, 0.971, 0.975, 0.601]
    extract = date(2026, 5, 27)  # April 2026 ended under 8 weeks before (27 days): provisional
    series = spend_series_table(rows, months, extract)
    assert series["provisional"].to_list()[-1] and not series["provisional"].to_list()[-2]
    charts = spend_charts(series, series.clear(), Policy(audience="internal"), Settings())
    said = " ".join(charts.readings)
    assert "60.1%" not in said and "below its lower process limit" not in said
    assert "97.5% latest" in said  # March 2026, the last settled month
    assert any("provisional" in r for r in charts.readings)
    # the spend reading is in money as people write it
    assert "£4.0m latest" in said


def spend_series_table(utilisation: list[float], months: list, extract: date) -> pl.DataFrame:
    """A monthly series as `spend_series` counts it: £4.1m planned a month, 3,000 people."""
    raw = pl.DataFrame(
        {
            "p": range(1, len(months) + 1),
            "people": [3000] * len(months),
            "plan_people": [3000] * len(months),
            "spend": [u * 4_100_000 for u in utilisation],
            "budget": [4_100_000.0] * len(months),
            "utilisation": utilisation,
        },
        schema_overrides={"p": pl.Int64},
    )
    return series_table(raw, months, extract, 8)
