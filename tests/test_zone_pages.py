"""The zone pages on a hand-made grid: figures through disclosure control, the map, the comparison
sentence, designing and editing, saving and loading, and both page files running in AppTest.

The grid (squares of 0.01°, near 56° N 3° W), with weekly hours and people per area:

    lat 56.01–56.02   A4 10h 1p (L1)   A5 20h 2p (L2)   A6 20h 1p (L2)
    lat 56.00–56.01   A1 20h 2p (L1)   A2 10h 1p (L1)   A3 60h 6p (L2)      A7 5h 1p: no polygon,
                                                                              in no lot
Today's lots: L1 = A1, A2, A4 (40 h, 4 people); L2 = A3, A5, A6 (100 h, 9 people).
Option B: Z1 = A1, A2, A4, A5 (60 h); Z2 = A3, A6 (80 h); A7 left out.
"""

from __future__ import annotations

import json
import math
from datetime import date
from pathlib import Path

import polars as pl
import pytest
import shapely
from streamlit.testing.v1 import AppTest

from dashboard.app.navigation import builder
from dashboard.core import areamap, disclosure, palette
from dashboard.core.errors import UserError
from dashboard.core.page import View
from dashboard.core.settings import Settings
from dashboard.extract.export import open_export
from dashboard.zones import change_map, maps, options, views, zone_compare
from dashboard.zones.design import InfeasibleDesign
from tests import tiny
from tests.builders import write_export

ROOT = Path(__file__).resolve().parent.parent
EXTRACT = date(2026, 3, 31)
VIEW = View("Home", "2025/26")  # as-at 2026-03-31
D = 0.01


def square(i: int, j: int) -> str:
    x, y = round(-3.0 + i * D, 6), round(56.0 + j * D, 6)
    return f"POLYGON(({x} {y},{x + D} {y},{x + D} {y + D},{x} {y + D},{x} {y}))"


def area(code, i, j, *, polygon=True, decile=5, urban_rural=2):
    return {"area_code": code, "area_name": f"Area {code}", "locality": "North",
            "partnership": "Home", "deprivation_decile": decile, "urban_rural": urban_rural,
            "population": 500, "population_65plus": 100, "centroid_lat": 56.0 + j * D + D / 2,
            "centroid_lon": -3.0 + i * D + D / 2,
            "geometry_wkt": square(i, j) if polygon else None}  # fmt: skip


# area: (grid position, weekly hours of each person living there)
LAYOUT = {
    "A1": ((0, 0), [10, 10]), "A2": ((1, 0), [10]), "A3": ((2, 0), [10] * 6),
    "A4": ((0, 1), [10]), "A5": ((1, 1), [10, 10]), "A6": ((2, 1), [20]), "A7": ((3.5, 0), [5]),
}  # fmt: skip


LOT_NAMES = {"L1": "Lot A: West", "L2": "Lot B: East"}  # the export names its lots


def grid_tables() -> dict[str, list[dict]]:
    areas, people, plans = [], [], []
    for code, ((i, j), hours) in LAYOUT.items():
        areas.append(area(code, i, j, polygon=code != "A7", decile=1 if code == "A3" else 6,
                          urban_rural=6 if code in ("A3", "A6") else 2))  # fmt: skip
        for n, h in enumerate(hours):
            pid = f"{code}p{n}"
            people.append({"person_id": pid, "birth_year": 1940, "sex": "female",
                           "client_group": "dementia", "area_code": code})  # fmt: skip
            plans.append({"plan_id": f"S{pid}", "person_id": pid, "start_date": date(2025, 1, 1),
                          "end_date": None, "sds_option": 3, "service_type": "home_care",
                          "weekly_hours": float(h), "weekly_budget_gbp": 200.0,
                          "provider_id": "PR1", "complex_needs": False})  # fmt: skip
    lots = [{"lot_id": lot, "lot_name": LOT_NAMES[lot], "area_code": code, "model": model}
            for lot, model, codes in (("L1", "single_provider", "A1 A2 A4"),
                                      ("L2", "two_providers", "A3 A5 A6"))
            for code in codes.split()]  # fmt: skip
    # six handbacks in A3, one in A1
    handbacks = [{"handback_id": f"H{pid}", "plan_id": f"S{pid}", "provider_id": "PR1",
                  "handback_date": date(2025, 9, 1), "reason": "staffing"}
                 for pid in ["A1p0"] + [f"A3p{n}" for n in range(6)]]  # fmt: skip
    # six requests waiting in A3 and one in A6: L2 has 7, so A3's 6 must hide A6's 1 from a board
    requests = [{"request_id": f"Q{n}", "person_id": "X", "area_code": code,
                 "assessed_date": date(2026, 1, 1), "hours_requested_week": 2.0,
                 "package_start_date": None, "complex_needs": False}
                for n, code in enumerate(["A3"] * 6 + ["A6"])]  # fmt: skip
    # outcomes of A3's six people: 4 met, 2 not met; A1's first person: met
    reviewed = [("A3p0", "met"), ("A3p1", "met"), ("A3p2", "met"), ("A3p3", "met"),
                ("A3p4", "not_met"), ("A3p5", "not_met"), ("A1p0", "met")]  # fmt: skip
    outcomes = [{"outcome_id": f"O{pid}", "plan_id": f"S{pid}", "person_id": pid,
                 "set_date": date(2025, 2, 1), "outcome_text": "x", "domain": "feeling_safe",
                 "national_outcome": None} for pid, _ in reviewed]  # fmt: skip
    reviews = [{"review_id": f"R{pid}", "outcome_id": f"O{pid}", "plan_id": f"S{pid}",
                "person_id": pid, "review_date": date(2025, 7, 1), "status": status, "score": None}
               for pid, status in reviewed]  # fmt: skip
    providers = [{"provider_id": "PR1", "provider_name": "Care Co", "provider_type": "independent",
                  "quality_grade": 5, "capacity_hours_week": 400.0}]  # fmt: skip
    return {"areas": areas, "people": people, "support_plans": plans, "home_care_lots": lots,
            "handbacks": handbacks, "home_care_requests": requests, "providers": providers,
            "personal_outcomes": outcomes, "outcome_reviews": reviews}  # fmt: skip


OPTION_B = "area_code,zone\nA1,Z1\nA2,Z1\nA4,Z1\nA5,Z1\nA3,Z2\nA6,Z2\n"


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    root = tmp_path_factory.mktemp("zones")
    folder = write_export(root / "export", grid_tables(), EXTRACT)
    settings = Settings(cache_dir=root / "cache", options_dir=root / "options", audience="internal")
    export = open_export(folder, settings)
    inputs = views.zone_inputs(export, settings, VIEW)
    return root, folder, export, settings, inputs


INTERNAL = disclosure.Policy(audience="internal")
BOARD = disclosure.Policy(audience="board")


def rows(df: pl.DataFrame, key: str) -> dict[str, dict]:
    return {r[key]: r for r in df.iter_rows(named=True)}


def test_zone_map_page_figures_for_today(env):
    _, _, export, settings, _ = env
    page = builder("zone-map")(export, settings, VIEW)
    z = rows(page.tables["zones"], "zone")
    # L1: A1 20 + A2 10 + A4 10 = 40 h, 2 + 1 + 1 = 4 people, 1 handback (A1)
    assert (z["L1"]["weekly_hours"], z["L1"]["people"], z["L1"]["handbacks_12m"]) == (40.0, 4, 1)
    # L2: A3 60 + A5 20 + A6 20 = 100 h, 6 + 2 + 1 = 9 people; 6 handbacks; 7 waiting requests
    assert (z["L2"]["weekly_hours"], z["L2"]["people"], z["L2"]["unmet_requests"]) == (100.0, 9, 7)
    assert z["L2"]["model"] == "two_providers"
    # rural share: A3 and A6 are class 6: (60 + 20) / 100 = 0.8; none of L1 is rural
    assert (z["L2"]["rural_share"], z["L1"]["rural_share"]) == (pytest.approx(0.8), 0.0)
    # attainment: L2 = A3's 4 met of 6; L1 = A1's 1 of 1
    assert (z["L2"]["met"], z["L2"]["denominator"]) == (4, 6)
    assert z["L2"]["attainment"] == pytest.approx(4 / 6)
    option = page.tables["option"].row(0, named=True)
    # hours 40 and 100: mean 70, population sd 30, CV 30/70; max ÷ min 100/40 = 2.5
    assert option["cv_hours"] == pytest.approx(30 / 70)
    assert option["max_min_ratio"] == pytest.approx(2.5)
    assert (option["zones"], option["areas_in_no_zone"], option["non_contiguous"]) == (2, 1, 0)
    a = rows(page.tables["areas"], "area_code")
    assert a["A7"]["zone"] is None and a["A3"]["deprivation_decile"] == 1
    text = " ".join(page.sentences)
    assert "Today there are 2 lots." in text and "1 areas are in no lot" in text
    assert "drawn as dots" in text  # A7 has no polygon: neighbours are "mixed"
    assert page.map_alt.endswith(
        "Lot B: East has the highest weekly hours (100.0) and Lot A: West the lowest (40.0)."
    )


def test_board_sees_small_counts_suppressed_and_no_differencing(env):
    *_, inputs = env
    view = views.option_view(inputs, inputs.today, BOARD, name="Today", against_today=False)
    z = disclosure.display(view.zones, BOARD)
    zr = rows(z, "zone")
    # L1: 4 people and 1 handback are under 5; L2: 9 people and 6 handbacks are shown
    assert (zr["L1"]["people"], zr["L1"]["handbacks_12m"]) == ("<5", "<5")
    assert (zr["L2"]["people"], zr["L2"]["handbacks_12m"]) == ("9", "6")
    # L2's attainment 4 of 6: 4 met and 2 not met are both small, so the rate is hidden
    assert zr["L2"]["attainment"] == "hidden"  # a rate hidden reads "hidden", never "<5"
    ar = rows(disclosure.display(views.area_table(view), BOARD), "area_code")
    # requests: L2 7 = A3 6 + A6 1 (+ A5 0). A6's 1 is hidden, so A3's 6 (the smallest shown
    # non-zero part) is hidden too, or 7 − 6 would give A6 away
    assert (ar["A6"]["unmet_requests"], ar["A3"]["unmet_requests"]) == ("<5", "<5")
    assert zr["L2"]["unmet_requests"] == "7"
    # the tooltips use the same screen text
    deck = maps.map_deck(view, "handbacks", BOARD)
    tips = {d["tooltip"].split("\n")[0]: d["tooltip"] for d in deck.layers[0].data}
    assert "People with home care: <5" in tips["Area A1 (A1)"]
    assert "Handbacks (12 months): <5" in tips["Area A1 (A1)"]
    # L2's 9 people = A3 6 + A5 2 + A6 1: with A5 and A6 hidden, 9 − 6 = 3 would tell the board
    # that A5 and A6 hold 3 people together, so A3's 6 is hidden too (issue 26)
    assert "People with home care: <5" in tips["Area A3 (A3)"]
    # the alt text only states what a board may see: L1's handbacks are hidden, so no extremes
    assert "highest" not in maps.map_alt(view, "handbacks", BOARD)


def layer(deck, layer_id: str):
    (found,) = [x for x in deck.layers if x.id == layer_id]
    return found


def test_map_deck_zone_colours_names_legend_and_no_basemap(env):
    *_, inputs = env
    view = views.option_view(inputs, inputs.today, INTERNAL, name="Today")
    deck = maps.map_deck(view, maps.ZONE_MEASURE, INTERNAL, selected="A5", locked={"A2": "L1"})
    polygons, points = layer(deck, areamap.AREA_LAYER), layer(deck, areamap.POINT_LAYER)
    assert len(polygons.data) == 6 and len(points.data) == 1  # A7 has no polygon: a dot
    # two zones: the first two colours of the zone palette, in zone order; A7 in no lot: grey
    fill = {d["area_code"]: d["fill"] for d in polygons.data + points.data}
    l1, l2 = (palette.rgba(c, maps.ZONE_ALPHA) for c in areamap.ZONE_FILLS[:2])
    assert [fill[a] for a in ("A1", "A2", "A4")] == [l1] * 3
    assert [fill[a] for a in ("A3", "A5", "A6")] == [l2] * 3
    assert fill["A7"] == palette.rgba(areamap.NO_ZONE_FILL, maps.ZONE_ALPHA)
    width = {d["area_code"]: d["width"] for d in polygons.data + points.data}
    assert (width["A5"], width["A2"], width["A7"], width["A1"]) == (5, 3, 2, 0.6)
    # names, not ids, inside their zones: L1 covers A1 (0–1), A2 (1–2) and A4 (0–1 north), so its
    # label sits inside that L-shape; the marks name A7 (in no lot) and A2 (locked)
    names = {d["text"]: d["position"] for d in layer(deck, "zone-names").data}
    assert set(names) == {"Lot A: West", "Lot B: East"}
    west = shapely.geometry.shape(view.outlines["features"][0]["geometry"])
    assert west.contains(shapely.geometry.Point(names["Lot A: West"]))
    marks = sorted(d["text"] for d in layer(deck, "area-marks").data)
    assert marks == ["In no zone", "Locked"]
    halo = layer(deck, "zone-names")
    assert halo.outline_width > 0 and halo.font_settings == {"sdf": True}
    assert "monospace" not in halo.font_family
    # the scale bar: the grid is 0.035° wide at 56° N, 2.18 km; a fifth of that is under 0.5 km,
    # so the shortest step, 0.5 km = 0.5 / (111.32 × cos 56°) = 0.00803° of longitude
    (bar, *_) = layer(deck, "scale-bar").data
    (west_end, y), (east_end, _) = bar["path"]
    assert east_end - west_end == pytest.approx(0.5 / (111.32 * math.cos(math.radians(y))))
    assert layer(deck, "scale-label").data[0]["text"] == "0.5 km"
    spec = json.loads(deck.to_json())
    # pydeck's placeholder, which Streamlit drops; None would make it fetch Carto's basemap
    assert spec.get("mapStyle") == "__MAP_STYLE__" and spec.get("mapProvider") is None
    with_tiles = maps.map_deck(
        view, "weekly_hours", INTERNAL, basemap_url="https://tiles.example/s"
    )
    assert json.loads(with_tiles.to_json())["mapStyle"] == "https://tiles.example/s"
    title, keys = maps.legend(view, maps.ZONE_MEASURE, INTERNAL)
    assert [(k.fill, k.text) for k in keys[:3]] == [
        (areamap.ZONE_FILLS[0], "Lot A: West: 40.0 weekly hours"),
        (areamap.ZONE_FILLS[1], "Lot B: East: 100.0 weekly hours"),
        (areamap.NO_ZONE_FILL, keys[2].text),
    ]  # fmt: skip
    html = maps.legend_html(title, keys)
    assert "background:#77AADD" in html and "Lot A: West: 40.0 weekly hours" in html


def test_one_in_no_zone_mark_per_group_of_areas(env):
    *_, inputs = env
    centre = {c: [-3.0 + i * D + D / 2, 56.0 + j * D + D / 2] for c, ((i, j), _) in LAYOUT.items()}

    def marks(zone_of: dict[str, str]) -> list:
        option = pl.DataFrame({"area_code": list(zone_of), "zone": list(zone_of.values())})
        view = views.option_view(inputs, option, INTERNAL, name="X")
        deck = maps.map_deck(view, maps.ZONE_MEASURE, INTERNAL)
        found = [d["position"] for d in layer(deck, "area-marks").data if d["text"] == "In no zone"]
        return sorted(found)

    # A2, A4, A5, A6 and A7 (a dot, joined to its nearest areas) left out: one group across the
    # whole grid, 3.5 squares wide, marked once (it used to carry a mark every 0.15 of the map)
    assert len(marks({"A1": "Z1", "A3": "Z2"})) == 1
    # A4 alone in the north-west; A6 and A7 (A7 joined to A6 as one of its nearest) in the east:
    # two groups, two marks; A4's on itself, the other on A6 (of two areas as near the middle,
    # the first)
    got = marks({"A1": "Z", "A2": "Z", "A3": "Z", "A5": "Z"})
    assert got == [pytest.approx(centre["A4"]), pytest.approx(centre["A6"])]  # west to east


def test_map_deck_shades_by_a_measure(env):
    *_, inputs = env
    view = views.option_view(inputs, inputs.today, INTERNAL, name="Today")
    deck = maps.map_deck(view, "weekly_hours", INTERNAL)
    polygons, points = deck.layers[:2]
    # weekly hours 5, 10, 20, 60 (four distinct values): each its own class, spread over the
    # five shades as 0, round(4/3) = 1, round(8/3) = 3, 4
    fill = {d["area_code"]: d["fill"] for d in polygons.data}
    assert fill["A3"] == palette.rgba(maps.SEQUENTIAL[4], maps.FILL_ALPHA)
    assert fill["A1"] == palette.rgba(maps.SEQUENTIAL[3], maps.FILL_ALPHA)
    assert fill["A2"] == palette.rgba(maps.SEQUENTIAL[1], maps.FILL_ALPHA)
    assert points.data[0]["fill"] == palette.rgba(maps.SEQUENTIAL[0], maps.FILL_ALPHA)
    _, keys = maps.legend(view, "weekly_hours", INTERNAL)
    assert [(k.fill, k.text) for k in keys[:4]] == [
        (maps.SEQUENTIAL[0], "5"), (maps.SEQUENTIAL[1], "10"), (maps.SEQUENTIAL[3], "20"),
        (maps.SEQUENTIAL[4], "60")]  # fmt: skip
    # deprivation: fixed bands, darker = more deprived: A3 (decile 1) darkest
    deck = maps.map_deck(view, "deprivation", INTERNAL)
    fill = {d["area_code"]: d["fill"] for d in deck.layers[0].data}
    assert fill["A3"] == palette.rgba(maps.SEQUENTIAL[4], maps.FILL_ALPHA)
    assert fill["A1"] == palette.rgba(maps.SEQUENTIAL[2], maps.FILL_ALPHA)  # decile 6


def test_compare_sentence_and_people_changing_lot(env):
    *_, inputs = env
    option = options.load_option(OPTION_B, inputs, name="B.csv")
    result = zone_compare.compare(inputs, {"Option B": option}, INTERNAL)
    b = result.summary.row(1, named=True)
    # Z1 60 h, Z2 80 h: max ÷ min 80/60. Z1 matches L1 (40 h shared), Z2 matches L2 (80 h), so
    # A5's 2 people (in L2 today, in Z1 → L1) change lot
    assert b["max_min_ratio"] == pytest.approx(80 / 60)
    assert (b["people_changing_lot"], b["hours_changing_lot"]) == (2, 20.0)
    assert result.sentences[0] == (
        "Option B evens out the hours: the biggest zone is 1.3 times the smallest, "
        "against 2.5 today, but 2 people would change lot."
    )
    # the weakest zone for a tender: Z2 (A3, A6) holds all 7 requests of 2 h = 14 h waiting and
    # A3's 6 handbacks, as L2 does today; one provider (PR1) works everywhere
    assert result.sentences[2:5] == [
        "Its zone with the most hours waiting for a package has 14 a week, against 14 in today's "
        "lot with the most.",
        "Its zone with the most packages handed back had 6 in 12 months, against 6 in today's lot "
        "with the most.",
        "The zone with the fewest providers already working there has 1 (today's lots: 1).",
    ]
    # the change map: A5 goes from L2 to Z1 (matched to L1), A7 (in no lot) is left out of both
    view = result.views["Option B"]
    assert {a: c for a, c in view.changes.items() if c != "stays"} == {
        "A5": "changes", "A7": "leaves"}  # fmt: skip
    title, keys = change_map.change_legend(view)
    assert [k.text.split(":")[1].split()[0] for k in keys] == ["1", "0", "1", "5"]
    deck = change_map.change_deck(view)
    fills = {d["area_code"]: d["fill"] for d in deck.layers[0].data + deck.layers[1].data}
    assert fills["A5"] == palette.rgba(palette.DARK_PINK, 220)
    board = zone_compare.compare(inputs, {"Option B": option}, BOARD)
    assert board.sentences[0].endswith("but fewer than 5 people would change lot.")
    assert board.summary["people_changing_lot"].to_list() == [None, None]
    with pytest.raises(UserError, match="Up to 3"):
        zone_compare.compare(inputs, dict.fromkeys("abcd", option), INTERNAL)


def test_propose_keeps_locked_lot_and_reports_infeasible(env):
    _, _, _, settings, inputs = env
    seen = []
    option = options.proposal(
        inputs, settings, k=2, floor=None, keep_lots=["L1"], progress=lambda f, m: seen.append(f)
    ).option
    zones = {z: sorted(g["area_code"]) for (z,), g in option.group_by("zone")}
    # L1 is kept; the other zone takes every other area
    assert zones == {"L1": ["A1", "A2", "A4"], "Z1": ["A3", "A5", "A6", "A7"]}
    assert dict(option.select("zone", "model").unique().iter_rows()) == {
        "L1": "single_provider", "Z1": None}  # fmt: skip
    assert seen[-1] == 1.0
    with pytest.raises(InfeasibleDesign, match="from 4 areas"):  # 7 areas, 3 of them kept in L1
        options.proposal(inputs, settings, k=6, keep_lots=["L1"], floor=None)
    with pytest.raises(InfeasibleDesign, match="Keeping 2 of today's lots"):
        options.proposal(inputs, settings, k=2, keep_lots=["L1", "L2"], floor=None)


def test_hand_edits_change_the_figures(env):
    *_, inputs = env
    moved = options.move_area(inputs.today, "A5", "L1")
    view = views.option_view(inputs, moved, INTERNAL, name="Edited")
    z = rows(view.zones, "zone")
    # A5's 20 h move from L2 to L1: 60 and 80; A5 takes L1's model
    assert (z["L1"]["weekly_hours"], z["L2"]["weekly_hours"]) == (60.0, 80.0)
    assert moved.filter(pl.col("area_code") == "A5")["model"].item() == "single_provider"
    modelled = options.set_model(moved, "L2", "complex_care")
    assert set(modelled.filter(pl.col("zone") == "L2")["model"]) == {"complex_care"}
    with pytest.raises(UserError, match="not a lot model"):
        options.set_model(moved, "L2", "whatever")
    what, pros, cons = options.model_notes("two_providers")
    assert pros.startswith("Advantages") and cons.startswith("Risks")


def test_saved_option_reads_back_and_export_folder_refused(env, tmp_path):
    _, folder, export, settings, inputs = env
    option = options.set_model(options.load_option(OPTION_B, inputs), "Z1", "reablement")
    csv_path, geo_path = options.save_option(option, inputs, tmp_path / "opts", "Option B!")
    assert csv_path.name == "Option-B.csv"
    assert csv_path.read_text().splitlines()[:2] == ["area_code,zone,model", "A1,Z1,reablement"]
    back = options.load_option(csv_path, inputs)
    assert back.equals(option.sort("area_code"))
    features = json.loads(geo_path.read_text())["features"]
    assert [(f["properties"]["zone"], f["properties"]["areas"]) for f in features] == [
        ("Z1", 4), ("Z2", 2)]  # fmt: skip
    assert options.saved_options(tmp_path / "opts") == [csv_path]
    inside = Settings(cache_dir=settings.cache_dir, options_dir=folder / "options")
    with pytest.raises(UserError, match="inside the export folder"):
        options.options_folder(inside, export)
    with pytest.raises(UserError, match="Give the option a name"):
        options.save_option(option, inputs, tmp_path / "opts", "!!")


def test_compare_page_reads_the_options_folder(env):
    root, _, export, settings, inputs = env
    options.save_option(options.load_option(OPTION_B, inputs), inputs, root / "options", "B")
    page = builder("zone-compare")(export, settings, VIEW)
    assert page.tables["summary"]["option"].to_list() == ["Today's lots", "B"]
    assert page.sentences[1].startswith("B evens out the hours")
    assert set(page.tables) == {"summary", "zones_today", "zones_B"}


# --- the page files -------------------------------------------------------------------------------


@pytest.fixture
def app_env(tmp_path, point_app):
    folder = write_export(tmp_path / "export", grid_tables(), EXTRACT)
    options_dir = tmp_path / "options"
    point_app(folder, data={"options_dir": options_dir}, disclosure={"audience": "internal"})
    return folder, options_dir


def run_page(script: str) -> AppTest:
    app = AppTest.from_file(str(ROOT / "pages" / script), default_timeout=60)
    app.run()
    return app


def frame_with(app: AppTest, column: str):
    """The first table on the page with `column` (zones: model; summary: option)."""
    return next(d.value for d in app.dataframe if column in d.value.columns)


def test_zone_map_page_runs_designs_and_edits(app_env):
    app = run_page("zone_map.py")
    assert not app.exception, app.exception
    zones_shown = frame_with(app, "model")
    assert list(zones_shown["zone"]) == ["L1", "L2"]
    assert list(zones_shown["name"]) == ["Lot A: West", "Lot B: East"]
    assert list(zones_shown["weekly_hours"]) == ["40.0", "100.0"]
    assert not any("seed" in n.label.lower() for n in app.number_input)  # no seed on the page
    app.number_input[0].set_value(2)
    app.multiselect[0].select("L1")
    app.button(key="FormSubmitter:design-Design zones").click().run()
    assert not app.exception, app.exception
    assert any("working option" in i.value for i in app.info)
    assert list(frame_with(app, "model")["zone"]) == ["L1", "Z1"]
    app.selectbox(key="model-zone").select("Z1")
    app.selectbox(key="model-choice").select("reablement")
    app.button(key="set-model").click().run()
    assert list(frame_with(app, "model")["model"]) == ["Single provider", "Reablement"]  # labels
    app.text_input(key="option-name").input("mine")
    app.button(key="save").click().run()
    assert not app.exception, app.exception
    _, options_dir = app_env
    assert (options_dir / "mine.csv").read_text().splitlines()[-1] == "A7,Z1,reablement,"


def test_picked_area_moves_and_stays_locked_through_a_redesign(app_env):
    """The keyboard way to what a click on the map does (the browser test clicks): pick A5 by
    name, move it from L2 to L1, lock it there, redesign; the option keeps its floor."""
    app = run_page("zone_map.py")
    app.selectbox(key="area-pick").select("A5").run()
    assert any("Area A5 is in Lot B: East." in m.value for m in app.markdown)
    app.selectbox(key="move-to").select("L1")
    app.button(key="move").click().run()
    assert not app.exception, app.exception
    # A5's 20 h move from L2 to L1: 40 + 20 = 60 and 100 − 20 = 80
    assert list(frame_with(app, "model")["weekly_hours"]) == ["60.0", "80.0"]
    app.button(key="lock").click().run()
    assert any("Locked for the next design: Area A5 (Lot A: West)" in c.value for c in app.caption)
    app.number_input[0].set_value(2)
    app.number_input[1].set_value(30.0)
    app.button(key="FormSubmitter:design-Design zones").click().run()
    assert not app.exception, app.exception
    working = app.session_state["zone_working_option"]
    zone_of = dict(working.select("area_code", "zone").iter_rows())
    assert zone_of["A5"] == "L1"  # the lock's label names the zone that keeps it
    summary = frame_with(app, "option")
    assert list(summary["floor"]) == ["30.0"]
    app.text_input(key="option-name").input("floored")
    app.button(key="save").click().run()
    _, options_dir = app_env
    assert (options_dir / "floored.csv").read_text().splitlines()[1].endswith(",30.0")
    # reopened in a new session: the floor comes back with the option
    app = run_page("zone_map.py")
    app.selectbox(key="open-choice").select("floored")
    app.button(key="open").click().run()
    assert not app.exception, app.exception
    assert list(frame_with(app, "option")["floor"]) == ["30.0"]
    assert app.number_input[1].value == 30.0


def test_infeasible_design_is_an_error_message(app_env):
    app = run_page("zone_map.py")
    app.number_input[0].set_value(9)
    app.button(key="FormSubmitter:design-Design zones").click().run()
    assert not app.exception
    assert "from 7 areas" in app.error[0].value


def test_compare_page_loading_an_option_changes_the_table(app_env):
    _, options_dir = app_env
    options_dir.mkdir()
    (options_dir / "B.csv").write_text(OPTION_B)
    app = run_page("zone_compare.py")
    assert not app.exception, app.exception
    # the summary one row per figure, one column per option: it fits the page's width
    summary = frame_with(app, "Option")
    assert list(summary.columns) == ["Option", "Today's lots"]
    app.multiselect(key="options").select("B").run()
    assert not app.exception, app.exception
    summary = frame_with(app, "Option")
    assert list(summary.columns) == ["Option", "Today's lots", "B"]
    ratio = summary[summary["Option"] == "Biggest zone ÷ smallest"]
    assert list(ratio.iloc[0]) == ["Biggest zone ÷ smallest", "2.5", "1.3"]  # 100 ÷ 40, 80 ÷ 60
    assert any("B evens out the hours" in m.value for m in app.markdown)
    # each option's zones the same way round: a column per zone, by name
    zones = [d.value for d in app.dataframe if "Name" in d.value.columns]
    assert [list(z.columns) for z in zones[:2]] == [
        ["Name", "Lot A: West", "Lot B: East"],
        ["Name", "Z1", "Z2"],
    ]
    weekly = zones[1][zones[1]["Name"] == "Weekly hours"]
    assert list(weekly.iloc[0]) == ["Weekly hours", "60.0", "80.0"]


@pytest.mark.parametrize("script", ["zone_map.py", "zone_compare.py"])
def test_pages_run_without_polygons_or_lots_for_a_board(tmp_path, point_app, script):
    """tests/tiny.py: two areas without polygons; no home_care_lots table at all."""
    data = tiny.tables()
    del data["home_care_lots"]
    point_app(write_export(tmp_path / "export", data, tiny.EXTRACT))
    app = run_page(script)
    assert not app.exception, app.exception
    if script == "zone_map.py":
        assert any("no home care lots" in m.value for m in app.markdown)


def test_island_without_a_link_is_named_on_the_page_and_in_the_proposal(tmp_path):
    # Issue 27: A7 given a polygon of its own, off the grid's east edge: an island with no link.
    data = grid_tables()
    data["areas"] = [dict(a, geometry_wkt=square(3.5, 0)) if a["area_code"] == "A7" else a
                     for a in data["areas"]]  # fmt: skip
    folder = write_export(tmp_path / "export", data, EXTRACT)
    settings = Settings(
        cache_dir=tmp_path / "cache", options_dir=tmp_path / "o", audience="internal"
    )
    export = open_export(folder, settings)
    page = builder("zone-map")(export, settings, VIEW)
    (island,) = [s for s in page.sentences if "not joined to the rest of the map" in s]
    assert island.startswith("1 areas (A7)") and "zone_links" in island
    inputs = views.zone_inputs(export, settings, VIEW)
    found = options.proposal(inputs, settings, k=3, floor=None)
    (warning,) = found.warnings
    zone = dict(found.option.select("area_code", "zone").iter_rows())["A7"]
    assert warning.startswith("Areas A7 are not joined") and f"zone {zone} on their own" in warning
    assert (found.option["zone"] == zone).sum() == 1  # a zone of its own


def test_option_csv_floor_reads_back_and_a_differing_line_is_refused(env):
    *_, inputs = env
    option = options.load_option("area_code,zone,floor_hours\nA1,Z1,30\nA2,Z1,30\n", inputs)
    assert option["floor_hours"].to_list() == [30.0, 30.0]
    view = views.option_view(inputs, option, INTERNAL, name="F")
    # Z1 = A1 + A2 = 30 h: at the floor, not below it
    assert (view.floor, view.summary["zones_below_floor"].item()) == (30.0, 0)
    blank = options.load_option("area_code,zone,floor_hours\nA1,Z1,\n", inputs)
    assert blank["floor_hours"].to_list() == [None]
    with pytest.raises(UserError, match=r"x.csv, line 3: floor_hours .* found '40'"):
        options.load_option(
            "area_code,zone,floor_hours\nA1,Z1,30\nA2,Z1,40\n", inputs, name="x.csv"
        )
