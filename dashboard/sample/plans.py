"""Support plans: each person's first plan, follow-on plans (reablement → home care, home care →
care home) and concurrent ones (telecare, day support, respite), with SDS option, hours and budget.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from dashboard.core.contract import END_REASONS, SERVICE_TYPES
from dashboard.sample import timeline as tl
from dashboard.sample.people import GROUP_NAMES, OLDER_GROUPS, People, group_index

S = {name: i for i, name in enumerate(SERVICE_TYPES)}
R = {name: i for i, name in enumerate(END_REASONS)}

# First plan's service by client group (a judgement from sds-and-home-care.md §2–3).
FIRST_SERVICE = {
    "elderly_frail": {"home_care": 0.55, "reablement": 0.2, "care_home": 0.07, "telecare": 0.08,
                      "personal_assistant": 0.05, "other": 0.05},
    "dementia": {"home_care": 0.55, "care_home": 0.18, "day_support": 0.12, "reablement": 0.05,
                 "telecare": 0.1},
    "palliative": {"home_care": 0.85, "care_home": 0.15},
    "learning_disability": {"day_support": 0.3, "housing_support": 0.35, "personal_assistant": 0.2,
                            "respite": 0.1, "other": 0.05},
    "mental_health": {"housing_support": 0.4, "day_support": 0.2, "home_care": 0.15,
                      "personal_assistant": 0.1, "other": 0.15},
    "physical_sensory_disability": {"home_care": 0.45, "personal_assistant": 0.25, "telecare": 0.1,
                                    "reablement": 0.1, "other": 0.1},
    "substance_use": {"housing_support": 0.6, "day_support": 0.2, "other": 0.2},
    "neurological": {"home_care": 0.5, "personal_assistant": 0.25, "care_home": 0.1, "respite": 0.15},
    "autism": {"day_support": 0.4, "personal_assistant": 0.3, "housing_support": 0.3},
    "unpaid_carer": {"carer_support": 1.0},
    "other": {"home_care": 0.4, "other": 0.3, "telecare": 0.3},
    "not_recorded": {"home_care": 0.4, "other": 0.3, "telecare": 0.3},
}  # fmt: skip
MEAN_DAYS = {
    "home_care": 700, "reablement": 42, "personal_assistant": 1000, "day_support": 1000,
    "respite": 365, "care_home": 800, "telecare": 1200, "housing_support": 900,
    "carer_support": 500, "other": 500,
}  # fmt: skip
PALLIATIVE_MEAN_DAYS = 90
# SDS option shares by service (options 1–4). Overall about 11% / 11% / 73% / 5%, near the first
# national figures of 13% / 9% / 75% [sds-and-home-care.md §1]; no direct payment buys a care home.
SDS = {
    "home_care": (0.08, 0.11, 0.76, 0.05), "reablement": (0, 0, 1, 0),
    "personal_assistant": (0.7, 0.15, 0.05, 0.1), "day_support": (0.08, 0.15, 0.72, 0.05),
    "respite": (0.1, 0.12, 0.73, 0.05), "care_home": (0, 0.05, 0.95, 0),
    "telecare": (0, 0, 1, 0), "housing_support": (0.04, 0.14, 0.77, 0.05),
    "carer_support": (0.3, 0.15, 0.45, 0.1), "other": (0.1, 0.12, 0.73, 0.05),
}  # fmt: skip
# End reasons (contract order) by service; `hospital` is scaled by winter (story 5).
END_MIX = {
    "home_care": (0.2, 0.2, 0.2, 0.25, 0.07, 0.08), "reablement": (0.85, 0, 0.1, 0.02, 0, 0.03),
    "care_home": (0, 0, 0.05, 0.85, 0.05, 0.05),
}  # fmt: skip
END_DEFAULT = (0.45, 0.08, 0.12, 0.12, 0.13, 0.1)
END_PALLIATIVE = (0, 0, 0.1, 0.85, 0, 0.05)
HOSPITAL_WINTER_AMPLITUDE = 0.5
CONCURRENT_SHARE, CARER_RESPITE_SHARE = 0.35, 0.2
CONCURRENT = {"telecare": 0.5, "day_support": 0.2, "respite": 0.3}
REABLEMENT_TO_HOME_CARE = 0.5
HOURLY_RATE, COMPLEX_UPLIFT, PA_RATE = 24.8, 1.25, 17.5
COMPLEX_SHARE = {"home_care": 0.08, "personal_assistant": 0.05, "care_home": 0.15}
FLAT_WEEKLY_BUDGET = {  # £ a week, uniform between the bounds
    "care_home": (760, 1050), "telecare": (3.5, 6.5), "day_support": (120, 380),
    "housing_support": (180, 650), "respite": (60, 250), "carer_support": (15, 90),
    "other": (40, 220),
}  # fmt: skip
MISSING_HOURS_SHARE, MISSING_BUDGET_SHARE = 0.01, 0.02  # data gaps: hours; option 3 budgets


@dataclass
class Plans:
    person: np.ndarray
    service: np.ndarray
    start: np.ndarray
    end: np.ndarray  # day the plan stops being active, possibly after the extract (then open)
    reason: np.ndarray  # index into END_REASONS (meaningful only for ends on or before extract)
    sds: np.ndarray
    hours: np.ndarray  # planned weekly hours, NaN where not recorded or not an hours service
    budget: np.ndarray  # weekly budget, always set (spend follows it)
    budget_missing: np.ndarray  # the budget is NULL in the export (a data gap)
    complex: np.ndarray
    provider: np.ndarray  # index into the partnership's providers, -1 = none (direct payment)
    lot: np.ndarray  # index into the partnership's lots, -1 = none
    on_contract: np.ndarray

    def __len__(self) -> int:
        return len(self.person)

    def take(self, idx: np.ndarray) -> Plans:
        return Plans(*(getattr(self, f.name)[idx] for f in fields(self)))


def choose(rng, n: int, rows: np.ndarray) -> np.ndarray:
    """Categorical draws, one per row of probabilities."""
    cdf = np.cumsum(rows / rows.sum(axis=1, keepdims=True), axis=1)
    return np.minimum((rng.random(n)[:, None] > cdf).sum(axis=1), rows.shape[1] - 1)


def table(d: dict[str, tuple], default: tuple, keys) -> np.ndarray:
    """Rows of a per-service (or per-group) table, as an array indexed by service number."""
    return np.array([d.get(k, default) for k in keys], dtype=float)


def durations(rng, service: np.ndarray, palliative: np.ndarray) -> np.ndarray:
    mean = np.array([MEAN_DAYS[s] for s in SERVICE_TYPES])[service]
    mean = np.where(palliative, PALLIATIVE_MEAN_DAYS, mean)
    days = rng.exponential(mean)
    reab = service == S["reablement"]
    days = np.where(reab, rng.integers(28, 57, len(service)), days)
    return np.maximum(7, np.round(days)).astype(np.int64)


def segment(rng, people: People, person, service, start, end, extract_day) -> dict:
    """Plans for these people and services: end reasons, options, hours and budgets."""
    n = len(person)
    palliative = people.group[person] == group_index("palliative")
    mix = np.where(
        palliative[:, None],
        np.array(END_PALLIATIVE),
        table(END_MIX, END_DEFAULT, SERVICE_TYPES)[service],
    )
    mix[:, R["hospital"]] *= tl.seasonal(end, HOSPITAL_WINTER_AMPLITUDE)
    reason = choose(rng, n, mix)
    sds = 1 + choose(rng, n, table(SDS, (0, 0, 1, 0), SERVICE_TYPES)[service])
    complex_p = np.array([COMPLEX_SHARE.get(s, 0.02) for s in SERVICE_TYPES])[service]
    complex_ = rng.random(n) < complex_p
    older = np.isin(people.group[person], [group_index(g) for g in OLDER_GROUPS])
    # Home care: median 7.5 h (65+) so about 35% get 10+ hours [sds-and-home-care.md §2]; younger
    # adults more and more spread (48% under 10 h, some over 50 h).
    hc = np.where(
        older, np.exp(rng.normal(np.log(7.5), 0.6, n)), np.exp(rng.normal(np.log(10.5), 0.8, n))
    )
    hours = np.full(n, np.nan)
    hours = np.where(service == S["home_care"], np.clip(hc, 1.5, 70), hours)
    hours = np.where(service == S["reablement"], rng.uniform(5, 15, n), hours)
    hours = np.where(
        service == S["personal_assistant"], np.exp(rng.normal(np.log(12), 0.6, n)), hours
    )
    hours = np.where(complex_ & ~np.isnan(hours), hours * 1.8, hours)
    hours = np.round(hours * 4) / 4
    rate = np.where(service == S["personal_assistant"], PA_RATE, HOURLY_RATE)
    rate = np.where(complex_, rate * COMPLEX_UPLIFT, rate)
    lo_hi = np.array([FLAT_WEEKLY_BUDGET.get(s, (0, 0)) for s in SERVICE_TYPES])[service]
    budget = np.where(np.isnan(hours), rng.uniform(lo_hi[:, 0], lo_hi[:, 1]), hours * rate)
    hours = np.where(rng.random(n) < MISSING_HOURS_SHARE, np.nan, hours)
    return dict(
        person=person,
        service=service,
        start=start,
        end=end,
        reason=reason,
        sds=sds.astype(np.int64),
        hours=hours,
        budget=np.round(budget, 2),
        budget_missing=(sds == 3) & (rng.random(n) < MISSING_BUDGET_SHARE),
        complex=complex_,
    )


def build(rng: np.random.Generator, people: People, extract_day: int) -> Plans:
    """Every plan of one partnership's people, ordered by person then start."""
    n = len(people)
    ws = tl.day(tl.WINDOW_START)
    probs = np.array([[FIRST_SERVICE[g].get(s, 0) for s in SERVICE_TYPES] for g in GROUP_NAMES])
    first = choose(rng, n, probs[people.group])
    first = np.where(people.stock & (first == S["reablement"]), S["home_care"], first)
    pal = people.group == group_index("palliative")
    dur = durations(rng, first, pal)
    end = np.where(people.stock, ws + dur, people.arrival + dur)
    parts = [segment(rng, people, np.arange(n), first, people.arrival, end, extract_day)]

    # Reablement ending with a home care package; home care ending in a care home.
    p0 = parts[0]
    reab = (p0["service"] == S["reablement"]) & (p0["end"] <= extract_day)
    reab &= rng.random(n) < REABLEMENT_TO_HOME_CARE
    p0["reason"][reab] = R["other"]
    idx = np.flatnonzero(reab)
    svc = np.full(len(idx), S["home_care"])
    e = p0["end"][idx] + durations(rng, svc, pal[idx])
    parts.append(segment(rng, people, idx, svc, p0["end"][idx], e, extract_day))
    moves = []
    for part in parts:
        m = (part["service"] == S["home_care"]) & (part["end"] <= extract_day)
        m &= part["reason"] == R["moved_to_care_home"]
        moves.append((part["person"][m], part["end"][m]))
    who = np.concatenate([m[0] for m in moves])
    when = np.concatenate([m[1] for m in moves])
    svc = np.full(len(who), S["care_home"])
    parts.append(
        segment(rng, people, who, svc, when, when + durations(rng, svc, pal[who]), extract_day)
    )

    # Concurrent plans, ended early when the person's first plan ended in death.
    carer = people.group == group_index("unpaid_carer")
    has = rng.random(n) < np.where(carer, CARER_RESPITE_SHARE, CONCURRENT_SHARE)
    kinds = np.array([S[k] for k in CONCURRENT])
    svc = np.where(
        carer, S["respite"], kinds[choose(rng, n, np.tile(list(CONCURRENT.values()), (n, 1)))]
    )
    start = people.arrival + rng.integers(0, 121, n)
    died = (p0["reason"] == R["died"]) & (p0["end"] <= extract_day)
    has &= (start <= extract_day) & ~(died & (start >= p0["end"] - 1))
    idx = np.flatnonzero(has)
    e = start[idx] + durations(rng, svc[idx], pal[idx])
    cut = died[idx] & (e > p0["end"][idx])
    e = np.where(cut, p0["end"][idx], e)
    seg = segment(rng, people, idx, svc[idx], start[idx], e, extract_day)
    seg["reason"] = np.where(cut, R["died"], seg["reason"])
    parts.append(seg)

    cols = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    m = len(cols["person"])
    cols |= dict(provider=np.full(m, -1), lot=np.full(m, -1), on_contract=np.zeros(m, bool))
    order = np.lexsort((cols["start"], cols["person"]))
    return Plans(**cols).take(order)
