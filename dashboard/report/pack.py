"""The board pack (issue 12): the headline figures as a paper a board can circulate and read.

Board members read papers, not dashboards. The pack gathers what the pages show, from the same page
builders and through the same disclosure control, always for a board audience whatever the
settings say: a pack is a publication. This module runs those builders and assembles their
sections (`report/sections.py`), the first-page summary and the definitions into a `BoardPack`
(`report/content.py`); `report/html.py` lays it out and prints it. Figures the pack adds are
defined in docs/board-pack.md.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path

from dashboard.core import disclosure, formats
from dashboard.core.page import PageData, View, policy_for
from dashboard.core.settings import Settings
from dashboard.core.strings import t
from dashboard.emerging import emerging_needs
from dashboard.extract.export import Export
from dashboard.outcomes import fair_comparison, national_outcomes, outcome_trends
from dashboard.outcomes.national_outcomes import NationalOutcomesPage
from dashboard.outcomes.outcome_trends import OutcomeTrendsPage
from dashboard.quality import data_quality
from dashboard.report import sections as printed
from dashboard.report.charts import attainment_chart, indicator_charts
from dashboard.report.comparison import comparison_section
from dashboard.report.content import BoardPack, Section
from dashboard.report.trust import CAUTION_SHARE, SECTION_TABLES, section_trust, trust_sentence
from dashboard.spend import spend
from dashboard.zones.views import zone_definitions

# Indicators drawn as SPC charts beside overall attainment: the count-based ones a board asks
# about first (spend has its own chart in the spend section).
INDICATORS = ("no2_intensive_at_home", "no3_choice_control", "no8_staffing_handbacks")
TOP_SIGNALS = 5  # emerging-need signals listed


def icon_tally(icons: Mapping) -> str:
    """How many indicators' latest points show a special cause, by kind."""
    kinds = [i.variation.rsplit("_", 1)[0] for i in icons.values() if i.variation]
    return t("board_pack.summary_icons", n=len(icons), improvement=kinds.count("improvement"),
             concern=kinds.count("concern"), neutral=kinds.count("neutral"))  # fmt: skip


def _summary(
    pack_view: View, extract: date, national: NationalOutcomesPage, trends: OutcomeTrendsPage,
    spend: PageData, emerging: PageData, sections: Sequence[Section], trusts: Mapping[str, dict],
) -> list[str]:  # fmt: skip
    """The first page in plain words: each headline figure once, pointing to its section."""
    out = [t("board_pack.summary_intro", partnership=pack_view.partnership,
             period=pack_view.period, extract=formats.day(extract))]  # fmt: skip
    out += trends.sentences
    attainment, _ = attainment_chart(trends)
    if attainment is not None and attainment.reading:
        out.append(attainment.reading)
    out.append(icon_tally(national.icons))
    out += spend.sentences[:1]
    n = emerging.tables["signals"].height
    out.append(t("board_pack.summary_signals", n=n) if n else t("board_pack.summary_no_signals"))
    zones = next((s for s in sections if s.key == "zones"), None)
    if zones is not None:
        out.append(zones.sentences[0])
    doubtful = [s.heading for s in sections if trusts.get(s.key, {}).get("judgement", "good")
                != "good"]  # fmt: skip
    out.append(t("board_pack.summary_quality_some", sections="; ".join(doubtful)) if doubtful
               else t("board_pack.summary_quality_good"))  # fmt: skip
    return out


def _definitions(*pages: PageData) -> list[tuple[str, str]]:
    """Every page's definitions and the pack's own, each term once (first wording wins)."""
    own = [(t(f"board_pack.def_{k}_term"), t(f"board_pack.def_{k}")) for k in ("trust", "charts")]
    seen: dict[str, str] = {}
    for term, text in [d for p in pages for d in p.definitions] + own:
        seen.setdefault(term, text)
    return list(seen.items())


def board_pack(
    export: Export,
    settings: Settings,
    *,
    partnership: str,
    period: str,
    option: Path | None = None,
    generated_on: date | None = None,
    indicators: Sequence[str] = INDICATORS,
    top_signals: int = TOP_SIGNALS,
    caution_share: float = CAUTION_SHARE,
) -> BoardPack:
    """The pack's content for one partnership and period, always for a board audience.

    The pack is for the whole partnership: the app's filters do not apply to it."""
    settings = dataclasses.replace(settings, audience="board")
    policy = policy_for(settings)
    view = View(partnership, period)
    national = national_outcomes.build(export, settings, view)
    fair = fair_comparison.build(export, settings, view)
    trends = outcome_trends.build(export, settings, view)
    charts, notes = indicator_charts(export, settings, view, policy, indicators=indicators)
    spending = spend.build(export, settings, view)
    emerging = emerging_needs.build(export, settings, view)
    quality = data_quality.build(export, settings, view)
    sections = [
        printed.national_section(national, policy),
        comparison_section(national, fair, policy),
        printed.trends_section(trends, charts, notes),
        printed.coverage_section(trends, policy),
        printed.emerging_section(emerging, policy, top_signals),
        printed.spend_section(spending, policy),
    ]
    pages = [national, fair, trends, spending, emerging, quality]
    if option is not None:
        sections.append(printed.zones_section(export, settings, view, policy, option))
        pages.insert(-1, PageData("zones", view, definitions=zone_definitions()))
    trusts = {s.key: section_trust(export.report, SECTION_TABLES[s.key], caution_share)
              for s in sections}  # fmt: skip
    for s in sections:
        s.trust = trust_sentence(trusts[s.key], caution_share)
    summary = _summary(view, export.extract_date, national, trends, spending, emerging, sections,
                       trusts)  # fmt: skip
    sections.append(printed.quality_section(quality, sections, policy, trusts, caution_share))
    return BoardPack(
        partnership=partnership,
        period=period,
        extract_date=export.extract_date,
        generated_on=generated_on or date.today(),
        summary=summary,
        sections=sections,
        definitions=_definitions(*pages),
        disclosure_rule=disclosure.rule_text(policy),
        threshold=policy.threshold,
        national=national,
    )
