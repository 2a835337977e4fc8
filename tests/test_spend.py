"""Spend and value (issue 11): figures worked out by hand on a small partnership.

P = 2025/26 Q1, 1 April to 30 June 2025: 91 days, 13 weeks. Home has North (A1) and South (A2);
P9 lives in another partnership and must never count.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.app.navigation import builder
from dashboard.core import disclosure
from dashboard.core.disclosure import Policy
from dashboard.core.intervals import wilson
from dashboard.core.page import Filters, View
from dashboard.core.periods import month, parse_period
from dashboard.core.settings import Settings
from dashboard.extract.export import open_export
from dashboard.outcomes.indicators import indicator_values
from dashboard.spc.xmr import xmr
from dashboard.spend.charts import band_judgement, spend_charts
from dashboard.spend.figures import (
    protect_amounts,
    spend_figures,
    spend_series,
    value_outcomes,
)
from dashboard.spend.tables import hours_table, series_table, spend_table, spot_table, value_table
from tests.builders import db_from_rows, write_export
from tests.tiny import AREA, EXTRACT, PERSON, PLAN, tables

ROOT = Path(__file__).resolve().parent.parent
Q1 = parse_period("2025/26 Q1")
INTERNAL = Policy(audience="internal")
BOARD = Policy(audience="board")
NO_PROVIDERS = pl.DataFrame(schema={"provider_id": pl.String, "provider_name": pl.String})


def line(spend_id, person, plan, start, days, amount, hours=None, provider=None, on=False):
    return dict(spend_id=spend_id, person_id=person, plan_id=plan, period_start=start,
                period_end=date.fromordinal(start.toordinal() + days - 1), amount_gbp=amount,
                hours_delivered=hours, provider_id=provider, on_contract=on)  # fmt: skip


ROWS = {
    "areas": [
        dict(AREA, area_code="A1", locality="North"),
        dict(AREA, area_code="A2", locality="South"),
        dict(AREA, area_code="A3", locality="Away", partnership="Other"),
    ],
    "people": [
        dict(PERSON, person_id="P1", area_code="A1"),
        dict(PERSON, person_id="P2", area_code="A2"),
        dict(PERSON, person_id="P3", area_code="A2"),
        dict(PERSON, person_id="P4", area_code="A1"),
        dict(PERSON, person_id="P9", area_code="A3"),
    ],
    "support_plans": [
        # active all 91 days: budget 700 × 13 = 9,100; hours 10 × 13 = 130
        dict(PLAN, plan_id="S1", person_id="P1", weekly_hours=10.0, weekly_budget_gbp=700.0,
             provider_id="PR1", lot_id="L1"),
        # starts 1 May: 61 days active; budget 140 × 61/7 = 1,220; hours 7 × 61/7 = 61
        dict(PLAN, plan_id="S2", person_id="P2", start_date=date(2025, 5, 1), sds_option=2,
             weekly_hours=7.0, weekly_budget_gbp=140.0, provider_id="PR2", lot_id=None),
        # direct payment ending 20 May (first day not active): 1 Apr–19 May = 49 days;
        # budget 350 × 7 = 2,450; hours 14 × 7 = 98
        dict(PLAN, plan_id="S3", person_id="P3", start_date=date(2024, 1, 1),
             end_date=date(2025, 5, 20), sds_option=1, service_type="personal_assistant",
             weekly_hours=14.0, weekly_budget_gbp=350.0, provider_id=None, lot_id=None),
        # no weekly budget: £0 planned and a data gap
        dict(PLAN, plan_id="S4", person_id="P4", start_date=date(2025, 4, 1),
             service_type="day_support", weekly_hours=None, weekly_budget_gbp=None,
             provider_id="PR2", lot_id=None),
        dict(PLAN, plan_id="S9", person_id="P9"),
    ],
    "budget_spend": [
        # starts 31 March, runs into P: belongs to March, not P
        line("B1", "P1", "S1", date(2025, 3, 31), 7, 700.0, 10.0, "PR1", True),
        # starts 30 June, runs into July: belongs to P
        line("B2", "P1", "S1", date(2025, 6, 30), 7, 700.0, 9.0, "PR1", True),
        line("B3", "P1", "S1", date(2025, 4, 7), 7, 700.0, 10.0, "PR1", True),
        line("B4", "P2", "S2", date(2025, 5, 5), 7, 150.0, 6.0, "PR2", False),
        line("B5", "P2", "S2", date(2025, 5, 12), 7, -50.0, None, "PR2", False),  # recovery
        line("B6", "P3", "S3", date(2025, 4, 1), 28, 1400.0),  # direct payment, no provider
        line("B7", "P4", "S4", date(2025, 4, 1), 28, 300.0, None, "PR3", False),  # spot
        line("B9", "P9", "S9", date(2025, 4, 7), 7, 5000.0, 20.0, "PR1", True),  # elsewhere
    ],
    "personal_outcomes": [
        dict(outcome_id=o, plan_id=s, person_id=p, set_date=date(2025, 4, 1), outcome_text="x",
             domain="seeing_people", national_outcome=None)
        for o, s, p in (("O1", "S1", "P1"), ("O2", "S2", "P2"), ("O3", "S3", "P3"))
    ],
    "outcome_reviews": [
        dict(review_id=r, outcome_id=o, plan_id=s, person_id=p, review_date=d, status=st_)
        for r, o, s, p, d, st_ in (
            ("R1", "O1", "S1", "P1", date(2025, 5, 1), "met"),
            ("R2", "O2", "S2", "P2", date(2025, 5, 10), "not_met"),
            ("R3", "O2", "S2", "P2", date(2025, 6, 1), "partly_met"),  # latest: partly met
            ("R4", "O3", "S3", "P3", date(2025, 6, 2), "met"),
        )
    ],
}  # fmt: skip


@pytest.fixture(scope="module")
def con():
    return db_from_rows(ROWS)


@pytest.fixture(scope="module")
def figs(con):
    return spend_figures(
        con,
        partnership="Home",
        periods=[Q1],
        breakdowns=("all", "locality", "service_type", "provider", "lot", "paid_provider"),
    )


def row(df: pl.DataFrame, breakdown: str, grp: str | None) -> dict:
    hit = df.filter(pl.col("breakdown") == breakdown, pl.col("grp").eq_missing(grp))
    assert hit.height == 1, (breakdown, grp, hit)
    return hit.row(0, named=True)


def test_spend_in_period_by_period_start_with_recoveries_apart(figs):
    total = row(figs, "all", "all")
    # B1 starts 31 March: not in P; B2 starts 30 June: wholly in P; B9 is another partnership's.
    # spend = 700 (B2) + 700 (B3) + 150 − 50 + 1,400 + 300 = 3,200
    assert total["spend"] == pytest.approx(3200.0)
    assert total["payments"] == pytest.approx(3250.0)
    assert total["recoveries"] == pytest.approx(-50.0)
    assert (total["recovery_lines"], total["recovery_people"]) == (1, 1)
    assert total["people"] == 4 and total["lines"] == 6


def test_three_kinds_of_spend_and_the_on_contract_share(figs):
    total = row(figs, "all", "all")
    # direct payment: B6 (SDS option 1, no provider) 1,400; on contract: B2 + B3 = 1,400;
    # spot: B4 150 + B5 −50 + B7 300 = 400; they add up to spend
    assert total["direct_payment_gbp"] == pytest.approx(1400.0)
    assert total["on_contract_gbp"] == pytest.approx(1400.0)
    assert total["spot_gbp"] == pytest.approx(400.0)
    assert total["on_contract_share"] == pytest.approx(1400 / 1800)
    assert total["spot_share"] == pytest.approx(400 / 1800)


def test_planned_budget_counts_days_active_and_null_budget_as_a_gap(figs):
    total = row(figs, "all", "all")
    # 9,100 (S1 all 91 days) + 1,220 (S2 from 1 May, 61 days) + 2,450 (S3 to 19 May, 49 days)
    # + 0 (S4, no budget) = 12,770
    assert total["budget"] == pytest.approx(12770.0)
    assert total["budget_gaps"] == 1 and total["plans"] == 4
    assert total["utilisation"] == pytest.approx(3200 / 12770)


def test_utilisation_agrees_with_the_national_indicator(con, figs):
    values = indicator_values(con, partnerships=["Home"], periods=[Q1], as_ats=[Q1.end])
    ind = values.filter(pl.col("indicator_id") == "no9_budget_utilisation").row(0, named=True)
    total = row(figs, "all", "all")
    assert (ind["numerator"], ind["denominator"], ind["data_gap"]) == pytest.approx(
        (total["spend"], total["budget"], total["budget_gaps"])
    )
    contract = values.filter(pl.col("indicator_id") == "no9_on_contract_spend").row(0, named=True)
    assert contract["value"] == pytest.approx(total["on_contract_share"])


def test_utilisation_by_the_plans_provider(figs):
    # PR1: S1's lines 1,400 ÷ 9,100; PR2: S2 and S4, 100 + 300 ÷ 1,220 + 0; none: S3 1,400 ÷ 2,450
    assert row(figs, "provider", "PR1")["utilisation"] == pytest.approx(1400 / 9100)
    assert row(figs, "provider", "PR2")["utilisation"] == pytest.approx(400 / 1220)
    assert row(figs, "provider", None)["utilisation"] == pytest.approx(1400 / 2450)


def test_hours_delivered_against_planned_and_cost_per_delivered_hour(figs):
    total = row(figs, "all", "all")
    # like with like (metrics.md v1.2): only lines recording hours, against their plan's hours
    # over the same lines' days inside P. delivered: B2 9 + B3 10 + B4 6 = 25; planned: B2 runs
    # 30 June–6 July, 1 day inside P: 10 × 1/7; B3 10 × 7/7 = 10; B4 (S2, 7 a week) 7 × 7/7 = 7
    planned = 10 / 7 + 10 + 7
    assert total["hours_delivered"] == pytest.approx(25.0)
    assert total["recorded_planned"] == pytest.approx(planned)
    assert total["hours_ratio"] == pytest.approx(25 / planned)
    # cost per hour over lines with hours: (700 + 700 + 150) ÷ 25 = 62
    assert total["cost_per_hour"] == pytest.approx(62.0)
    # S3, a direct payment PA plan whose one line (B6) records no hours, is "hours not
    # reported", on neither side and no gap; the recovery B5 is no gap either
    assert (total["unreported_plans"], total["unreported_people"]) == (1, 1)
    assert total["hours_gap_lines"] == 0
    hours = hours_table(figs, INTERNAL)
    home = hours.filter(pl.col("group") == "Home care").row(0, named=True)
    assert home["hours_ratio"] == pytest.approx(25 / planned)
    assert home["cost_per_hour"] == Decimal("62.00")


def test_spot_purchase_concentration(figs):
    by_locality = spot_table(figs, "locality", INTERNAL, NO_PROVIDERS)
    shares = dict(zip(by_locality["group"], by_locality["share_of_all_spot"], strict=True))
    # North: B7 300 of 400 spot; South: B4 + B5 = 100; largest first after the total
    assert by_locality["group"].to_list() == ["All", "North", "South"]
    assert shares["North"] == pytest.approx(0.75) and shares["South"] == pytest.approx(0.25)
    spot_share = dict(zip(by_locality["group"], by_locality["spot_share"], strict=True))
    # North buys 1,400 on contract + 300 spot; South only spot
    assert spot_share["North"] == pytest.approx(300 / 1700)
    assert spot_share["South"] == pytest.approx(1.0)
    by_provider = spot_table(figs, "paid_provider", INTERNAL, NO_PROVIDERS)
    spot = dict(zip(by_provider["group"], by_provider["spot_gbp"], strict=True))
    # who was paid: PR3 for S4's spot line, though S4's plan names PR2; direct payments none
    assert spot["PR3"] == Decimal("300.00") and spot["PR2"] == Decimal("100.00")
    assert spot["No provider (direct payments)"] == Decimal("0.00")


def test_wilson_interval_of_8_in_10():
    low, high = wilson("met", "denominator")
    df = pl.DataFrame({"met": [8, 0], "denominator": [10, 0]}).select(
        low.alias("low"), high.alias("high")
    )
    # the textbook Wilson 95% interval for 8/10 is 0.490 to 0.943; undefined with nothing reviewed
    assert df.row(0) == pytest.approx((0.4902, 0.9433), abs=1e-4)
    assert df.row(1) == (None, None)


def test_value_beside_weekly_cost_by_service_type_and_lot(con, figs):
    outcomes = value_outcomes(con, "Home", Q1, ("service_type",), Filters())["service_type"]
    table = value_table(figs, outcomes, "service_type", INTERNAL)
    home = table.filter(pl.col("group") == "home_care").row(0, named=True)
    # O1 met, O2's latest review in P is partly met: 1 of 2
    assert (home["met"], home["denominator"]) == (1, 2)
    # spend of S1 and S2 lines 700 + 700 + 150 − 50 = 1,500 over 13 + 61/7 = 152/7 plan-weeks
    assert home["weekly_cost"] == Decimal("69.08")  # 1,500 × 7 ÷ 152 = 69.078…
    total = table.filter(pl.col("is_total")).row(0, named=True)
    assert (total["met"], total["denominator"]) == (2, 3)
    lots = value_table(
        figs, value_outcomes(con, "Home", Q1, ("lot",), Filters())["lot"], "lot", INTERNAL
    )
    by_lot = {r["group"]: (r["met"], r["denominator"]) for r in lots.to_dicts()}
    # L1: O1 met; no lot: O2 partly met, O3 met
    assert by_lot["L1"] == (1, 1) and by_lot["Not in a lot"] == (1, 2)


def test_money_is_hidden_with_the_people_behind_it():
    df = pl.DataFrame(
        {"group": ["A", "B", "C", "All"], "people": [10, 3, 6, 19],
         "spend": [1000.0, 300.0, 600.0, 1900.0], "is_total": [False, False, False, True]}
    )  # fmt: skip
    out = protect_amounts(
        df, BOARD, counts=["people"], amounts={"spend": ["people"]}, total_flag="is_total"
    )
    # B's 3 people are hidden; C (the next smallest) too, or 19 − 10 − 6 gives B back;
    # their spend goes with them, so 1,900 − 1,000 cannot recover B's 300
    assert out["spend"].to_list() == [Decimal("1000.00"), None, None, Decimal("1900.00")]
    assert out["spend__suppressed"].to_list() == [False, True, True, False]
    shown = disclosure.display(out, BOARD)
    assert shown["spend"].to_list() == ["£1,000", "hidden", "hidden", "£1,900"]


def test_board_sees_providers_labelled_in_label_order(figs):
    providers = pl.DataFrame({"provider_id": ["PR1", "PR2", "PR3"],
                              "provider_name": ["Acme", "Bee", "Cee"]})  # fmt: skip
    board = spend_table(figs, "provider", BOARD, providers)
    # numbered by provider id, never by a figure; in label order after the total
    labels = ["All", "No provider on the plan", "Provider 1", "Provider 2"]
    assert board["group"].to_list() == labels
    internal = spend_table(figs, "provider", INTERNAL, providers)
    assert "Acme" in internal["group"].to_list()


def test_a_provisional_quarter_is_marked_and_never_a_special_cause(con):
    quarters = [parse_period("2024/25 Q4"), Q1]
    figs = spend_series(con, partnership="Home", periods=quarters)
    # extracted 1 August 2025: Q1 ended 32 days before (< 8 weeks), Q4 123 days before
    series = series_table(figs, quarters, date(2025, 8, 1), 8)
    assert series["provisional"].to_list() == [False, True]
    # B1 (starts 31 March) is Q4's only line
    assert series["spend"].to_list() == pytest.approx([700.0, 3200.0])
    values = [1.0] * 12 + [9.0]
    result = xmr(values, provisional=[False] * 12 + [True])
    assert result.points["type"][-1] == "common_cause"


def test_monthly_charts_mark_provisional_months_and_judge_the_band():
    months = [month(2024, m) for m in range(1, 13)] + [month(2025, 1)]
    monthly = pl.DataFrame(
        {"period": [m.label for m in months], "provisional": [False] * 12 + [True],
         "people": [50] * 13, "plan_people": [50] * 13, "fewest_people": [50] * 13,
         "spend": [1000.0, 1010.0] * 6 + [5000.0], "budget": [1000.0] * 13,
         "utilisation": [1.0, 1.01] * 6 + [5.0]}
    )  # fmt: skip
    charts = spend_charts(monthly, monthly, INTERNAL, Settings())
    util = charts.utilisation.result
    # mean 1.005, mean moving range 0.01: limits 1.005 ± 0.0266, inside 0.95–1.05
    assert util.limits == pytest.approx((0.9784, 1.0316))
    assert band_judgement(util, (0.95, 1.05)) == "within"
    assert band_judgement(util, (0.99, 1.02)) == "hit_and_miss"
    assert band_judgement(util, (1.05, 1.10)) == "under"
    assert util.points["type"][-1] == "common_cause"  # 5.0, but provisional
    assert charts.table.height == 13 and any("provisional" in r for r in charts.readings)


# --- the page ---------------------------------------------------------------------------------


def use_export(tmp_path, point_app, audience: str) -> Path:
    folder = write_export(tmp_path / "export", tables(), EXTRACT)
    point_app(folder, disclosure={"audience": audience})
    return folder


def run_page(period: str) -> AppTest:
    app = AppTest.from_file(str(ROOT / "pages" / "spend.py"), default_timeout=60)
    app.query_params.update({"period": period})
    app.run()
    assert not app.exception, app.exception
    return app


def test_page_runs_and_shows_the_library_figures(tmp_path, point_app):
    folder = use_export(tmp_path, point_app, "internal")
    app = run_page("2024/25")
    settings = Settings(cache_dir=tmp_path / "cache", audience="internal")
    page = builder("spend")(open_export(folder, settings), settings, View("Home", "2024/25"))
    # tiny: B1 250 on contract (P1) and B2 a 20 recovery on a direct payment (P3): spend 230
    assert page.sentences[0].startswith("In 2024/25, Home spent £230")
    text = " ".join(m.value for m in app.markdown)
    assert page.sentences[0] in text
    expected = disclosure.display(page.tables["spend_by_locality"], INTERNAL)
    shown = next(d.value for d in app.dataframe if "budget_gaps" in d.value.columns)
    assert list(shown["spend"]) == list(expected["spend"]) == ["£230", "£230"]


def test_board_page_hides_spend_resting_on_few_people(tmp_path, point_app):
    use_export(tmp_path, point_app, "board")
    app = run_page("2024/25")
    # tiny's spend rests on 2 people: a board sees no amount, only that it is hidden
    assert any("too few people" in m.value for m in app.markdown)
    shown = next(d.value for d in app.dataframe if "budget_gaps" in d.value.columns)
    assert set(shown["spend"]) == {"hidden"}  # an amount hidden reads "hidden", never "<5"
