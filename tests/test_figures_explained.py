"""Two figures that read as contradictions beside another page's (issue 20), each worked by hand
on the tiny export: the carers page against national outcome 6, and data quality's monthly review
rate against the year's review coverage."""

from __future__ import annotations

from datetime import date

from dashboard.app.navigation import builder
from dashboard.core.page import View
from dashboard.core.settings import Settings
from dashboard.extract.export import open_export
from tests.builders import write_export
from tests.tiny import BASE, EXTRACT, tables

VIEW = View("Home", "2025/26")


def _open(tmp_path, data: dict):
    folder = write_export(tmp_path / "export", data, EXTRACT)
    settings = Settings(cache_dir=tmp_path / "cache", audience="internal")
    return open_export(folder, settings), settings


def _outcome(outcome_id: str, domain: str, national_outcome: int | None) -> dict:
    return dict(outcome_id=outcome_id, plan_id="S1", person_id="P1", set_date=date(2025, 1, 5),
                outcome_text="time for me", domain=domain, national_outcome=national_outcome)  # fmt: skip


def _review(outcome_id: str, status: str) -> dict:
    return dict(review_id=f"R{outcome_id}", outcome_id=outcome_id, plan_id="S1", person_id="P1",
                review_date=date(2025, 10, 1), status=status)  # fmt: skip


def test_carers_page_gives_outcome_6_and_says_why_the_two_differ(tmp_path):
    # Carers page: every outcome in a carer domain, C1 C2 C3 -> 2 of 3 met (66.7%).
    # Outcome 6: the outcomes linked to 6 -> C1, C2 (crosswalk) and X (a practitioner linked a
    # non-carer domain to 6); C3 was linked to outcome 2 -> 3 of 3 met (100.0%).
    base = [dict(o, national_outcome=None) for o in BASE["personal_outcomes"]]
    outcomes = base + [
        _outcome("C1", "carer_life_of_own", None), _outcome("C2", "carer_life_of_own", None),
        _outcome("C3", "carer_life_of_own", 2), _outcome("X", "seeing_people", 6),
    ]  # fmt: skip
    reviews = BASE["outcome_reviews"] + [
        _review("C1", "met"), _review("C2", "met"), _review("C3", "not_met"), _review("X", "met")
    ]  # fmt: skip
    export, settings = _open(tmp_path, tables(personal_outcomes=outcomes, outcome_reviews=reviews))
    carers = builder("carers")(export, settings, VIEW)
    assert carers.sentences[0].startswith("66.7% of carers' outcomes")
    assert "reads 100.0% (3 of 3) on the nine national outcomes page" in carers.sentences[1]
    assert "differ on purpose" in carers.sentences[1]
    national = builder("national-outcomes")(export, settings, VIEW)
    no6 = national.tables["indicators"].filter(indicator_id="no6_attainment").row(0, named=True)
    assert no6["value"] == "100.0%"
    assert any("National outcome 6 (carers supported) counts" in s for s in national.sentences)


def test_monthly_review_rate_is_labelled_apart_from_the_years_coverage(tmp_path):
    # O1 and O2 are both due in 2025/26 and both reviewed: the year's coverage is 2 of 2, 100.0%,
    # while a month's rate counts them due in every active month and reviewed in one
    export, settings = _open(tmp_path, tables())
    quality = builder("data-quality")(export, settings, VIEW)
    trends = builder("outcome-trends")(export, settings, VIEW)
    assert quality.review_completeness.layout.title.text.startswith("Monthly review rate")
    said = next(s for s in quality.sentences if s.startswith("Monthly review rate is not"))
    assert "over 2025/26, 100.0% of the outcomes due a review were reviewed" in said
    assert any(s.startswith("Review coverage: 100.0%") for s in trends.sentences)
    # by month: both were reviewed on 1 July 2025, so July reads 100% and every other month 0%
    monthly = dict(quality.tables["review_completeness"].select("period", "coverage").iter_rows())
    assert {p: c for p, c in monthly.items() if c} == {"2025-07": 1.0}
