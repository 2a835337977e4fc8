"""The figures of `dashboard figures` against a second, deliberately plain implementation of
metrics.md (loops over rows, no SQL), on a generated sample with every kind of record in it."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

import polars as pl
import pytest

from dashboard.core.periods import parse_period
from dashboard.core.settings import Settings
from dashboard.extract.export import open_export
from dashboard.outcomes.figures_json import figures_json
from dashboard.sample import generate

P0, P1 = date(2025, 4, 1), date(2026, 3, 31)
CROSSWALK = {
    "staying_well": 1, "reduced_symptoms": 1, "living_as_i_want": 2, "improved_mobility": 2,
    "improved_skills": 2, "listened_to": 3, "having_a_say": 3, "treated_with_respect": 3,
    "responded_to": 3, "reliability": 3, "having_things_to_do": 4, "seeing_people": 4,
    "improved_confidence": 4, "dealing_with_stigma": 5, "feeling_safe": 7,
}  # fmt: skip


def plain_figures(folder) -> dict:
    """metrics.md, read as plainly as possible, for the first partnership by name and 2025/26."""
    names = [
        "areas",
        "people",
        "support_plans",
        "personal_outcomes",
        "outcome_reviews",
        "budget_spend",
    ]
    tables = {n: pl.read_parquet(folder / f"{n}.parquet") for n in names}
    areas = {r["area_code"]: r for r in tables["areas"].iter_rows(named=True)}
    people = {r["person_id"]: r for r in tables["people"].iter_rows(named=True)}
    plans = {r["plan_id"]: r for r in tables["support_plans"].iter_rows(named=True)}
    home = sorted({a["partnership"] for a in areas.values()})[0]

    def partnership(person_id):
        return areas[people[person_id]["area_code"]]["partnership"]

    def national(o):
        if o["national_outcome"] is not None:
            return o["national_outcome"]
        return 6 if o["domain"].startswith("carer_") else CROSSWALK.get(o["domain"])

    def latest(reviews):
        return max(reviews, key=lambda r: (r["review_date"], r["review_id"])) if reviews else None

    reviews = defaultdict(list)
    for r in tables["outcome_reviews"].iter_rows(named=True):
        reviews[r["outcome_id"]].append(r)
    outcomes = [o for o in tables["personal_outcomes"].iter_rows(named=True)
                if partnership(o["person_id"]) == home]  # fmt: skip
    overall = [0, 0, 0]
    by_outcome = defaultdict(lambda: [0, 0, 0])
    due = reviewed = 0
    for o in outcomes:
        mine = reviews[o["outcome_id"]]
        last = latest([r for r in mine if P0 <= r["review_date"] <= P1])
        if last and last["status"] != "no_longer_relevant":
            for counts in (overall, by_outcome[national(o)]):
                counts[0] += last["status"] == "met"
                counts[1] += last["status"] == "partly_met"
                counts[2] += 1
        before = latest([r for r in mine if r["review_date"] < P0])
        plan = plans[o["plan_id"]]
        active = plan["start_date"] <= P1 and (plan["end_date"] is None or plan["end_date"] > P0)
        if (
            o["set_date"] <= P1
            and active
            and not (before and before["status"] == "no_longer_relevant")
        ):
            due += 1
            reviewed += any(P0 <= r["review_date"] <= P1 for r in mine)
    home_plans = [p for p in plans.values() if partnership(p["person_id"]) == home]

    def days_active(p):
        first = max(p["start_date"], P0)
        stop = min(p["end_date"] or P1 + timedelta(1), P1 + timedelta(1))
        return max((stop - first).days, 0)

    spend = on_contract = not_direct = 0.0
    for r in tables["budget_spend"].iter_rows(named=True):
        if P0 <= r["period_start"] <= P1 and partnership(r["person_id"]) == home:
            spend += r["amount_gbp"]
            if plans[r["plan_id"]]["sds_option"] != 1:
                not_direct += r["amount_gbp"]
                on_contract += r["amount_gbp"] if r["on_contract"] else 0.0
    budget = sum((p["weekly_budget_gbp"] or 0) * days_active(p) / 7 for p in home_plans)
    return {
        "partnership": home,
        "overall": overall,
        "by_outcome": {str(k): v for k, v in by_outcome.items() if k is not None},
        "coverage": [reviewed, due],
        "budget_utilisation": spend / budget,
        "on_contract": on_contract / not_direct,
    }


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    root = tmp_path_factory.mktemp("cross")
    generate(root / "export", people=2500, areas=30)
    return root


def test_figures_agree_with_a_plain_implementation(sample):
    plain = plain_figures(sample / "export")
    export = open_export(sample / "export", Settings(cache_dir=sample / "cache"))
    got = figures_json(export.cursor(), partnership=plain["partnership"],
                       period=parse_period("2025/26"))  # fmt: skip
    overall = got["attainment"]["overall"]
    assert [overall["met"], overall["partly_met"], overall["denominator"]] == plain["overall"]
    for number, counts in plain["by_outcome"].items():
        shown = got["attainment"]["by_national_outcome"][number]
        assert [shown["met"], shown["partly_met"], shown["denominator"]] == counts, number
    coverage = got["review_coverage"]
    assert [coverage["reviewed"], coverage["due"]] == plain["coverage"]
    indicators = {i["id"]: i for i in got["indicators"]}
    assert indicators["no9_budget_utilisation"]["value"] == pytest.approx(
        plain["budget_utilisation"]
    )
    assert indicators["no9_on_contract_spend"]["value"] == pytest.approx(plain["on_contract"])
