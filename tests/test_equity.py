"""Equity and carers' figures worked by hand on tests/tiny.py's export (2025/26), the intervals
checked against scipy, and both pages in the app."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.app.navigation import builder
from dashboard.core.intervals import garwood
from dashboard.core.page import View
from dashboard.core.settings import Settings
from dashboard.equity.figures import in_group_order
from dashboard.equity.gradient import lead_gap, reliable_gaps, slope_index
from dashboard.extract.export import open_export
from tests.builders import write_export
from tests.test_app import ROOT, app_env  # noqa: F401 - the fixture pointing the app at an export
from tests.tiny import BASE, EXTRACT, tables

VIEW = View("Home", "2025/26")
# Wilson 95 % for 1 of 2 (z = 1.959964, z² = 3.841459): centre (0.5 + z²/4) / (1 + z²/2) = 0.5,
# half-width z / 2.9207295 × sqrt(0.25 / 2 + z² / 16) = 0.6710519 × 0.6042277 = 0.4054688,
# so (0.0945312, 0.9054688); statsmodels proportion_confint(1, 2, method="wilson") agrees.
WILSON_1_OF_2 = (0.0945312, 0.9054688)


def _page(fn, tmp_path, audience="internal", data=None):
    folder = write_export(tmp_path / "export", data or tables(), EXTRACT)
    settings = Settings(cache_dir=tmp_path / "cache", audience=audience)
    return fn(open_export(folder, settings), settings, VIEW)


def _row(df: pl.DataFrame, **keys) -> dict:
    return df.filter(*(pl.col(k) == v for k, v in keys.items())).row(0, named=True)


def test_garwood_interval_against_scipy():
    # scipy.stats.chi2.ppf(0.025, 2) / 2 = 0.025318, chi2.ppf(0.975, 4) / 2 = 5.571643
    assert garwood(1, 1.0) == pytest.approx((0.025318, 5.571643), abs=1e-6)
    # a zero count: lower end 0, upper chi2.ppf(0.975, 2) / 2 = 3.688879
    assert garwood(0, 2.0) == pytest.approx((0.0, 3.688879 / 2), abs=1e-6)


def test_equity_tables(tmp_path):
    page = _page(builder("equity"), tmp_path)
    # attainment by urban/rural: O1 (A1, class 2) met, O2 (A2, class 6) partly met
    two = _row(page.tables["attainment"], breakdown="urban_rural", group="2")
    assert (two["met"], two["denominator"], two["rate"]) == (1, 1, 1.0)
    deprived = _row(page.tables["attainment"], breakdown="deprivation_decile", group="3")
    assert (deprived["met"], deprived["denominator"]) == (1, 2)
    assert (deprived["rate_low"], deprived["rate_high"]) == pytest.approx(WILSON_1_OF_2, abs=1e-6)
    # unmet need: request Q1 (A2, class 6, assessed 1 Jan 2026) over A2's 700 people
    six = _row(page.tables["unmet_need"], breakdown="urban_rural", group="6")
    assert (six["requests"], six["population"]) == (1, 700)
    assert six["per_1000"] == pytest.approx(1000 / 700)
    # Garwood for 1 (above) scaled by 1,000 / 700: 0.036169 and 7.959490
    assert (six["per_1000_low"], six["per_1000_high"]) == pytest.approx(
        (0.036169, 7.959490), abs=1e-5
    )
    # no population by sex: a count with no rate
    sex = _row(
        page.tables["unmet_need"], breakdown="sex", group="Not known"
    )  # labelled for a reader
    assert (sex["requests"], sex["per_1000"]) == (1, None)
    # SDS mix at 31 Mar 2026, class 6: P2 (option 3) and P3 (option 1) have active plans
    option1 = _row(page.tables["sds_mix"], breakdown="urban_rural", group="6", sds_option=1)
    assert (option1["people_option"], option1["people"], option1["share"]) == (1, 2, 0.5)
    assert (option1["share_low"], option1["share_high"]) == pytest.approx(WILSON_1_OF_2, abs=1e-6)
    # two outcomes in all: no group reaches 10, so no gap is named
    assert "No gap" in page.sentences[0]


def test_board_hides_small_counts_and_the_intervals_with_them(tmp_path):
    page = _page(builder("equity"), tmp_path, audience="board")
    six = _row(page.tables["attainment"], breakdown="urban_rural", group="6")
    assert six["denominator"] is None and six["rate"] is None
    assert six["rate_low"] is None and six["rate_high"] is None and six["rate_high__suppressed"]


def test_the_lead_gap_is_the_largest_reliable_one():
    table = pl.DataFrame({
        "breakdown": ["sex", "sex", "sex", "urban_rural", "urban_rural", "urban_rural",
                      "client_group", "client_group"],
        "group": ["other", "not_known", "female", "1", "6", "3", "dementia", "autism"],
        "denominator": [20, 20, 40, 100, 100, 9, 12, 12],
        "rate": [0.90, 0.20, 0.55, 0.80, 0.50, 0.10, 0.75, 0.35],
        "rate_low": [0.70, 0.08, 0.40, 0.71, 0.40, 0.0, 0.47, 0.14],
        "rate_high": [0.97, 0.42, 0.69, 0.87, 0.60, 0.4, 0.91, 0.64],
    })  # fmt: skip
    gaps = reliable_gaps(table, min_denominator=10)
    # sex: "not known" is about recording, so other (90%) is set against female (55%) only;
    # urban/rural class 3 (9 outcomes) is too small. Newcombe: 0.8 − 0.5 = 0.3, low end
    # 0.3 − √(0.09² + 0.10²) = 0.165464, high end 0.3 + √(0.07² + 0.10²) = 0.422066
    urban = next(g for g in gaps if g["breakdown"] == "urban_rural")
    assert (urban["gap_low"], urban["gap_high"]) == pytest.approx((0.165464, 0.422066), abs=1e-6)
    # client group's 40 points is the largest, but on 12 outcomes a side its interval
    # 0.4 − √(0.28² + 0.29²) < 0 includes no difference; the lead is the largest reliable gap
    assert [g["breakdown"] for g in gaps][:1] == ["client_group"]
    lead = lead_gap(table, min_denominator=10)
    assert (lead["breakdown"], lead["high"]["group"], lead["low"]["group"]) == (
        "sex", "other", "female")  # fmt: skip
    # 0.35, low end 0.35 − √(0.20² + 0.14²) = 0.35 − 0.244131 = 0.105869 > 0
    assert lead["reliable"] and lead["gap_low"] == pytest.approx(0.105869, abs=1e-6)


def test_slope_index_of_inequality_by_hand():
    deciles = pl.DataFrame({"group": ["1", "5", "10"], "denominator": [100, 100, 100],
                            "rate": [0.4, 0.5, 0.6]})  # fmt: skip
    sii = slope_index(deciles)
    # ranks 1/6, 1/2, 5/6; weights 100 ÷ p(1 − p) = 416.7, 400, 416.7 (symmetric: means 1/2, 0.5);
    # slope = 2 × 416.7 × (1/3)(0.1) ÷ (2 × 416.7 × 1/9) = 0.3; SE = √(9 ÷ 833.3) = 0.103923
    assert sii["sii"] == pytest.approx(0.3)
    assert (sii["low"], sii["high"]) == pytest.approx((0.3 - 0.203686, 0.3 + 0.203686), abs=1e-5)
    assert (sii["most"]["group"], sii["least"]["group"]) == ("1", "10")
    assert slope_index(deciles.head(2)) is None  # two deciles make no gradient


def _carer_rows() -> dict:
    outcomes = BASE["personal_outcomes"] + [
        dict(outcome_id=f"C{i}", plan_id="S1", person_id="P1", set_date=date(2025, 1, 5),
             outcome_text="time for me", domain="carer_life_of_own")
        for i in range(3)
    ]  # fmt: skip
    reviews = BASE["outcome_reviews"] + [
        dict(review_id=f"RC{i}", outcome_id=f"C{i}", plan_id="S1", person_id="P1",
             review_date=date(2025, 10, 1), status=s)
        for i, s in enumerate(["met", "met", "not_met"])
    ]  # fmt: skip
    return tables(personal_outcomes=outcomes, outcome_reviews=reviews)


def test_carers_attainment_per_domain(tmp_path):
    page = _page(builder("carers"), tmp_path, data=_carer_rows())
    domains = page.tables["domains"]
    assert domains.height == 15  # all 14 carer domains and the total
    life = domains.row(1, named=True)  # carer_life_of_own: 2 of 3 met, all 3 due and reviewed
    assert (life["met"], life["denominator"], life["rate"], life["coverage"]) == (2, 3, 2 / 3, 1.0)
    total = _row(domains, is_total=True)
    assert (total["met"], total["denominator"]) == (2, 3)  # O1 and O2 are not carers' outcomes
    assert page.sentences[0].startswith("66.7% of carers' outcomes")


@pytest.mark.parametrize("script", ["equity.py", "carers.py"])
def test_pages_show_the_library_figures(app_env, tmp_path, script):  # noqa: F811
    folder = app_env(_carer_rows())
    app = AppTest.from_file(str(ROOT / "pages" / script), default_timeout=60)
    app.query_params.update({"period": "2025/26"})
    app.run()
    assert not app.exception, app.exception
    export = open_export(folder, Settings(cache_dir=tmp_path / "cache"))
    fn = builder("equity") if script == "equity.py" else builder("carers")
    page = fn(export, Settings(), VIEW)
    assert any(page.sentences[0] in m.value for m in app.markdown)
    first = app.dataframe[0].value
    if script == "carers.py":  # the domain table, as the library labels it
        assert list(first["domain"]) == list(page.tables["domains"]["domain"])
    else:  # the attainment table behind the first chart, for the default breakdown
        expected = page.tables["attainment"].filter(pl.col("breakdown") == "deprivation_decile")
        assert list(first["group"]) == list(expected["group"])


def test_groups_are_in_their_own_order_within_each_breakdown():
    table = pl.DataFrame({
        "breakdown": ["sex", "deprivation_decile", "deprivation_decile", "deprivation_decile",
                      "deprivation_decile", "sex"],
        "group": ["male", "10", "2", "1", "2", "female"],
        "sds_option": [1, 1, 2, 1, 1, 1],  # two rows of decile 2 keep their order
    })  # fmt: skip
    ordered = in_group_order(table)
    assert ordered.rows() == [
        ("sex", "female", 1), ("sex", "male", 1),  # the first breakdown seen stays first
        ("deprivation_decile", "1", 1), ("deprivation_decile", "2", 2),
        ("deprivation_decile", "2", 1), ("deprivation_decile", "10", 1),
    ]  # fmt: skip
