"""The contract review, worked by hand on a small partnership over 2025/26 Q1 (1 Apr – 30 Jun
2025, 91 days), and its page in the app."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.app.navigation import builder
from dashboard.core.disclosure import Policy
from dashboard.core.errors import UserError
from dashboard.core.page import View
from dashboard.core.periods import parse_period
from dashboard.core.settings import Settings
from dashboard.extract.export import open_export
from dashboard.review.figures import review_json
from dashboard.review.learning_log import add_note
from tests.builders import db_from_rows
from tests.test_app import ROOT, app_env  # noqa: F401 - the fixture pointing the app at an export
from tests.tiny import AREA, PERSON, PLAN

Q1 = parse_period("2025/26 Q1")
HC = dict(PLAN, service_type="home_care", end_date=None)


def _outcome(oid, plan, person, set_date=date(2025, 1, 5)):
    return dict(outcome_id=oid, plan_id=plan, person_id=person, set_date=set_date,
                outcome_text="I want to see my friends", domain="seeing_people")  # fmt: skip


def _review(oid, plan, person, day, status):
    return dict(review_id=f"R-{oid}", outcome_id=oid, plan_id=plan, person_id=person,
                review_date=day, status=status)  # fmt: skip


def _line(sid, plan, person, start, hours, amount, on_contract):
    return dict(spend_id=sid, plan_id=plan, person_id=person, period_start=start,
                period_end=start, amount_gbp=amount, hours_delivered=hours, provider_id=None,
                on_contract=on_contract)  # fmt: skip


def _lot(lot, area, lead, second=None):
    return dict(lot_id=lot, lot_name=f"Lot {lot}", area_code=area, model="single_provider",
                lead_provider_id=lead, second_provider_id=second)  # fmt: skip


def _request(rid, area, assessed, started):
    return dict(request_id=rid, person_id="X", area_code=area, assessed_date=assessed,
                hours_requested_week=5.0, package_start_date=started, complex_needs=False)  # fmt: skip


ROWS = {
    "areas": [dict(AREA, area_code="A1"), dict(AREA, area_code="A2")],
    "people": [dict(PERSON, person_id="P1", area_code="A1"),
               dict(PERSON, person_id="P2", area_code="A1"),
               dict(PERSON, person_id="P3", area_code="A2")],
    "support_plans": [
        # 14 h/week, active 1–30 Apr (ends 1 May): 14 × 30 / 7 = 60 planned hours
        dict(HC, plan_id="S1", person_id="P1", weekly_hours=14.0, start_date=date(2025, 3, 1),
             end_date=date(2025, 5, 1), lot_id="L1", provider_id="PR1"),
        # 7 h/week from 24 Jun: 7 days of Q1, 7 × 7 / 7 = 7 planned hours
        dict(HC, plan_id="S2", person_id="P2", weekly_hours=7.0, start_date=date(2025, 6, 24),
             lot_id="L1", provider_id="PR1"),
        # 3.5 h/week all 91 days: 45.5 planned hours
        dict(HC, plan_id="S3", person_id="P3", weekly_hours=3.5, service_type="reablement",
             start_date=date(2025, 1, 1), lot_id="L2", provider_id="PR2"),
    ],
    "budget_spend": [
        _line("B1", "S1", "P1", date(2025, 3, 31), 2.0, 20.0, True),  # starts before Q1: out
        _line("B2", "S1", "P1", date(2025, 4, 7), 10.0, 100.0, True),
        _line("B3", "S2", "P2", date(2025, 6, 30), 5.0, 50.0, False),  # spot, starts in Q1
        _line("B4", "S2", "P2", date(2025, 7, 1), 8.0, 80.0, False),  # starts after Q1: out
    ],
    "personal_outcomes": [_outcome("O1", "S1", "P1"), _outcome("O2", "S2", "P2", date(2025, 6, 25)),
                          _outcome("O3", "S1", "P1"), _outcome("O4", "S3", "P3")],
    "outcome_reviews": [_review("O1", "S1", "P1", date(2025, 5, 1), "met"),
                        _review("O2", "S2", "P2", date(2025, 6, 28), "partly_met"),
                        _review("O4", "S3", "P3", date(2025, 5, 5), "not_met")],
    "handbacks": [
        dict(handback_id="H1", plan_id="S1", provider_id="PR1", handback_date=date(2025, 4, 15),
             reason="staffing"),
        dict(handback_id="H2", plan_id="S3", provider_id="PR2", handback_date=date(2025, 3, 1),
             reason="travel"),  # before Q1: out
    ],
    "home_care_lots": [_lot("L1", "A1", "PR1"), _lot("L2", "A2", "PR2", "PR1")],
    "home_care_requests": [
        _request("Q1", "A1", date(2025, 2, 1), date(2025, 4, 10)),  # waiting 1–9 Apr: in
        _request("Q2", "A1", date(2025, 3, 1), date(2025, 4, 1)),  # started on day 1: never waits in Q1
        _request("Q3", "A2", date(2025, 7, 1), None),  # assessed after Q1: out
        _request("Q4", "A2", date(2025, 5, 1), None),  # still waiting: in
    ],
    "providers": [dict(provider_id=p, provider_name=f"Care {p}", provider_type="independent")
                  for p in ("PR1", "PR2")],
}  # fmt: skip


def _review_json(tmp_path, by, audience="internal", **kw):
    return review_json(
        db_from_rows(ROWS), partnership="Home", period=Q1, by=by, policy=Policy(audience=audience),
        notes_dir=tmp_path / "notes", **kw,
    )  # fmt: skip


def test_planned_delivered_outcomes_and_challenges_by_lot(tmp_path):
    out = _review_json(tmp_path, "lot")
    assert (out["period"], out["by"]) == ("2025/26 Q1", "lot")
    l1, l2 = out["units"]
    assert (l1["unit"], l1["name"]) == ("L1", "Lot L1")
    # planned 60 + 7 = 67 hours; delivered: B2 10 + B3 5 = 15 (B1 and B4 start outside Q1)
    assert (l1["planned_hours"], l1["delivered_hours"]) == (67.0, 15.0)
    # O1 met, O2 partly met, O3 due but not reviewed: 1 of 2 met; coverage 2 of 3 due
    assert l1["outcomes"] == {"met": 1, "partly_met": 1, "denominator": 2, "rate": 0.5,
                              "suppressed": False}  # fmt: skip
    # H1 in Q1 (H2 before it); Q1 from L1's area; spot £50 of £150 bought
    assert l1["challenges"]["handbacks"] == 1
    assert l1["challenges"]["unmet_requests"] == 1
    assert l1["challenges"]["spot_purchase_share"] == pytest.approx(50 / 150)
    assert l1["challenges"]["review_coverage"] == pytest.approx(2 / 3)
    # L2: 45.5 planned, nothing delivered; O4 not met; H2 outside Q1; Q4 waiting; no spend lines
    assert (l2["planned_hours"], l2["delivered_hours"]) == (45.5, 0.0)
    assert l2["outcomes"]["rate"] == 0.0 and l2["outcomes"]["denominator"] == 1
    assert l2["challenges"] == {"handbacks": 0, "unmet_requests": 1, "spot_purchase_share": None,
                                "review_coverage": 1.0, "suppressed": False}  # fmt: skip


def test_by_provider_counts_requests_of_every_lot_it_serves(tmp_path):
    pr1, pr2 = _review_json(tmp_path, "provider")["units"]
    assert (pr1["unit"], pr1["name"], pr2["unit"]) == ("PR1", "Care PR1", "PR2")
    # PR1 leads L1 (Q1) and is second on L2 (Q4): 2; PR2 leads L2 only: 1
    assert (pr1["challenges"]["unmet_requests"], pr2["challenges"]["unmet_requests"]) == (2, 1)
    assert pr1["planned_hours"] == 67.0 and pr1["challenges"]["handbacks"] == 1


def test_board_sees_providers_labelled_and_small_counts_suppressed(tmp_path):
    pr1, pr2 = _review_json(tmp_path, "provider", audience="board")["units"]
    # labels by provider id, and the label stands in for the id
    assert [(u["unit"], u["name"]) for u in (pr1, pr2)] == [("Provider 1", "Provider 1"),
                                                           ("Provider 2", "Provider 2")]  # fmt: skip
    # O4 not met: met 0 and partly met 0 are shown; the 1 outcome is null, and so is the rate
    assert pr2["outcomes"] == {"met": 0, "partly_met": 0, "denominator": None, "rate": None,
                               "suppressed": True}  # fmt: skip
    assert pr2["challenges"]["handbacks"] == 0  # 0 is shown
    assert pr2["challenges"]["unmet_requests"] is None and pr2["challenges"]["suppressed"]
    # 1 person behind PR2's planned hours: hidden too
    assert pr2["planned_hours"] is None and pr2["suppressed"]


def test_learning_carried_into_the_review_newest_first(tmp_path):
    export = tmp_path / "export"
    for day, text in ((date(2025, 5, 2), "older"), (date(2025, 6, 9), "newer")):
        add_note(tmp_path / "notes", "Home", export_folder=export, by="lot", unit="L1",
                 period="2025/26 Q1", note=text, on=day, now=datetime(2025, 7, 1))  # fmt: skip
    l1, l2 = _review_json(tmp_path, "lot")["units"]
    assert l1["learning"] == [{"date": "2025-06-09", "note": "newer"},
                              {"date": "2025-05-02", "note": "older"}]  # fmt: skip
    assert l2["learning"] == []
    with pytest.raises(UserError, match="inside the export folder"):
        _review_json(tmp_path, "lot", export_folder=tmp_path)


def test_page_shows_the_library_figures(app_env, tmp_path):  # noqa: F811
    folder = app_env(ROWS)
    app = AppTest.from_file(str(ROOT / "pages" / "contract_review.py"), default_timeout=60)
    app.query_params.update({"period": "2025/26 Q1"})
    app.run()
    assert not app.exception, app.exception
    export = open_export(folder, Settings(cache_dir=tmp_path / "cache"))
    page = builder("contract-review")(
        export, Settings(notes_dir=tmp_path / "n"), View("Home", "2025/26 Q1")
    )
    shown = app.dataframe[0].value
    assert list(shown["unit"]) == list(page.tables["lots"]["unit"]) == ["L1", "L2"]
    # board: hours of under 5 people hidden, and an amount reads "hidden", never "<5" (issue 20)
    assert list(shown["planned_hours"]) == ["hidden", "hidden"]
    assert any(page.sentences[0] in m.value for m in app.markdown)


def test_hours_are_shown_as_hours_not_percentages(tmp_path):
    from dashboard.core import disclosure
    from dashboard.core.page import View
    from dashboard.core.settings import Settings
    from dashboard.extract.export import open_export
    from tests.builders import write_export
    from tests.tiny import EXTRACT, tables

    export = open_export(
        write_export(tmp_path / "e", tables(), EXTRACT), Settings(cache_dir=tmp_path / "c")
    )
    settings = Settings(audience="internal")
    page = builder("contract-review")(export, settings, View("Home", "2025/26"))
    shown = disclosure.display(page.tables["lots"], disclosure.Policy("internal"))
    assert not any(v.endswith("%") for v in shown["planned_hours"].to_list())
