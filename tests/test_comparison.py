"""Peers from a benchmark file of published figures, the funnel of partnerships, the spine table
and the funnels of units, on the tiny export of test_indicators (Home's intensive-needs figure is
2 of 3, worked there by hand).

Benchmark (2025/26, intensive needs at home): Scotland 600/1000; PeerX 74/100, PeerY 75/100,
PeerZ 30/100. Around p0 = 0.6 at n = 100 the exact 99.8% upper limit is (75 − α) ÷ 100 with
α = (F(75) − 0.999) ÷ (F(75) − F(74)) = (0.9994385 − 0.999) ÷ (0.9994385 − 0.9988110) = 0.69879,
so 0.743012: PeerX (0.74) is just inside it, PeerY (0.75) just outside; the 95% limits are
0.497969 and 0.689856, so PeerX is beyond the 95% limit; PeerZ (0.30) is below the 99.8% lower
limit 0.441426.
"""

from __future__ import annotations

import polars as pl
import pytest

from dashboard.core.disclosure import Policy
from dashboard.core.errors import UserError
from dashboard.core.settings import ROOT
from dashboard.outcomes.comparators import (
    outside_sentence,
    partnership_funnels,
    spine_for,
    unit_funnels,
)
from dashboard.outcomes.figures_json import figures_json
from dashboard.outcomes.indicators import indicator_table
from dashboard.outcomes.peers import read_benchmark
from tests.test_indicators import P, con  # noqa: F401 - the tiny export, a module fixture

BOARD = Policy(audience="board")
HEADER = "partnership,indicator,period,numerator,denominator,value,source\n"
ROWS = (
    "Scotland,no2_intensive_at_home,2025/26,600,1000,,PHS Core Suite 2025\n"
    "PeerX,no2_intensive_at_home,2025/26,74,100,,PeerX annual report\n"
    "PeerY,no2_intensive_at_home,2025/26,75,100,0.75,PeerY annual report\n"
    "PeerZ,no2_intensive_at_home,2025/26,30,100,,PeerZ annual report\n"
    "Home,no2_intensive_at_home,2025/26,99,100,,left out: Home's own comes from the export\n"
    "PeerX,no3_choice_control,2025/26,,,0.4,PeerX annual report\n"
    "PeerX,no2_intensive_at_home,2024/25,10,100,,another year\n"
)


@pytest.fixture()
def bench(tmp_path):
    path = tmp_path / "bench.csv"
    path.write_text(HEADER + ROWS)
    return read_benchmark(path)


def intensive(table: pl.DataFrame) -> dict:
    return table.filter(pl.col("indicator_id") == "no2_intensive_at_home").to_dicts()[0]


def test_published_peers_scotland_and_their_spread(con, bench):  # noqa: F811
    row = intensive(indicator_table(con, partnership="Home", period=P, benchmark=bench))
    assert (row["peer_count"], row["scotland"]) == (3, 0.6)
    assert row["peer_average"] == pytest.approx((0.74 + 0.75 + 0.30) / 3)
    assert row["scotland_source"] == "PHS Core Suite 2025"
    # sorted 0.30, 0.74, 0.75: quartiles by linear interpolation at positions 0.5 and 1.5
    spread = [row[f"peer_{k}"] for k in ("lowest", "q25", "median", "q75", "highest")]
    assert spread == pytest.approx([0.30, 0.52, 0.74, 0.745, 0.75])
    chosen = intensive(
        indicator_table(con, partnership="Home", period=P, benchmark=bench, comparators=["PeerX"])
    )
    assert (chosen["peer_count"], chosen["peer_average"]) == (1, 0.74)


def test_funnel_of_partnerships_in_the_figures_json(con, bench):  # noqa: F811
    out = figures_json(con, partnership="Home", period=P, benchmark=bench)
    rec = next(i for i in out["indicators"] if i["id"] == "no2_intensive_at_home")
    assert rec["scotland"] == 0.6 and rec["comparators"]["count"] == 3
    funnel = rec["funnel"]
    assert (funnel["reference"], funnel["adjustment"], funnel["left_off"]) == (0.6, "none", 0)
    assert funnel["outside_998"] == ["PeerY", "PeerZ"]
    assert funnel["outside_95"] == ["PeerX", "PeerY", "PeerZ"]
    units = {u["unit"]: u for u in funnel["units"]}
    assert (units["Home"]["numerator"], units["Home"]["denominator"]) == (2, 3)
    assert units["Home"]["band"] == "inside"
    assert units["PeerX"]["upper_998"] == pytest.approx(0.743012, abs=1e-6)
    assert (units["PeerX"]["lower_95"], units["PeerX"]["upper_95"]) == pytest.approx(
        (0.497969, 0.689856), abs=1e-6
    )
    assert units["PeerZ"]["lower_998"] == pytest.approx(0.441426, abs=1e-6)
    # a value-only figure has no counts to place on a funnel; spend and the gap have none at all
    choice = next(i for i in out["indicators"] if i["id"] == "no3_choice_control")
    assert choice["funnel"] is None or "PeerX" not in choice["funnel"]["outside_95"]
    gap = next(i for i in out["indicators"] if i["id"] == "no5_deprivation_gap")
    assert gap["funnel"] is None


def test_a_board_does_not_see_a_partnership_with_small_counts(con, bench):  # noqa: F811
    out = figures_json(con, partnership="Home", period=P, benchmark=bench, policy=BOARD)
    funnel = next(i for i in out["indicators"] if i["id"] == "no2_intensive_at_home")["funnel"]
    assert [u["unit"] for u in funnel["units"]] == ["PeerX", "PeerY", "PeerZ"]
    assert funnel["left_off"] == 1  # Home: 2 of 3
    assert funnel["reference"] == 0.6


def test_spine_table(con, bench):  # noqa: F811
    table = indicator_table(con, partnership="Home", period=P, benchmark=bench)
    records = [{"id": r["indicator_id"], "value": r["value"], "peer_average": r["peer_average"]}
               for r in table.to_dicts()]  # fmt: skip
    spine = spine_for(table, records, "Home", Policy(audience="internal"), "none")
    row = spine.filter(pl.col("indicator_id") == "no2_intensive_at_home").to_dicts()[0]
    assert (row["value"], row["scotland"], row["lowest"], row["highest"]) == pytest.approx(
        (2 / 3, 0.6, 0.30, 0.75)
    )
    assert (row["q25"], row["q75"], row["comparators"]) == (pytest.approx(0.52), 0.745, 3)
    assert row["compared"] == "Within what chance would give"
    assert row["source"].endswith("PHS Core Suite 2025")


def test_unit_funnels_leave_small_units_off_for_a_board():
    counted = pl.DataFrame({
        "grp": ["North", "South", "East", None],
        "met": [60, 20, 2, 5], "denominator": [100, 100, 4, 10],
        "reviewed": [90, 50, 4, 10], "due": [100, 100, 4, 10],
    })  # fmt: skip
    internal = unit_funnels(counted, Policy(audience="internal"), "none")
    f, left_off = internal["attainment"]
    assert f.reference == pytest.approx(82 / 204) and left_off == 0  # the unit-less row is no unit
    assert f.units["unit"].to_list() == ["North", "South", "East"]
    # North 0.60 at n = 100 around 0.402: far above; South 0.20 far below
    assert f.outside("998") == ["North", "South"]
    board, left_off = unit_funnels(counted, BOARD, "none")["attainment"]
    assert board.units["unit"].to_list() == ["North", "South"] and left_off == 1
    assert board.reference == f.reference  # the reference still counts every unit
    sentence = outside_sentence(board, left_off, "Outcomes met by locality")
    assert sentence == (
        "Outcomes met by locality, beyond the 99.8% limits: higher than chance would explain, "
        "North; lower than chance would explain, South. 1 with counts too small to show are "
        "left off."
    )
    coverage, _ = unit_funnels(counted, BOARD, "none")["coverage"]
    assert coverage.units["unit"].to_list() == ["North", "South"]  # East: 4 due


def test_partnership_funnels_need_peers_with_counts(con):  # noqa: F811
    table = indicator_table(con, partnership="Home", period=P)  # PeerA, PeerB record-level
    funnels = partnership_funnels(table, "Home", Policy(audience="internal"), "none")
    f, _ = funnels["no2_intensive_at_home"]
    # PeerA 1/1, PeerB undefined (0 in the denominator): Home and PeerA; pooled (2 + 1) / (3 + 1)
    assert f.units["unit"].to_list() == ["Home", "PeerA"] and f.reference == 0.75


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("Scotland,no2_intensive_at_home,2025/26,700,600,,PHS\n", "line 2: numerator 700 is more"),
        ("PeerX,no9_nothing,2025/26,1,2,,PHS\n", "line 2: unknown indicator 'no9_nothing'"),
        ("PeerX,no2_intensive_at_home,2025,1,2,,PHS\n", "line 2: period '2025'"),
        ("PeerX,no2_intensive_at_home,2025/26,,,53.8,PHS\n", "line 2: value 53.8 is a rate above 1"),
        ("PeerX,no2_intensive_at_home,2025/26,60,100,0.5,PHS\n", "line 2: value 0.5 does not agree"),
        ("PeerX,no2_intensive_at_home,2025/26,60,,,PHS\n", "line 2: give both numerator"),
        ("PeerX,no2_intensive_at_home,2025/26,,,abc,PHS\n", "line 2: value 'abc' is not a number"),
        ("PeerX,no2_intensive_at_home,2025/26,-1,10,,PHS\n", "line 2: numerator '-1' should be"),
        ("PeerX,no2_intensive_at_home,2025/26,,,,PHS\n", "line 2: give a value"),
        ("PeerX,no2_attainment,2025/26,1,2,,A\nPeerX,no2_attainment,2025/26,1,2,,B\n",
         "line 3: the same partnership, indicator and period as line 2"),
    ],
)  # fmt: skip
def test_a_bad_benchmark_row_is_refused_naming_its_line(tmp_path, line, message):
    path = tmp_path / "bench.csv"
    path.write_text(HEADER + line)
    with pytest.raises(UserError, match=message.replace("(", r"\(")) as caught:
        read_benchmark(path)
    assert str(path) in str(caught.value)


def test_missing_columns_are_named(tmp_path):
    path = tmp_path / "bench.csv"
    path.write_text("partnership,period,numerator,source\nPeerX,2025/26,1,PHS\n")
    with pytest.raises(UserError, match="missing columns indicator, value"):
        read_benchmark(path)


def test_the_sample_ships_an_illustrative_benchmark_file():
    bench = read_benchmark(ROOT / "data" / "benchmark" / "sample.csv")
    assert {"Scotland", "Strathcarron", "Eastmuir"} <= set(bench["partnership"])
    assert bench["source"].str.contains("Illustrative").all()
