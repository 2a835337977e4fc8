"""Local search for zone design: move one boundary area at a time to a neighbouring zone while the
objective improves (docs/zones.md, "Designing zones", step 4).

A move never takes a locked area, the last area of a zone or an articulation point of its zone, so
every zone stays contiguous at every step. With `hard_floor` a move may not take its zone below the
floor either: once every zone meets the floor, polishing balance and travel keeps it met.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import polars as pl

from dashboard.core import geometry

FLOOR_PENALTY = 10.0  # objective cost per unit of relative shortfall below the floor
REPAIR_PENALTY = 1000.0  # the same while repairing the floor: the floor comes before anything else


@dataclass
class Areas:
    """The areas of a design as arrays (index i is one area) and their neighbours."""

    codes: list[str]
    hours: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    edges: tuple[np.ndarray, np.ndarray]  # directed u -> v, both ways
    adjacent: list[list[int]]


def areas_of(demand: pl.DataFrame, graph: geometry.Neighbours) -> Areas:
    """The rows of `zone_area_demand` as arrays, with the graph's neighbours among them."""
    codes = demand["area_code"].to_list()
    index = {c: i for i, c in enumerate(codes)}
    adjacent = [sorted(index[n] for n in graph.of(c) if n in index) for c in codes]
    pairs = [(u, v) for u, vs in enumerate(adjacent) for v in vs]
    return Areas(
        codes,
        demand["weekly_hours"].to_numpy().astype(float),
        demand["centroid_lat"].to_numpy().astype(float),
        demand["centroid_lon"].to_numpy().astype(float),
        (np.array([u for u, _ in pairs], dtype=int), np.array([v for _, v in pairs], dtype=int)),
        adjacent,
    )


class Search:
    """Best-improvement local search over single boundary moves that keep every zone contiguous."""

    def __init__(
        self,
        a: Areas,
        zone_of: np.ndarray,
        k: int,
        movable: np.ndarray,
        floor: float,
        weights: tuple[float, float],
        graph: geometry.Neighbours,
        *,
        floor_penalty: float = FLOOR_PENALTY,
        hard_floor: bool = False,
    ):
        self.a, self.z, self.k = a, zone_of, k
        self.movable, self.floor, self.graph = movable, floor, graph
        self.wb, self.wt = weights
        self.penalty, self.hard_floor = floor_penalty, hard_floor and floor > 0
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
        short = self.penalty * self._shortfall(self.H).sum()
        return float(self.wb * self.H.std() / mean + self.wt * travel + short)

    def best_move(self) -> tuple[int, int] | None:
        a = self.a
        eu, ev = a.edges
        za, zb = self.z[eu], self.z[ev]
        ok = (za != zb) & self.movable[eu] & ~self.cut[eu] & (self.size[za] > 1)
        if self.hard_floor:
            ok &= self.H[za] - a.hours[eu] >= self.floor
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
        short = self.penalty * (
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

    def run(self, deadline: float) -> int:
        """Move until no move improves or the deadline (time.monotonic) passes; the moves made."""
        moves = 0
        while time.monotonic() < deadline and (step := self.best_move()):
            self.move(*step)
            moves += 1
        return moves

    def floor_met(self) -> bool:
        return self.floor <= 0 or bool((self.H >= self.floor - 1e-9).all())
