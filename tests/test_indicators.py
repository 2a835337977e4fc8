"""The local indicators for the nine national outcomes on a tiny hand-built export.

P = 2025/26, end of P = 2026-03-31; a year earlier = 2024/25 at 2025-03-31.
Home areas: H1 North decile 1, H2 South decile 9. PeerA and PeerB one area each.
Providers: PR1 grade 5, PR2 grade 3, PR3 grade 4, PR4 no grade.

Home plans (person, service, SDS option, hours, weekly budget, provider, start, end):
  S1 Q1 home_care 3, 6h, £70, PR1, 2025-01-01, open
  S2 Q1 personal_assistant 1 (direct payment), NULL hours, £70, -, 2025-04-01, open
  S3 Q1 reablement 3, 5h, NULL budget, PR2, 2026-03-01, open
  S4 Q2 home_care 2, 12h, £140, PR2, 2024-04-01, end 2026-04-01
  S5 Q2 care_home 3, -, £700, PR3, 2025-10-01, open
  S6 Q3 care_home 3, -, £350, PR3, 2023-01-01, end 2026-03-31 (not active on 31 March)
  S7 Q4 care_home 4, -, £350, PR4, 2025-06-01, open
  S8 Q5 home_care 3, 8h, £70, PR1, 2025-04-01, open
"""

from datetime import date as d

import pytest

from dashboard.core.disclosure import Policy
from dashboard.core.errors import UserError
from dashboard.core.page import Filters
from dashboard.core.periods import parse_period
from dashboard.outcomes.figures_json import figures_json
from dashboard.outcomes.indicators import indicator_series, indicator_table
from dashboard.outcomes.peers import read_benchmark
from tests.builders import db_from_rows
from tests.test_outcomes import area, outcome, review

P = parse_period("2025/26")
IDS = [
    "no1_attainment", "no2_attainment", "no2_intensive_at_home", "no3_attainment",
    "no3_choice_control", "no4_attainment", "no5_deprivation_gap", "no6_attainment",
    "no7_attainment", "no8_graded_good", "no8_staffing_handbacks", "no9_budget_utilisation",
    "no9_on_contract_spend",
]  # fmt: skip


def plan(pid, person, service, sds, hours, budget, provider, start, end=None):
    return dict(plan_id=pid, person_id=person, service_type=service, sds_option=sds,
                weekly_hours=hours, weekly_budget_gbp=budget, provider_id=provider,
                start_date=start, end_date=end, complex_needs=False)  # fmt: skip


def person(pid, area_code):
    return dict(person_id=pid, birth_year=1945, sex="female", client_group="elderly_frail",
                area_code=area_code)  # fmt: skip


def spend(sid, person_id, plan_id, start, amount, on_contract):
    return dict(spend_id=sid, person_id=person_id, plan_id=plan_id, period_start=start,
                period_end=start, amount_gbp=amount, on_contract=on_contract)  # fmt: skip


def handback(hid, plan_id, when, reason="staffing"):
    return dict(handback_id=hid, plan_id=plan_id, provider_id="PR1", handback_date=when,
                reason=reason)  # fmt: skip


@pytest.fixture(scope="module")
def con():
    return db_from_rows(
        {
            "areas": [
                area("H1", "North", "Home", 1, 1),
                area("H2", "South", "Home", 9, 6),
                area("A1", "Ayr", "PeerA", 5, 2),
                area("B1", "Bute", "PeerB", 5, 2),
            ],
            "people": [
                person("Q1", "H1"),
                person("Q2", "H1"),
                person("Q3", "H2"),
                person("Q4", "H2"),
                person("Q5", "H2"),
                person("QA", "A1"),
                person("QB", "B1"),
            ],  # fmt: skip
            "providers": [
                dict(
                    provider_id=f"PR{n}",
                    provider_name=f"P{n}",
                    provider_type="independent",
                    quality_grade=g,
                )
                for n, g in ((1, 5), (2, 3), (3, 4), (4, None))
            ],  # fmt: skip
            "support_plans": [
                plan("S1", "Q1", "home_care", 3, 6.0, 70.0, "PR1", d(2025, 1, 1)),
                plan("S2", "Q1", "personal_assistant", 1, None, 70.0, None, d(2025, 4, 1)),
                plan("S3", "Q1", "reablement", 3, 5.0, None, "PR2", d(2026, 3, 1)),
                plan("S4", "Q2", "home_care", 2, 12.0, 140.0, "PR2", d(2024, 4, 1), d(2026, 4, 1)),
                plan("S5", "Q2", "care_home", 3, None, 700.0, "PR3", d(2025, 10, 1)),
                plan("S6", "Q3", "care_home", 3, None, 350.0, "PR3", d(2023, 1, 1), d(2026, 3, 31)),
                plan("S7", "Q4", "care_home", 4, None, 350.0, "PR4", d(2025, 6, 1)),
                plan("S8", "Q5", "home_care", 3, 8.0, 70.0, "PR1", d(2025, 4, 1)),
                plan("SA", "QA", "home_care", 3, 20.0, 100.0, "PR2", d(2024, 1, 1)),
                plan("SB", "QB", "day_support", 1, None, 100.0, None, d(2024, 1, 1)),
            ],
            "handbacks": [
                handback("H1", "S1", d(2025, 4, 1)),  # first day of P: in
                handback("H2", "S4", d(2026, 3, 31)),  # last day of P: in
                handback("H3", "S1", d(2025, 3, 31)),  # day before P: year earlier
                handback("H4", "S1", d(2025, 6, 1), "travel"),  # not staffing
                handback("H5", "S5", d(2025, 11, 1)),  # a care home plan
                handback("H6", "S4", d(2024, 4, 1)),  # first day of the year earlier
            ],
            "budget_spend": [
                spend("L1", "Q1", "S1", d(2025, 4, 1), 3000.0, True),
                spend("L2", "Q1", "S2", d(2025, 5, 1), 3000.0, False),  # direct payment
                spend("L3", "Q2", "S4", d(2025, 6, 1), 2000.0, False),  # spot
                spend("L4", "Q2", "S4", d(2025, 7, 1), -500.0, False),  # recovery
                spend("L5", "Q3", "S6", d(2026, 3, 31), 1000.0, True),  # last day of P
                spend("L6", "Q3", "S6", d(2025, 3, 31), 9999.0, True),  # year earlier
                spend("L7", "Q5", "S8", d(2025, 9, 1), 26425.0, True),
            ],
            "personal_outcomes": [
                outcome("O1", "S1", "Q1", "feeling_safe", d(2025, 1, 1)),  # -> 7, North
                outcome("O2", "S8", "Q5", "feeling_safe", d(2025, 1, 1)),  # -> 7, South
                outcome("O3", "S4", "Q2", "seeing_people", d(2025, 1, 1), national=3),  # North
            ],
            "outcome_reviews": [
                review("R1", "O1", "S1", "Q1", d(2025, 6, 1), "met"),
                review("R2", "O2", "S8", "Q5", d(2025, 7, 1), "not_met"),
                review("R3", "O3", "S4", "Q2", d(2025, 8, 1), "met"),
            ],
        }
    )


def by_id(df):
    return {r["indicator_id"]: r for r in df.to_dicts()}


@pytest.fixture(scope="module")
def table(con):
    return by_id(
        indicator_table(con, partnership="Home", period=P, targets={"no2_intensive_at_home": 0.75})
    )


def test_table_has_every_indicator_in_order(con, table):
    assert list(table) == IDS


def test_intensive_needs_at_home(table):
    r = table["no2_intensive_at_home"]
    # Q1: 6 + NULL(0) + 5 = 11h -> home; Q2: 12h and a care home -> once, at home; Q3's care home
    # ended on 31 March (not active); Q4 care home; Q5 8h: neither. 2 / (2 + 1)
    assert (r["numerator"], r["denominator"], r["data_gap"]) == (2, 3, 1)
    assert r["value"] == pytest.approx(2 / 3)
    # 2025-03-31: Q1 6h (neither), Q2 12h home, Q3 care home -> 1 / 2
    assert r["year_earlier"] == 0.5
    # PeerA 20h home care: 1/1; PeerB (day support only) undefined and left out of the mean
    assert (r["peer_average"], r["peer_count"]) == (1.0, 1)
    assert r["target"] == 0.75 and r["gap"] == pytest.approx(2 / 3 - 0.75)


def test_choice_and_control(table):
    r = table["no3_choice_control"]
    # active 31 March: Q1 (S2 option 1), Q2 (S4 option 2), Q4, Q5 -> 2 / 4
    assert (r["numerator"], r["denominator"], r["value"]) == (2, 4, 0.5)
    assert r["year_earlier"] == pytest.approx(1 / 3)  # Q1 (3), Q2 (2), Q3 (3)
    assert r["peer_average"] == 0.5  # PeerA 0/1, PeerB 1/1
    assert r["target"] is None and r["gap"] is None


def test_graded_good(table):
    r = table["no8_graded_good"]
    # providers in use 31 March: PR1 (5), PR2 (3), PR3 (4), PR4 (none) -> 2 / 3, one ungraded
    assert (r["numerator"], r["denominator"], r["data_gap"]) == (2, 3, 1)
    assert r["year_earlier"] == pytest.approx(2 / 3)  # S1 PR1, S4 PR2, S6 PR3


def test_staffing_handbacks(table):
    r = table["no8_staffing_handbacks"]
    # H1 and H2 (the edges of P); home care/reablement active 31 March: S1, S3, S4, S8
    assert (r["numerator"], r["denominator"]) == (2, 4)
    assert r["value"] == pytest.approx(2 / 4 * 100 * 365 / 365)
    # year earlier: H6 and H3 over S1, S4 active on 2025-03-31 -> 2 / 2 × 100
    assert r["year_earlier"] == pytest.approx(100.0)


def test_staffing_handbacks_scale_to_a_year_in_a_quarter(con):
    r = by_id(indicator_table(con, partnership="Home", period=parse_period("2025/26 Q4")))
    # Q4 (90 days): H2 only; 4 plans active on 31 March -> 1/4 × 100 × 365/90
    assert r["no8_staffing_handbacks"]["value"] == pytest.approx(25 * 365 / 90)


def test_budget_utilisation(table):
    r = table["no9_budget_utilisation"]
    # planned: S1 70×365/7 = 3650; S2 3650; S3 NULL -> 0 (data gap); S4 140×365/7 = 7300;
    # S5 700×182/7 = 18200; S6 350×364/7 = 18200 (ends 31 March); S7 350×304/7 = 15200;
    # S8 3650 -> 69850. Spend: 3000 + 3000 + 2000 − 500 + 1000 + 26425 = 34925 (L6 is before P)
    assert (r["numerator"], r["denominator"], r["data_gap"]) == (34925.0, pytest.approx(69850.0), 1)
    assert r["value"] == pytest.approx(0.5)
    # year earlier: S1 70×90/7 = 900, S4 7300, S6 350×365/7 = 18250; spend L6 9999
    assert r["year_earlier"] == pytest.approx(9999 / 26450)


def test_on_contract_spend_leaves_out_direct_payments(table):
    r = table["no9_on_contract_spend"]
    # all lines but L2 (option 1): 3000 + 2000 − 500 + 1000 + 26425 = 31925; on contract 30425
    assert (r["numerator"], r["denominator"]) == (30425.0, 31925.0)
    assert r["value"] == pytest.approx(30425 / 31925)
    assert r["year_earlier"] == 1.0


def test_attainment_indicators_and_missing_year_earlier(table):
    assert (table["no7_attainment"]["numerator"], table["no7_attainment"]["denominator"]) == (1, 2)
    assert table["no3_attainment"]["value"] == 1.0  # O3 linked to 3 by the practitioner
    assert table["no4_attainment"]["value"] is None  # nothing in the denominator
    assert table["no7_attainment"]["year_earlier"] is None  # no review in 2024/25


def test_deprivation_gap(table):
    r = table["no5_deprivation_gap"]
    # deciles 9–10: O2 not met 0/1; deciles 1–2: O1, O3 met 2/2 -> (0 − 1) × 100 points
    assert r["value"] == pytest.approx(-100.0)
    assert r["target"] == 0.0 and r["gap"] == pytest.approx(-100.0)
    assert r["year_earlier"] is None


def test_deprivation_gap_not_computable_with_an_empty_group(con):
    r = by_id(indicator_table(con, partnership="Home", period=P, filters=Filters(locality="North")))
    assert r["no5_deprivation_gap"]["value"] is None  # no outcome of deciles 9–10 in North
    assert r["no5_deprivation_gap"]["gap"] is None


def test_gap_is_its_own_value_whatever_the_target(con):
    r = by_id(
        indicator_table(con, partnership="Home", period=P, targets={"no5_deprivation_gap": 5})
    )
    assert r["no5_deprivation_gap"]["gap"] == pytest.approx(-100.0)


def test_benchmark_file_replaces_record_level_peers(con, tmp_path):
    path = tmp_path / "bench.csv"
    path.write_text(
        "indicator_id,period,value,source\n"
        "no2_intensive_at_home,2025/26,0.6,PHS 2025\n"
        "no2_intensive_at_home,2025/26,0.8,PHS 2025\n"
        "no3_choice_control,2024/25,0.9,PHS 2024\n"
    )
    r = by_id(indicator_table(con, partnership="Home", period=P, benchmark=read_benchmark(path)))
    assert r["no2_intensive_at_home"]["peer_average"] == pytest.approx(0.7)
    assert r["no2_intensive_at_home"]["peer_source"] == "PHS 2025"
    assert r["no3_choice_control"]["peer_average"] is None  # only a 2024/25 figure was given


def test_bad_benchmark_file(tmp_path):
    path = tmp_path / "bench.csv"
    path.write_text("indicator_id,period,value\nno2_intensive_at_home,2025/26,0.6\n")
    with pytest.raises(UserError, match="source"):
        read_benchmark(path)


def test_spend_is_provisional_within_the_run_out_lag(con):
    late = by_id(indicator_table(con, partnership="Home", period=P, extract_date=d(2026, 5, 1)))
    # 31 days after the end of P, inside 8 weeks: spend provisional, other indicators not
    assert (
        late["no9_budget_utilisation"]["provisional"]
        and late["no9_on_contract_spend"]["provisional"]
    )
    assert not late["no2_intensive_at_home"]["provisional"]
    settled = by_id(indicator_table(con, partnership="Home", period=P, extract_date=d(2026, 6, 30)))
    assert not settled["no9_budget_utilisation"]["provisional"]


def test_monthly_series(con):
    df = indicator_series(
        con, partnership="Home", start=P.start, end=P.end, extract_date=d(2026, 5, 1)
    )
    march = by_id(df.filter(df["period"] == "2026-03"))
    assert march["no2_intensive_at_home"]["value"] == pytest.approx(2 / 3)  # same day as P's end
    # March: spend L5 1000; planned S1 310, S2 310, S4 620, S5 3100, S6 350×30/7 = 1500,
    # S7 1550, S8 310 -> 7700
    assert march["no9_budget_utilisation"]["value"] == pytest.approx(1000 / 7700)
    assert march["no9_budget_utilisation"]["provisional"]
    april = by_id(df.filter(df["period"] == "2025-04"))
    # April: H1; active home care 30 April: S1, S4, S8 -> 1/3 × 100 × 365/30
    assert april["no8_staffing_handbacks"]["value"] == pytest.approx(100 / 3 * 365 / 30)
    assert not april["no9_budget_utilisation"]["provisional"]
    assert april["no8_staffing_handbacks"]["spc_direction"] == "decrease"
    assert april["no5_deprivation_gap"]["spc_direction"] == "neutral"


def test_figures_json_internal_shape(con):
    out = figures_json(con, partnership="Home", period=P, targets={"no2_intensive_at_home": 0.75})
    assert [k for k in out if k != "filters"] == [
        "partnership", "period", "as_at", "audience", "attainment", "distance_travelled",
        "review_coverage", "indicators",
    ]  # fmt: skip
    assert (out["period"], out["as_at"], out["audience"]) == ("2025/26", "2026-03-31", "internal")
    overall = out["attainment"]["overall"]
    assert (overall["met"], overall["partly_met"], overall["denominator"]) == (2, 0, 3)
    assert out["attainment"]["by_national_outcome"]["7"]["rate"] == 0.5
    assert [i["id"] for i in out["indicators"]] == IDS
    intensive = out["indicators"][2]
    assert (intensive["numerator"], intensive["denominator"], intensive["target"]) == (2, 3, 0.75)
    # every outcome due (plans active, no earlier review) and reviewed: 3 / 3
    assert out["review_coverage"] == {"reviewed": 3, "due": 3, "rate": 1.0}


def test_figures_json_board_suppresses_small_counts(con):
    out = figures_json(con, partnership="Home", period=P, policy=Policy(audience="board"))
    overall = out["attainment"]["overall"]
    assert overall["suppressed"] and overall["met"] is None and overall["rate"] is None
    intensive = out["indicators"][2]
    assert intensive["suppressed"] and intensive["value"] is None and intensive["gap"] is None
    spend = out["indicators"][-1]  # money, not people: shown
    assert spend["value"] == pytest.approx(30425 / 31925) and "suppressed" not in spend
