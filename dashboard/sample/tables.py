"""Turns one partnership's generated arrays into contract rows and appends them to the export."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from dashboard.core.contract import END_REASONS, SERVICE_TYPES, SEXES
from dashboard.sample import spend
from dashboard.sample.geography import Areas
from dashboard.sample.market import Lots, Providers, handbacks, requests
from dashboard.sample.people import GROUP_NAMES, People
from dashboard.sample.plans import Plans
from dashboard.sample.timeline import to_date
from dashboard.sample.writer import ExportWriter, ids


def write_partnership(
    w: ExportWriter, c, rng, ar: Areas, pe: People, pl: Plans, prov: Providers,
    lots: Lots | None, oc: dict, rv: dict, extract_day: int, spend_sig: spend.SpendSignals,
) -> None:  # fmt: skip
    """Append every table's rows for one partnership; `c` hands out the identifiers."""
    area_code = pa.array(ar.code)
    w.append("areas", {
        "area_code": area_code, "area_name": ar.name, "locality": ar.locality,
        "partnership": [ar.partnership] * len(ar), "deprivation_decile": ar.decile,
        "urban_rural": ar.urban_rural, "population": ar.population,
        "population_65plus": ar.population_65plus, "centroid_lat": ar.lat,
        "centroid_lon": ar.lon, "geometry_wkt": ar.wkt,
    })  # fmt: skip

    w.append("area_populations", area_populations(ar, extract_day))

    provider_id = ids("PR", c.take("provider", len(prov.role)), 5)
    w.append(
        "providers",
        {"provider_id": provider_id, "provider_name": prov.name, "provider_type": prov.type,
         "quality_grade": prov.grade, "capacity_hours_week": prov.capacity},
        {"quality_grade": prov.grade < 0, "capacity_hours_week": np.isnan(prov.capacity)},
    )  # fmt: skip

    def provider_of(index: np.ndarray) -> pa.Array:
        return provider_id.take(pa.array(np.maximum(index, 0)))

    lot_id = None
    if lots is not None:
        lot_id = ids("LOT", c.take("lot", len(lots.names)), 3)
        w.append(
            "home_care_lots",
            {"lot_id": lot_id.take(pa.array(lots.lot)), "lot_name": np.array(lots.names)[lots.lot],
             "area_code": area_code.take(pa.array(lots.area)),
             "model": np.array(lots.models)[lots.lot],
             "lead_provider_id": provider_of(lots.lead[lots.lot]),
             "second_provider_id": provider_of(lots.second[lots.lot])},
            {"lead_provider_id": lots.lead[lots.lot] < 0,
             "second_provider_id": lots.second[lots.lot] < 0},
        )  # fmt: skip

    person_id = ids("P", c.take("person", len(pe)), 7)
    w.append(
        "people",
        {"person_id": person_id, "birth_year": pe.birth_year,
         "sex": np.array(SEXES)[pe.sex], "client_group": np.array(GROUP_NAMES)[pe.group],
         "area_code": area_code.take(pa.array(pe.area)), "lives_alone": pe.lives_alone == 1},
        {"lives_alone": pe.lives_alone == 2},
    )  # fmt: skip

    plan_id = ids("SP", c.take("plan", len(pl)), 8)
    plan_person = person_id.take(pa.array(pl.person))
    ended = pl.end <= extract_day
    # A reablement package has a planned end; other packages are open until they end.
    planned_end = pl.service == SERVICE_TYPES.index("reablement")
    w.append(
        "support_plans",
        {"plan_id": plan_id, "person_id": plan_person, "start_date": pl.start,
         "end_date": pl.end, "sds_option": pl.sds,
         "service_type": np.array(SERVICE_TYPES)[pl.service], "weekly_hours": pl.hours,
         "weekly_budget_gbp": pl.budget, "provider_id": provider_of(pl.provider),
         "lot_id": pa.nulls(len(pl), pa.string()) if lot_id is None
         else lot_id.take(pa.array(np.maximum(pl.lot, 0))),
         "complex_needs": pl.complex, "end_reason": np.array(END_REASONS)[pl.reason]},
        {"end_date": ~ended & ~planned_end, "weekly_hours": np.isnan(pl.hours),
         "weekly_budget_gbp": pl.budget_missing, "provider_id": pl.provider < 0,
         "lot_id": pl.lot < 0, "end_reason": ~ended},
    )  # fmt: skip

    outcome_id = ids("OC", c.take("outcome", len(oc["plan"])), 9)
    w.append(
        "personal_outcomes",
        {"outcome_id": outcome_id, "plan_id": plan_id.take(pa.array(oc["plan"])),
         "person_id": person_id.take(pa.array(oc["person"])), "set_date": oc["set"],
         "outcome_text": oc["text"], "domain": oc["domain"], "national_outcome": oc["national"],
         "outcome_type": oc["type"]},
        {"national_outcome": ~oc["linked"], "outcome_type": oc["type_missing"]},
    )  # fmt: skip

    first_review = (
        c.take("review", int(rv["review"].max(initial=-1)) + 1)[0] if len(rv["review"]) else 0
    )
    review_plan = oc["plan"][rv["outcome"]]
    w.append(
        "outcome_reviews",
        {"review_id": ids("RV", first_review + rv["review"], 9),
         "outcome_id": outcome_id.take(pa.array(rv["outcome"])),
         "plan_id": plan_id.take(pa.array(review_plan)),
         "person_id": plan_person.take(pa.array(review_plan)), "review_date": rv["day"],
         "status": rv["status"], "score": rv["score"], "review_source": rv["source"],
         "score_tool": rv["tool"]},
        {"score": ~rv["scored"], "score_tool": ~rv["scored"], "review_source": rv["source_missing"]},
    )  # fmt: skip

    locality = ar.locality_index[pe.area[pl.person]]
    for chunk in spend.lines(rng, pl, locality, extract_day, spend_sig):
        n = len(chunk["plan"])
        w.append(
            "budget_spend",
            {"spend_id": ids("SL", c.take("spend", n), 10),
             "person_id": plan_person.take(pa.array(chunk["plan"])),
             "plan_id": plan_id.take(pa.array(chunk["plan"])), "period_start": chunk["start"],
             "period_end": chunk["end"], "amount_gbp": chunk["amount"],
             "hours_delivered": chunk["hours"], "provider_id": provider_of(chunk["provider"]),
             "on_contract": chunk["on_contract"]},
            {"hours_delivered": np.isnan(chunk["hours"]), "provider_id": chunk["provider"] < 0},
        )  # fmt: skip

    rq = requests(rng, ar, pe, pl, extract_day)
    w.append(
        "home_care_requests",
        {"request_id": ids("RQ", c.take("request", len(rq["person"])), 8),
         "person_id": person_id.take(pa.array(rq["person"])),
         "area_code": area_code.take(pa.array(rq["area"])), "assessed_date": rq["assessed"],
         "hours_requested_week": rq["hours"], "package_start_date": rq["package_start"],
         "complex_needs": rq["complex"]},
        {"package_start_date": rq["package_start"] < 0},
    )  # fmt: skip

    hb = handbacks(rng, ar, pe, pl, prov, extract_day)
    w.append(
        "handbacks",
        {"handback_id": ids("HB", c.take("handback", len(hb["plan"])), 8),
         "plan_id": plan_id.take(pa.array(hb["plan"])), "provider_id": provider_of(hb["provider"]),
         "handback_date": hb["day"], "reason": hb["reason"]},
    )  # fmt: skip


# Modest growth a year for the sample's area_populations (export-contract.md v1.2): all ages almost
# flat, the 65+ population growing as Scotland's projections show. No random draw, so every other
# table keeps its figures.
GROWTH_ALL, GROWTH_65 = 0.002, 0.015
POPULATION_YEARS = (-8, 12)  # from eight years before the extract's year to ten after


def area_populations(ar: Areas, extract_day: int) -> dict[str, object]:
    """Each area's population a year, estimates up to the year before the extract (the figure
    `areas` holds) and projections after, growing by GROWTH_ALL and GROWTH_65 a year."""
    base = to_date(extract_day).year - 1
    years = np.arange(base + POPULATION_YEARS[0], base + POPULATION_YEARS[1])
    step = np.tile(years - base, len(ar))

    def grown(pop: np.ndarray, rate: float) -> np.ndarray:
        return np.round(np.repeat(pop, len(years)) * (1 + rate) ** step).astype(np.int64)

    return {"area_code": np.repeat(np.array(ar.code), len(years)), "year": step + base,
            "population": grown(ar.population, GROWTH_ALL),
            "population_65plus": grown(ar.population_65plus, GROWTH_65),
            "projected": step > 0}  # fmt: skip
