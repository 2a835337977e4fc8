"""How far to trust each section of the pack, from what validation found in the tables its figures
rest on: a board reads a figure and, beside it, how sound the data under it is (docs/board-pack.md).
"""

from __future__ import annotations

from collections.abc import Sequence

from dashboard.core.strings import t
from dashboard.extract.validation import Report

CAUTION_SHARE = 0.01  # a section whose tables had more rows set aside than this: caution

# The tables each section's figures rest on, for the data quality note.
SECTION_TABLES: dict[str, tuple[str, ...]] = {
    "national_outcomes": ("areas", "people", "support_plans", "personal_outcomes",
                          "outcome_reviews", "providers", "handbacks", "budget_spend"),
    "comparison": ("areas", "people", "support_plans", "personal_outcomes", "outcome_reviews",
                   "providers"),
    "trends": ("areas", "people", "support_plans", "personal_outcomes", "outcome_reviews"),
    "coverage": ("areas", "people", "support_plans", "personal_outcomes", "outcome_reviews"),
    "emerging": ("areas", "people", "support_plans", "home_care_requests", "personal_outcomes"),
    "spend": ("areas", "people", "support_plans", "budget_spend", "providers"),
    "zones": ("areas", "people", "support_plans", "home_care_requests", "handbacks",
              "home_care_lots", "budget_spend"),
}  # fmt: skip


def section_trust(
    report: Report, tables: Sequence[str], caution_share: float = CAUTION_SHARE
) -> dict:
    """How far a section's figures can be trusted, from what validation found in the tables they
    rest on: `unusable` (a table could not be used), `partial` (an optional table is absent),
    `caution` (more than `caution_share` of their rows were set aside), else `good`."""
    unusable = [n for n in tables if n in report.unusable_tables]
    absent = [n for n in tables if n in report.absent]
    rows = sum(report.tables[n].rows for n in tables if n in report.tables)
    set_aside = sum(report.tables[n].set_aside for n in tables if n in report.tables)
    if unusable:
        judgement = "unusable"
    elif absent:
        judgement = "partial"
    elif rows and set_aside / rows > caution_share:
        judgement = "caution"
    else:
        judgement = "good"
    return {"judgement": judgement, "rows": rows, "set_aside": set_aside,
            "missing": ", ".join(unusable or absent)}  # fmt: skip


def trust_sentence(trust: dict, caution_share: float) -> str:
    """The judgement in words, printed under the section it speaks for."""
    return t(f"board_pack.trust_{trust['judgement']}", tables=trust["missing"],
             share=caution_share)  # fmt: skip
