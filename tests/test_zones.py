"""Zone figures: the area-demand SQL on a hand-made export, then zone and option figures."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from dashboard.core import disclosure
from dashboard.core.disclosure import Policy
from dashboard.core.errors import UserError
from dashboard.core.ratio import rate
from dashboard.spend.figures import provider_universe
from dashboard.zones import figures as zones
from dashboard.zones import views
from tests.builders import db_from_rows

D = date(2025, 3, 31)  # as-at; the 12-month window is (2024-03-31, 2025-03-31]
KM_PER_DEGREE = 6371.0 * math.pi / 180  # 111.19492664… km along the equator


def sq(x: float, y: float, d: float = 1.0) -> str:
    return f"POLYGON(({x} {y},{x + d} {y},{x + d} {y + d},{x} {y + d},{x} {y}))"


def area(code, partnership, lon, urban_rural):
    return {"area_code": code, "area_name": code, "locality": "L", "partnership": partnership,
            "deprivation_decile": 5, "urban_rural": urban_rural, "population": 100,
            "population_65plus": 20, "centroid_lat": 0.5, "centroid_lon": lon + 0.5,
            "geometry_wkt": sq(lon, 0.0)}  # fmt: skip


def person(pid, area_code):
    return {"person_id": pid, "birth_year": 1940, "sex": "female", "client_group": "dementia",
            "area_code": area_code}  # fmt: skip


def plan(pid, person_id, service, option, start, end, hours, complex_=False, provider=None):
    return {"plan_id": pid, "person_id": person_id, "service_type": service, "sds_option": option,
            "start_date": start, "end_date": end, "weekly_hours": hours,
            "complex_needs": complex_, "provider_id": provider}  # fmt: skip


def request(rid, area_code, assessed, started, hours):
    return {"request_id": rid, "person_id": "x", "area_code": area_code, "assessed_date": assessed,
            "hours_requested_week": hours, "package_start_date": started, "complex_needs": False}  # fmt: skip


def handback(hid, plan_id, day):
    return {"handback_id": hid, "plan_id": plan_id, "provider_id": "pv1", "handback_date": day,
            "reason": "staffing"}  # fmt: skip


def spend(sid, plan_id, person_id, start, amount, on_contract=True):
    return {"spend_id": sid, "plan_id": plan_id, "person_id": person_id, "period_start": start,
            "period_end": start, "amount_gbp": amount, "on_contract": on_contract}  # fmt: skip


d = date
ROWS = {
    # A1 urban at lon 0–1, A2 remote rural at lon 1–2 (sharing an edge), Q1 another partnership
    "areas": [area("A1", "P", 0.0, 1), area("A2", "P", 1.0, 6), area("Q1", "Q", 5.0, 1)],
    "people": [
        person("p1", "A1"),
        person("p2", "A1"),
        person("p3", "A2"),
        person("p4", "A2"),
        person("q1", "Q1"),
    ],  # fmt: skip
    "support_plans": [
        plan("h1", "p1", "home_care", 3, d(2024, 1, 1), None, 10.0, provider="pv1"),
        # starts on the as-at date: active; same person as h1, so p1 counts once
        plan("h2", "p1", "reablement", 2, d(2025, 3, 31), d(2025, 4, 10), 5.0, True, "pv2"),
        plan("h3", "p2", "home_care", 1, d(2024, 1, 1), None, 7.0),  # direct payment: left out
        # ends on the as-at date: not active, but its handbacks and spend still count
        plan("h4", "p2", "home_care", 3, d(2024, 6, 1), d(2025, 3, 31), 8.0),
        plan("h5", "p2", "personal_assistant", 3, d(2024, 1, 1), None, 20.0),  # not home care
        plan("h6", "p3", "home_care", 4, d(2025, 1, 1), None, None, True, "pv1"),  # hours gap
        plan("h8", "p3", "home_care", 3, d(2024, 1, 1), None, 5.0, provider="pv2"),
        plan("h7", "p4", "home_care", 3, d(2025, 4, 1), None, 12.0),  # starts after as-at
        plan("hq", "q1", "home_care", 3, d(2024, 1, 1), None, 99.0),  # other partnership
    ],
    "home_care_requests": [
        request("r1", "A1", d(2025, 3, 31), None, 6.0),  # assessed on the as-at date: waiting
        request("r2", "A1", d(2025, 1, 1), d(2025, 3, 31), 4.0),  # started on as-at: met
        request("r3", "A1", d(2025, 1, 1), d(2025, 4, 1), 3.0),  # starts after: waiting
        request("r4", "A2", d(2025, 4, 1), None, 9.0),  # assessed after as-at
    ],
    "handbacks": [
        handback("b1", "h4", d(2025, 3, 31)),  # last day of the window: in
        handback("b2", "h1", d(2024, 3, 31)),  # d − 365 days: out
        handback("b3", "h1", d(2024, 4, 1)),  # first day of the window: in
        handback("b4", "h3", d(2025, 1, 1)),  # direct payment: out
        handback("b5", "h6", d(2025, 2, 1)),  # A2: in
    ],
    "budget_spend": [
        spend("s1", "h1", "p1", d(2024, 3, 31), 100.0),  # before the window
        spend("s2", "h1", "p1", d(2024, 4, 1), 200.0),
        spend("s3", "h4", "p2", d(2025, 3, 31), 50.0, on_contract=False),
        spend("s4", "h3", "p2", d(2025, 1, 1), 70.0),  # direct payment
        spend("s5", "h1", "p1", d(2025, 4, 1), 40.0),  # after the as-at date
        spend("s6", "h6", "p3", d(2025, 2, 1), 30.0, on_contract=False),
        spend("s7", "h2", "p1", d(2025, 3, 31), -10.0),  # a refund
    ],
    "providers": [
        {
            "provider_id": "pv1",
            "provider_name": "One",
            "provider_type": "independent",
            "capacity_hours_week": 100.0,
        },
        {"provider_id": "pv2", "provider_name": "Two", "provider_type": "independent"},
    ],  # fmt: skip
    "home_care_lots": [
        {"lot_id": "L1", "lot_name": "North", "area_code": "A1", "model": "single_provider"}
    ],  # fmt: skip
}


@pytest.fixture(scope="module")
def con():
    return db_from_rows(ROWS)


@pytest.fixture(scope="module")
def demand(con):
    return zones.area_demand(con, "P", D)


def test_area_demand_by_hand(demand):
    got = {r["area_code"]: r for r in demand.iter_rows(named=True)}
    assert sorted(got) == ["A1", "A2"]  # Q1 is another partnership's
    a1, a2 = got["A1"], got["A2"]
    # A1: active h1 (10, home care) + h2 (5, reablement, complex); p1 once
    assert (a1["people"], a1["active_plans"], a1["weekly_hours"]) == (1, 2, 15.0)
    assert (a1["complex_hours"], a1["home_care_hours"], a1["reablement_hours"]) == (5.0, 10.0, 5.0)
    assert a1["hours_data_gap_plans"] == 0
    # A2: h6 (NULL hours, counted 0, one data gap) + h8 (5); h7 not yet started
    assert (a2["people"], a2["active_plans"], a2["weekly_hours"]) == (1, 2, 5.0)
    assert (a2["complex_hours"], a2["hours_data_gap_plans"]) == (0.0, 1)
    # unmet: r1 (6) + r3 (3) waiting at the as-at date; r2 started on it; r4 assessed after
    assert (a1["unmet_requests"], a1["unmet_hours"]) == (2, 9.0)
    assert (a2["unmet_requests"], a2["unmet_hours"]) == (0, 0.0)
    # handbacks in (2024-03-31, 2025-03-31]: b1, b3 in A1; b5 in A2
    assert (a1["handbacks_12m"], a2["handbacks_12m"]) == (2, 1)
    # spend: s2 200 + s3 50 + s7 −10 = 240 (s3 off contract); A2: s6 30 off contract
    assert (a1["spend_12m"], a1["off_contract_spend_12m"]) == (240.0, 50.0)
    assert (a2["spend_12m"], a2["off_contract_spend_12m"]) == (30.0, 30.0)
    assert (a1["urban_rural"], a2["urban_rural"], a2["population"]) == (1, 6, 100)


def test_one_zone_over_two_areas_travel_rural_share(demand):
    graph = zones.area_graph(demand)
    option = pl.DataFrame({"area_code": ["A1", "A2"], "zone": ["Z", "Z"]})
    z, opt, no_zone = zones.zone_figures(demand, option, graph, floor=30.0)
    row = z.row(0, named=True)
    assert (row["areas"], row["people"], row["weekly_hours"], row["complex_hours"]) == (
        2,
        2,
        20.0,
        5.0,
    )
    assert (row["unmet_requests"], row["handbacks_12m"], row["spend_12m"]) == (2, 3, 270.0)
    assert row["rural_share"] == pytest.approx(5 / 20)  # A2 is remote rural
    # Centroid lon = (15 × 0.5 + 5 × 1.5) ÷ 20 = 0.75, lat 0.5 for both; A1 is 0.25° away, A2 0.75°.
    # Haversine along a parallel at 0.5°N ≈ degrees × cos(0.5°) × 111.1949 km (to 1e-5).
    per_degree = KM_PER_DEGREE * math.cos(math.radians(0.5))
    assert row["travel_km"] == pytest.approx((15 * 0.25 + 5 * 0.75) / 20 * per_degree, rel=1e-5)
    assert row["contiguous"] is True
    # two 1° squares side by side near the equator: Polsby–Popper of a 2:1 rectangle = π·2/9
    assert row["compactness"] == pytest.approx(math.pi * 2 / 9, rel=5e-3)
    assert no_zone == []
    assert opt["zones"] == 1 and opt["cv_hours"] == 0.0 and opt["max_min_ratio"] == 1.0
    assert (opt["smallest_hours"], opt["floor"], opt["zones_below_floor"]) == (20.0, 30.0, 1)
    assert opt["travel_km_mean"] == pytest.approx(row["travel_km"])


def test_two_zones_balance_and_todays_lot(con, demand):
    graph = zones.area_graph(demand)
    option = pl.DataFrame({"area_code": ["A1", "A2"], "zone": ["Z1", "Z2"]})
    today = zones.todays_lots(con, "P")
    z, opt, _ = zones.zone_figures(
        demand, option, graph, floor=6.0, today=today, providers=zones.area_providers(con, "P", D)
    )
    # hours 15 and 5: mean 10, population sd 5 → CV 0.5; max ÷ min 3; one zone under 6 hours
    assert opt["cv_hours"] == pytest.approx(0.5)
    assert opt["max_min_ratio"] == pytest.approx(3.0)
    assert (opt["smallest_hours"], opt["zones_below_floor"], opt["non_contiguous"]) == (5.0, 1, 0)
    assert opt["travel_km_mean"] == 0.0  # each zone is one area, sitting on its own centroid
    # Z1 shares A1's 15 hours with lot L1; nobody changes lot; A2's person joins a lot
    assert z["matched_lot"].to_list() == ["L1", None]
    assert (opt["people_changing_lot"], opt["people_joining_a_lot"]) == (0, 1)
    # providers: Z1 has pv1 (capacity 100) and pv2 (no capacity stated); Z2 has pv1 and pv2 too.
    # pv1's recorded hours are all in A1 (10 h; its A2 plan has none recorded), so its capacity
    # counts for Z1 alone: the capacity is computed for the zone, not repeated in each
    assert z["providers"].to_list() == [2, 2]
    assert z["provider_capacity_hours"].to_list() == [100.0, 0.0]
    assert z["providers_without_capacity"].to_list() == [1, 1]
    assert z["capacity_to_hours"].to_list() == pytest.approx([100 / 15, 0.0])


def test_todays_lots_leave_uncovered_areas_out(con, demand):
    result = zones.summary_json(D, *zones.summary(con, "P", D, floor=10.0))
    assert [z["zone"] for z in result["zones"]] == ["L1"]
    assert result["areas_in_no_zone"] == ["A2"]
    zone = result["zones"][0]
    assert list(zone)[: len(zones.ZONE_JSON_KEYS)] == list(zones.ZONE_JSON_KEYS)
    assert (zone["weekly_hours"], zone["model"], zone["contiguous"]) == (
        15.0,
        "single_provider",
        True,
    )
    assert set(result["option"]) >= {"zones", "cv_hours", "max_min_ratio", "smallest_hours",
                                     "floor", "travel_km_mean", "compactness_mean",
                                     "non_contiguous"}  # fmt: skip
    assert result["as_at"] == "2025-03-31" and result["option"]["floor"] == 10.0


def test_people_changing_lot_by_hungarian_match():
    demand = pl.DataFrame({"area_code": ["a", "b", "c"], "people": [1, 2, 3],
                           "weekly_hours": [10.0, 10.0, 4.0]})  # fmt: skip
    today = pl.DataFrame({"area_code": ["a", "b", "c"], "zone": ["L1", "L1", "L2"]})
    option = pl.DataFrame({"area_code": ["a", "b", "c"], "zone": ["X", "Y", "Y"]})
    # shared hours X–L1 10, Y–L1 10, Y–L2 4: X→L1 + Y→L2 = 14 beats X→L2 + Y→L1 = 10
    assert zones.match_to_lots(demand, option, today) == {"X": "L1", "Y": "L2"}
    _, changes = zones._lot_changes(demand, option, today)
    # b (2 people, 10 hours) sits in L1 today but its zone Y becomes L2
    assert changes == {"people_changing_lot": 2, "hours_changing_lot": 10.0,
                       "people_joining_a_lot": 0}  # fmt: skip


def test_zone_without_hours_has_no_travel_and_no_max_min(demand):
    empty = demand.with_columns(pl.when(pl.col("area_code") == "A2").then(0.0)
                                .otherwise(pl.col("weekly_hours")).alias("weekly_hours"))  # fmt: skip
    option = pl.DataFrame({"area_code": ["A1", "A2"], "zone": ["Z1", "Z2"]})
    z, opt, _ = zones.zone_figures(empty, option, zones.area_graph(empty))
    assert z["travel_km"].to_list() == [0.0, None]
    assert z["rural_share"].to_list() == [0.0, None]
    assert opt["max_min_ratio"] is None and opt["floor"] is None
    assert opt["cv_hours"] == pytest.approx(1.0)  # 15 and 0: mean 7.5, sd 7.5


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("area,zone\nA1,Z\n", "first line must name"),
        ("area_code,zone\nA1,Z\nA9,Z\n", "line 3: area A9 is not an area"),
        ("area_code,zone\nA1,Z\nA2,Y\nA1,Y\n", "line 4: area A1 is listed again (first on line 2)"),
        ("area_code,zone\nA1,\n", "line 2: area_code and zone must both be filled in"),
        ("area_code,zone\n", "lists no areas"),
    ],
)
def test_option_csv_errors_name_file_and_line(text, problem):
    with pytest.raises(UserError) as err:
        zones.read_option(text, ["A1", "A2"], name="opt.csv")
    assert str(err.value).startswith("opt.csv") and problem in str(err.value)


def test_option_csv_read_from_file_with_model(tmp_path: Path):
    path = tmp_path / "option.csv"
    path.write_text("Area_Code,Zone,Model\nA1,North,two_providers\nA2,South,\n", encoding="utf-8")
    option = zones.read_option(path, ["A1", "A2", "A3"])
    assert option.rows() == [("A1", "North", "two_providers"), ("A2", "South", None)]


def test_direct_payment_uptake_by_hand(con, demand):
    got = {r["area_code"]: r for r in demand.iter_rows(named=True)}
    # A1: p1 (h1 option 3, h2 option 2) and p2 (h3, a direct payment) have a home care plan
    # active at the as-at date; h4 ended on it and h5 is not home care. A2: p3 (h6, h8); p4's
    # h7 has not started
    assert (got["A1"]["direct_payment_people"], got["A1"]["people_any_option"]) == (1, 2)
    assert (got["A2"]["direct_payment_people"], got["A2"]["people_any_option"]) == (0, 1)
    graph = zones.area_graph(demand)
    one = pl.DataFrame({"area_code": ["A1", "A2"], "zone": ["Z", "Z"]})
    z, _, _ = zones.zone_figures(demand, one, graph)
    assert z["direct_payment_uptake"].to_list() == [pytest.approx(1 / 3)]
    two = pl.DataFrame({"area_code": ["A1", "A2"], "zone": ["Z1", "Z2"]})
    z, _, _ = zones.zone_figures(demand, two, graph)
    assert z["direct_payment_uptake"].to_list() == [0.5, 0.0]


def _inputs(con, demand):
    """The zone pages' inputs for the hand-made export (attainment left empty)."""
    demand = demand.with_columns(met=pl.lit(0), denominator=pl.lit(0)).with_columns(
        rate(num, den).alias(r) for r, (num, den) in views.RATES.items()
    )
    return views.ZoneInputs(
        D, demand, pl.DataFrame({"area_code": [], "zone": [], "model": []}, schema=[
            ("area_code", pl.Utf8), ("zone", pl.Utf8), ("model", pl.Utf8)]),
        zones.area_providers(con, "P", D), zones.area_graph(demand), None, {},
        provider_universe(con, "P"),
    )  # fmt: skip


def test_uptake_in_the_zone_table_and_option_summary_hidden_for_a_board(con, demand):
    inputs = _inputs(con, demand)
    two = pl.DataFrame({"area_code": ["A1", "A2"], "zone": ["Z1", "Z2"]})
    seen = views.option_view(inputs, two, Policy(audience="internal"), name="X")
    assert seen.zones["direct_payment_uptake"].to_list() == [0.5, 0.0]
    summary = seen.summary.row(0, named=True)
    assert (summary["lowest_direct_payment_uptake"], summary["highest_direct_payment_uptake"]) == (
        0.0,
        0.5,
    )
    shown = disclosure.display(seen.summary, Policy(audience="internal"))
    assert shown["highest_direct_payment_uptake"].to_list() == ["50.0%"]
    # for a board 1 of 2 and 0 of 1 are small: both rates hidden, and the summary's range, made
    # only of rates a board may see, is empty rather than giving them away
    board = views.option_view(inputs, two, Policy(audience="board"), name="X")
    assert disclosure.display(board.zones, Policy(audience="board"))[
        "direct_payment_uptake"
    ].to_list() == ["hidden", "hidden"]
    row = board.summary.row(0, named=True)
    assert row["lowest_direct_payment_uptake"] is None
    assert row["highest_direct_payment_uptake"] is None


def test_command_line_protects_uptake_counts_as_a_sum():
    # 9 people with one of these plans, 2 with a direct payment, 11 with either: the 2 is small,
    # and 11 − 9 would give it away, so 9 is hidden too
    frame = pl.DataFrame(
        {"people": [9], "direct_payment_people": [2], "people_any_option": [11],
         "direct_payment_uptake": [2 / 11]}
    )  # fmt: skip
    safe = disclosure.protect(
        frame, Policy(audience="board"), counts=["people"], rates=zones.RATES, parts=zones.PARTS
    )
    hidden = {c for c in frame.columns if safe[disclosure.flag(c)][0]}
    assert hidden == {"people", "direct_payment_people", "direct_payment_uptake"}


def test_providers_listed_by_name_with_their_capacity_for_the_zone(con, demand, monkeypatch):
    inputs = _inputs(con, demand)
    two = pl.DataFrame({"area_code": ["A1", "A2"], "zone": ["Z1", "Z2"]})
    # pv1 (One, capacity 100) records all its hours (10) in A1: its 100 counts for Z1, 0 for Z2;
    # pv2 (Two) states no capacity
    internal = views.provider_lists(inputs, two, Policy(audience="internal"))
    assert internal == {
        "Z1": "One (100.0 h), Two (capacity not given)",
        "Z2": "One (0.0 h), Two (capacity not given)",
    }
    board = views.provider_lists(inputs, two, Policy(audience="board"))
    assert board["Z1"] == "Provider 1 (100.0 h), Provider 2 (capacity not given)"
    monkeypatch.setattr(views, "MAX_LISTED_PROVIDERS", 1)
    assert views.provider_lists(inputs, two, Policy(audience="internal"))["Z1"] == (
        "One (100.0 h) and 1 more"
    )
    seen = views.option_view(inputs, two, Policy(audience="internal"), name="X")
    assert seen.zones["provider_list"].to_list() == [
        "One (100.0 h) and 1 more",
        "One (0.0 h) and 1 more",
    ]
