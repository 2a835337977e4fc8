"""Outcomes in depth on a hand-built export: types, the journey, reablement and people's words.

Partnership Home, areas A1 (North) and A2 (South). P = 2025/26, extract 2026-03-31.
Types (one person, plan and outcome each, reviewed once on 2025-07-01):
  quality_of_life T1 met, T2 met, T3 not met → 2 of 3; change T4 met, T5 partly met → 1 of 2;
  process T6 met → 1 of 1; T7 (no type) met: in "all" (5 of 7 met) but in no type.
Journey (scored reviews 2025-05-01 then 2025-08-01, status met):
  outcomes_star, feeling_safe: J1 3→5 up, J2 4→4 stayed, J3 6→5 down; iroc, seeing_people: J4 2→4 up.
Reablement plans (10, 8, 5 and 6 weekly hours):
  RA North ends 2025-06-01, goals G1 met 2025-05-30, G2 not met → 1 of 2; home care 6 h from
     2025-06-03 follows: smaller.
  RB South ends 2025-09-10, goal G3 met on 2025-09-10 (its last day + 1 counts); nothing follows: none.
  RC South ends 2025-10-01 (last day 30 September), goal G4 met only on 2025-10-05 (after its end) → 0 of 1; home care 7 h
     from 2025-10-01: the same or larger (7 ≥ 5).
  RD North ends 2025-11-01 in hospital, goal G5 partly met → 0 of 1: ended another way.
  Totals: 4 plans, 5 goals, 2 met; none 1, smaller 1, same or larger 1, ended otherwise 1.
Phrases (domain improved_mobility unless said): five people "I want to walk to the shops"; four
  people "I want to bake bread" (having_things_to_do); five "I want to visit Mary often"; five
  "I want to walk 2 miles".
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import polars as pl
import pytest

from dashboard.app.navigation import builder
from dashboard.core.page import View, policy_for
from dashboard.core.settings import Settings
from dashboard.extract.export import open_export
from dashboard.outcomes import phrases as phrases_module
from dashboard.outcomes.phrases import phrase_table, phrases_of, top_phrases
from tests.builders import write_export
from tests.tiny import tables as tiny_tables

EXTRACT = date(2026, 3, 31)
INTERNAL = Settings(audience="internal")
BOARD = replace(INTERNAL, audience="board")
VIEW = View("Home", "2025/26")


def _rows() -> dict[str, list[dict]]:
    area = dict(area_name="Area", partnership="Home", population=500, population_65plus=100,
                centroid_lat=56.5, centroid_lon=-3.5, urban_rural=2, deprivation_decile=5)  # fmt: skip
    out: dict[str, list[dict]] = {
        "areas": [dict(area, area_code="A1", locality="North"),
                  dict(area, area_code="A2", locality="South")],
        "people": [], "support_plans": [], "personal_outcomes": [], "outcome_reviews": [],
        "budget_spend": [],
    }  # fmt: skip

    def person(key: str, area_code: str = "A1") -> None:
        out["people"].append(dict(person_id=f"P{key}", area_code=area_code, birth_year=1940,
                                  sex="female", client_group="elderly_frail"))  # fmt: skip

    def plan(key: str, pid: str, service="home_care", hours=10.0, start=date(2025, 1, 1),
             end=None, reason=None) -> None:  # fmt: skip
        out["support_plans"].append(dict(
            plan_id=key, person_id=f"P{pid}", start_date=start, end_date=end, sds_option=3,
            service_type=service, weekly_hours=hours, weekly_budget_gbp=250.0,
            complex_needs=False, end_reason=reason))  # fmt: skip

    def outcome(key: str, pid: str, plan_id: str, domain="feeling_safe", kind=None,
                text="My own words", set_date=date(2025, 1, 5)) -> None:  # fmt: skip
        out["personal_outcomes"].append(dict(
            outcome_id=key, plan_id=plan_id, person_id=f"P{pid}", set_date=set_date,
            outcome_text=text, domain=domain, outcome_type=kind))  # fmt: skip

    def review(rid: str, key: str, plan_id: str, pid: str, day: date, status: str,
               score=None, tool=None) -> None:  # fmt: skip
        out["outcome_reviews"].append(dict(
            review_id=rid, outcome_id=key, plan_id=plan_id, person_id=f"P{pid}", review_date=day,
            status=status, score=score, score_tool=tool))  # fmt: skip

    typed = [("T1", "quality_of_life", "met"), ("T2", "quality_of_life", "met"),
             ("T3", "quality_of_life", "not_met"), ("T4", "change", "met"),
             ("T5", "change", "partly_met"), ("T6", "process", "met"), ("T7", None, "met")]  # fmt: skip
    for key, kind, status in typed:
        person(key), plan(f"S{key}", key), outcome(key, key, f"S{key}", kind=kind)
        review(f"R{key}", key, f"S{key}", key, date(2025, 7, 1), status)
    journeys = [("J1", "feeling_safe", "outcomes_star", 3, 5),
                ("J2", "feeling_safe", "outcomes_star", 4, 4),
                ("J3", "feeling_safe", "outcomes_star", 6, 5),
                ("J4", "seeing_people", "iroc", 2, 4)]  # fmt: skip
    for key, domain, tool, first, last in journeys:
        person(key), plan(f"S{key}", key), outcome(key, key, f"S{key}", domain=domain)
        review(f"R{key}a", key, f"S{key}", key, date(2025, 5, 1), "met", first, tool)
        review(f"R{key}b", key, f"S{key}", key, date(2025, 8, 1), "met", last, tool)
    reab = [("RA", "A1", 10.0, date(2025, 4, 20), date(2025, 6, 1), None),
            ("RB", "A2", 8.0, date(2025, 8, 1), date(2025, 9, 10), "no_longer_needed"),
            ("RC", "A2", 5.0, date(2025, 8, 20), date(2025, 10, 1), "other"),
            ("RD", "A1", 6.0, date(2025, 9, 20), date(2025, 11, 1), "hospital")]  # fmt: skip
    for key, area_code, hours, start, end, reason in reab:
        person(key, area_code)
        plan(key, key, "reablement", hours, start, end, reason)
    goals = [("G1", "RA", date(2025, 5, 30), "met"), ("G2", "RA", date(2025, 5, 30), "not_met"),
             ("G3", "RB", date(2025, 9, 10), "met"), ("G4", "RC", date(2025, 10, 5), "met"),
             ("G5", "RD", date(2025, 10, 31), "partly_met")]  # fmt: skip
    for key, plan_id, day, status in goals:
        start = next(r[3] for r in reab if r[0] == plan_id)
        outcome(key, plan_id, plan_id, domain="improved_skills", kind="change", set_date=start)
        review(f"R{key}", key, plan_id, plan_id, day, status)
    plan("HA", "RA", hours=6.0, start=date(2025, 6, 3))
    plan("HC", "RC", hours=7.0, start=date(2025, 10, 1))
    words = [("W", 5, "improved_mobility", "I want to walk to the shops"),
             ("B", 4, "having_things_to_do", "I want to bake bread"),
             ("M", 5, "improved_mobility", "I want to visit Mary often"),
             ("N", 5, "improved_mobility", "I want to walk 2 miles")]  # fmt: skip
    for tag, n, domain, text in words:
        for i in range(n):
            key = f"{tag}{i}"
            person(key), plan(f"S{key}", key)
            outcome(key, key, f"S{key}", domain=domain, text=text)
    return out


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("outcome_depth")
    folder = write_export(tmp / "export", _rows(), EXTRACT)
    ex = open_export(folder, Settings(cache_dir=tmp / "cache"))
    assert ex.report.errors == []
    yield ex
    ex.close()


@pytest.fixture(scope="module")
def page(export):
    return builder("outcome-trends")(export, INTERNAL, VIEW)


@pytest.fixture(scope="module")
def board(export):
    return builder("outcome-trends")(export, BOARD, VIEW)


def _by(table: pl.DataFrame, column: str) -> dict:
    return {r[column]: r for r in table.to_dicts()}


def test_attainment_and_coverage_by_type(page):
    types = _by(page.tables["types"], "group")
    assert (types["Quality of life"]["met"], types["Quality of life"]["denominator"]) == (2, 3)
    # change also holds the reablement goals reviewed in P (attainment does not ask whether the
    # review fell within the plan): G1, G3, G4 met, G5 partly, G2 not
    assert types["Change"]["denominator"] == 2 + 5
    assert (types["Change"]["met"], types["Change"]["partly_met"]) == (1 + 3, 1 + 1)
    assert (types["Process"]["met"], types["Process"]["denominator"]) == (1, 1)
    assert types["All"]["denominator"] == 7 + 4 + 5  # T7 has no type but counts in all
    assert page.depth.types_note is None
    assert len(page.depth.type_meanings) == 3


def test_journey_shares_per_tool_and_domain(page):
    rows = {(r["score_tool"], r["domain"]): r for r in page.tables["journey"].to_dicts()}
    star = rows[("Outcomes Star", "Feeling safe")]
    assert (star["outcomes"], star["up"], star["same"], star["down"]) == (3, 1, 1, 1)
    assert star["share_up"] == pytest.approx(1 / 3)
    iroc = rows[("I·ROC", "Seeing people")]
    assert (iroc["outcomes"], iroc["up"], iroc["share_up"]) == (1, 1, 1.0)
    assert len(rows) == 2  # never a row adding the two tools together
    change = page.tables["journey_change"]
    star_bands = {r["change"]: r["outcomes"] for r in change.to_dicts()
                  if r["score_tool"] == "Outcomes Star"}  # fmt: skip
    assert (star_bands["Up 2"], star_bands["No change"], star_bands["Down 1"]) == (1, 1, 1)
    assert [c.figure is not None for c in page.depth.journeys] == [True, True]


def test_journey_is_hidden_from_a_board_when_small(board):
    journey = board.tables["journey"]
    assert journey["share_up__suppressed"].all()
    assert all(c.figure is None for c in board.depth.journeys)


def test_reablement_goals_and_what_followed_by_locality(page):
    rows = _by(page.tables["reablement"], "locality")
    total = rows["All"]
    assert (total["plans_ended"], total["goals"], total["goals_met"]) == (4, 5, 2)
    assert [total[k] for k in ("followed_none", "followed_smaller", "followed_same_or_larger",
                               "ended_otherwise")] == [1, 1, 1, 1]  # fmt: skip
    north, south = rows["North"], rows["South"]
    assert (north["plans_ended"], north["goals"], north["goals_met"]) == (2, 3, 1)
    assert (north["followed_smaller"], north["ended_otherwise"]) == (1, 1)
    assert (south["goals_met"], south["followed_none"], south["followed_same_or_larger"]) == (
        1,
        1,
        1,
    )
    assert total["goals_met_rate"] == pytest.approx(0.4)


def test_reablement_series_by_month_of_ending(page):
    goals = _by(page.tables["reablement_goals_met_rate"], "period")
    assert (goals["2025-05"]["goals_met"], goals["2025-05"]["denominator"]) == (1, 2)
    # RB's last day is 9 September and RC's 30 September (its end_date is the first day without)
    assert (goals["2025-09"]["goals_met"], goals["2025-09"]["denominator"]) == (1, 2)
    assert goals["2025-10"]["denominator"] == 1  # RD's last day is 31 October
    none = _by(page.tables["reablement_followed_none_rate"], "period")
    assert (none["2025-09"]["followed_none"], none["2025-09"]["denominator"]) == (1, 2)
    assert [c.table for c in page.depth.reablement] == [
        "reablement_goals_met_rate", "reablement_followed_none_rate"]  # fmt: skip


def test_phrases_need_the_threshold_of_people_and_no_names_or_numbers(page):
    phrases = page.tables["phrases"]
    found = dict(zip(phrases["phrase"], phrases["people"], strict=True))
    assert found["walk to the shops"] == 5
    assert "bake bread" not in found  # four people: threshold − 1
    assert not any("mary" in p or "2" in p for p in found)
    assert phrases_of("I want to see Mary on 3 May") == set()
    assert top_phrases([(f"p{i}", "d", "walk to the shops") for i in range(4)], 5).is_empty()


def test_phrases_never_computed_for_a_board(board, export, monkeypatch):
    assert "phrases" not in board.tables

    def refuse(*args, **kwargs):
        raise AssertionError("a board deployment read outcome text")

    monkeypatch.setattr(phrases_module, "run", refuse)
    assert phrase_table(export, BOARD, VIEW, policy_for(BOARD)) is None


def test_export_without_the_type_column_says_it_is_not_recorded(tmp_path):
    data = tiny_tables()
    folder = write_export(tmp_path / "export", data, EXTRACT)
    outcomes = pl.read_parquet(folder / "personal_outcomes.parquet").drop("outcome_type")
    outcomes.write_parquet(folder / "personal_outcomes.parquet")
    ex = open_export(folder, Settings(cache_dir=tmp_path / "cache"))
    try:
        assert ex.report.errors == [] and ex.report.unusable == []
        page = builder("outcome-trends")(ex, BOARD, VIEW)
        assert page.depth.types_note.startswith("The type of outcome")
        assert "types" not in page.tables
    finally:
        ex.close()


def test_an_unknown_outcome_type_is_a_data_error(tmp_path):
    data = tiny_tables()
    data["personal_outcomes"][0]["outcome_type"] = "maintenance"
    ex = open_export(write_export(tmp_path / "export", data, EXTRACT),
                     Settings(cache_dir=tmp_path / "cache"))  # fmt: skip
    try:
        found = [(e.table, e.column, e.kind, e.examples) for e in ex.report.errors]
        assert ("personal_outcomes", "outcome_type", "unknown_code", ["O1"]) in found
    finally:
        ex.close()


# --- the Streamlit page --------------------------------------------------------------------------


@pytest.fixture
def app_at(tmp_path, point_app):
    def use(audience: str) -> None:
        folder = write_export(tmp_path / "export", _rows(), EXTRACT)
        point_app(folder, disclosure={"audience": audience})

    return use


def _page_app():
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    root = Path(__file__).resolve().parent.parent
    app = AppTest.from_file(str(root / "pages" / "outcome_trends.py"), default_timeout=90)
    app.query_params.update({"period": "2025/26"})
    return app.run()


def test_page_shows_types_journey_reablement_and_words_to_internal_users(app_at):
    app_at("internal")
    app = _page_app()
    assert not app.exception, app.exception
    headings = [h.value for h in app.subheader]
    assert {"Types of outcome", "How far people moved", "Reablement",
            "What people said matters"} <= set(headings)  # fmt: skip
    tables = [d.value for d in app.dataframe]
    assert any("walk to the shops" in list(t.get("phrase", [])) for t in tables)


def test_page_for_a_board_has_no_words_section(app_at):
    app_at("board")
    app = _page_app()
    assert not app.exception, app.exception
    assert "What people said matters" not in [h.value for h in app.subheader]
