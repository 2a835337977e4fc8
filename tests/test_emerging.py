"""Emerging needs: the quarter window, the exact rate test, false-alarm control, the JSON and page.

Fixtures are hand-built series: each event is one person with one plan (or one request, or one
outcome) dated mid-quarter, so a cell's quarterly counts are exactly the list the test writes down.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.app.navigation import builder
from dashboard.core.disclosure import Policy
from dashboard.core.escape import markdown_text
from dashboard.core.page import View
from dashboard.core.periods import add_months
from dashboard.core.settings import DEFAULTS, Settings
from dashboard.emerging import signals, stats
from dashboard.extract.export import open_export
from tests.builders import db_from_rows, write_export

ROOT = Path(__file__).resolve().parent.parent
AS_AT = date(2026, 3, 31)
FIRST = date(2023, 4, 1)  # the oldest of the twelve quarters before AS_AT
AREA = dict(
    partnership="Home", deprivation_decile=5, urban_rural=3, centroid_lat=56.5,
    centroid_lon=-3.5, geometry_wkt=None,
)  # fmt: skip
AREAS = [
    # Glen: population 2,000, aged 65+ 500; Town: 3,000 and 400
    dict(AREA, area_code="G1", area_name="Glen East", locality="Glen", population=1000,
         population_65plus=250,
         geometry_wkt="POLYGON((-3.5 56.5, -3.4 56.5, -3.4 56.6, -3.5 56.6, -3.5 56.5))"),
    dict(AREA, area_code="G2", area_name="Glen West", locality="Glen", population=1000,
         population_65plus=250, centroid_lon=-3.6),
    dict(AREA, area_code="T1", area_name="Town", locality="Town", population=3000,
         population_65plus=400, centroid_lat=56.4),
]  # fmt: skip
PLAN = dict(
    end_date=None, sds_option=3, service_type="home_care", weekly_hours=5.0,
    weekly_budget_gbp=100.0, provider_id=None, lot_id=None, complex_needs=False,
)  # fmt: skip
STRICT = dict(
    thresholds=signals.Thresholds(fdr=DEFAULTS.emerging_fdr, min_ratio=DEFAULTS.emerging_min_ratio)
)


def mid_quarter(q: int) -> date:
    """A day inside quarter q (0 = 2023/24 Q1) of the window before AS_AT."""
    return add_months(FIRST, 3 * q) + timedelta(days=40)


class Rows:
    """People and their plans, requests and outcomes, one event a person."""

    def __init__(self) -> None:
        self.data: dict[str, list[dict]] = {
            "areas": AREAS, "people": [], "support_plans": [], "personal_outcomes": [],
            "home_care_requests": [],
        }  # fmt: skip

    def _person(self, area: str, group: str) -> str:
        pid = f"P{len(self.data['people']) + 1}"
        self.data["people"].append(
            dict(person_id=pid, birth_year=1940, sex="female", client_group=group, area_code=area)
        )
        return pid

    def plans(self, area: str, group: str, per_quarter: list[int]) -> Rows:
        for q, n in enumerate(per_quarter):
            for _ in range(n):
                pid = self._person(area, group)
                self.data["support_plans"].append(
                    dict(PLAN, plan_id=f"S{pid}", person_id=pid, start_date=mid_quarter(q))
                )
        return self

    def outcomes(self, area: str, domain: str, per_quarter: list[int]) -> Rows:
        for q, n in enumerate(per_quarter):
            for _ in range(n):
                pid = self._person(area, "other")
                self.data["support_plans"].append(
                    dict(PLAN, plan_id=f"S{pid}", person_id=pid, start_date=FIRST)
                )
                self.data["personal_outcomes"].append(
                    dict(outcome_id=f"O{pid}", plan_id=f"S{pid}", person_id=pid,
                         set_date=mid_quarter(q), outcome_text="x", domain=domain)
                )  # fmt: skip
        return self


def step_rows() -> Rows:
    # Glen dementia: 5 a quarter for eight quarters, then 10 a quarter; Town elderly frail: flat 5.
    return Rows().plans("G1", "dementia", [5] * 8 + [10] * 4).plans("T1", "elderly_frail", [5] * 12)


# --- the window -------------------------------------------------------------------------------


def test_window_is_the_last_four_complete_quarters_and_the_eight_before():
    q = stats.quarter_window(AS_AT)
    assert [q[0].label, q[7].label, q[8].label, q[11].label] == [
        "2023/24 Q1", "2024/25 Q4", "2025/26 Q1", "2025/26 Q4"]  # fmt: skip
    # the day before a quarter's end: that quarter is not complete, so the window steps back one
    q = stats.quarter_window(date(2026, 3, 30))
    assert (q[8].label, q[11].label, q[11].end) == ("2024/25 Q4", "2025/26 Q3", date(2025, 12, 31))
    # mid-quarter: the latest complete quarter is the one before
    assert stats.quarter_window(date(2026, 5, 15))[-1].label == "2025/26 Q4"


def test_events_on_the_window_edges_are_counted_in_the_right_quarter():
    rows = Rows().plans("G1", "dementia", [0])
    rows.data["support_plans"] = [
        dict(PLAN, plan_id="S1", person_id="P0", start_date=date(2023, 3, 31)),  # before the window
        dict(PLAN, plan_id="S2", person_id="P0", start_date=date(2023, 4, 1)),  # q 0
        dict(PLAN, plan_id="S3", person_id="P0", start_date=date(2026, 3, 31)),  # q 11, the as-at day
        dict(PLAN, plan_id="S4", person_id="P0", start_date=date(2026, 4, 1)),  # after it
    ]  # fmt: skip
    rows.data["people"] = [dict(person_id="P0", birth_year=1940, sex="male",
                                client_group="autism", area_code="G2")]  # fmt: skip
    counts = signals.event_counts(db_from_rows(rows.data), "Home", stats.quarter_window(AS_AT))
    assert counts.select("q", "n").rows() == [(0, 1), (11, 1)]


# --- the rate test ----------------------------------------------------------------------------


def test_a_clear_step_is_flagged_with_the_right_ratio_and_interval():
    found = signals.emerging(
        db_from_rows(step_rows().data), partnership="Home", as_at=AS_AT, **STRICT
    )
    assert found.signals.height == 1
    s = found.signals.row(0, named=True)
    assert (s["measure"], s["locality"], s["grp"]) == ("new_plans", "Glen", "dementia")
    # before = 8 × 5 = 40, recent = 4 × 10 = 40: RR = (40 / 4) ÷ (40 / 8) = 2.0
    assert (s["recent"], s["before"], s["rate_ratio"]) == (40, 40, 2.0)
    # N = 80, p0 = 4/12; Clopper–Pearson for 40/80: scipy beta.ppf(0.025, 40, 41) = 0.386048 and
    # beta.ppf(0.975, 41, 40) = 0.613952; RR = p/(1−p) × 8/4 → 1.25758 and 3.18070
    assert s["ci_low"] == pytest.approx(1.257583, abs=1e-5)
    assert s["ci_high"] == pytest.approx(3.180704, abs=1e-5)
    # one-sided p = P(Binomial(80, 1/3) >= 40) = binom.sf(39, 80, 1/3) = 0.0015060
    assert s["p_value"] == pytest.approx(0.0015060, abs=1e-6)
    # two cells tested (the flat one: P(Bin(60, 1/3) >= 20) = 0.5484), so BH q = 0.001506 × 2 / 1
    assert s["q_value"] == pytest.approx(0.0030120, abs=1e-6)
    # the baseline has no variation (limits on the centre, 5), so 10 is outside them: SPC too
    assert s["reason"] == "rate_test+spc"
    # dementia is per 1,000 aged 65+: Glen has 500, so 40 a year = 80.0 and 20 a year = 40.0
    assert (s["recent_per_1000"], s["before_per_1000"], s["base"]) == (
        80.0,
        40.0,
        "population_65plus",
    )
    # a year: 40 now against 40 ÷ 8 quarters × 4 = 20 before; 20 expected had nothing changed
    assert (s["before_per_year"], s["expected"]) == (20.0, 20.0)
    # eight quarters of history (the default, as metrics.md compares): the window is the twelve
    # quarters the export holds, from its first
    assert (s["first_q"], s["before_quarters"]) == (0, 8)
    assert s["areas"] == ["G1"]
    flat = found.cells.filter(pl.col("grp") == "elderly_frail").row(0, named=True)
    assert flat["p_value"] == pytest.approx(0.548411, abs=1e-6)
    # elderly frail in Town: 5 a quarter per 1,000 of its 400 aged 65+ = 12.5
    assert flat["rates"] == [12.5] * 12


def test_rates_of_other_groups_are_per_1000_of_all_ages():
    rows = Rows().plans("G2", "learning_disability", [5] * 12)
    cell = signals.emerging(db_from_rows(rows.data), partnership="Home", as_at=AS_AT).cells.row(
        0, named=True
    )
    assert cell["rates"] == [2.5] * 12  # 5 ÷ Glen's 2,000 × 1,000
    assert cell["base"] == "population"


def test_a_flat_poisson_series_is_not_flagged():
    rng = np.random.default_rng(7)
    series = rng.poisson(8, 12).tolist()
    found = signals.emerging(
        db_from_rows(Rows().plans("G1", "mental_health", series).data), partnership="Home",
        as_at=AS_AT, **STRICT,
    )  # fmt: skip
    assert found.cells.height == 1 and found.signals.height == 0


def null_counts(cells: int, mean: float, seed: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    rng = np.random.default_rng(seed)
    n = rng.poisson(mean, (cells, stats.QUARTERS))
    counts = pl.DataFrame(
        {
            "measure": "new_plans",
            "locality": [f"L{i}" for i in range(cells) for _ in range(stats.QUARTERS)],
            "area_code": [f"A{i}" for i in range(cells) for _ in range(stats.QUARTERS)],
            "grp": "other",
            "q": list(range(stats.QUARTERS)) * cells,
            "n": n.ravel(),
        },
        schema_overrides={"q": pl.Int32, "n": pl.Int64},
    )
    areas = pl.DataFrame(
        {"locality": [f"L{i}" for i in range(cells)], "population": 5000, "population_65plus": 900}
    )
    return counts, areas


@pytest.mark.parametrize("mean", [2.0, 12.0])
def test_over_many_unchanged_cells_false_alarms_stay_under_the_rate(mean):
    # 500 cells of Poisson counts with nothing changing: every flag is a false alarm. An SPC
    # special cause alone fires on about 9% of such cells (docs/emerging.md), which is why it
    # must be borne out by the counts; the share flagged must stay at or below the FDR of 5%.
    counts, areas = null_counts(500, mean, seed=20260331)
    cell_frame = stats.cells(counts, areas)
    rises = stats.area_rises(counts, cell_frame)
    judged, flagged, _ = signals.find_signals(cell_frame, rises, **STRICT)
    assert judged.height == 500
    assert flagged.height / 500 <= DEFAULTS.emerging_fdr
    assert flagged.filter(pl.col("reason") != "spc").height <= 1  # BH: almost never any


def test_benjamini_hochberg_by_hand():
    # p sorted: 0.01, 0.02, 0.03, 0.5 with m = 4: 0.01×4/1 = 0.04, 0.02×4/2 = 0.04,
    # 0.03×4/3 = 0.04, 0.5×4/4 = 0.5; monotone from the top: 0.04, 0.04, 0.04, 0.5
    assert stats.benjamini_hochberg([0.03, 0.5, 0.01, 0.02]) == pytest.approx(
        [0.04, 0.5, 0.04, 0.04]
    )


def test_a_rise_from_nothing_has_no_finite_ratio_but_a_lower_bound():
    # recent 4, before 0: p = (1/3)^4 = 0.012346; CP lower for 4/4 is 0.025^(1/4) = 0.397635,
    # so RR >= 0.397635 / 0.602365 × 2 = 1.32024
    test = stats.rate_test(4, 0, 4, 8)
    assert test.rate_ratio is None and test.ci_high is None
    assert test.p_value == pytest.approx(1 / 81)
    assert test.ci_low == pytest.approx(1.32024, abs=1e-5)


# --- who, where and what -----------------------------------------------------------------------


def test_a_request_belongs_to_its_own_area_and_its_persons_group():
    rows = Rows().plans("G1", "dementia", [1])  # P1 lives in Glen
    rows.data["home_care_requests"] = [
        dict(request_id="R1", person_id="P1", area_code="T1", assessed_date=mid_quarter(3),
             hours_requested_week=7.0, package_start_date=mid_quarter(4), complex_needs=False),
        dict(request_id="R2", person_id="GONE", area_code="G2", assessed_date=mid_quarter(9),
             hours_requested_week=7.0, package_start_date=None, complex_needs=False),
    ]  # fmt: skip
    counts = signals.event_counts(db_from_rows(rows.data), "Home", stats.quarter_window(AS_AT))
    requests = counts.filter(pl.col("measure") == "unmet_requests")
    # met later or not, both count; R2's person is not in people: not_recorded
    assert requests.select("locality", "area_code", "grp", "q", "n").rows() == [
        ("Glen", "G2", "not_recorded", 9, 1),
        ("Town", "T1", "dementia", 3, 1),
    ]


def test_outcomes_set_are_a_share_of_all_outcomes_set_in_the_locality():
    # Glen sets 10 outcomes a quarter; seeing_people 1 of them for eight quarters, then 3:
    # b = 8 of B = 80, r = 12 of R = 40; share ratio = (12/40) ÷ (8/80) = 3.0.
    # N = 20, p0 = 40/120 = 1/3: p = binom.sf(11, 20, 1/3) = 0.012973
    rows = Rows().outcomes("G1", "seeing_people", [1] * 8 + [3] * 4)
    rows.outcomes("G2", "feeling_safe", [9] * 8 + [7] * 4)
    found = signals.emerging(db_from_rows(rows.data), partnership="Home", as_at=AS_AT, **STRICT)
    cell = found.cells.filter(pl.col("grp") == "seeing_people").row(0, named=True)
    assert (cell["recent"], cell["before"]) == (12, 8)
    assert (cell["exposure_recent"], cell["exposure_before"]) == (40, 80)
    assert cell["rate_ratio"] == pytest.approx(3.0)
    assert cell["p_value"] == pytest.approx(0.012973, abs=1e-6)
    assert cell["rates"] == [100.0] * 8 + [300.0] * 4  # per 1,000 outcomes set
    # the other domain: (28/40) ÷ (72/80) = 0.78, a fall, not a signal
    assert found.signals["grp"].to_list() == ["seeing_people"]


def test_areas_are_those_whose_recent_count_rose_by_contribution():
    counts = pl.DataFrame(
        {"measure": "new_plans", "locality": "Glen", "grp": "autism",
         "area_code": ["G1", "G1", "G2", "G2", "G3"], "q": [0, 8, 0, 8, 8], "n": [4, 6, 2, 2, 3]},
        schema_overrides={"q": pl.Int32},
    )  # fmt: skip
    # other plans in every quarter, so the measure's history holds all eight quarters before
    counts = pl.concat([counts, counts.head(1).with_columns(grp=pl.lit("other"))
                        .join(pl.DataFrame({"q": range(12)}, schema={"q": pl.Int32}), how="cross")
                        .drop("q").rename({"q_right": "q"})], how="diagonal_relaxed")  # fmt: skip
    areas = pl.DataFrame({"locality": ["Glen"], "population": [100], "population_65plus": [10]})
    rises = stats.area_rises(counts, stats.cells(counts, areas)).filter(pl.col("grp") == "autism")
    rises = rises.sort("area_code")
    # expected recent = before × 4/8: G1 6 − 2 = 4, G2 2 − 1 = 1, G3 3 − 0 = 3
    assert rises["excess"].to_list() == [4.0, 1.0, 3.0]


# --- JSON and disclosure control ----------------------------------------------------------------


def test_json_follows_cli_md_sorted_by_the_low_end_of_the_interval():
    rows = step_rows().plans("G2", "autism", [2] * 8 + [6] * 4)
    rows.outcomes("T1", "seeing_people", [1] * 8 + [4] * 4)
    rows.outcomes("T1", "staying_well", [9] * 8 + [6] * 4)
    out = signals.emerging_json(
        db_from_rows(rows.data),
        partnership="Home",
        as_at=AS_AT,
        policy=Policy("internal"),
        **STRICT,
    )
    assert out["as_at"] == "2026-03-31"
    lows = [s["ci_low"] for s in out["signals"]]
    assert lows == sorted(lows, reverse=True) and len(lows) >= 2
    plans = next(s for s in out["signals"] if s["measure"] == "new_plans")
    assert list(plans)[:10] == ["locality", "client_group", "measure", "rate_ratio", "ci_low",
                                "ci_high", "recent", "before", "reason", "areas"]  # fmt: skip
    seeing = next(s for s in out["signals"] if s["measure"] == "outcomes_set")
    assert seeing["domain"] == "seeing_people" and "client_group" not in seeing
    assert all(s["suppressed"] is False for s in out["signals"])


def test_a_board_sees_small_counts_as_null_and_suppressed():
    # recent 4, before 0: p = 1/81 (other plans in every quarter keep the eight quarters before)
    rows = Rows().plans("G1", "autism", [0] * 8 + [1] * 4).plans("T1", "other", [1] * 12)
    out = signals.emerging_json(
        db_from_rows(rows.data), partnership="Home", as_at=AS_AT, policy=Policy("board"), **STRICT
    )
    [signal] = out["signals"]
    assert signal["suppressed"] is True and signal["recent"] is None
    assert signal["before"] == 0  # a 0 is shown
    # the interval's low end would give the 4 away (1.32 only comes from 4 of 4): hidden too
    assert signal["ci_low"] is None and signal["rate_ratio"] is None


# --- the page ----------------------------------------------------------------------------------


@pytest.fixture
def app_env(tmp_path, point_app):
    def use(data: dict) -> Path:
        folder = write_export(tmp_path / "export", data, AS_AT)
        point_app(folder)
        return folder

    return use


def test_page_runs_and_shows_the_library_figures(app_env, tmp_path):
    folder = app_env(step_rows().data)
    app = AppTest.from_file(str(ROOT / "pages" / "emerging_needs.py"), default_timeout=60)
    app.query_params["period"] = "2025/26"
    app.run()
    assert not app.exception, app.exception
    export = open_export(folder, Settings(cache_dir=tmp_path / "cache"))
    page = builder("emerging-needs")(export, Settings(), View("Home", "2025/26"))
    shown = app.dataframe[0].value
    assert list(shown["locality"]) == list(page.tables["signals"]["locality"]) == ["Glen"]
    assert list(shown["rate_ratio"]) == ["2.0"]
    assert list(shown["recent"]) == ["40"]
    sentence = page.tables["signals"]["sentence"][0]
    assert sentence == (
        "New dementia plans in Glen: 40 in the latest year, where 20 were expected had the rate "
        "of the years before carried on; 2.0 times the earlier rate (95% interval 1.3 to 3.2)."
    )
    assert any(markdown_text(sentence) in m.value for m in app.markdown)


def test_page_without_requests_says_so_and_shows_no_signal_for_a_filtered_out_locality(tmp_path):
    data = step_rows().data
    del data["home_care_requests"]
    folder = write_export(tmp_path / "export", data, AS_AT)
    export = open_export(folder, Settings(cache_dir=tmp_path / "cache"))
    from dashboard.core.page import Filters

    page = builder("emerging-needs")(
        export, Settings(), View("Home", "2025/26", Filters(locality="Town"))
    )
    assert "Unmet-need requests are not in this export" in " ".join(page.sentences)
    assert page.tables["signals"].height == 0
    assert any(s.startswith("No emerging needs") for s in page.sentences)


def test_the_samples_planted_stories_are_found_and_ranked_first(tmp_path):
    # docs/sample.md, story 3: dementia new plans in the home partnership's most rural locality
    # run ~1.8× the eight quarters before; its town locality sets seeing_people 2.5× as often.
    import json

    from dashboard.sample import generate

    generate(tmp_path / "sample", people=9000, areas=60, partnerships=1)
    stories = json.loads((tmp_path / "sample" / "manifest.json").read_text())["stories"]
    export = open_export(tmp_path / "sample", Settings(cache_dir=tmp_path / "cache"))
    found = signals.emerging(
        export.cursor(), partnership=stories["home_partnership"], as_at=export.extract_date,
        measures=["new_plans"],
    )  # fmt: skip
    top = found.signals.row(0, named=True)
    assert (top["locality"], top["grp"]) == (stories["emerging_locality"], "dementia")
    assert 1.4 < top["rate_ratio"] < 2.2 and top["ci_low"] > 1.2
    found = signals.emerging(
        export.cursor(), partnership=stories["home_partnership"], as_at=export.extract_date,
        measures=["outcomes_set"],
    )  # fmt: skip
    top = found.signals.row(0, named=True)
    assert (top["locality"], top["grp"]) == (stories["seeing_people_locality"], "seeing_people")
