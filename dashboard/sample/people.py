"""People with a support plan, placed in areas, and the day each first came to the service."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dashboard.sample import timeline as tl
from dashboard.sample.geography import Areas

# Client group shares of people with a plan (a judgement: older people dominate home care, ~82% of
# home care clients are 65+ [sds-and-home-care.md §2]; carers ~12% of people with a plan).
CLIENT_GROUPS = {
    "elderly_frail": 0.30, "dementia": 0.15, "physical_sensory_disability": 0.11,
    "learning_disability": 0.09, "mental_health": 0.08, "unpaid_carer": 0.12,
    "substance_use": 0.03, "neurological": 0.03, "autism": 0.02, "palliative": 0.03,
    "other": 0.03, "not_recorded": 0.01,
}  # fmt: skip
OLDER_GROUPS = ("elderly_frail", "dementia", "palliative")
AGE_RANGE = {"older": (66, 98), "adult": (18, 65), "carer": (30, 85)}
STOCK_SHARE = 0.35  # share of people whose first plan began before the window (already supported)
DEPRIVATION_PULL = 0.05  # each decile nearer the most deprived adds this to an area's weight
SEASONAL_AMPLITUDE = 0.2  # new plans in mid-winter run 20% above the year's average


@dataclass
class People:
    area: np.ndarray  # index into Areas
    group: np.ndarray  # index into CLIENT_GROUP_NAMES
    birth_year: np.ndarray
    sex: np.ndarray  # index into contract SEXES
    lives_alone: np.ndarray  # 0 false, 1 true, 2 not recorded
    arrival: np.ndarray  # day number of the first plan's start
    stock: np.ndarray  # already supported at the window start

    def __len__(self) -> int:
        return len(self.area)


GROUP_NAMES = tuple(CLIENT_GROUPS)


def group_index(name: str) -> int:
    return GROUP_NAMES.index(name)


def arrival_weights(days: np.ndarray, boost_from: int | None, boost: float) -> np.ndarray:
    w = tl.seasonal(days, SEASONAL_AMPLITUDE)
    if boost_from is not None:
        w = np.where(days >= boost_from, w * boost, w)
    return w


def build(
    rng: np.random.Generator,
    areas: Areas,
    n: int,
    extract_day: int,
    planted: tuple[int, int] | None,
    boost_from: int,
    boost: float,
) -> People:
    """n people of one partnership; `planted` = (locality index, client group index) whose new
    arrivals run `boost` times faster from `boost_from` (the emerging need)."""
    p = np.array(list(CLIENT_GROUPS.values()))
    group = rng.choice(len(p), n, p=p / p.sum())
    older = np.isin(group, [group_index(g) for g in OLDER_GROUPS])
    carer = group == group_index("unpaid_carer")
    pull = 1 + DEPRIVATION_PULL * (10 - areas.decile)
    w_old = areas.population_65plus * pull
    w_young = (areas.population - areas.population_65plus) * pull
    area = np.where(
        older,
        rng.choice(len(areas), n, p=w_old / w_old.sum()),
        rng.choice(len(areas), n, p=w_young / w_young.sum()),
    )
    lo = np.select(
        [older, carer], [AGE_RANGE["older"][0], AGE_RANGE["carer"][0]], AGE_RANGE["adult"][0]
    )
    hi = np.select(
        [older, carer], [AGE_RANGE["older"][1], AGE_RANGE["carer"][1]], AGE_RANGE["adult"][1]
    )
    age = lo + np.floor(rng.beta(1.6, 1.6, n) * (hi - lo)).astype(np.int64)
    birth_year = tl.to_date(extract_day).year - age
    female = np.where(older, 0.6, 0.47)
    u = rng.random(n)
    sex = np.select([u < 0.005, u < 0.015, u < 0.015 + female], [2, 3, 0], 1)
    alone_p = np.where(older, 0.45, np.where(carer, 0.08, 0.3))
    u = rng.random(n)
    lives_alone = np.where(u < 0.05, 2, (rng.random(n) < alone_p).astype(int))

    stock = rng.random(n) < STOCK_SHARE
    ws, ss = tl.day(tl.WINDOW_START), tl.day(tl.STOCK_START)
    arrival = tl.sample_days(rng, n, ss, arrival_weights(np.arange(ss, ws), None, 1.0))
    in_cell = np.zeros(n, bool)
    if planted is not None:
        in_cell = (areas.locality_index[area] == planted[0]) & (group == planted[1])
    window = np.arange(ws, extract_day + 1)
    for cell in (False, True):
        pick = ~stock & (in_cell == cell)
        w = arrival_weights(window, boost_from if cell else None, boost)
        arrival[pick] = tl.sample_days(rng, int(pick.sum()), ws, w)
    return People(area, group, birth_year, sex, lives_alone, arrival, stock)
