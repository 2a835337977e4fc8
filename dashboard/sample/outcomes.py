"""Personal outcomes set in each plan and their reviews every six to twelve months.

The chance a review finds an outcome met carries the stories: lower in deprived areas (story 1), and
a step up for outcomes under national outcome 7 from a stated month in the home partnership
(story 4); a locality sets more `seeing_people` outcomes lately (story 3).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dashboard.core.contract import (
    CARER_DOMAINS,
    CHANGE_DOMAINS,
    DOMAINS,
    PROCESS_DOMAINS,
    REVIEW_SOURCES,
    REVIEW_STATUSES,
)
from dashboard.sample import timeline as tl
from dashboard.sample.geography import Areas
from dashboard.sample.people import People, group_index
from dashboard.sample.plans import Plans, S, choose
from dashboard.sample.texts import TEMPLATES

# metrics.md default crosswalk from Talking Points domain to national outcome.
CROSSWALK = {
    "staying_well": 1, "reduced_symptoms": 1, "living_as_i_want": 2, "improved_mobility": 2,
    "improved_skills": 2, "listened_to": 3, "having_a_say": 3, "treated_with_respect": 3,
    "responded_to": 3, "reliability": 3, "having_things_to_do": 4, "seeing_people": 4,
    "improved_confidence": 4, "dealing_with_stigma": 5, "feeling_safe": 7,
} | dict.fromkeys(CARER_DOMAINS, 6)  # fmt: skip
PERSON_DOMAIN_WEIGHTS = {
    "feeling_safe": 14, "having_things_to_do": 10, "seeing_people": 11, "staying_well": 14,
    "living_as_i_want": 13, "dealing_with_stigma": 2, "listened_to": 3, "having_a_say": 3,
    "treated_with_respect": 2, "responded_to": 2, "reliability": 4, "improved_confidence": 5,
    "improved_skills": 4, "improved_mobility": 7, "reduced_symptoms": 3,
}  # fmt: skip
CARER_CORE = 8  # the first eight carer codes are Talking Points' carer outcomes: set 3× as often
OUTCOMES_PER_PLAN = (0.25, 0.35, 0.3, 0.1)  # 1, 2, 3 or 4 outcomes
LINKED_SHARE, LINKED_TO_CROSSWALK = 0.2, 0.85  # practitioner-linked national outcome
REVIEW_GAP_DAYS = (180, 366)
BASE_MET = {"quality_of_life": 0.48, "process": 0.6, "change": 0.45, "carer": 0.42}
REVIEW_LEARNING = 0.03  # each of the first three reviews adds this to the chance of met
OUTCOME_SPREAD = 0.08  # outcome-to-outcome spread of the chance of met
NO_LONGER_RELEVANT, PARTLY_OF_NOT_MET = 0.04, 0.55
REVIEW_SOURCE_P = (0.6, 0.36, 0.02, 0.01)  # care_management, provider, self, other
REVIEW_SOURCE_MISSING = 0.01
SCORED_SHARE, IROC_SHARE_MENTAL_HEALTH = 0.3, 0.4
# Outcome types (docs/outcomes.md): a carer's process outcomes are process, feeling informed and
# equipped is a change, the rest of a carer's are quality of life; 8% left unrecorded.
CARER_TYPES = dict.fromkeys(CARER_DOMAINS[9:], "process") | {
    "carer_partnership": "process",
    "carer_informed_equipped": "change",
}
TYPE_MISSING = 0.08
# Reablement (docs/sample.md): stepped goals reviewed once, on the plan's last day.
REABLEMENT_GOALS = {
    "improved_skills": ("I want to make a simple meal", "I want to do my own shopping",
                        "I want to manage my own medication"),
    "improved_mobility": ("I want to dress without help", "I want to wash or shower on my own",
                          "I want to manage the stairs", "I want to get in and out of bed"),
    "improved_confidence": ("I want to feel confident at home on my own",),
}  # fmt: skip
REABLEMENT_STATUS_P = (0.62, 0.22, 0.16)  # met, partly met, not met at the closing review


@dataclass(frozen=True)
class Signals:
    """The outcome stories for one partnership (all off for a peer apart from deprivation)."""

    deprivation_slope: float  # chance of met per decile less deprived
    step_outcome: int | None  # national outcome whose attainment steps up
    step_day: int
    step_size: float
    seeing_locality: int | None  # locality setting more `seeing_people` outcomes lately
    seeing_from: int
    seeing_boost: float


def domain_kind(d: str) -> str:
    if d in CARER_DOMAINS:
        return "carer"
    if d in PROCESS_DOMAINS:
        return "process"
    return "change" if d in CHANGE_DOMAINS else "quality_of_life"


def outcome_type(domain: str) -> str:
    kind = domain_kind(domain)
    return CARER_TYPES.get(domain, "quality_of_life") if kind == "carer" else kind


def reablement_goals(rng, plans: Plans, outcomes: dict, reviews: dict, extract_day: int) -> None:
    """Give reablement plans their own stepped goals (change outcomes in their own words) and one
    closing review on the plan's last day, drawn from `rng` (not the main stream, so every other
    figure of the sample stays as it was). Reviews are appended after the plan reviews."""
    reab = plans.service[outcomes["plan"]] == S["reablement"]
    idx = np.flatnonzero(reab)
    goals = [(d, w) for d, ws in REABLEMENT_GOALS.items() for w in ws]
    pick = rng.integers(0, len(goals), len(idx))
    outcomes["domain"][idx] = [goals[k][0] for k in pick]
    outcomes["text"][idx] = [goals[k][1] for k in pick]
    outcomes["type"][idx] = "change"
    last = plans.end[outcomes["plan"][idx]] - 1
    done = (last <= extract_day) & (last >= tl.day(tl.WINDOW_START))
    idx, last = idx[done], last[done]
    plan_of = outcomes["plan"][idx]
    first_new = int(reviews["review"].max(initial=-1)) + 1
    _, review = np.unique(plan_of, return_inverse=True)
    status = choose(rng, len(idx), np.tile(REABLEMENT_STATUS_P, (len(idx), 1)))
    new = dict(
        review=first_new + review, outcome=idx, day=last,
        status=np.array(REVIEW_STATUSES)[status], score=np.zeros(len(idx), np.int64),
        scored=np.zeros(len(idx), bool), tool=np.full(len(idx), "outcomes_star"),
        source=np.full(len(idx), "provider"), source_missing=np.zeros(len(idx), bool),
    )  # fmt: skip
    for key, values in new.items():
        reviews[key] = np.concatenate([reviews[key], np.asarray(values)])


def wording(rng, domain: np.ndarray) -> np.ndarray:
    """One template per outcome, drawn from its domain's few."""
    flat = np.array([t for d in DOMAINS for t in TEMPLATES[d]])
    sizes = np.array([len(TEMPLATES[d]) for d in DOMAINS])
    first = np.cumsum(sizes) - sizes
    return flat[first[domain] + (rng.random(len(domain)) * sizes[domain]).astype(np.int64)]


def domain_weights(seeing_boost: float) -> np.ndarray:
    """Rows: a person's domain weights, the same with `seeing_people` boosted, a carer's."""
    person = np.array([PERSON_DOMAIN_WEIGHTS.get(d, 0) for d in DOMAINS], float)
    boosted = person.copy()
    boosted[DOMAINS.index("seeing_people")] *= seeing_boost
    carer = np.array([3.0 if d in CARER_DOMAINS[:CARER_CORE] else 1.0 if d in CARER_DOMAINS else 0
                      for d in DOMAINS])  # fmt: skip
    return np.vstack([person, boosted, carer])


def build(rng, areas: Areas, people: People, plans: Plans, extract_day: int, sig: Signals,
          own=None):  # fmt: skip
    """Outcomes (ordered by plan) and reviews (ordered by outcome, then date) as column dicts.
    `own`, a second generator, draws what this issue's additions need (types, reablement goals)
    without moving the main stream."""
    n_plans = len(plans)
    count = 1 + choose(rng, n_plans, np.tile(OUTCOMES_PER_PLAN, (n_plans, 1)))
    count = np.where(plans.service == S["telecare"], np.minimum(count, 2), count)
    plan = np.repeat(np.arange(n_plans), count)
    n = len(plan)
    person = plans.person[plan]
    set_day = np.minimum(plans.start[plan] + rng.integers(0, 15, n), extract_day)
    carer = people.group[person] == group_index("unpaid_carer")
    boosted = np.zeros(n, bool)
    if sig.seeing_locality is not None:
        boosted = (areas.locality_index[people.area[person]] == sig.seeing_locality) & (
            set_day >= sig.seeing_from
        )
    weights = domain_weights(sig.seeing_boost)
    kind = np.where(carer, 2, boosted.astype(int))
    domain = choose(rng, n, weights[kind])
    domains = np.array(DOMAINS)
    crosswalk = np.array([CROSSWALK[d] for d in DOMAINS])[domain]
    linked = rng.random(n) < LINKED_SHARE
    national = np.where(rng.random(n) < LINKED_TO_CROSSWALK, crosswalk, rng.integers(1, 10, n))
    effective = np.where(linked, national, crosswalk)
    outcomes = dict(plan=plan, person=person, set=set_day, domain=domains[domain],
                    text=wording(rng, domain), national=national, linked=linked)  # fmt: skip

    # Review dates per plan: every 6–12 months after the start while the plan runs.
    limit = np.minimum(plans.end - 1, extract_day)
    k = int(np.max((limit - plans.start) // REVIEW_GAP_DAYS[0], initial=0)) + 1
    gaps = rng.integers(*REVIEW_GAP_DAYS, (n_plans, k))
    days = plans.start[:, None] + np.cumsum(gaps, axis=1)
    ok = (days <= limit[:, None]) & (days >= tl.day(tl.WINDOW_START))
    rp, rj = np.nonzero(ok)
    rday = days[rp, rj]
    n_rev = len(rp)
    src = choose(rng, n_rev, np.tile(REVIEW_SOURCE_P, (n_rev, 1)))
    src = np.where((src == 1) & (plans.provider[rp] < 0), 0, src)
    src_missing = rng.random(n_rev) < REVIEW_SOURCE_MISSING

    # Each plan review covers every outcome of the plan.
    first_out = np.r_[0, np.cumsum(count)[:-1]]
    per = count[rp]
    row_rev = np.repeat(np.arange(n_rev), per)
    offset = np.arange(len(row_rev)) - np.repeat(np.cumsum(per) - per, per)
    row_out = first_out[rp][row_rev] + offset
    order = np.lexsort((rday[row_rev], row_out))
    row_rev, row_out = row_rev[order], row_out[order]
    m = len(row_rev)
    kinds = np.array([domain_kind(d) for d in DOMAINS])[domain]
    base = np.vectorize(BASE_MET.get)(kinds)
    decile = areas.decile[people.area[person]]
    p_met = (
        base[row_out]
        + sig.deprivation_slope * (decile[row_out] - 5.5)
        + REVIEW_LEARNING * np.minimum(rj[row_rev], 3)
        + rng.normal(0, OUTCOME_SPREAD, n)[row_out]
    )
    if sig.step_outcome is not None:
        stepped = (effective[row_out] == sig.step_outcome) & (rday[row_rev] >= sig.step_day)
        p_met = p_met + sig.step_size * stepped
    p_met = np.clip(p_met, 0.03, 0.97)
    u = rng.random(m)
    nlr = u < NO_LONGER_RELEVANT
    met = ~nlr & (rng.random(m) < p_met)
    partly = ~nlr & ~met & (rng.random(m) < PARTLY_OF_NOT_MET)
    status = np.select([nlr, met, partly], [3, 0, 1], 2)
    # An outcome no longer relevant is not reviewed again.
    cs = np.cumsum(nlr) - nlr
    new_outcome = np.r_[True, row_out[1:] != row_out[:-1]]
    base_cs = np.maximum.accumulate(np.where(new_outcome, cs, 0))
    keep = cs == base_cs
    # Scores for a share of outcomes: Outcomes Star 1–10, or I·ROC 1–6 for some mental health work.
    scored = rng.random(n) < SCORED_SHARE
    mh = np.isin(people.group[person], [group_index("mental_health"), group_index("substance_use")])
    iroc = scored & mh & (rng.random(n) < IROC_SHARE_MENTAL_HEALTH)
    top = np.where(iroc, 6, 10)
    start_score = rng.integers(2, 6, n)
    drift = rng.normal(0.6, 0.5, n)
    score = (
        start_score[row_out] + drift[row_out] * rj[row_rev] + (status == 0) + rng.normal(0, 0.7, m)
    )
    score = np.clip(np.round(score), 1, top[row_out]).astype(np.int64)
    tool = np.where(iroc, "iroc", "outcomes_star")
    sel = np.flatnonzero(keep)
    reviews = dict(
        review=row_rev[sel],
        outcome=row_out[sel],
        day=rday[row_rev[sel]],
        status=np.array(REVIEW_STATUSES)[status[sel]],
        score=score[sel],
        scored=scored[row_out[sel]],
        tool=tool[row_out[sel]],
        source=np.array(REVIEW_SOURCES)[src[row_rev[sel]]],
        source_missing=src_missing[row_rev[sel]],
    )
    if own is not None:
        outcomes["type"] = np.array([outcome_type(d) for d in DOMAINS], dtype=object)[domain]
        outcomes["type_missing"] = own.random(n) < TYPE_MISSING
        outcomes["domain"] = outcomes["domain"].astype(object)
        outcomes["text"] = outcomes["text"].astype(object)
        reablement_goals(own, plans, outcomes, reviews, extract_day)
    return outcomes, reviews
