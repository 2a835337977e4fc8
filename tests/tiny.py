"""A tiny valid export used across tests: 2 areas, 3 people, 3 plans, 2 outcomes, 2 reviews, 2 spend
lines, and one row or two of every optional table. Tests copy it with `tables(...)` and break one thing.
"""

from __future__ import annotations

import copy
from datetime import date

EXTRACT = date(2026, 3, 31)
AREA = dict(
    area_name="Area", locality="North", partnership="Home", deprivation_decile=3, urban_rural=2,
    population=700, population_65plus=150, centroid_lat=56.5, centroid_lon=-3.5, geometry_wkt=None,
)  # fmt: skip
PERSON = dict(birth_year=1940, sex="female", client_group="dementia", lives_alone=True)
PLAN = dict(
    start_date=date(2025, 1, 1), end_date=None, sds_option=3, service_type="home_care",
    weekly_hours=10.0, weekly_budget_gbp=250.0, provider_id="PR1", lot_id="L1", complex_needs=False,
)  # fmt: skip
BASE: dict[str, list[dict]] = {
    "areas": [dict(AREA, area_code="A1"), dict(AREA, area_code="A2", urban_rural=6)],
    "people": [
        dict(PERSON, person_id="P1", area_code="A1"),
        dict(PERSON, person_id="P2", area_code="A2"),
        dict(PERSON, person_id="P3", area_code="A2"),
    ],
    "support_plans": [
        dict(PLAN, plan_id="S1", person_id="P1"),
        dict(PLAN, plan_id="S2", person_id="P2"),
        dict(PLAN, plan_id="S3", person_id="P3", sds_option=1, provider_id=None, lot_id=None),
    ],
    "personal_outcomes": [
        dict(outcome_id="O1", plan_id="S1", person_id="P1", set_date=date(2025, 1, 5),
             outcome_text="I want to see my friends", domain="seeing_people", national_outcome=None),
        dict(outcome_id="O2", plan_id="S2", person_id="P2", set_date=date(2025, 1, 5),
             outcome_text="I want to feel safe at home", domain="feeling_safe", national_outcome=7),
    ],
    "outcome_reviews": [
        dict(review_id="R1", outcome_id="O1", plan_id="S1", person_id="P1",
             review_date=date(2025, 7, 1), status="met", score=6),
        dict(review_id="R1", outcome_id="O2", plan_id="S2", person_id="P2",
             review_date=date(2025, 7, 1), status="partly_met", score=None),
    ],
    "budget_spend": [
        dict(spend_id="B1", person_id="P1", plan_id="S1", period_start=date(2025, 1, 6),
             period_end=date(2025, 1, 12), amount_gbp=250.0, hours_delivered=9.5,
             provider_id="PR1", on_contract=True),
        dict(spend_id="B2", person_id="P3", plan_id="S3", period_start=date(2025, 1, 6),
             period_end=date(2025, 1, 12), amount_gbp=-20.0, hours_delivered=None,
             provider_id=None, on_contract=False),
    ],
    "providers": [
        dict(provider_id="PR1", provider_name="Care Co", provider_type="independent",
             quality_grade=5, capacity_hours_week=400.0),
    ],
    "home_care_lots": [
        dict(lot_id="L1", lot_name="North", area_code="A1", model="single_provider",
             lead_provider_id="PR1", second_provider_id=None),
        dict(lot_id="L1", lot_name="North", area_code="A2", model="single_provider",
             lead_provider_id="PR1", second_provider_id=None),
    ],
    "home_care_requests": [
        dict(request_id="Q1", person_id="X9", area_code="A2", assessed_date=date(2026, 1, 1),
             hours_requested_week=7.0, package_start_date=date(2026, 5, 1), complex_needs=False),
    ],
    "handbacks": [
        dict(handback_id="H1", plan_id="S2", provider_id="PR1", handback_date=date(2025, 9, 1),
             reason="staffing"),
    ],
    "area_populations": [
        dict(area_code="A1", year=2025, population=1000, population_65plus=200, projected=False),
        dict(area_code="A1", year=2030, population=1010, population_65plus=230, projected=True),
    ],
}  # fmt: skip


def tables(**changes) -> dict:
    out = copy.deepcopy(BASE)
    out.update(changes)
    return out
