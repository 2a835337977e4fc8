"""Emerging needs, issue 22: rates against the population of their own years (`area_populations`,
export-contract.md v1.2) and the projection panel. Fixtures as in test_emerging: one person, one
plan, dated mid-quarter."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.app.navigation import builder
from dashboard.core.disclosure import Policy
from dashboard.core.page import View
from dashboard.core.settings import Settings
from dashboard.emerging import demography, heat, signals, stats
from dashboard.extract.export import open_export
from tests.builders import db_from_rows, write_export
from tests.test_emerging import AS_AT, STRICT, step_rows

ROOT = Path(__file__).resolve().parent.parent


def populations(glen_65: dict[int, int]) -> list[dict]:
    """Glen's two areas with the given 65+ population each, by year (all ages 1,000)."""
    return [
        dict(area_code=a, year=y, population=1000, population_65plus=n, projected=y > 2025)
        for a in ("G1", "G2")
        for y, n in glen_65.items()
    ]


def test_a_financial_year_takes_the_mid_year_inside_its_first_quarter():
    q = stats.quarter_window(AS_AT)
    assert [demography.financial_year(p) for p in (q[0], q[3], q[4], q[11])] == [
        2023,
        2023,
        2024,
        2025,
    ]  # fmt: skip  (2023/24 Q1 and Q4, 2024/25 Q1, 2025/26 Q4)


def test_a_rise_explained_by_population_growth_alone_is_not_flagged():
    # Glen dementia: 5 plans a quarter for eight quarters, then 10 (test_emerging's step). Without
    # populations by year that is a rise of 2.0 and a signal; here Glen's 65+ doubled in 2025
    # (250 → 500 an area), so the rate per head did not change.
    rows = step_rows().data | {"area_populations": populations({2023: 250, 2024: 250, 2025: 500})}
    found = signals.emerging(db_from_rows(rows), partnership="Home", as_at=AS_AT, **STRICT)
    assert found.signals.height == 0
    cell = found.cells.filter(pl.col("grp") == "dementia").row(0, named=True)
    # exposure: 4 quarters × 1,000 aged 65+ = 4,000 recent, 8 × 500 = 4,000 before; RR = 1.0
    assert (cell["exposure_recent"], cell["exposure_before"], cell["rate_ratio"]) == (
        4000.0, 4000.0, 1.0)  # fmt: skip
    # p0 = 4,000 / 8,000 = 0.5: P(Binomial(80, 0.5) >= 40) = Σ C(80, k) ÷ 2^80 for k ≥ 40 = 0.544464
    assert cell["p_value"] == pytest.approx(0.544464, abs=1e-6)
    assert cell["rates"][-1] == 10.0  # 10 a quarter per 1,000 of 1,000 aged 65+
    assert found.watch.filter(pl.col("grp") == "dementia").height == 0
    # the same counts without the table: the rise of 2.0 is a signal (test_emerging)
    plain = signals.emerging(
        db_from_rows(step_rows().data), partnership="Home", as_at=AS_AT, **STRICT
    )
    assert plain.signals["rate_ratio"].to_list() == [2.0]


def test_a_year_the_table_lacks_takes_the_nearest_and_an_area_it_lacks_its_own_figure():
    areas = pl.DataFrame({"area_code": ["A", "B"], "locality": ["L", "L"],
                          "population": [100, 200], "population_65plus": [10, 20]})  # fmt: skip
    held = pl.DataFrame({"area_code": ["A", "A"], "year": [2020, 2024],
                         "population": [110, 150], "population_65plus": [11, 15]})  # fmt: skip
    got = demography.area_years(areas, held, [2019, 2022, 2023, 2030]).sort("area_code", "year")
    # A: 2019 → 2020's; 2022 is as near 2020 as 2024, the earlier wins; 2023 → 2024; 2030 → 2024
    assert got["population"].to_list() == [110, 110, 150, 150, 200, 200, 200, 200]


def test_the_projection_applies_the_latest_rates_to_the_projected_population():
    # Glen dementia: 40 plans in 2025/26 at 500 aged 65+ (250 an area, the table's 2025); the
    # table projects 300 an area in 2030 and 400 in 2035: 40 × 600 / 500 = 48 and 40 × 800 / 500
    # = 64. Town elderly frail has no rows in the table, so its own 400 for every year: 20 stays 20.
    rows = step_rows().data | {
        "area_populations": populations({2023: 250, 2024: 250, 2025: 250, 2030: 300, 2035: 400})
    }
    found = signals.emerging(db_from_rows(rows), partnership="Home", as_at=AS_AT, **STRICT)
    got = demography.projection(found.cells, found.areas, found.populations, found.quarters[-1])
    assert got.select("grp", "now", "in_5", "in_10", "more_10").rows() == [
        ("dementia", 40, 48.0, 64.0, 24.0), ("elderly_frail", 20, 20.0, 20.0, 0.0)]  # fmt: skip
    assert demography.projection(
        found.cells, found.areas, pl.DataFrame(), found.quarters[-1]
    ).is_empty()


def test_heat_map_colours_ratios_around_one_and_leaves_hidden_cells_blank():
    # Glen dementia 40 against 40 (RR 2.0), Town elderly frail 20 against 40 (RR 1.0), Town
    # mental health 2 against 3 (RR 1.33, counts below 5: hidden for a board)
    rows = step_rows().plans("T1", "mental_health", [0, 1, 0, 1, 0, 1, 0, 0, 1, 0, 1, 0])
    found = signals.emerging(db_from_rows(rows.data), partnership="Home", as_at=AS_AT, **STRICT)
    grid = heat.ratio_grid(found.cells, "new_plans", Policy("board"))
    assert grid.select("locality", "grp", "rate_ratio", "suppressed").rows() == [
        ("Glen", "dementia", 2.0, False), ("Town", "elderly_frail", 1.0, False),
        ("Town", "mental_health", None, True)]  # fmt: skip
    fig = heat.heat_figure(grid, "t")
    z = fig.data[0].z
    # groups down (dementia, elderly frail, mental health), localities across (Glen, Town):
    # log2(2.0) = 1 at the top of the scale, log2(1.0) = 0 at its centre, hidden blank
    assert [list(r) for r in z] == [[1.0, None], [None, 0.0], [None, None]]
    assert list(fig.data[0].text[2]) == ["", "hidden"]
    assert fig.data[0].zmid == 0 and fig.data[0].colorscale[0][1] != fig.data[0].colorscale[-1][1]


def test_json_and_page_say_when_rates_use_populations_by_year(tmp_path, point_app):
    grown = step_rows().data | {
        "area_populations": populations({2023: 250, 2024: 250, 2025: 250, 2030: 300, 2035: 400})
    }
    for data, by_year in ((step_rows().data, False), (grown, True)):
        out = signals.emerging_json(db_from_rows(data), partnership="Home", as_at=AS_AT,
                                    policy=Policy("internal"), **STRICT)  # fmt: skip
        assert out["populations_by_year"] is by_year
    folder = write_export(tmp_path / "export", grown, AS_AT)
    export = open_export(folder, Settings(cache_dir=tmp_path / "cache"))
    page = builder("emerging-needs")(export, Settings(), View("Home", "2025/26"))
    # the projection test's figures: Glen dementia 40 → 48 and 64; Town elderly frail 20 stays 20
    assert page.projection == [
        "At the latest year's rates, the 60 new plans of the latest year would become about 68 a "
        "year in five years and 84 in ten, from the projected population alone."
    ]
    assert page.tables["projection"].select("group", "latest_year", "in_ten_years").rows() == [
        ("dementia", 40, 64), ("elderly frail", 20, 20)]  # fmt: skip
    # the signal's why: the age mix (test_emerging_why) and the heat map of new plans
    [detail] = page.signals
    assert detail.why[0].startswith("Age: people aged 85 and over made up 100%")
    assert [m for m, f in page.heatmaps if f is not None] == ["new_plans"]
    point_app(folder)
    app = AppTest.from_file(str(ROOT / "pages" / "emerging_needs.py"), default_timeout=60)
    app.query_params["period"] = "2025/26"
    app.run()
    assert not app.exception, app.exception
    text = " ".join(m.value for m in app.markdown)
    assert "68 a year in five years" in text and "aged 85 and over" in text
