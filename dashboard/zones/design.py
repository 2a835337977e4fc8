"""Propose a zoning option: K contiguous zones of small areas, balanced in weekly hours and compact
in travel, with locked areas kept where the user put them (docs/zones.md, "Designing zones").

Method: check feasibility first (every reason answers at once), share the K zones among the
connected pieces of the neighbour graph, grow zones from locked areas and far-apart seeds, then move
boundary areas between zones while the objective improves (`search.py`). A move never takes an
articulation point of its zone, so every zone stays contiguous at every step: contiguity is never
traded for balance. When a zone ends below the floor, the floor is repaired (`search.py` with the
floor first, then `repair.py`) and the option polished with the floor held; the answer says whether
the floor was met, and the finished option is checked against every promise before it is returned.
"""

from __future__ import annotations

import csv
import heapq
import io
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import polars as pl
import shapely

from dashboard.core import geometry
from dashboard.core.errors import UserError
from dashboard.core.settings import DEFAULTS
from dashboard.core.strings import t
from dashboard.zones.repair import repair_floor
from dashboard.zones.search import REPAIR_PENALTY, Areas, Search, areas_of

DESIGN_RESTARTS = 4  # drafts from different seeds; the best after local search is kept
DESIGN_SEED = 0
ZONE_PREFIX = "Z"

Progress = Callable[[float, str], None]


class InfeasibleDesign(UserError):
    """No contiguous option can meet the request; the message says why and what would help."""


class FloorNotMet(InfeasibleDesign):
    """No option found in which every zone reaches the floor; `best` is the best option found."""

    def __init__(self, message: str, best: Design):
        super().__init__(message)
        self.best = best


@dataclass(frozen=True)
class Design:
    """A proposed option and what the user must know about it: whether every zone reaches the floor
    (and the smallest zone's hours), and the pieces of the map apart from the largest (islands
    without a link), each with the zones it makes on its own."""

    assignment: pl.DataFrame  # area_code, zone
    floor: float
    smallest_hours: float
    floor_met: bool
    islands: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = field(default=())

    def warnings(self) -> list[str]:
        """The option's warnings in words, for the page and the command line."""
        out = [] if self.floor_met else [self.floor_sentence()]
        for areas, zones in self.islands:
            shown = ", ".join(areas[:5]) + (t("zones.design_island_more", n=len(areas) - 5)
                                             if len(areas) > 5 else "")  # fmt: skip
            out.append(t("zones.design_island", areas=shown, zones=", ".join(zones)))
        return out

    def floor_sentence(self) -> str:
        return t("zones.design_floor_not_met", floor=self.floor, smallest=self.smallest_hours)


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
        most = len(labels) + sum(1 for a in piece if a not in lock)  # a free zone needs a free area
        cap = most if floor <= 0 else min(most, int(piece_hours // floor))
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
    free = len(codes) - len(lock)
    if k - len(labels) > free:
        raise InfeasibleDesign(t("zones.design_lock_no_free", locked=len(lock), labels=len(labels),
                                 free=free, rest=k - len(labels)))  # fmt: skip
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
    a: Areas,
    members: list[int],
    zone_of: np.ndarray,
    label: int,
    label_name: str,
    blocked: set[int],
) -> None:
    """Claim for `label` a path joining its locked areas through unclaimed areas, so the zone can be
    contiguous; impossible when other zones' locked areas wall them apart. Paths run through the
    label's own locked areas where they can (a 0–1 breadth-first search: a step onto one of them
    costs nothing), so free areas are left for the zones that need them."""
    own = set(members)
    tree = {members[0]}
    zone_of[members[0]] = label
    for target in members[1:]:
        if target in tree:
            continue
        cost = dict.fromkeys(tree, 0)
        came_from = dict.fromkeys(tree, -1)
        queue = deque(tree)
        while queue:
            u = queue.popleft()
            for v in a.adjacent[u]:
                if (zone_of[v] >= 0 and v not in tree) or v in blocked:
                    continue
                step = 0 if v in own else 1
                if cost[u] + step < cost.get(v, np.inf):
                    cost[v], came_from[v] = cost[u] + step, u
                    (queue.appendleft if step == 0 else queue.append)(v)
        if target not in came_from:
            raise InfeasibleDesign(t("zones.design_lock_walled", zone=label_name))
        node = target
        while node != -1 and node not in tree:
            tree.add(node)
            zone_of[node] = label
            node = came_from[node]


def _far_seeds(
    a: Areas, piece: list[int], claimed: list[int], count: int, rng: np.random.Generator
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
        if taken.all():  # the paths joining locked areas took every free area of the piece
            raise InfeasibleDesign(t("zones.design_lock_paths"))
        if taken.any():
            pick = int(np.argmax(np.where(taken, -np.inf, nearest)))
        else:
            pick = int(rng.integers(len(idx)))
        new.append(int(idx[pick]))
        taken[pick] = True
        add(int(idx[pick]))
    return new


def _grow(a: Areas, zone_of: np.ndarray, seeds: dict[int, list[int]]) -> None:
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
    a: Areas,
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


def _attempt(
    a: Areas, zone_of: np.ndarray, k: int, floor: float, lock_index: np.ndarray,
    weights: tuple[float, float], graph: geometry.Neighbours, rng: np.random.Generator,
    deadline: float,
) -> tuple[Search, int]:  # fmt: skip
    """Improve one draft: local search; if a zone is below the floor, search with the floor first
    and then merge and split zones; once the floor is met, polish with the floor held."""
    movable = lock_index < 0
    search = Search(a, zone_of, k, movable, floor, weights, graph)
    moves = search.run(deadline)
    if search.floor_met():
        return search, moves
    first = Search(a, search.z, k, movable, floor, (max(weights[0], 1.0), 0.0), graph,
                   floor_penalty=REPAIR_PENALTY)  # fmt: skip
    moves += first.run(deadline)
    met = first.floor_met() or repair_floor(a, first.z, k, floor, lock_index, rng, deadline)
    search = Search(a, first.z, k, movable, floor, weights, graph, hard_floor=met)
    return search, moves + search.run(deadline)


def _islands(
    a: Areas, pieces: list[set[str]], zone_of: np.ndarray, names: list[str]
) -> tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]:
    """Each piece of the map apart from the largest, with the zones it makes on its own."""
    index = {c: i for i, c in enumerate(a.codes)}
    return tuple(
        (tuple(sorted(piece)), tuple(sorted({names[zone_of[index[c]]] for c in piece})))
        for piece in pieces[1:]
    )


def _verify(
    a: Areas, zone_of: np.ndarray, names: list[str], lock: Mapping[str, str], graph
) -> None:
    """The finished option against the promises: K zones, every lock kept, every zone one piece.
    Never expected to fail; if it does, the request is refused rather than answered wrongly."""
    got = {a.codes[i]: names[z] for i, z in enumerate(zone_of)}
    moved = sorted(c for c, label in lock.items() if got[c] != label)
    zones = {z: [a.codes[i] for i in np.flatnonzero(zone_of == z)] for z in range(len(names))}
    split = sorted(names[z] for z, codes in zones.items() if codes and not
                   geometry.is_contiguous(codes, graph))  # fmt: skip
    empty = sorted(names[z] for z, codes in zones.items() if not codes)
    if moved or split or empty:
        raise InfeasibleDesign(t("zones.design_unkept", moved=", ".join(moved[:5]) or "-",
                                 split=", ".join(split) or "-", empty=", ".join(empty) or "-"))  # fmt: skip


def design_option(
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
) -> Design:
    """K contiguous zones over the areas of `demand` (rows of `zone_area_demand`), the best of
    `restarts` drafts each improved by local search, with whether every zone reaches the floor.
    While no draft meets the floor, up to `restarts` more are tried. Same inputs and seed give the
    same option unless the time limit cuts the search short. Raises InfeasibleDesign, before any
    search, when no contiguous option can exist."""
    report = progress or (lambda fraction, message: None)
    lock = dict(lock or {})
    pieces, counts = _check(demand, graph, k, floor, lock)
    deadline = time.monotonic() + time_limit
    a = areas_of(demand, graph)
    names = _labels(k, lock)
    lock_index = np.array([names.index(lock[c]) if c in lock else -1 for c in a.codes])
    best: tuple[tuple[bool, float], np.ndarray] | None = None
    moves = 0
    for attempt in range(2 * max(1, restarts)):
        if attempt >= restarts and best is not None and not best[0][0]:
            break  # enough drafts, and the best meets the floor (or there is no floor)
        rng = np.random.default_rng([seed, attempt])
        zone_of = _draft(a, pieces, counts, lock, names, rng)
        if attempt == 0:
            report(0.05, t("zones.design_progress_grown", k=k))
        if a.hours.sum() <= 0:  # nothing to balance: any contiguous draft is as good as another
            best = ((False, 0.0), zone_of)
            break
        search, n = _attempt(a, zone_of, k, floor, lock_index, weights, graph, rng, deadline)
        moves += n
        key = (not search.floor_met(), search.objective())
        if best is None or key < (best[0][0], best[0][1] - 1e-12):
            best = (key, search.z)
        report(min(1.0, (attempt + 1) / restarts), t("zones.design_progress_search", moves=moves))
        if time.monotonic() >= deadline:
            break
    report(1.0, t("zones.design_progress_done"))
    zone_of = best[1]
    _verify(a, zone_of, names, lock, graph)
    hours = np.bincount(zone_of, weights=a.hours, minlength=k)
    return Design(
        pl.DataFrame(
            {"area_code": a.codes, "zone": [names[z] for z in zone_of]},
            schema={"area_code": pl.Utf8, "zone": pl.Utf8},
        ).sort("area_code"),
        floor,
        float(hours.min()),
        floor <= 0 or bool((hours >= floor - 1e-9).all()),
        _islands(a, pieces, zone_of, names),
    )


def design(demand: pl.DataFrame, graph: geometry.Neighbours, *, k: int, **options) -> pl.DataFrame:
    """The option of `design_option` as a frame `area_code, zone`, or FloorNotMet (a refusal,
    exit 2) when no option found has every zone at the floor: a floor is a promise, never a
    silent miss. The options are `design_option`'s."""
    found = design_option(demand, graph, k=k, **options)
    if not found.floor_met:
        raise FloorNotMet(found.floor_sentence(), found)
    return found.assignment


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
