"""Propose a zoning option: K contiguous zones of small areas, balanced in weekly hours and compact
in travel, with locked areas kept where the user put them (docs/zones.md, "Designing zones").

Method: check feasibility first (every reason answers at once), share the K zones among the
connected pieces of the neighbour graph, grow zones from locked areas and far-apart seeds, then move
boundary areas between zones while the objective improves. A move never takes an articulation point
of its zone, so every zone stays contiguous at every step: contiguity is never traded for balance.
"""

from __future__ import annotations

import csv
import heapq
import io
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import polars as pl
import shapely

from dashboard.core import geometry
from dashboard.core.errors import UserError
from dashboard.core.settings import DEFAULTS
from dashboard.core.strings import t

DESIGN_RESTARTS = 4  # drafts from different seeds; the best after local search is kept
DESIGN_SEED = 0
FLOOR_PENALTY = 10.0  # objective cost per unit of relative shortfall below the floor
ZONE_PREFIX = "Z"

Progress = Callable[[float, str], None]


class InfeasibleDesign(UserError):
    """No contiguous option can meet the request; the message says why and what would help."""


@dataclass
class _Areas:
    codes: list[str]
    hours: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    edges: tuple[np.ndarray, np.ndarray]  # directed u -> v, both ways
    adjacent: list[list[int]]


def _areas(demand: pl.DataFrame, graph: geometry.Neighbours) -> _Areas:
    codes = demand["area_code"].to_list()
    index = {c: i for i, c in enumerate(codes)}
    adjacent = [sorted(index[n] for n in graph.of(c) if n in index) for c in codes]
    pairs = [(u, v) for u, vs in enumerate(adjacent) for v in vs]
    eu = np.array([u for u, _ in pairs], dtype=int)
    ev = np.array([v for _, v in pairs], dtype=int)
    return _Areas(
        codes,
        demand["weekly_hours"].to_numpy().astype(float),
        demand["centroid_lat"].to_numpy().astype(float),
        demand["centroid_lon"].to_numpy().astype(float),
        (eu, ev),
        adjacent,
    )


def _allocate(
    pieces: list[set[str]],
    hours_of: dict[str, float],
    k: int,
    floor: float,
    lock: Mapping[str, str],
) -> list[int]:
    """How many zones each connected piece gets: at least one and one per locked label in it, at
    most as many as its areas and its hours allow above the floor; the rest by hours per zone."""
    low, high, hours = [], [], []
    for piece in pieces:
        piece_hours = sum(hours_of[a] for a in piece)
        labels = {lock[a] for a in piece if a in lock}
        cap = len(piece) if floor <= 0 else min(len(piece), int(piece_hours // floor))
        if cap < max(1, len(labels)):
            raise InfeasibleDesign(
                t("zones.design_piece_below_floor", area=min(piece), hours=piece_hours, floor=floor)
            )
        low.append(max(1, len(labels)))
        high.append(cap)
        hours.append(piece_hours)
    if sum(low) > k:
        raise InfeasibleDesign(t("zones.design_too_many_pieces", pieces=len(pieces), k=k))
    if sum(high) < k:
        raise InfeasibleDesign(t("zones.design_too_few_zones_possible", most=sum(high), k=k))
    counts = list(low)
    for _ in range(k - sum(low)):
        open_ = [i for i in range(len(pieces)) if counts[i] < high[i]]
        best = max(open_, key=lambda i: (hours[i] / counts[i], -i))
        counts[best] += 1
    return counts


def _check(
    demand: pl.DataFrame, graph: geometry.Neighbours, k: int, floor: float, lock: Mapping[str, str]
) -> tuple[list[set[str]], list[int]]:
    """Raise InfeasibleDesign for a request no contiguous option can meet; else the connected pieces
    and the number of zones each gets."""
    codes = demand["area_code"].to_list()
    total = float(demand["weekly_hours"].sum())
    if k < 1:
        raise InfeasibleDesign(t("zones.design_k_too_small", k=k))
    if k > len(codes):
        raise InfeasibleDesign(t("zones.design_k_above_areas", k=k, areas=len(codes)))
    unknown = sorted(set(lock) - set(codes))
    if unknown:
        raise InfeasibleDesign(t("zones.design_lock_unknown", areas=", ".join(unknown[:5])))
    labels = sorted(set(lock.values()))
    if len(labels) > k:
        raise InfeasibleDesign(t("zones.design_lock_labels", labels=len(labels), k=k))
    if floor * k > total:
        raise InfeasibleDesign(t("zones.design_floor_total", floor=floor, k=k, total=total))
    pieces = geometry.components(codes, graph)
    piece_of = {a: i for i, piece in enumerate(pieces) for a in piece}
    for label in labels:
        spread = {piece_of[a] for a, lab in lock.items() if lab == label}
        if len(spread) > 1:
            raise InfeasibleDesign(t("zones.design_lock_split", zone=label))
    hours_of = dict(zip(codes, demand["weekly_hours"].to_list(), strict=True))
    return pieces, _allocate(pieces, hours_of, k, floor, lock)


def _join_locked(
    a: _Areas,
    members: list[int],
    zone_of: np.ndarray,
    label: int,
    label_name: str,
    blocked: set[int],
) -> None:
    """Claim for `label` a path joining its locked areas through unclaimed areas, so the zone can be
    contiguous; impossible when other zones' locked areas wall them apart."""
    tree = {members[0]}
    zone_of[members[0]] = label
    for target in members[1:]:
        if target in tree:
            continue
        came_from = {s: -1 for s in tree}
        queue = list(tree)
        while queue and target not in came_from:
            nxt = []
            for u in queue:
                for v in a.adjacent[u]:
                    free = zone_of[v] < 0 and v not in blocked
                    if v not in came_from and (free or v == target):
                        came_from[v] = u
                        nxt.append(v)
            queue = nxt
        if target not in came_from:
            raise InfeasibleDesign(t("zones.design_lock_walled", zone=label_name))
        node = target
        while node != -1 and node not in tree:
            tree.add(node)
            zone_of[node] = label
            node = came_from[node]


def _far_seeds(
    a: _Areas, piece: list[int], claimed: list[int], count: int, rng: np.random.Generator
) -> list[int]:
    """`count` new seeds, each the free area farthest from every seed and claimed area so far (the
    first drawn by the seeded generator when nothing in the piece is claimed yet)."""
    idx = np.array(piece)
    nearest = np.full(len(idx), np.inf)
    taken = np.isin(idx, claimed)

    def add(area: int) -> None:
        nonlocal nearest
        dist = geometry.haversine_km(a.lat[idx], a.lon[idx], a.lat[area], a.lon[area])
        nearest = np.minimum(nearest, dist)

    for area in claimed:
        add(area)
    new: list[int] = []
    for _ in range(count):
        if taken.any():
            pick = int(np.argmax(np.where(taken, -np.inf, nearest)))
        else:
            pick = int(rng.integers(len(idx)))
        new.append(int(idx[pick]))
        taken[pick] = True
        add(int(idx[pick]))
    return new


def _grow(a: _Areas, zone_of: np.ndarray, seeds: dict[int, list[int]]) -> None:
    """Region growing: the zone with the fewest hours so far takes its unclaimed neighbour nearest
    its seed, until every area of the piece is claimed."""
    heaps: dict[int, list[tuple[float, int]]] = {z: [] for z in seeds}
    hours = {z: 0.0 for z in seeds}
    sizes = {z: 0 for z in seeds}
    origin = {z: members[0] for z, members in seeds.items()}

    def claim(z: int, u: int) -> None:
        zone_of[u] = z
        hours[z] += a.hours[u]
        sizes[z] += 1
        for v in a.adjacent[u]:
            if zone_of[v] < 0:
                o = origin[z]
                dist = float(geometry.haversine_km(a.lat[v], a.lon[v], a.lat[o], a.lon[o]))
                heapq.heappush(heaps[z], (dist, v))

    for z, members in seeds.items():
        for u in members:
            zone_of[u] = -1
            claim(z, u)
    while True:
        live = []
        for z, heap in heaps.items():
            while heap and zone_of[heap[0][1]] >= 0:
                heapq.heappop(heap)
            if heap:
                live.append((hours[z], sizes[z], z))
        if not live:
            return
        z = min(live)[2]
        claim(z, heapq.heappop(heaps[z])[1])


class _Search:
    """Best-improvement local search over single boundary moves that keep every zone contiguous."""

    def __init__(self, a, zone_of, k, movable, floor, weights, graph):
        self.a, self.z, self.k = a, zone_of, k
        self.movable, self.floor, self.graph = movable, floor, graph
        self.wb, self.wt = weights
        self.total = a.hours.sum()
        mean_lat = (a.hours * a.lat).sum() / self.total
        mean_lon = (a.hours * a.lon).sum() / self.total
        one_zone = (a.hours * geometry.haversine_km(a.lat, a.lon, mean_lat, mean_lon)).sum()
        self.travel_scale = one_zone / self.total if one_zone > 0 else 1.0
        self.H = np.bincount(zone_of, weights=a.hours, minlength=k)
        self.size = np.bincount(zone_of, minlength=k)
        self.clat, self.clon, self.T = np.zeros(k), np.zeros(k), np.zeros(k)
        self.cut = np.zeros(len(a.codes), dtype=bool)
        self.index = {c: i for i, c in enumerate(a.codes)}
        for zone in range(k):
            self._refresh(zone)

    def _refresh(self, zone: int) -> None:
        a = self.a
        members = np.flatnonzero(self.z == zone)
        h = a.hours[members]
        w = h if h.sum() > 0 else np.ones(len(members))
        self.clat[zone] = (w * a.lat[members]).sum() / w.sum()
        self.clon[zone] = (w * a.lon[members]).sum() / w.sum()
        self.T[zone] = (
            h
            * geometry.haversine_km(
                a.lat[members], a.lon[members], self.clat[zone], self.clon[zone]
            )
        ).sum()
        self.cut[members] = False
        codes = {a.codes[i] for i in members}
        for code in geometry.articulation_points(codes, self.graph):
            self.cut[self.index[code]] = True

    def _shortfall(self, hours: np.ndarray) -> np.ndarray:
        if self.floor <= 0:
            return np.zeros_like(hours)
        return np.maximum(0.0, self.floor - hours) / (self.floor * self.k)

    def objective(self) -> float:
        mean = self.total / self.k
        travel = self.T.sum() / self.total / self.travel_scale
        short = FLOOR_PENALTY * self._shortfall(self.H).sum()
        return float(self.wb * self.H.std() / mean + self.wt * travel + short)

    def best_move(self) -> tuple[int, int] | None:
        a = self.a
        eu, ev = a.edges
        za, zb = self.z[eu], self.z[ev]
        ok = (za != zb) & self.movable[eu] & ~self.cut[eu] & (self.size[za] > 1)
        if not ok.any():
            return None
        u, za, zb = eu[ok], za[ok], zb[ok]
        h = a.hours[u]
        mean = self.total / self.k
        s2 = (self.H**2).sum()
        s2_new = s2 + 2 * h * (self.H[zb] - self.H[za] + h)
        cv_old = np.sqrt(max(0.0, s2 / self.k - mean**2)) / mean
        cv_new = np.sqrt(np.maximum(0.0, s2_new / self.k - mean**2)) / mean
        # Travel change with the centroids held still: exact enough to rank moves; refreshed after.
        d_to = geometry.haversine_km(a.lat[u], a.lon[u], self.clat[zb], self.clon[zb])
        d_from = geometry.haversine_km(a.lat[u], a.lon[u], self.clat[za], self.clon[za])
        travel = h * (d_to - d_from) / self.total / self.travel_scale
        short = FLOOR_PENALTY * (
            self._shortfall(self.H[za] - h)
            + self._shortfall(self.H[zb] + h)
            - self._shortfall(self.H[za])
            - self._shortfall(self.H[zb])
        )
        delta = self.wb * (cv_new - cv_old) + self.wt * travel + short
        best = int(np.argmin(delta))
        if delta[best] >= -1e-12:
            return None
        return int(u[best]), int(zb[best])

    def move(self, u: int, to: int) -> None:
        frm = int(self.z[u])
        self.z[u] = to
        self.H[frm] -= self.a.hours[u]
        self.H[to] += self.a.hours[u]
        self.size[frm] -= 1
        self.size[to] += 1
        self._refresh(frm)
        self._refresh(to)


def _labels(k: int, lock: Mapping[str, str]) -> list[str]:
    """Zone names: locked labels as given, then Z1, Z2, … skipping any a lock already uses."""
    names = sorted(set(lock.values()))
    n = 1
    while len(names) < k:
        if f"{ZONE_PREFIX}{n}" not in names:
            names.append(f"{ZONE_PREFIX}{n}")
        n += 1
    return names


def _draft(
    a: _Areas,
    pieces: list[set[str]],
    counts: list[int],
    lock: Mapping[str, str],
    names: list[str],
    rng: np.random.Generator,
) -> np.ndarray:
    """A first contiguous partition: locked zones joined up, the rest seeded far apart, all grown."""
    index = {c: i for i, c in enumerate(a.codes)}
    zone_of = np.full(len(a.codes), -1, dtype=int)
    next_free = len(set(lock.values()))
    for piece, count in zip(pieces, counts, strict=True):
        seeds: dict[int, list[int]] = {}
        for label in sorted({lock[c] for c in piece if c in lock}):
            z = names.index(label)
            locked = sorted(index[c] for c, lab in lock.items() if lab == label)
            others = {index[c] for c, lab in lock.items() if lab != label}
            _join_locked(a, locked, zone_of, z, label, others)
            seeds[z] = [int(i) for i in np.flatnonzero(zone_of == z)]
        claimed = [m for ms in seeds.values() for m in ms]
        members = sorted(index[c] for c in piece)
        for s in _far_seeds(a, members, claimed, count - len(seeds), rng):
            seeds[next_free] = [s]
            next_free += 1
        _grow(a, zone_of, seeds)
    return zone_of


def design(
    demand: pl.DataFrame,
    graph: geometry.Neighbours,
    *,
    k: int,
    floor: float = 0.0,
    lock: Mapping[str, str] | None = None,
    seed: int = DESIGN_SEED,
    weights: tuple[float, float] = (DEFAULTS.zone_balance_weight, DEFAULTS.zone_travel_weight),
    restarts: int = DESIGN_RESTARTS,
    progress: Progress | None = None,
    time_limit: float = DEFAULTS.zone_design_time_limit_s,
) -> pl.DataFrame:
    """K contiguous zones over the areas of `demand` (rows of `zone_area_demand`): a frame
    `area_code, zone`, the best of `restarts` drafts each improved by local search. Same inputs and
    seed give the same option unless the time limit cuts the search short. Raises InfeasibleDesign,
    before any search, when no contiguous option can exist."""
    report = progress or (lambda fraction, message: None)
    lock = dict(lock or {})
    pieces, counts = _check(demand, graph, k, floor, lock)
    started = time.monotonic()
    a = _areas(demand, graph)
    names = _labels(k, lock)
    movable = np.array([c not in lock for c in a.codes])
    best: tuple[float, np.ndarray] | None = None
    moves = 0
    for attempt in range(max(1, restarts)):
        rng = np.random.default_rng([seed, attempt])
        zone_of = _draft(a, pieces, counts, lock, names, rng)
        if attempt == 0:
            report(0.05, t("zones.design_progress_grown", k=k))
        if a.hours.sum() <= 0:  # nothing to balance: any contiguous draft is as good as another
            best = (0.0, zone_of)
            break
        search = _Search(a, zone_of, k, movable, floor, weights, graph)
        while time.monotonic() - started < time_limit and (step := search.best_move()):
            search.move(*step)
            moves += 1
        if best is None or search.objective() < best[0] - 1e-12:
            best = (search.objective(), search.z)
        elapsed = time.monotonic() - started
        report(
            min(1.0, max((attempt + 1) / restarts, elapsed / time_limit)),
            t("zones.design_progress_search", moves=moves),
        )
        if elapsed >= time_limit:
            break
    report(1.0, t("zones.design_progress_done"))
    return pl.DataFrame(
        {"area_code": a.codes, "zone": [names[z] for z in best[1]]},
        schema={"area_code": pl.Utf8, "zone": pl.Utf8},
    ).sort("area_code")


def option_csv(assignment: pl.DataFrame) -> str:
    """The option as the CSV `area_code,zone` that `zones summary --option` and `--lock` read."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["area_code", "zone"])
    writer.writerows(assignment.select("area_code", "zone").sort("area_code").iter_rows())
    return out.getvalue()


def option_geojson(assignment: pl.DataFrame, areas: pl.DataFrame) -> dict:
    """A GeoJSON FeatureCollection with one merged outline per zone (zones whose areas all lack
    polygons have a null geometry)."""
    joined = assignment.select("area_code", "zone").join(
        areas.select("area_code", "geometry_wkt"), on="area_code"
    )
    features = []
    for (zone,), group in joined.sort("zone").group_by("zone", maintain_order=True):
        outline = geometry.merged_outline(group["geometry_wkt"].to_list())
        features.append(
            {
                "type": "Feature",
                "properties": {"zone": zone, "areas": group.height},
                "geometry": None if outline is None else shapely.geometry.mapping(outline),
            }
        )
    return {"type": "FeatureCollection", "features": features}
