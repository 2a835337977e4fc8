"""Personal-outcome figures on a tiny hand-built export, every figure worked out in comments.

P = 2025/26 (1 Apr 2025 – 31 Mar 2026). Home has two areas: North (decile 1, urban 1) and South
(decile 10, urban 6). People: P1 North, born 1940, dementia; P2 South, born 1990, learning
disability; P3 North, born 1950, unpaid carer. PeerA has one person with one met outcome.
Plans: S1 P1 home_care option 3, open; S2 P2 personal_assistant option 1, ended 2025-04-01 (the
first day it is not active, so no day of P); S3 P3 carer_support option 2, open.

Outcomes (domain -> national outcome):
  O1 S1 feeling_safe (7). Reviews R1 2025-05-01 met 3 star; R10 and R9 both 2025-09-01:
     R10 not_met 8 star, R9 met 6 star. Latest in P: the tie goes to "R9" > "R10" as strings: met.
     Scores by (date, id): R1 3, R10 8, R9 6 -> distance 6 - 3 = +3 (outcomes_star).
  O2 S1 seeing_people (4) but linked by the practitioner to 7. Reviews 2025-06-01 met 4 iroc,
     2025-12-01 met 6 iroc, 2026-05-01 not_met 1 iroc (after P: ignored). Distance +2 (iroc).
  O3 S1 staying_well (1). Review 2025-07-01 no_longer_relevant: out of rates.
  O4 S2 living_as_i_want (2). Reviews 2025-03-01 partly_met 4 (no tool), 2025-04-15 partly_met 5
     (no tool): in P's attainment though its plan ended before P; distance +1 ("not recorded").
  O5 S3 carer_life_of_own (6), set 2025-02-01. Review 2025-03-01 no_longer_relevant: not due.
  O6 S3 carer_finances (6), set 2026-04-10, after P: not due.
  O7 S1 having_things_to_do (4), set 2024-02-01, reviewed 2025-02-01 met: due, not reviewed.
"""

from datetime import date as d

import pytest

from dashboard.core.errors import UserError
from dashboard.core.page import Filters
from dashboard.core.periods import parse_period
from dashboard.outcomes.attainment import (
    attainment,
    attainment_breakdown,
    attainment_series,
    distance_travelled,
    outcome_figures,
)
from tests.builders import db_from_rows

P = parse_period("2025/26")


def area(code, locality, partnership, decile, urban):
    return dict(area_code=code, area_name=code, locality=locality, partnership=partnership,
                deprivation_decile=decile, urban_rural=urban, population=100,
                population_65plus=20, centroid_lat=56.0, centroid_lon=-3.0)  # fmt: skip


def plan(plan_id, person, service, sds, start, end=None):
    return dict(plan_id=plan_id, person_id=person, start_date=start, end_date=end, sds_option=sds,
                service_type=service, complex_needs=False)  # fmt: skip


def outcome(oid, plan_id, person, domain, set_date, national=None):
    return dict(outcome_id=oid, plan_id=plan_id, person_id=person, set_date=set_date,
                outcome_text="in my own words", domain=domain, national_outcome=national)  # fmt: skip


def review(rid, oid, plan_id, person, when, status, score=None, tool=None):
    return dict(review_id=rid, outcome_id=oid, plan_id=plan_id, person_id=person, review_date=when,
                status=status, score=score, score_tool=tool)  # fmt: skip


@pytest.fixture(scope="module")
def con():
    return db_from_rows(
        {
            "areas": [
                area("N1", "North", "Home", 1, 1),
                area("S1", "South", "Home", 10, 6),
                area("A1", "Ayr", "PeerA", 5, 2),
            ],
            "people": [
                dict(
                    person_id="P1",
                    birth_year=1940,
                    sex="female",
                    client_group="dementia",
                    area_code="N1",
                ),
                dict(
                    person_id="P2",
                    birth_year=1990,
                    sex="male",
                    client_group="learning_disability",
                    area_code="S1",
                ),
                dict(
                    person_id="P3",
                    birth_year=1950,
                    sex="female",
                    client_group="unpaid_carer",
                    area_code="N1",
                ),
                dict(
                    person_id="PA",
                    birth_year=1950,
                    sex="male",
                    client_group="other",
                    area_code="A1",
                ),
            ],  # fmt: skip
            "support_plans": [
                plan("S1", "P1", "home_care", 3, d(2024, 1, 1)),
                plan("S2", "P2", "personal_assistant", 1, d(2024, 6, 1), d(2025, 4, 1)),
                plan("S3", "P3", "carer_support", 2, d(2025, 1, 1)),
                plan("SA", "PA", "home_care", 3, d(2024, 1, 1)),
            ],
            "personal_outcomes": [
                outcome("O1", "S1", "P1", "feeling_safe", d(2025, 1, 1)),
                outcome("O2", "S1", "P1", "seeing_people", d(2025, 1, 1), national=7),
                outcome("O3", "S1", "P1", "staying_well", d(2024, 6, 1)),
                outcome("O4", "S2", "P2", "living_as_i_want", d(2024, 6, 1)),
                outcome("O5", "S3", "P3", "carer_life_of_own", d(2025, 2, 1)),
                outcome("O6", "S3", "P3", "carer_finances", d(2026, 4, 10)),
                outcome("O7", "S1", "P1", "having_things_to_do", d(2024, 2, 1)),
                outcome("OA", "SA", "PA", "feeling_safe", d(2024, 2, 1)),
            ],
            "outcome_reviews": [
                review("R1", "O1", "S1", "P1", d(2025, 5, 1), "met", 3, "outcomes_star"),
                review("R10", "O1", "S1", "P1", d(2025, 9, 1), "not_met", 8, "outcomes_star"),
                review("R9", "O1", "S1", "P1", d(2025, 9, 1), "met", 6, "outcomes_star"),
                review("R2", "O2", "S1", "P1", d(2025, 6, 1), "met", 4, "iroc"),
                review("R3", "O2", "S1", "P1", d(2025, 12, 1), "met", 6, "iroc"),
                review("R4", "O2", "S1", "P1", d(2026, 5, 1), "not_met", 1, "iroc"),
                review("R5", "O3", "S1", "P1", d(2025, 7, 1), "no_longer_relevant"),
                review("R6", "O4", "S2", "P2", d(2025, 3, 1), "partly_met", 4),
                review("R7", "O4", "S2", "P2", d(2025, 4, 15), "partly_met", 5),
                review("R8", "O5", "S3", "P3", d(2025, 3, 1), "no_longer_relevant"),
                review("R11", "O7", "S1", "P1", d(2025, 2, 1), "met"),
                review("RA", "OA", "SA", "PA", d(2025, 8, 1), "met"),
            ],
        }
    )


def row(df, **where):
    out = df
    for k, v in where.items():
        out = out.filter(out[k] == v)
    assert out.height == 1, out
    return out.row(0, named=True)


def test_overall_attainment_and_coverage(con):
    figs = outcome_figures(con, partnership="Home", period=P)
    r = row(figs.overall)
    # latest in P: O1 met (R9 wins the tie), O2 met, O3 no_longer_relevant, O4 partly_met
    assert (r["met"], r["partly_met"], r["not_met"], r["no_longer_relevant"]) == (2, 1, 0, 1)
    assert r["denominator"] == 3
    assert r["rate"] == pytest.approx(2 / 3) and r["partly_met_rate"] == pytest.approx(1 / 3)
    # due: O1, O2, O3 (no review before P), O7 (met before P); not O4 (plan ended 2025-04-01),
    # O5 (no_longer_relevant before P), O6 (set after P). Reviewed in P: O1, O2, O3 -> 3 / 4.
    assert (r["due"], r["reviewed"], r["coverage"]) == (4, 3, 0.75)


def test_by_national_outcome_uses_the_link_before_the_crosswalk(con):
    df = outcome_figures(con, partnership="Home", period=P).by_national_outcome
    assert df["grp"].to_list() == [str(n) for n in range(1, 10)]  # all nine, zeros included
    # 7: O1 (crosswalk) and O2 (linked, though seeing_people would be 4) both met
    assert (row(df, grp="7")["met"], row(df, grp="7")["denominator"]) == (2, 2)
    # 4: O7 is due but unreviewed; nothing in the denominator, rate not computable
    four = row(df, grp="4")
    assert (four["denominator"], four["rate"], four["due"], four["reviewed"]) == (0, None, 1, 0)
    # 1: O3's latest review is no_longer_relevant
    assert (row(df, grp="1")["no_longer_relevant"], row(df, grp="1")["denominator"]) == (1, 0)
    assert (row(df, grp="2")["partly_met"], row(df, grp="2")["denominator"]) == (1, 1)


@pytest.mark.parametrize(
    ("by", "group", "met", "denominator"),
    [
        ("locality", "North", 2, 2),  # O1, O2
        ("locality", "South", 0, 1),  # O4 partly met
        ("age_band", "85+", 2, 2),  # P1: 2026 - 1940 = 86
        ("age_band", "18-64", 0, 1),  # P2: 2026 - 1990 = 36
        ("deprivation_group", "deciles_1_2", 2, 2),
        ("deprivation_group", "deciles_9_10", 0, 1),
        ("urban_rural", "6", 0, 1),
        ("sds_option", "1", 0, 1),  # O4's plan S2
        ("service_type", "home_care", 2, 2),
        ("client_group", "dementia", 2, 2),
        ("domain", "seeing_people", 1, 1),
        ("sex", "female", 2, 2),
    ],
)
def test_breakdowns(con, by, group, met, denominator):
    df = attainment_breakdown(con, partnership="Home", period=P, by=by)
    r = row(df, grp=group)
    assert (r["met"], r["denominator"]) == (met, denominator)


def test_unknown_breakdown_is_a_user_error(con):
    with pytest.raises(UserError, match="nonsense"):
        attainment_breakdown(con, partnership="Home", period=P, by="nonsense")


def test_filters_restrict_the_population(con):
    south = row(
        outcome_figures(
            con, partnership="Home", period=P, filters=Filters(locality="South")
        ).overall
    )
    assert (south["met"], south["partly_met"], south["denominator"], south["due"]) == (0, 1, 1, 0)
    home = outcome_figures(
        con, partnership="Home", period=P, filters=Filters(service_type="home_care")
    )
    # O1, O2, O3 (S1); O7 due unreviewed -> due 4, reviewed 3
    r = row(home.overall)
    assert (r["met"], r["denominator"], r["due"], r["reviewed"]) == (2, 2, 4, 3)


def test_peers_are_counted_apart(con):
    df = attainment(con, partnerships=["Home", "PeerA"], periods=[P])
    assert (row(df, partnership="PeerA")["met"], row(df, partnership="PeerA")["denominator"]) == (
        1,
        1,
    )
    assert row(df, partnership="Home")["denominator"] == 3


def test_distance_travelled_per_tool_and_no_overall_mean_across_tools(con):
    df = outcome_figures(con, partnership="Home", period=P).distance
    assert row(df, score_tool="outcomes_star")["mean"] == 3.0  # O1: 6 - 3
    assert row(df, score_tool="iroc")["mean"] == 2.0  # O2: 6 - 4, the May 2026 review is after P
    none = df.filter(df["score_tool"].is_null() & ~df["is_total"]).row(0, named=True)
    assert (none["outcomes"], none["mean"]) == (1, 1.0)  # O4: 5 - 4, tool not recorded
    total = row(df, is_total=True)
    assert (total["outcomes"], total["mean"]) == (3, None)  # three tools: never averaged together


def test_distance_travelled_overall_mean_with_one_tool(con):
    df = distance_travelled(con, partnerships=["Home"], periods=[P], filters=Filters(sds_option=1))
    total = row(df, is_total=True)
    assert (total["outcomes"], total["mean"]) == (1, 1.0)  # only O4 (plan S2, option 1)


def test_monthly_series(con):
    df = attainment_series(con, partnership="Home", start=P.start, end=P.end)
    assert df.height == 12  # every month, even those with nothing reviewed
    april, may, aug, sep = (row(df, period=m) for m in ("2025-04", "2025-05", "2025-08", "2025-09"))
    assert (april["partly_met"], april["denominator"]) == (1, 1)  # O4 on 15 April
    # April due: O1, O2, O3 (no earlier review), O7; none reviewed in April
    assert (april["due"], april["reviewed"]) == (4, 0)
    assert (may["met"], may["reviewed"]) == (1, 1)  # O1 R1
    assert (aug["denominator"], aug["rate"]) == (0, None)
    assert (sep["met"], sep["not_met"]) == (1, 0)  # the R9/R10 tie again


def test_quarterly_series_for_one_national_outcome(con):
    df = attainment_series(
        con, partnership="Home", start=P.start, end=P.end, grain="quarter", national_outcome=7
    )
    # outcome 7 = O1, O2: Q1 R1 and R2 met; Q2 R9 met; Q3 R3 met; Q4 nothing
    assert df["met"].to_list() == [2, 1, 1, 0]
    assert df["denominator"].to_list() == [2, 1, 1, 0]
    assert df["period"].to_list() == [f"2025/26 Q{n}" for n in (1, 2, 3, 4)]
