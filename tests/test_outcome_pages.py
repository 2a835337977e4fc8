"""The outcome trends and national outcomes pages on a hand-built export.

Partnership Home, two areas: A1 North decile 1, A2 South decile 10. P = 2025/26, extract 2026-03-31.
120 people, each with one home care plan (10 hours, £250 a week, from 2025-01-01, SDS option 3)
and one personal outcome set 2025-01-05. Outcome k (0-9) of month m (0 = April 2025 … 11 = March
2026) is reviewed once, on the 15th of month m:
  met when k < MET[m], partly met when k == MET[m], not met otherwise;
  MET = 6, 5, 6, 5, … (6 in April, June, …; 5 in May, July, …);
  its person lives in A1 (North, decile 1) when k is even, A2 (South, decile 10) when odd;
  domain by k % 3: 0 feeling_safe (→ 7), 1 seeing_people (→ 4), 2 staying_well (→ 1).
One exception: the person of month 0, k = 0 is male and their plan is SDS option 1.

Monthly: 10 reviewed, met 6 or 5, partly met 1 (k = MET[m]). Every outcome is due every month of P (set
before it, plan active, no earlier review of "no longer relevant"): 120 due, 10 reviewed.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.app.navigation import builder
from dashboard.core.disclosure import flag, flag_columns
from dashboard.core.intervals import wilson
from dashboard.core.page import View
from dashboard.core.periods import window_start
from dashboard.core.settings import Settings
from dashboard.extract.export import open_export
from dashboard.outcomes.attainment import attainment
from dashboard.outcomes.indicators import indicator_table
from dashboard.outcomes.national_outcomes import share_phrase
from dashboard.outcomes.outcome_trends import BREAKDOWNS, outcome_breakdown_page
from dashboard.spc.xmr import band_assurance, xmr
from tests.builders import write_export
from tests.tiny import tables as tiny_tables

ROOT = Path(__file__).resolve().parent.parent
EXTRACT = date(2026, 3, 31)
MET = [6, 5] * 6
DOMAINS = ("feeling_safe", "seeing_people", "staying_well")


def _rows() -> dict[str, list[dict]]:
    area = dict(area_name="Area", partnership="Home", population=500, population_65plus=100,
                centroid_lat=56.5, centroid_lon=-3.5, urban_rural=2)  # fmt: skip
    out: dict[str, list[dict]] = {
        "areas": [
            dict(area, area_code="A1", locality="North", deprivation_decile=1),
            dict(area, area_code="A2", locality="South", deprivation_decile=10),
        ],
        "people": [], "support_plans": [], "personal_outcomes": [], "outcome_reviews": [],
    }  # fmt: skip
    for m in range(12):
        reviewed = date(2025 + (m + 3) // 12, (m + 3) % 12 + 1, 15)
        for k in range(10):
            key = f"{m}_{k}"
            first = m == 0 and k == 0
            status = "met" if k < MET[m] else "partly_met" if k == MET[m] else "not_met"
            out["people"].append(dict(person_id=f"P{key}", area_code="A1" if k % 2 == 0 else "A2",
                                      birth_year=1940, sex="male" if first else "female",
                                      client_group="elderly_frail"))  # fmt: skip
            out["support_plans"].append(dict(
                plan_id=f"S{key}", person_id=f"P{key}", start_date=date(2025, 1, 1),
                sds_option=1 if first else 3, service_type="home_care", weekly_hours=10.0,
                weekly_budget_gbp=250.0, complex_needs=False))  # fmt: skip
            out["personal_outcomes"].append(dict(
                outcome_id=f"O{key}", plan_id=f"S{key}", person_id=f"P{key}",
                set_date=date(2025, 1, 5), outcome_text="My own words", domain=DOMAINS[k % 3]))  # fmt: skip
            out["outcome_reviews"].append(dict(
                review_id=f"R{key}", outcome_id=f"O{key}", plan_id=f"S{key}",
                person_id=f"P{key}", review_date=reviewed, status=status))  # fmt: skip
    return out


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("outcome_pages")
    folder = write_export(tmp / "export", _rows(), EXTRACT)
    ex = open_export(folder, Settings(cache_dir=tmp / "cache"))
    yield ex
    ex.close()


INTERNAL = Settings(audience="internal", targets={"overall_attainment": 0.9, "no7_attainment": 0.9})
BOARD = replace(INTERNAL, audience="board")
VIEW = View("Home", "2025/26")


@pytest.fixture(scope="module")
def trends(export):
    return builder("outcome-trends")(export, INTERNAL, VIEW)


@pytest.fixture(scope="module")
def board_trends(export):
    return builder("outcome-trends")(export, BOARD, VIEW)


@pytest.fixture(scope="module")
def national(export):
    return builder("national-outcomes")(export, INTERNAL, VIEW)


@pytest.fixture(scope="module")
def board_national(export):
    return builder("national-outcomes")(export, BOARD, VIEW)


# --- small pieces --------------------------------------------------------------------------------


def test_wilson_interval_by_hand():
    # 8 of 10, z = 1.96: z²/n = 0.38416; centre (0.8 + 0.19208) / 1.38416 = 0.7167379;
    # half = 1.96 / 1.38416 × √(0.8·0.2/10 + 3.8416/400) = 1.416021 × 0.1600125 = 0.2265811;
    # low 0.4901568, high 0.9433190
    df = pl.DataFrame({"met": [8, 0], "den": [10, 0]})
    low, high = wilson("met", "den", z=1.96)
    out = df.select(low.alias("low"), high.alias("high"))
    assert out["low"][0] == pytest.approx(0.4901568, abs=1e-6)
    assert out["high"][0] == pytest.approx(0.9433190, abs=1e-6)
    assert out["low"][1] is None and out["high"][1] is None


def test_window_start_is_the_later_of_the_data_and_36_months():
    assert window_start(date(2026, 3, 31), 36, date(2019, 6, 9)) == date(2023, 4, 1)
    assert window_start(date(2026, 3, 31), 36, date(2025, 1, 20)) == date(2025, 1, 1)
    assert window_start(date(2026, 3, 31), 12) == date(2025, 4, 1)


def test_share_phrases():
    assert share_phrase(0.66) == "About 7 in 10"
    assert share_phrase(0.65) == "About 7 in 10"  # half rounds up, not to even
    assert share_phrase(0.96) == "Nearly all"
    assert share_phrase(1.0) == "All"
    assert share_phrase(0.04) == "Fewer than 1 in 10"
    assert share_phrase(0.0) == "None of the"


# 10, 12, 10, 12, 10, 12: centre 11, every moving range 2, limits 11 ± 2.66 × 2 = 5.68 to 16.32
ALTERNATING = xmr([10, 12, 10, 12, 10, 12])


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        ((5, 17), None, "consistently_passes"),  # both limits inside the band
        ((5.68, 16.32), None, "consistently_passes"),  # limits exactly on the band's ends
        ((6, 20), None, "hit_and_miss"),  # the lower limit reaches below the band
        ((17, 20), None, "consistently_fails"),  # band wholly above the upper limit
        ((16.32, 20), None, "hit_and_miss"),  # band touches the upper limit: reachable
        ((0, 0), None, "consistently_fails"),  # a gap target of 0, below the lower limit
        ((11, 11), None, "hit_and_miss"),  # a point band between the limits
    ],
)
def test_band_assurance(low, high, expected):
    assert band_assurance(ALTERNATING, *low) == expected


def test_band_assurance_without_limits():
    assert band_assurance(xmr([0.5]), 0.95, 1.05) is None


# --- outcome trends ------------------------------------------------------------------------------


def test_monthly_series_and_its_spc_by_hand(trends):
    series = trends.tables["rate"]
    # January–March 2025 have no review yet, so the series starts in April 2025
    assert series["period"].to_list()[:2] == ["2025-04", "2025-05"]
    assert series.height == 12
    assert series["met"].to_list() == MET
    assert series["denominator"].to_list() == [10] * 12
    assert series["rate"].to_list()[:2] == [0.6, 0.5]
    assert series["due"].to_list() == [120] * 12 and series["reviewed"].to_list() == [10] * 12
    chart = trends.rate
    # rates 0.6, 0.5 alternating: centre 0.55, moving ranges all 0.1, limits 0.55 ± 0.266
    assert chart.figure is not None and chart.note is None
    assert "55.0%" in chart.alt
    assert chart.variation_icon == "common_cause"
    # target 0.9 above the upper limit 0.816 with higher better: consistently fails
    assert chart.assurance_icon == "fail"
    assert "50.0% in March 2026" in chart.figure.layout.title.text
    assert "28.4%" in chart.reading and "81.6%" in chart.reading


def test_partly_met_series_is_neutral_with_no_assurance(trends):
    assert trends.tables["partly_met_rate"]["partly_met"].to_list() == [1] * 12
    assert trends.partly_met_rate.assurance_icon is None


def test_board_series_drawn_by_quarter_or_not_at_all(board_trends):
    # Monthly, 6 met of 10 leaves 4 not met (a count under 5): unsafe. By quarter: April–June
    # 6+5+6 = 17 of 30, July–September 16, October–December 17, January–March 16: safe.
    rate = board_trends.tables["rate"]
    assert rate["period"].to_list() == ["2025/26 Q1", "2025/26 Q2", "2025/26 Q3", "2025/26 Q4"]
    assert rate["met"].to_list() == [17, 16, 17, 16]
    assert "by quarter" in board_trends.rate.note
    # partly met: 1 a month, 3 a quarter: not drawn at all, and no table
    assert board_trends.partly_met_rate.figure is None
    assert "partly_met_rate" not in board_trends.tables


def test_breakdown_by_national_outcome_by_hand(trends, export):
    table = trends.tables["breakdown_national_outcome"]
    rows = {r["group"]: r for r in table.to_dicts()}
    # outcome 7 (k = 0, 3, 6, 9): months with 6 met → 2 met, 1 partly, 1 not; with 5 → 2 met, 2 not
    assert (rows["7 Safe from harm"]["met"], rows["7 Safe from harm"]["denominator"]) == (24, 48)
    # outcome 4 (k = 1, 4, 7): 2 met and 1 not met every month
    assert (rows["4 Quality of life"]["met"], rows["4 Quality of life"]["denominator"]) == (24, 36)
    # outcome 1 (k = 2, 5, 8): 2 met + 1 not (6-months); 1 met, 1 partly, 1 not (5-months)
    assert (rows["1 Healthier living"]["met"], rows["1 Healthier living"]["partly_met"]) == (18, 6)
    assert rows["All"]["met"] == 66 and rows["All"]["denominator"] == 120
    assert rows["7 Safe from harm"]["statement"].startswith("People who use health and social care")
    # the same figures as the library gives for the same filters
    lib = attainment(
        export.cursor(), partnerships=["Home"], periods=[VIEW.p], by="national_outcome"
    )
    assert table.filter(~pl.col("is_total"))["rate"].to_list() == lib["rate"].to_list()
    assert rows["4 Quality of life"]["ci_low"] < 24 / 36 < rows["4 Quality of life"]["ci_high"]
    assert trends.sentences[0].startswith(
        "In 2025/26, 55.0% of the personal outcomes reviewed were met (66 of 120)"
    )


def test_breakdown_page_by_sex_hides_one_person_for_a_board(export):
    page_fn = outcome_breakdown_page("sex")
    assert page_fn is outcome_breakdown_page("sex") and page_fn.__name__ == "outcome_breakdown_sex"
    internal = {
        r["group"]: r for r in page_fn(export, INTERNAL, VIEW).tables["breakdown_sex"].to_dicts()
    }
    assert (internal["Male"]["met"], internal["Male"]["denominator"]) == (1, 1)
    board = page_fn(export, BOARD, VIEW).tables["breakdown_sex"]
    male = board.filter(pl.col("group") == "Male").row(0, named=True)
    assert male[flag("met")] and male[flag("rate")] and male["ci_low"] is None
    # female 65 of 119 would give the 1 away from the total 66 of 120: hidden as well
    female = board.filter(pl.col("group") == "Female").row(0, named=True)
    assert female[flag("met")]


def test_distance_travelled_without_scores_is_empty(trends):
    assert trends.tables["distance"].height == 0


def _no_small_counts(tables: dict[str, pl.DataFrame]) -> None:
    for name, df in tables.items():
        assert "outcome_text" not in df.columns, name
        assert flag_columns(df), name
        for c in df.columns:
            if df.schema[c].is_integer() and flag(c) in df.columns:
                shown = df.filter(~pl.col(flag(c)))[c].drop_nulls()
                assert not shown.filter((shown > 0) & (shown < 5)).len(), (name, c)


def test_board_pages_show_no_count_under_five(export, board_trends, board_national):
    _no_small_counts(board_trends.tables)
    _no_small_counts(board_national.tables)
    for by in BREAKDOWNS:
        _no_small_counts(outcome_breakdown_page(by)(export, BOARD, VIEW).tables)


# --- national outcomes ---------------------------------------------------------------------------


def test_national_outcomes_values_equal_the_indicator_library(national, export):
    table = national.tables["indicators"]
    lib = indicator_table(export.cursor(), partnership="Home", period=VIEW.p,
                          targets=INTERNAL.targets)  # fmt: skip
    rows = {r["indicator"]: r for r in table.to_dicts()}
    for ind in lib.to_dicts():
        row = rows[ind["label"]]
        if ind["value"] is not None and ind["unit"] == "rate":
            assert row["value"] == f"{ind['value']:.1%}"
    no7 = rows["Personal outcomes met (national outcome 7)"]
    assert (no7["value"], no7["target"], no7["gap"]) == ("50.0%", "90.0%", "-40.0 points")
    assert no7["summary"] == "About 5 in 10 outcomes about feeling safe were met."
    # most deprived (even k): 3 of 5 met every month = 36 of 60; least deprived (odd k): 3 of 5 or
    # 2 of 5 = 30 of 60. Gap = (0.5 − 0.6) × 100 = −10 points
    gap = rows["Gap in outcomes met, least minus most deprived"]
    assert gap["value"] == "-10.0 points"
    assert gap["summary"].startswith(
        "Outcomes were met 10.0 percentage points more often in the most"
    )
    # one plan of 120 under SDS option 1: 0.8%, "fewer than 1 in 10"
    choice = rows["People using SDS option 1 or 2 (choice and control)"]
    assert choice["value"] == "0.8%" and choice["summary"].startswith("Fewer than 1 in 10 people")
    assert table["national_outcome"].to_list() == sorted(table["national_outcome"].to_list())


def test_national_icons_by_hand(national):
    icons = national.icons
    # no7 monthly: 2 met of 4 every month, so constant 0.5: limits 0.5 to 0.5, target 0.9 above
    assert icons["no7_attainment"].variation == "common_cause"
    assert icons["no7_attainment"].assurance == "fail"
    # deprivation gap monthly: 0 (6-met months: 3 of 5 both sides) and −20 (5-met months: 2 of 5
    # vs 3 of 5) alternating: limits −10 ± 53.2; the band (0, 0) lies between: hit and miss
    assert icons["no5_deprivation_gap"].assurance == "hit_and_miss"
    # budget utilisation: no spend, so 0 every month: limits 0 to 0, below the 95–105% band
    assert icons["no9_budget_utilisation"].assurance == "fail"
    row = national.tables["indicators"].filter(pl.col("indicator") == "Individual budgets spent")
    assert row["assurance"][0].startswith("Assurance: the process will consistently fail")


def test_board_national_hides_what_the_board_json_hides(board_national, national):
    board = {r["indicator"]: r for r in board_national.tables["indicators"].to_dicts()}
    choice = board["People using SDS option 1 or 2 (choice and control)"]
    # 1 person of 120: the numerator 1 is under 5, so the value and its gap are hidden
    assert choice["value"] is None and choice[flag("value")]
    assert choice["summary"] == "Too few to report without risking someone's privacy."
    assert board["Personal outcomes met (national outcome 7)"]["value"] == "50.0%"
    statements = dict(board_national.definitions)
    assert statements["National outcome 7 (Safe from harm)"].startswith("People who use health")


# --- the Streamlit pages -------------------------------------------------------------------------


@pytest.fixture
def app_at(tmp_path, point_app):
    """Point the app at an export of `data`, seen by `audience`."""

    def use(data: dict, audience: str) -> None:
        point_app(
            write_export(tmp_path / "export", data, EXTRACT), disclosure={"audience": audience}
        )

    return use


@pytest.fixture
def app_env(app_at):
    app_at(_rows(), "internal")


def _run(script: str, **params: str) -> AppTest:
    app = AppTest.from_file(str(ROOT / "pages" / script), default_timeout=60)
    app.query_params.update(params)
    return app.run()


def test_outcome_trends_page_runs_and_shows_the_library_figures(app_env):
    app = _run("outcome_trends.py")
    assert not app.exception, app.exception
    text = " ".join(m.value for m in app.markdown)
    assert "55.0% of the personal outcomes reviewed were met (66 of 120)" in text
    assert len(app.get("plotly_chart")) == 3
    breakdown = app.dataframe[2].value  # series, series, breakdown
    assert "7 Safe from harm" in list(breakdown["group"])


def test_breakdown_url_parameter_round_trips(app_env):
    # a bound select box is written in the URL as its shown label
    app = _run("outcome_trends.py", breakdown="Sex")
    assert not app.exception, app.exception
    assert app.selectbox(key="breakdown").value == "sex"
    assert "Male" in list(app.dataframe[2].value["group"])
    app.selectbox(key="breakdown").select("locality").run()
    assert app.selectbox(key="breakdown").value == "locality"
    assert "North" in list(app.dataframe[2].value["group"])
    # the browser writes the choice back into the URL; opening that link shows the same view
    again = _run("outcome_trends.py", breakdown="Locality")
    assert again.selectbox(key="breakdown").value == "locality"
    assert list(again.dataframe[2].value["group"]) == list(app.dataframe[2].value["group"])


def test_national_outcomes_page_runs_and_shows_the_library_figures(app_env):
    app = _run("national_outcomes.py")
    assert not app.exception, app.exception
    text = " ".join(m.value for m in app.markdown)
    assert "About 5 in 10 outcomes about feeling safe were met." in text
    captions = " ".join(c.value for c in app.caption)
    assert "People who use health and social care services are safe from harm." in captions
    assert "Now 50.0%" in captions  # outcome 7's figures line
    shown = app.dataframe[0].value
    assert "50.0%" in list(shown["value"])


@pytest.mark.parametrize("script", ["outcome_trends.py", "national_outcomes.py"])
def test_pages_run_for_a_board_on_a_tiny_export_missing_optional_tables(app_at, script):
    data = tiny_tables()
    for name in ("providers", "home_care_lots", "home_care_requests", "handbacks"):
        del data[name]
    app_at(data, "board")
    app = _run(script)
    assert not app.exception, app.exception
    shown = " ".join(str(v) for df in app.dataframe for v in df.value.to_numpy().ravel())
    assert "My own words" not in shown and "I want to" not in shown
