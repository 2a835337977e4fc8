"""Small areas of one partnership: polygons that tile it, and the attributes that follow the map.

Areas are Voronoi cells of seed points, denser around the town centre, clipped to an irregular
outline, plus a separate island split into a few cells, drawn at least FERRY_GAP_KM off the
mainland so no island area touches a mainland one; so neighbours share edges and the town's areas
are small while rural ones are large. The island's ferry joins its area nearest the mainland to the
mainland area nearest it: the export names that link in its manifest (`zone_links`). Work is in kilometres on a local plane, then moved to
WGS84 around the partnership's centre.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from dashboard.sample.names import NamePool

HOME_CENTRE = (56.75, -3.95)  # lat, lon of the home partnership: fictional, in the Highlands' edge
PEER_STEP = (0.62, 1.05)  # degrees between neighbouring partnerships (lat, lon)
GRID_OFFSETS = (0, 1, -1, 2, -2, 3)  # partnerships sit on a 6 × 6 grid around the home one
RADIUS_KM = 22.0  # typical distance from centre to edge
KM_PER_DEG_LAT = 110.57
TOWN_SHARE, TOWN_SIGMA = 0.45, 0.15  # share of seed points around the town, their spread (× R)
SMALL_TOWN_SHARE, SMALL_TOWN_SIGMA = 0.06, 0.05  # per small town
URBAN_CORE = 0.25  # areas nearer the town centre than this (× R) are urban
ACCESSIBLE = 0.55  # … and nearer than this are within a 30-minute drive of it
FERRY_GAP_KM = 3.0  # the island sits at least this far off the mainland
ISLAND_SHARE = 0.03  # share of areas on the island (at least 2, at most 6)
AGED_SHARE = {1: 0.16, 2: 0.18, 3: 0.22, 4: 0.25, 5: 0.24, 6: 0.28}  # 65+ by urban/rural class


@dataclass
class Areas:
    """One partnership's areas as parallel arrays (index i is one area)."""

    partnership: str
    code: list[str]
    name: list[str]
    locality_index: np.ndarray
    localities: list[str]
    decile: np.ndarray
    urban_rural: np.ndarray
    population: np.ndarray
    population_65plus: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    wkt: list[str]
    angle: np.ndarray  # bearing from the town centre, for cutting lots into wedges
    island: np.ndarray
    ferry: tuple[str, str] = ("", "")  # the island's area and the mainland area a ferry joins

    @property
    def locality(self) -> list[str]:
        return [self.localities[i] for i in self.locality_index]

    def __len__(self) -> int:
        return len(self.code)


def centre(index: int) -> tuple[float, float]:
    """Where partnership `index` sits: the home one first, peers on a grid beside it."""
    lat = HOME_CENTRE[0] + GRID_OFFSETS[(index // 6) % 6] * PEER_STEP[0]
    lon = HOME_CENTRE[1] + GRID_OFFSETS[index % 6] * PEER_STEP[1]
    return lat, lon


def blob(rng: np.random.Generator, cx: float, cy: float, radius: float, n: int = 40):
    """An irregular star-shaped outline: a circle with a few low harmonics."""
    theta = np.linspace(0, 2 * np.pi, n, endpoint=False)
    phase = rng.uniform(0, 2 * np.pi, 3)
    r = radius * (
        1
        + 0.18 * np.sin(2 * theta + phase[0])
        + 0.08 * np.sin(3 * theta + phase[1])
        + 0.05 * np.sin(5 * theta + phase[2])
    )
    return shapely.Polygon(np.c_[cx + r * np.cos(theta), cy + r * np.sin(theta)])


def points_in(rng, shape, n: int, centre_xy=None, sigma: float | None = None) -> np.ndarray:
    """n points inside `shape`: uniform, or Gaussian around centre_xy; rejection in batches."""
    found = np.empty((0, 2))
    minx, miny, maxx, maxy = shape.bounds
    while len(found) < n:
        m = 2 * (n - len(found)) + 16
        if centre_xy is None:
            pts = np.c_[rng.uniform(minx, maxx, m), rng.uniform(miny, maxy, m)]
        else:
            pts = rng.normal(centre_xy, sigma, (m, 2))
        found = np.r_[found, pts[shapely.contains_xy(shape, pts[:, 0], pts[:, 1])]]
    return found[:n]


def polygons(points: np.ndarray, shape) -> np.ndarray:
    """Voronoi cells of the points clipped to the shape, in the points' order."""
    cells = shapely.get_parts(
        shapely.voronoi_polygons(
            shapely.MultiPoint(points), extend_to=shape.buffer(50), ordered=True
        )
    )
    clipped = shapely.intersection(cells, shape)
    # A clip can leave a stray line or point beside the polygon part; keep the polygonal parts only.
    return np.array([polygonal(g) for g in clipped], dtype=object)


def polygonal(g):
    if shapely.get_type_id(g) in (3, 6):
        return g
    parts = [p for p in shapely.get_parts(g) if shapely.get_type_id(p) in (3, 6)]
    return shapely.union_all(parts)


def build(
    rng: np.random.Generator,
    index: int,
    n_areas: int,
    partnership: str,
    first_code: int,
    names: NamePool,
) -> Areas:
    """The areas of partnership `index` (codes from S01 + 9 + first_code onwards)."""
    lat0, lon0 = centre(index)
    R = RADIUS_KM
    outline = blob(rng, 0, 0, R)
    bearing = rng.uniform(0, 2 * np.pi)
    town = np.array([0.25 * R * np.cos(bearing), 0.25 * R * np.sin(bearing)])
    n_small = 2 + int(rng.integers(0, 2))
    small = points_in(rng, outline.buffer(-0.2 * R), n_small)
    n_island = int(np.clip(round(ISLAND_SHARE * n_areas), 2, 6))
    n_main = n_areas - n_island
    n_town = int(TOWN_SHARE * n_main)
    n_st = int(SMALL_TOWN_SHARE * n_main)
    main_pts = np.r_[
        points_in(rng, outline, n_town, town, TOWN_SIGMA * R),
        *[points_in(rng, outline, n_st, s, SMALL_TOWN_SIGMA * R) for s in small],
        points_in(rng, outline, n_main - n_town - n_st * n_small),
    ]
    island_dir = bearing + np.pi + rng.uniform(-0.6, 0.6)  # across the partnership from the town
    isl_c = 1.5 * R * np.array([np.cos(island_dir), np.sin(island_dir)])
    island = blob(rng, *isl_c, 0.22 * R, 24)
    step = np.array([np.cos(island_dir), np.sin(island_dir)])
    while shapely.distance(outline, island) < FERRY_GAP_KM:  # out to sea, clear of the mainland
        island = shapely.transform(island, lambda c: c + step)
    isl_pts = points_in(rng, island, n_island)
    geoms = np.r_[polygons(main_pts, outline), polygons(isl_pts, island)]
    is_island = np.r_[np.zeros(n_main, bool), np.ones(n_island, bool)]

    cen = shapely.centroid(geoms)
    xy = np.c_[shapely.get_x(cen), shapely.get_y(cen)]
    d_town = np.hypot(*(xy - town).T) / R
    d_small = np.min(np.hypot(*(xy[:, None, :] - small[None]).transpose(2, 0, 1)), axis=1) / R
    ur = np.where(d_town < ACCESSIBLE, 5, 6)
    ur = np.where(d_small < 0.1, np.where(d_town < ACCESSIBLE, 3, 4), ur)
    core = d_town < URBAN_CORE
    ur = np.where(core, 1 if index % 4 == 1 else 2, ur)
    ur = np.where(is_island, 6, ur)
    ur[n_main + np.argmin(np.hypot(*(xy[is_island] - isl_c).T))] = 4  # the island's village

    # Deprivation: a deprived town core and one ex-industrial small town, an affluent suburban ring,
    # noise; then ranked into deciles so each decile holds about a tenth of the areas.
    score = (
        -1.3 * np.exp(-(d_town**2) / (2 * 0.1**2))
        - 0.9 * np.exp(-((np.hypot(*(xy - small[0]).T) / R) ** 2) / (2 * 0.07**2))
        + 0.9 * np.exp(-((d_town - 0.3) ** 2) / (2 * 0.08**2))
        + rng.normal(0, 0.3, n_areas)
    )
    decile = 1 + (np.argsort(np.argsort(score)) * 10) // n_areas

    rural = ur >= 5
    population = np.where(rural, rng.integers(450, 900, n_areas), rng.integers(520, 1000, n_areas))
    share = np.clip(
        np.vectorize(AGED_SHARE.get)(ur) + rng.normal(0, 0.03, n_areas) + 0.006 * (decile - 5),
        0.08,
        0.4,
    )
    pop65 = np.round(population * share).astype(np.int64)

    # Localities: the town core, then equal-count wedges of the rest by bearing from the town; the
    # island joins the wedge of its nearest mainland area.
    n_loc = int(rng.integers(4, 7))
    angle = np.mod(np.arctan2(xy[:, 1] - town[1], xy[:, 0] - town[0]) - bearing, 2 * np.pi)
    loc = np.zeros(n_areas, dtype=np.int64)
    rest = np.flatnonzero(~core & ~is_island)
    order = rest[np.argsort(angle[rest])]
    for k, chunk in enumerate(np.array_split(order, n_loc - 1)):
        loc[chunk] = k + 1
    near = np.argmin(
        np.hypot(*(xy[is_island][:, None, :] - xy[rest][None]).transpose(2, 0, 1)), axis=1
    )
    loc[is_island] = loc[rest[near]]
    localities = [names.take() for _ in range(n_loc)]
    island_name = names.take()
    area_names, counts = [], np.zeros(n_loc, dtype=int)
    for i in range(n_areas):
        if is_island[i]:
            area_names.append(f"Isle of {island_name} {i - n_main + 1}")
        else:
            counts[loc[i]] += 1
            area_names.append(f"{localities[loc[i]]} {counts[loc[i]]:02d}")

    kx = KM_PER_DEG_LAT * np.cos(np.radians(lat0))
    wgs = shapely.transform(
        geoms, lambda c: np.c_[lon0 + c[:, 0] / kx, lat0 + c[:, 1] / KM_PER_DEG_LAT]
    )
    wc = shapely.centroid(wgs)
    codes = [f"S019{first_code + i:05d}" for i in range(n_areas)]
    return Areas(
        partnership=partnership,
        code=codes,
        name=area_names,
        locality_index=loc,
        localities=localities,
        decile=decile.astype(np.int64),
        urban_rural=ur.astype(np.int64),
        population=population.astype(np.int64),
        population_65plus=pop65,
        lat=np.round(shapely.get_y(wc), 6),
        lon=np.round(shapely.get_x(wc), 6),
        wkt=list(shapely.to_wkt(wgs, rounding_precision=6)),
        angle=angle,
        island=is_island,
        ferry=_ferry(geoms, is_island, codes),
    )


def _ferry(geoms: np.ndarray, is_island: np.ndarray, codes: list[str]) -> tuple[str, str]:
    """The island area nearest the mainland and the mainland area nearest it (the ferry's ends)."""
    land, isle = np.flatnonzero(~is_island), np.flatnonzero(is_island)
    gaps = shapely.distance(geoms[isle][:, None], geoms[land][None, :])
    i, j = np.unravel_index(np.argmin(gaps), gaps.shape)
    return codes[isle[i]], codes[land[j]]
