"""The board's cover (issue 20): the Overview's tiles, the icon summary table of the nine national
outcomes (one builder for the Overview, the national outcomes page and the board pack preview),
the sample's illustrative targets, and the pages in AppTest.

The export is tests/test_outcome_pages.py's (read its docstring): P = 2025/26, 120 outcomes set on
2025-01-05, each reviewed once in P; 66 of the 120 met. No spend, no budget lines. Nothing was
reviewed in 2024/25, though all 120 outcomes were due from January 2025.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.app.navigation import builder
from dashboard.core.disclosure import Policy, flag
from dashboard.core.settings import SAMPLE_DIR, SAMPLE_TARGETS, Settings, load_settings, with_data
from dashboard.extract.export import open_export
from dashboard.outcomes.cover import FIGURES, cover_html, sparkline_svg
from dashboard.outcomes.national_outcomes import Icons
from tests.builders import write_export
from tests.test_outcome_pages import EXTRACT, INTERNAL, VIEW, _rows, app_at  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cover")
    ex = open_export(write_export(tmp / "export", _rows(), EXTRACT), Settings(cache_dir=tmp / "c"))
    yield ex
    ex.close()


@pytest.fixture(scope="module")
def settings(tmp_path_factory):
    return replace(INTERNAL, options_dir=tmp_path_factory.mktemp("options"))


@pytest.fixture(scope="module")
def overview(export, settings):
    return builder("overview")(export, settings, VIEW)


@pytest.fixture(scope="module")
def board_overview(export, settings):
    return builder("overview")(export, replace(settings, audience="board"), VIEW)


def _tiles(page) -> dict[str, dict]:
    return {r["tile"]: r for r in page.tables["tiles"].to_dicts()}


def test_tiles_by_hand(overview):
    tiles = _tiles(overview)
    assert list(tiles) == ["Outcomes met", "Reviews done", "Spend against plan", "Emerging needs"]
    # 66 of the 120 outcomes reviewed in P were met; none were reviewed in 2024/25: no rate then
    met = tiles["Outcomes met"]
    assert (met["value"], met["year_earlier"], met["page"]) == ("55.0%", None, "outcome-trends")
    # monthly: 6 or 5 of 10 met, mean 0.55, limits 0.55 ± 2.66 × 0.1 = 0.284 to 0.816, all below
    # the 0.9 target: common cause, consistently failing
    assert met["variation"] == "Common-cause variation: no signal"
    assert met["assurance"].startswith("Assurance: the process will consistently fail")
    # 120 due and 120 reviewed in P; in 2024/25 all 120 were due (from January) and none reviewed
    reviews = tiles["Reviews done"]
    assert (reviews["value"], reviews["year_earlier"]) == ("100.0%", "0.0%")
    # no spend against £250 a week of budget: 0.0% both years, below the 95%-105% band
    spend = tiles["Spend against plan"]
    assert (spend["value"], spend["year_earlier"], spend["page"]) == ("0.0%", "0.0%", "spend")
    assert "95.0% to 105.0% (a band)" in spend["note"]
    assert spend["assurance"].startswith("Assurance: the process will consistently fail")
    assert tiles["Emerging needs"]["value"] == "0"


def test_tiles_are_the_figures_of_the_pages_behind_them(overview, export, settings):
    trends = builder("outcome-trends")(export, settings, VIEW)
    total = (
        trends.tables["breakdown_national_outcome"].filter(pl.col("is_total")).row(0, named=True)
    )
    tiles = _tiles(overview)
    assert tiles["Outcomes met"]["value"] == f"{total['rate']:.1%}"
    assert tiles["Reviews done"]["value"] == f"{total['coverage']:.1%}"
    national = builder("national-outcomes")(export, settings, VIEW)
    assert overview.tables["cover"].equals(national.tables["cover"])
    assert overview.tables["sparklines"].equals(national.tables["sparklines"])
    emerging = builder("emerging-needs")(export, settings, VIEW)
    assert tiles["Emerging needs"]["value"] == str(emerging.tables["signals"].height)


def test_what_changed_in_three_sentences(overview):
    assert overview.sentences == [
        "Outcomes met cannot be compared with 2024/25: a figure is hidden or not in the export. "
        "Reviews done rose from 0.0% to 100.0%.",
        "Of the 13 local indicators for the nine national outcomes, 0 show special-cause "
        "improvement, 0 special-cause concern and 0 a special cause where neither direction is "
        "better; the rest vary within their usual range or have too little data to judge.",
        "Individual budgets spent: 0.0%, against 0.0% in 2024/25; 0 emerging needs stand out.",
    ]


def test_cover_table_rows_by_hand(overview):
    cover = overview.tables["cover"]
    assert cover.height == 13  # every local indicator of the framework, in its order
    assert "_" not in " ".join(cover["indicator"].to_list())  # labels, never ids
    rows = {r["indicator_id"]: r for r in cover.to_dicts()}
    no7 = rows["no7_attainment"]  # 2 of 4 met every month: 50.0%, target 0.9 never reached
    assert (no7["outcome"], no7["value"], no7["target"]) == ("7 Safe from harm", "50.0%", "90.0%")
    assert (no7["variation"], no7["assurance"]) == ("No signal", "Misses target")
    budget = rows["no9_budget_utilisation"]  # judged against a band, and says so
    assert (budget["target"], budget["assurance"]) == ("95.0% to 105.0% (a band)", "Misses target")
    # the gap's target is the point 0 (a band of one value): printed as the target itself
    assert rows["no5_deprivation_gap"]["target"] == "+0.0 points"
    # no7's sparkline: no review before April 2025, then 0.5 every month to March 2026
    spark = overview.tables["sparklines"].filter(pl.col("indicator_id") == "no7_attainment")
    assert spark["period"].to_list()[3:] == [f"2025-{m:02d}" for m in range(4, 13)] + [
        "2026-01", "2026-02", "2026-03"]  # fmt: skip
    assert spark["value"].to_list() == [None] * 3 + [0.5] * 12


def test_board_cover_hides_small_figures_and_their_months(board_overview):
    rows = {r["indicator_id"]: r for r in board_overview.tables["cover"].to_dicts()}
    choice = rows["no3_choice_control"]  # one person of 120 under SDS option 1: 1 is under 5
    assert choice["value"] is None and choice[flag("value")]
    spark = board_overview.tables["sparklines"].filter(
        pl.col("indicator_id") == "no3_choice_control"
    )
    assert spark["value"].null_count() == spark.height and spark[flag("value")].all()
    html = cover_html(board_overview.tables["cover"], _board(), board_overview.icons,
                      board_overview.tables["sparklines"], "caption")  # fmt: skip
    assert "0.8%" not in html  # the exact share is never in the markup
    assert "no3_choice_control" not in html and "no7_attainment" not in html


def _board():
    from dashboard.core.disclosure import Policy

    return Policy(audience="board")


def test_cover_html_gives_every_icon_and_sparkline_a_text_alternative(overview):
    from dashboard.core.disclosure import Policy

    html = cover_html(overview.tables["cover"], Policy(audience="internal"), overview.icons,
                      overview.tables["sparklines"], "The nine national outcomes")  # fmt: skip
    assert html.count("<tr>") == 14  # the header and 13 indicators
    assert html.count('class="mdc-icon"') == html.count('alt="') - html.count('class="spark"')
    assert 'alt="Assurance: the process will consistently fail the target"' in html
    assert 'alt="Monthly trend of Personal outcomes met (national outcome 7)' in html
    assert "<caption>The nine national outcomes</caption>" in html


def test_sparkline_breaks_at_a_hidden_month_and_needs_two_points():
    assert sparkline_svg([None, 0.5]) is None
    two_runs = sparkline_svg([0.1, 0.2, None, 0.4, 0.3])
    assert two_runs is not None and two_runs.count("<polyline") == 2
    # flat series: drawn on one line (no division by a zero range)
    assert sparkline_svg([0.5, 0.5, 0.5]).count("<polyline") == 1


def test_sample_targets_follow_the_sample_and_no_other_export(tmp_path, monkeypatch):
    assert with_data(Settings(), None).targets == SAMPLE_TARGETS  # no data path: the sample
    assert with_data(Settings(), SAMPLE_DIR).targets == SAMPLE_TARGETS
    on_sample = with_data(Settings(), None)
    assert with_data(on_sample, tmp_path).targets == {}  # --data elsewhere: never the sample's
    own = Settings(targets={"no2_attainment": 0.75})
    assert with_data(own, None).targets == {"no2_attainment": 0.75}  # a user's own win
    settings_file = tmp_path / "settings.toml"
    settings_file.write_text("[targets]\n")
    env = {"DASHBOARD_SETTINGS": str(settings_file)}
    assert load_settings(env).targets == SAMPLE_TARGETS
    assert load_settings({**env, "DASHBOARD_DATA": str(tmp_path)}).targets == {}


# --- the Streamlit pages -------------------------------------------------------------------------


@pytest.fixture
def app_env(app_at):  # noqa: F811
    """The export with one week of spend (the board pack page needs the spend table)."""
    rows = _rows()
    rows["budget_spend"] = [dict(
        spend_id="B1", person_id="P0_1", plan_id="S0_1", period_start=date(2025, 4, 7),
        period_end=date(2025, 4, 13), amount_gbp=250.0, hours_delivered=10.0, provider_id=None,
        on_contract=False)]  # fmt: skip
    app_at(rows, "internal")


def test_overview_page_shows_tiles_changes_and_the_icon_table(app_env):
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    assert not app.exception, app.exception
    html = " ".join(h.value for h in app.html)
    assert "Outcomes met" in html and "55.0%" in html and "Reviews done" in html
    assert "Reviews done rose from 0.0% to 100.0%." in html
    assert 'class="cover-table"' in html and html.count('class="mdc-icon"') >= 13
    assert [p.label for p in app.get("page_link")][:2] == [
        "More on outcomes met", "More on reviews done"]  # fmt: skip
    assert not app.dataframe  # no data grid on the cover: nothing traps the Tab key


def test_board_pack_page_previews_the_cover_table_and_sections(app_env):
    app = AppTest.from_file(str(ROOT / "pages" / "board_pack.py"), default_timeout=120).run()
    assert not app.exception, app.exception
    html = " ".join(h.value for h in app.html)
    assert 'class="cover-table"' in html and "7 Safe from harm" in html
    for heading in ("The nine national outcomes", "Review coverage", "Spend and value"):
        assert heading in html
    assert "Table: Outcomes due a review and reviewed in 2025/26" in html


def test_a_hidden_peer_figure_on_the_cover_reads_hidden_not_under_5():
    # a peer average withheld for a board is a percentage: "<5" there would read "under 5%"
    frame = pl.DataFrame({
        "indicator_id": ["no8_graded_good"], "outcome": ["8 Engaged workforce"],
        "indicator": ["Care services graded good or better"], "value": ["68.8%"],
        "target": ["75.0%"], "peer_average": [None], "year_earlier": ["70.0%"],
        "variation": [None], "assurance": [None], "provisional": [False],
        **{flag(c): [c == "peer_average"] for c in FIGURES},
    })  # fmt: skip
    html = cover_html(frame, Policy(threshold=5), {"no8_graded_good": Icons(None, None)},
                      pl.DataFrame(schema={"indicator_id": pl.String, "value": pl.Float64}),
                      "caption")  # fmt: skip
    assert "<td>hidden</td>" in html and "&lt;5" not in html
