"""Repair the floor by merging and splitting zones (docs/zones.md, "Designing zones", step 5).

Single-area moves cannot lift a zone that has no hours when every neighbour would fall below the
floor by giving one up (demand in few areas, a floor close to the mean). Here a zone below the
floor is merged with its neighbouring zones, the one with the most hours above the floor first,
until the merged zones hold enough hours for each of them; the merged areas are then cut into that
many zones along a random spanning tree (recombination, as in the ReCom method of redistricting).
Parts of a spanning tree are connected, so every zone stays contiguous. Zones holding locked areas
are never merged: their floor is left to the local search, so no lock can move.
"""

from __future__ import annotations

import time

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import breadth_first_order, minimum_spanning_tree

from dashboard.zones.search import Areas

TREES = 12  # random spanning trees tried for each split before merging one more zone


def _tree_order(a: Areas, nodes: np.ndarray, rng: np.random.Generator):
    """A random spanning tree of `nodes` (positions into `nodes`): breadth-first order and parents,
    or None when the nodes do not hang together."""
    where = {int(n): i for i, n in enumerate(nodes)}
    rows, cols = [], []
    for i, n in enumerate(nodes):
        for v in a.adjacent[n]:
            j = where.get(v)
            if j is not None and i < j:
                rows.append(i)
                cols.append(j)
    size = len(nodes)
    weights = rng.random(len(rows)) + 1e-9
    tree = minimum_spanning_tree(coo_matrix((weights, (rows, cols)), shape=(size, size)))
    order, parent = breadth_first_order(tree, 0, directed=False, return_predecessors=True)
    return (order, parent) if len(order) == size else None


def _split(
    a: Areas, nodes: np.ndarray, m: int, floor: float, rng: np.random.Generator
) -> list[np.ndarray] | None:
    """`nodes` cut into `m` connected parts of at least `floor` hours each, or None when none of
    the trees tried allows it. On a tree, cutting a subtree off as soon as it reaches the floor
    (children before parents) gives the most parts that each reach it; neighbouring parts are then
    merged, the pair with the fewest hours first, until `m` are left."""
    for _ in range(TREES):
        found = _tree_order(a, nodes, rng)
        if found is None:
            return None
        order, parent = found
        acc = a.hours[nodes].astype(float)
        part = np.full(len(nodes), -1)
        cuts = []
        for i in order[::-1]:
            if i != order[0] and acc[i] >= floor:
                cuts.append(i)  # the subtree of i, less parts already cut below it, is a part
            elif i != order[0]:
                acc[parent[i]] += acc[i]
        for n, root in enumerate(reversed(cuts)):  # top-down: an outer cut takes what is left
            part[root] = n
        for i in order[1:]:
            if part[i] < 0:
                part[i] = part[parent[i]]
        rest = part < 0  # the root's part, perhaps below the floor: it joins a neighbouring part
        if not cuts:
            continue
        if rest.any():
            part[rest] = len(cuts)
        groups = [nodes[part == n] for n in range(part.max() + 1)]
        groups = _merge_down(a, groups, m, floor)
        if groups is not None:
            return groups
    return None


def _merge_down(
    a: Areas, groups: list[np.ndarray], m: int, floor: float
) -> list[np.ndarray] | None:
    """Merge touching groups, the pair with the fewest hours first (a group below the floor
    before any), until `m` are left and every one reaches the floor."""
    while len(groups) >= m:
        hours = [a.hours[g].sum() for g in groups]
        low = [i for i, h in enumerate(hours) if h < floor]
        if len(groups) <= m and not low:
            return groups
        if len(groups) <= m:
            return None
        owner = {int(u): n for n, g in enumerate(groups) for u in g}
        pairs = {
            (min(n, owner[v]), max(n, owner[v]))
            for n, g in enumerate(groups) for u in g for v in a.adjacent[u]
            if v in owner and owner[v] != n
        }  # fmt: skip
        if not pairs:
            return None
        i, j = min(pairs, key=lambda p: (not (set(p) & set(low)), hours[p[0]] + hours[p[1]], p))
        groups = [g for n, g in enumerate(groups) if n not in (i, j)] + [
            np.concatenate([groups[i], groups[j]])
        ]
    return None


def _neighbour_zones(a: Areas, zone_of: np.ndarray, zones: set[int]) -> set[int]:
    members = np.flatnonzero(np.isin(zone_of, list(zones)))
    return {int(zone_of[v]) for u in members for v in a.adjacent[u]} - zones


def repair_floor(
    a: Areas,
    zone_of: np.ndarray,
    k: int,
    floor: float,
    label: np.ndarray,
    rng: np.random.Generator,
    deadline: float,
) -> bool:
    """Merge and split zones until every zone has at least `floor` hours; True when it does.
    `label[u]` is the zone index area u is locked to (-1 when free); `zone_of` is changed in place
    and keeps every lock, every zone contiguous and k zones."""
    tried: set[tuple[int, frozenset[int]]] = set()
    locked = {int(z) for z in label[label >= 0]}  # locked zones are left to the local search
    while time.monotonic() < deadline:
        hours = np.bincount(zone_of, weights=a.hours, minlength=k)
        short = [int(z) for z in np.argsort(hours) if hours[z] < floor - 1e-9]
        if set(short) <= locked:
            return False
        if not short:
            return True
        progress = False
        for needy in (z for z in short if z not in locked):
            merged = {needy}
            while not progress and time.monotonic() < deadline:
                around = _neighbour_zones(a, zone_of, merged) - locked
                if not around:
                    break
                merged.add(max(around, key=lambda z: (hours[z] - floor, -z)))
                if hours[list(merged)].sum() < len(merged) * floor:
                    continue
                key = (needy, frozenset(merged))
                if key in tried:
                    continue
                tried.add(key)
                nodes = np.flatnonzero(np.isin(zone_of, list(merged)))
                parts = _split(a, nodes, len(merged), floor, rng)
                if parts is not None:
                    _apply(zone_of, parts, merged)
                    progress = True
            if progress:
                break
        if not progress:
            return False
    return False


def _apply(zone_of: np.ndarray, parts: list[np.ndarray], merged: set[int]) -> None:
    """The new parts take the merged zones' indices (none of them holds a locked area)."""
    for part, zone in zip(parts, sorted(merged), strict=True):
        zone_of[part] = zone
