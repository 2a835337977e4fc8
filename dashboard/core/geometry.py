"""Which small areas touch, which sets of them hang together, and how compact their outline is.

Zoning needs a neighbour graph (metrics.md "contiguous"): two areas are neighbours when their polygons
share a boundary of positive length, plus any ferry or bridge links the partnership names. Without a
polygon an area falls back to its nearest centroids. Distances are great-circle (haversine); areas
are measured in metres in a Lambert azimuthal equal-area projection centred on the shape measured.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pyproj
import shapely
from scipy.spatial import cKDTree

from dashboard.core.settings import DEFAULTS

EARTH_RADIUS_KM = 6371.0
# Coordinates are snapped to this grid (degrees, about 1 cm) before boundaries are compared, so
# that two areas exported with the same edge rounded differently still share it.
SNAP_DEGREES = 1e-7
# Maps draw areas simplified together to about 20 m (invisible at the zoom that shows a locality,
# a few pixels at street zoom) and rounded to about a metre: a real data zone boundary has hundreds
# of points, and every point is sent to every browser on every rerun.
DISPLAY_TOLERANCE_DEGREES = 2e-4
DISPLAY_DECIMALS = 5


@dataclass(frozen=True)
class Neighbours:
    """The neighbour graph of a set of areas and how it was found (`polygons`, `centroids`, `mixed`)."""

    adjacent: dict[str, frozenset[str]]
    method: str

    def of(self, area: str) -> frozenset[str]:
        return self.adjacent.get(area, frozenset())


def haversine_km(lat1, lon1, lat2, lon2):
    """Great-circle km between points in degrees; numpy arrays broadcast."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dlat = p2 - p1
    dlon = np.radians(lon2) - np.radians(lon1)
    a = np.sin(dlat / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def shapes(wkts: Iterable[str | None]) -> np.ndarray:
    """Parsed polygons (None where absent), snapped to SNAP_DEGREES."""
    parsed = shapely.from_wkt(np.array([w if w else None for w in wkts], dtype=object))
    return shapely.set_precision(parsed, SNAP_DEGREES)


Ring = tuple[tuple[float, float], ...]


def _display_parts(shape: shapely.Geometry) -> tuple[tuple[Ring, ...], ...]:
    """Each polygon part as (outer ring, holes…) of (lon, lat) pairs, as deck.gl draws polygons."""
    parts = shapely.get_parts(shape)

    def ring(r: shapely.LinearRing) -> Ring:
        coords = np.round(shapely.get_coordinates(r), DISPLAY_DECIMALS)
        return tuple(map(tuple, coords.tolist()))

    return tuple(
        (ring(part.exterior), *(ring(hole) for hole in part.interiors))
        for part in parts
        if isinstance(part, shapely.Polygon)
    )


@lru_cache(maxsize=64)
def display_parts(wkts: tuple[str | None, ...]) -> tuple[tuple[tuple[Ring, ...], ...], ...]:
    """Each area's polygon parts for a map (empty where it has no polygon), simplified as one
    coverage so neighbours still meet without gaps or slivers. Cached by the areas' boundaries,
    which do not change between reruns: parsing and simplifying cost more than drawing."""
    geoms = shapes(wkts)
    present = ~shapely.is_missing(geoms)
    if present.any():
        geoms[present] = shapely.coverage_simplify(geoms[present], DISPLAY_TOLERANCE_DEGREES)
    return tuple(() if shapely.is_missing(g) else _display_parts(g) for g in geoms)


def _polygon_pairs(geoms: np.ndarray) -> list[tuple[int, int]]:
    """Index pairs whose polygons share a line (or overlap); an STRtree keeps this near-linear."""
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    # A shared edge intersects as a line (length > 0); a corner-only touch as a point (length 0).
    shared = shapely.length(shapely.intersection(geoms[left], geoms[right]))
    touching = shared > 0
    return list(zip(left[touching].tolist(), right[touching].tolist(), strict=True))


def _unit_vectors(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    la, lo = np.radians(lat), np.radians(lon)
    return np.column_stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])


def _nearest_pairs(
    lat: np.ndarray, lon: np.ndarray, sources: np.ndarray, k: int
) -> list[tuple[int, int]]:
    """Each source index paired with its k nearest other centroids. Chord length on the unit sphere
    orders points exactly as great-circle distance does, so a k-d tree on 3-D unit vectors is exact."""
    if len(lat) < 2 or len(sources) == 0:
        return []
    pts = _unit_vectors(lat, lon)
    kk = min(k + 1, len(lat))
    _, idx = cKDTree(pts).query(pts[sources], k=kk)
    idx = np.atleast_2d(idx)
    return [
        (int(s), int(j))
        for s, row in zip(sources, idx, strict=True)
        for j in [j for j in row if j != s][:k]
    ]


def neighbours(
    codes: Sequence[str],
    wkts: Sequence[str | None],
    lat: Sequence[float],
    lon: Sequence[float],
    *,
    links: Iterable[tuple[str, str]] = (),
    k: int = DEFAULTS.zone_nearest_centroids,  # neighbours of an area without a polygon
) -> Neighbours:
    """The neighbour graph. Areas with polygons: shared boundary of positive length (a multi-part
    polygon is one area). An area without a polygon: its k nearest centroids (great-circle), made
    symmetric. `links` adds ferry or bridge pairs; a link naming an unknown area is ignored here (the
    settings check reports it)."""
    codes = list(codes)
    geoms = shapes(wkts)
    has_poly = ~shapely.is_missing(geoms)
    lat_a, lon_a = np.asarray(lat, dtype=float), np.asarray(lon, dtype=float)
    pairs = _polygon_pairs(geoms[has_poly]) if has_poly.any() else []
    poly_idx = np.flatnonzero(has_poly)
    pairs = [(int(poly_idx[i]), int(poly_idx[j])) for i, j in pairs]
    pairs += _nearest_pairs(lat_a, lon_a, np.flatnonzero(~has_poly), k)
    adj: dict[str, set[str]] = {c: set() for c in codes}
    for i, j in pairs:
        adj[codes[i]].add(codes[j])
        adj[codes[j]].add(codes[i])
    for a, b in links:
        if a in adj and b in adj and a != b:
            adj[a].add(b)
            adj[b].add(a)
    method = "polygons" if has_poly.all() else "centroids" if not has_poly.any() else "mixed"
    return Neighbours({c: frozenset(s) for c, s in adj.items()}, method)


def components(areas: Iterable[str], graph: Neighbours) -> list[set[str]]:
    """Connected pieces of the graph restricted to `areas`, largest first (ties by first code)."""
    todo = set(areas)
    pieces: list[set[str]] = []
    for start in sorted(todo):
        if start not in todo:
            continue
        piece, stack = {start}, [start]
        todo.discard(start)
        while stack:
            for nb in graph.of(stack.pop()):
                if nb in todo:
                    todo.discard(nb)
                    piece.add(nb)
                    stack.append(nb)
        pieces.append(piece)
    return sorted(pieces, key=lambda p: (-len(p), min(p)))


def is_contiguous(areas: Iterable[str], graph: Neighbours) -> bool:
    return len(components(areas, graph)) <= 1


def articulation_points(areas: set[str], graph: Neighbours) -> set[str]:
    """Areas whose removal splits `areas` (iterative Tarjan), so a search can move any other boundary
    area without breaking a zone's contiguity."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    cut: set[str] = set()
    counter = 0
    for root in sorted(areas):
        if root in index:
            continue
        index[root] = low[root] = counter
        counter += 1
        root_children = 0
        stack = [(root, None, iter(sorted(graph.of(root) & areas)))]
        while stack:
            node, parent, it = stack[-1]
            child = next(it, None)
            if child is None:
                stack.pop()
                if parent is not None:
                    low[parent] = min(low[parent], low[node])
                    if parent != root and low[node] >= index[parent]:
                        cut.add(parent)
                continue
            if child not in index:
                index[child] = low[child] = counter
                counter += 1
                if node == root:
                    root_children += 1
                stack.append((child, node, iter(sorted(graph.of(child) & areas))))
            elif child != parent:
                low[node] = min(low[node], index[child])
        if root_children > 1:
            cut.add(root)
    return cut


def merged_outline(wkts: Iterable[str | None]) -> shapely.Geometry | None:
    """The union of the areas' polygons; None when any area has no polygon (no outline to draw).

    A zone's outline depends only on its areas, not on the date or filters of a view, so each is
    merged once and reused while the app runs."""
    return _merged(tuple(wkts))


@lru_cache(maxsize=512)
def _merged(wkts: tuple[str | None, ...]) -> shapely.Geometry | None:
    if not wkts or any(not w for w in wkts):
        return None
    return shapely.union_all(shapes(wkts))


def _equal_area(shape: shapely.Geometry) -> shapely.Geometry:
    centre = shape.centroid
    laea = pyproj.CRS.from_proj4(
        f"+proj=laea +lat_0={centre.y} +lon_0={centre.x} +datum=WGS84 +units=m +no_defs"
    )
    to_laea = pyproj.Transformer.from_crs("EPSG:4326", laea, always_xy=True)
    return shapely.transform(
        shape, lambda xy: np.column_stack(to_laea.transform(xy[:, 0], xy[:, 1]))
    )


@lru_cache(maxsize=512)
def polsby_popper(shape: shapely.Geometry | None) -> float | None:
    """4π × area ÷ perimeter² in metres (1 = a circle); None without a shape. Cached: a zone's
    shape is the same on every rerun and building its projection costs more than the sum."""
    if shape is None or shape.is_empty:
        return None
    projected = _equal_area(shape)
    perimeter = projected.length
    return 4 * math.pi * projected.area / perimeter**2 if perimeter > 0 else None
