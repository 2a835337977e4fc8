"""The care market of one partnership: providers, today's home care lots, who delivers each plan,
unmet-need requests and handbacks."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dashboard.core.contract import HANDBACK_REASONS
from dashboard.sample import timeline as tl
from dashboard.sample.geography import Areas
from dashboard.sample.names import NamePool
from dashboard.sample.people import People
from dashboard.sample.plans import Plans, S, choose

ROLES = ("in_house", "home_care", "third_sector", "care_home")
ROLE_TYPE = {"in_house": "in_house", "home_care": "independent", "third_sector": "third_sector",
             "care_home": "independent"}  # fmt: skip
ROLE_SUFFIX = {"in_house": "Care at Home", "home_care": "Home Care Ltd",
               "third_sector": "Community Support", "care_home": "Care Homes Ltd"}  # fmt: skip
# Care Inspectorate grades 1–6, mostly good (4) or very good (5) [sds-and-home-care.md §4].
GRADE_P = (0.02, 0.06, 0.12, 0.42, 0.32, 0.06)
UNGRADED_SHARE = 0.05
LOT_WEIGHTS = (
    2.6,
    1.0,
    1.35,
    1.6,
    1.2,
    1.45,
)  # home care hours share of each lot: the first is big
LOT_MODEL_ORDER = ("lead_and_framework", "single_provider", "two_providers", "complex_care",
                   "single_provider", "two_providers")  # fmt: skip
IN_HOUSE_HOME_CARE, LOT_PROVIDER_SHARE, LEAD_SHARE_IN_FRAMEWORK = 0.15, 0.7, 0.65
ON_CONTRACT_ELSEWHERE = 0.82
REQUEST_WAIT_DAYS = 21.0  # mean wait from assessment to package start (remote areas: see below)
# Remote areas wait longer, hold more waiting requests and see more handbacks (story 2).
RURAL_FACTOR = {1: 1.0, 2: 1.0, 3: 1.0, 4: 1.6, 5: 1.6, 6: 3.5}
HANDBACKS_PER_YEAR = 0.05  # per home care package delivered by an independent provider
HANDBACK_MIX = {  # reasons in contract order: staffing, travel, complexity, viability, other
    "remote": (0.35, 0.45, 0.05, 0.1, 0.05),
    "complex": (0.35, 0.05, 0.45, 0.1, 0.05),
    "default": (0.5, 0.1, 0.15, 0.15, 0.1),
}


@dataclass
class Providers:
    name: list[str]
    type: list[str]
    role: np.ndarray
    grade: np.ndarray  # -1 = not graded
    capacity: np.ndarray  # NaN = not recorded


@dataclass
class Lots:
    area: np.ndarray  # areas in a lot
    lot: np.ndarray  # lot index of each of those areas
    names: list[str]
    models: list[str]
    lead: np.ndarray  # provider index, -1 none
    second: np.ndarray


def rural(areas: Areas, area: np.ndarray) -> np.ndarray:
    return np.vectorize(RURAL_FACTOR.get)(areas.urban_rural[area])


def providers(rng, areas: Areas, names: NamePool) -> Providers:
    k = len(areas)
    counts = {"in_house": 1, "home_care": min(10, 3 + k // 40), "third_sector": 2 + k // 60,
              "care_home": 2 + k // 50}  # fmt: skip
    role = np.repeat(np.arange(len(ROLES)), [counts[r] for r in ROLES])
    name = [
        f"{areas.partnership if r == 0 else names.take()} {ROLE_SUFFIX[ROLES[r]]}" for r in role
    ]
    grade = 1 + choose(rng, len(role), np.tile(GRADE_P, (len(role), 1)))
    grade = np.where(rng.random(len(role)) < UNGRADED_SHARE, -1, grade)
    home = role <= 1
    capacity = np.where(home, np.round(rng.uniform(300, 3000, len(role)), -1), np.nan)
    return Providers(name, [ROLE_TYPE[ROLES[r]] for r in role], role, grade, capacity)


def home_care_hours_today(areas: Areas, people: People, plans: Plans, day: int) -> np.ndarray:
    """Weekly home care hours per area at `day`, as metrics.md counts them for zones."""
    m = (plans.start <= day) & (plans.end > day) & (plans.sds != 1)
    m &= np.isin(plans.service, [S["home_care"], S["reablement"]])
    return np.bincount(
        people.area[plans.person[m]], np.nan_to_num(plans.hours[m]), minlength=len(areas)
    )


def lots(rng, areas: Areas, hours: np.ndarray, prov: Providers) -> Lots:
    """Today's lots: wedges of the mainland by bearing from the town, cut so each holds its share
    of today's hours (LOT_WEIGHTS); the island is in no lot."""
    k = int(rng.integers(4, 7))
    main = np.flatnonzero(~areas.island)
    order = main[np.argsort(areas.angle[main])]
    h = hours[order]
    mid = (np.cumsum(h) - h / 2) / max(h.sum(), 1e-9)
    w = np.array(LOT_WEIGHTS[:k])
    lot = np.searchsorted(np.cumsum(w / w.sum()), mid, side="right").clip(0, k - 1)
    models = list(LOT_MODEL_ORDER[:k])
    indep = np.flatnonzero(prov.role == 1)
    lead = indep[np.arange(k) % len(indep)]
    second = np.where(
        [m == "two_providers" for m in models], indep[(np.arange(k) + 1) % len(indep)], -1
    )
    names = []
    for i in range(k):
        loc = np.bincount(areas.locality_index[order[lot == i]], minlength=len(areas.localities))
        names.append(f"Lot {chr(65 + i)}: {areas.localities[int(np.argmax(loc))]}")
    return Lots(order, lot, names, models, lead, second)


def assign(rng, areas: Areas, people: People, plans: Plans, prov: Providers, lot: Lots | None):
    """Fill in provider, lot and on-contract for every plan (direct payments have no provider)."""
    n = len(plans)
    u, v = rng.random(n), rng.random(n)

    def role_pick(role: int) -> np.ndarray:
        """For every plan, a random provider of this role."""
        pool = np.flatnonzero(prov.role == role)
        return pool[rng.integers(0, len(pool), n)]

    in_house = role_pick(0)
    indep, third, homes = role_pick(1), role_pick(2), role_pick(3)
    svc = plans.service
    provider = np.select(
        [svc == S["home_care"], np.isin(svc, [S["reablement"], S["telecare"]]), svc == S["care_home"],
         (svc == S["respite"]) & (v < 0.5)],
        [np.where(u < 0.2, in_house, indep), in_house, homes, homes],
        third,
    )  # fmt: skip
    on = np.where(provider == in_house, True, rng.random(n) < ON_CONTRACT_ELSEWHERE)
    lot_of = np.full(n, -1)
    if lot is not None:
        area_lot = np.full(len(areas), -1)
        area_lot[lot.area] = lot.lot
        pl = area_lot[people.area[plans.person]]
        hc = (svc == S["home_care"]) & (pl >= 0)
        safe = np.maximum(pl, 0)
        lead, second = lot.lead[safe], lot.second[safe]
        framework = np.array(lot.models)[safe] == "lead_and_framework"
        to_lot = hc & (u >= IN_HOUSE_HOME_CARE) & (u < IN_HOUSE_HOME_CARE + LOT_PROVIDER_SHARE)
        chosen = np.where((second >= 0) & (v < 0.5), second, lead)
        chosen = np.where(framework & (v >= LEAD_SHARE_IN_FRAMEWORK), indep, chosen)
        spot = hc & (u >= IN_HOUSE_HOME_CARE + LOT_PROVIDER_SHARE)
        provider = np.select([hc & (u < IN_HOUSE_HOME_CARE), to_lot], [in_house, chosen], provider)
        # Spot purchases go to a provider outside the lot (the framework counts as in the lot).
        spot_ok = spot & ~framework & (indep != lead) & (indep != second)
        provider = np.where(spot_ok, indep, np.where(spot, in_house, provider))
        on = np.select([to_lot, spot_ok, hc], [True, False, True], on)
        lot_of = np.where(to_lot, pl, -1)
    dp = plans.sds == 1
    plans.provider = np.where(dp, -1, provider)
    plans.on_contract = np.where(dp, False, on)
    plans.lot = np.where(dp, -1, lot_of)


def requests(rng, areas: Areas, people: People, plans: Plans, extract_day: int) -> dict:
    """Assessed need before each home care package, plus people still waiting at the extract."""
    ws = tl.day(tl.WINDOW_START)
    m = np.isin(plans.service, [S["home_care"], S["reablement"]]) & (plans.sds != 1)
    m &= plans.start >= ws
    idx = np.flatnonzero(m)
    person = plans.person[idx]
    wait = np.round(rng.exponential(REQUEST_WAIT_DAYS * rural(areas, people.area[person])))
    hours = np.where(np.isnan(plans.hours[idx]), plans.budget[idx] / 24.8, plans.hours[idx])

    # Still waiting at the extract: the same flow of requests carried on for one more year (last
    # year's requests, shifted a year later, each with a fresh wait), keeping those whose package has
    # not started by the extract. So the request rate stays level to the end, and nobody's group
    # appears from nowhere; remote areas, waiting longer, hold more of them (story 2).
    recent = np.flatnonzero(plans.start[idx] > extract_day - 365)
    assessed_next = plans.start[idx][recent] - wait[recent].astype(np.int64) + 365
    wait_next = np.round(
        rng.exponential(REQUEST_WAIT_DAYS * rural(areas, people.area[person[recent]]))
    )
    still = (assessed_next <= extract_day) & (assessed_next + wait_next > extract_day)
    waiting_idx = recent[still]
    waiting = person[waiting_idx]
    n_w = len(waiting)
    assessed_w = assessed_next[still]
    planned = rng.random(n_w) < 0.2
    start_w = np.where(planned, (assessed_w + wait_next[still]).astype(np.int64), -1)
    hrs_w = np.round(hours[waiting_idx] * 4) / 4
    all_person = np.r_[person, waiting]
    return dict(
        person=all_person,
        area=people.area[all_person],
        assessed=np.r_[plans.start[idx] - wait.astype(np.int64), assessed_w],
        hours=np.r_[np.round(hours * 4) / 4, hrs_w],
        package_start=np.r_[plans.start[idx], start_w],
        complex=np.r_[plans.complex[idx], plans.complex[idx][waiting_idx]],
    )


def handbacks(rng, areas: Areas, people: People, plans: Plans, prov: Providers, extract_day: int):
    """Independent providers hand back some home care packages; more in remote areas (story 2)."""
    ws = tl.day(tl.WINDOW_START)
    m = (plans.service == S["home_care"]) & (plans.provider >= 0)
    m &= prov.role[np.maximum(plans.provider, 0)] == 1
    lo = np.maximum(plans.start, ws)
    hi = np.minimum(plans.end - 1, extract_day)
    m &= hi > lo
    idx = np.flatnonzero(m)
    r = rural(areas, people.area[plans.person[idx]])
    rate = HANDBACKS_PER_YEAR * np.where(r > 3, 3.0, r) * np.where(plans.complex[idx], 1.6, 1.0)
    span = hi[idx] - lo[idx]
    hit = rng.random(len(idx)) < 1 - np.exp(-rate * span / 365.25)
    idx, span = idx[hit], span[hit]
    remote = areas.urban_rural[people.area[plans.person[idx]]] == 6
    mix = np.where(
        remote[:, None],
        np.array(HANDBACK_MIX["remote"]),
        np.where(plans.complex[idx][:, None], HANDBACK_MIX["complex"], HANDBACK_MIX["default"]),
    )
    reason = choose(rng, len(idx), mix)
    when = lo[idx] + np.floor(rng.random(len(idx)) * span).astype(np.int64)
    return dict(plan=idx, provider=plans.provider[idx], day=when,
                reason=np.array(HANDBACK_REASONS)[reason])  # fmt: skip
