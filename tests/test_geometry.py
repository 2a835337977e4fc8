"""Neighbours, contiguity, compactness and distance on hand-drawn squares."""

from __future__ import annotations

import math

import pytest

from dashboard.core import geometry


def sq(x: float, y: float, d: float = 0.01) -> str:
    return f"POLYGON(({x} {y},{x + d} {y},{x + d} {y + d},{x} {y + d},{x} {y}))"


def graph(wkts: dict[str, str | None], links=(), lat=None, lon=None, k=4):
    codes = list(wkts)
    lat = lat or [0.0] * len(codes)
    lon = lon or [0.0] * len(codes)
    return geometry.neighbours(codes, list(wkts.values()), lat, lon, links=links, k=k)


def test_haversine_one_degree_of_the_equator():
    # 6371.0 km × π/180 = 111.19492664455873 km
    assert geometry.haversine_km(0.0, 0.0, 0.0, 1.0) == pytest.approx(111.19492664455873)
    assert geometry.haversine_km(56.0, -3.0, 56.0, -3.0) == 0.0


def test_shared_edge_is_a_neighbour_a_shared_corner_is_not():
    # a b      a touches b and c along edges; a and d meet only at the point (0.01, 0.01)
    # c d
    g = graph({"a": sq(0, 0.01), "b": sq(0.01, 0.01), "c": sq(0, 0), "d": sq(0.01, 0)})
    assert g.of("a") == {"b", "c"}
    assert g.of("d") == {"b", "c"}
    assert g.method == "polygons"
    assert not geometry.is_contiguous(["a", "d"], g)
    assert geometry.is_contiguous(["a", "b", "d"], g)


def test_edges_rounded_differently_still_meet():
    # the second square's left edge is 1e-12° off the first's right edge
    g = graph({"a": sq(0, 0), "b": sq(0.01 + 1e-12, 0)})
    assert g.of("a") == {"b"}


def test_multi_part_area_is_one_area():
    # m has a part left of x and a part right of y: both are its neighbours
    m = f"MULTIPOLYGON((({0} {0},{0.01} {0},{0.01} {0.01},{0} {0.01},{0} {0})),((0.03 0,0.04 0,0.04 0.01,0.03 0.01,0.03 0)))"
    g = graph({"m": m, "x": sq(0.01, 0), "y": sq(0.04, 0)})
    assert g.of("m") == {"x", "y"}
    assert geometry.is_contiguous(["x", "m", "y"], g)


def test_island_joined_by_a_link():
    shapes = {"a": sq(0, 0), "b": sq(0.01, 0), "island": sq(0.5, 0.5)}
    assert geometry.components(shapes, graph(shapes)) == [{"a", "b"}, {"island"}]
    linked = graph(shapes, links=[("b", "island"), ("b", "nowhere")])
    assert linked.of("island") == {"b"}
    assert geometry.is_contiguous(shapes, linked)


def test_without_polygons_nearest_centroids_made_symmetric():
    # four points along the equator at lon 0, 1, 2 and 10; k = 2
    # nearest: p0 → p1, p2; p1 → p0, p2; p2 → p1, p0; p10 → p2, p1; then made symmetric
    g = graph(dict.fromkeys(["p0", "p1", "p2", "p10"]), lon=[0.0, 1.0, 2.0, 10.0], k=2)
    assert g.method == "centroids"
    assert g.of("p0") == {"p1", "p2"}
    assert g.of("p1") == {"p0", "p2", "p10"}
    assert g.of("p10") == {"p1", "p2"}


def test_area_without_polygon_among_polygons():
    g = graph({"a": sq(0, 0), "b": sq(0.01, 0), "c": None}, lon=[0.005, 0.015, 0.5], k=1)
    assert g.method == "mixed"
    assert g.of("c") == {"b"}  # b's centroid is nearer c's than a's is
    assert g.of("a") == {"b"}


def test_articulation_point_of_a_strip():
    g = graph({"a": sq(0, 0), "b": sq(0.01, 0), "c": sq(0.02, 0)})
    assert geometry.articulation_points({"a", "b", "c"}, g) == {"b"}
    assert geometry.articulation_points({"a", "b"}, g) == set()


def test_compactness_of_square_and_strip():
    # Polsby–Popper of an a × b rectangle: 4π·ab ÷ (2(a + b))² = π·ab ÷ (a + b)². At the equator
    # a degree of latitude is (1 − e²) = 0.9933056 of a degree of longitude on WGS84.
    r = 1 - 0.00669438
    square = geometry.merged_outline([sq(0, 0)])
    assert geometry.polsby_popper(square) == pytest.approx(math.pi * r / (1 + r) ** 2, rel=1e-4)
    assert geometry.polsby_popper(square) == pytest.approx(math.pi / 4, rel=1e-4)
    # 1 × 3 strip: 3π/16 = 0.589 for a true strip; 0.5871 with the ellipsoid's r
    strip = geometry.merged_outline([sq(0, 0), sq(0.01, 0), sq(0.02, 0)])
    assert geometry.polsby_popper(strip) == pytest.approx(math.pi * 3 * r / (3 + r) ** 2, rel=1e-4)
    assert geometry.merged_outline([sq(0, 0), None]) is None
    assert geometry.polsby_popper(None) is None


def test_display_parts_simplify_neighbours_together_and_round():
    # Two 0.01° squares sharing the edge x = 0.01; that edge has a kink 0.00004° (about 3 m) out,
    # well inside the display tolerance, drawn in both areas.
    left = "POLYGON((0 0,0.01 0,0.01000004 0.005,0.01 0.01,0 0.01,0 0))"
    right = "POLYGON((0.01 0,0.02 0,0.02 0.01,0.01 0.01,0.01000004 0.005,0.01 0))"
    hole = (
        "POLYGON((1 1,1.1 1,1.1 1.1,1 1.1,1 1),(1.02 1.02,1.02 1.05,1.05 1.05,1.05 1.02,1.02 1.02))"
    )
    shown = geometry.display_parts((left, right, None, hole))
    (left_outer,), (right_outer,) = shown[0][0], shown[1][0]
    assert sorted(set(left_outer)) == [(0.0, 0.0), (0.0, 0.01), (0.01, 0.0), (0.01, 0.01)]
    assert sorted(set(right_outer)) == [(0.01, 0.0), (0.01, 0.01), (0.02, 0.0), (0.02, 0.01)]
    assert shown[2] == ()  # no polygon: the map draws a dot at the centroid instead
    outer, inner = shown[3][0]  # the hole is kept as a hole
    assert len(outer) == len(inner) == 5 and (1.02, 1.02) in inner
