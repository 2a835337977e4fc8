"""The pack's sections, each from the page that shows the same figures on screen.

A section takes a page's data (already through disclosure control) and prints it: its sentences,
its tables as screen text, its charts at print size. Nothing here counts anything again, so the
paper and the app cannot disagree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import polars as pl
from markupsafe import Markup

from dashboard.core import disclosure
from dashboard.core.disclosure import Policy
from dashboard.core.page import PageData, View
from dashboard.core.settings import Settings
from dashboard.core.strings import t
from dashboard.extract.export import Export
from dashboard.outcomes.national_outcomes import NationalOutcomesPage
from dashboard.outcomes.outcome_trends import OutcomeTrendsPage
from dashboard.report.charts import attainment_chart, zone_map
from dashboard.report.content import Chart, Section, chart, table
from dashboard.spc.icons import svg
from dashboard.spend.spend import SpendPage
from dashboard.zones.options import load_option
from dashboard.zones.views import option_view, zone_inputs


def _cols(*names: str, **keys: str) -> dict[str, str]:
    """Column → its printed label, from the strings file (`keys`: a column's own label key, where
    one column name means different things in different tables)."""
    return {n: t(f"board_pack.col_{keys.get(n, n)}") for n in names}


def _icon_markup(names: Sequence[str | None]) -> Markup:
    return Markup(" ".join(svg(n, size=24) for n in names if n))


def national_section(page: NationalOutcomesPage, policy: Policy) -> Section:
    """The national outcomes table, each indicator with its SPC icons in a column of its own."""
    indicators = page.tables["indicators"].with_columns(
        pl.concat_str(pl.col("national_outcome").cast(pl.String), pl.lit(" "), "outcome")
        .alias("outcome")
    )  # fmt: skip
    icons = page.icons
    marks = [
        _icon_markup([icons[i].variation, icons[i].assurance]) for i in indicators["indicator_id"]
    ]
    printed = table(
        indicators, policy,
        _cols("outcome", "indicator", "value", "year_earlier", "peer_average", "target", "gap",
              "summary"),
        t("board_pack.caption_national", period=page.view.period),
        icons={t("board_pack.col_icons"): marks},
    )  # fmt: skip
    sentences = [*page.sentences, t("board_pack.national_icons")]
    if indicators["provisional"].any():
        sentences.append(t("figures.provisional"))
    return Section("national_outcomes", t("board_pack.heading_national"), sentences,
                   tables=[printed])  # fmt: skip


def trends_section(trends: OutcomeTrendsPage, charts: list[Chart], notes: list[str]) -> Section:
    """Attainment's SPC chart, then the headline indicators' charts (or why one is not drawn)."""
    attainment, hidden = attainment_chart(trends)
    section = Section("trends", t("board_pack.heading_trends"), [t("board_pack.trends_intro")])
    section.charts = ([attainment] if attainment else []) + charts
    section.sentences += [n for n in (hidden, *notes) if n]
    _add_depth(section, trends)
    return section


def _add_depth(section: Section, trends: OutcomeTrendsPage) -> None:
    """Types of outcome (or that the export does not record them) and each tool's journey chart,
    as the outcome trends page shows them."""
    depth = trends.depth
    if depth is None:
        return
    section.sentences.append(depth.types_note or t("board_pack.types_intro"))
    drawn = [depth.types_trend] if depth.types_trend and depth.types_trend.figure else []
    drawn += [j for j in depth.journeys if j.figure is not None]
    section.charts += [chart(d.figure, d.alt) for d in drawn]
    section.sentences += [j.note for j in depth.journeys if j.figure is None and j.note]


def coverage_section(trends: OutcomeTrendsPage, policy: Policy) -> Section:
    """Review coverage by national outcome: attainment only counts the outcomes reviewed."""
    frame = trends.tables["breakdown_national_outcome"]
    printed = table(
        frame, policy, _cols("group", "due", "reviewed", "coverage", "denominator", "met", "rate"),
        t("board_pack.caption_coverage", period=trends.view.period),
    )  # fmt: skip
    section = Section("coverage", t("board_pack.heading_coverage"),
                      [*trends.sentences[1:], t("board_pack.coverage_why")], tables=[printed])  # fmt: skip
    if "types" in trends.tables:  # the type of outcome, where the export records it
        section.tables.append(table(
            trends.tables["types"], policy,
            _cols("group", "due", "reviewed", "coverage", "denominator", "met", "rate",
                  group="outcome_type"),
            t("board_pack.caption_types", period=trends.view.period),
        ))  # fmt: skip
    return section


def emerging_section(page: PageData, policy: Policy, top: int) -> Section:
    """The `top` emerging-need signals, in words and as a table."""
    signals = page.tables["signals"].head(top)
    section = Section("emerging", t("board_pack.heading_emerging"), list(page.sentences))
    if signals.height:
        section.sentences.append(
            t("board_pack.emerging_top", shown=signals.height, n=page.tables["signals"].height)
        )
        section.sentences += signals["sentence"].to_list()
        section.tables.append(
            table(
                signals, policy,
                _cols("locality", "group", "measure", "recent", "before", "rate_ratio", "ci_low",
                      "ci_high", group="client_group"),
                t("board_pack.caption_emerging"), percent=[],
            )
        )  # fmt: skip
    return section


def spend_section(page: SpendPage, policy: Policy) -> Section:
    """Budget utilisation's chart, spend by service type and what it bought in outcomes."""
    section = Section("spend", t("board_pack.heading_spend"), list(page.sentences))
    if not page.tables:
        return section
    drawn = page.utilisation
    if drawn.figure is None:
        section.sentences.append(drawn.alt)
    else:
        section.charts.append(chart(drawn.figure, drawn.alt, notes=(drawn.note,)))
    section.tables += [
        table(page.tables["spend_by_service_type"], policy,
              _cols("group", "people", "spend", "budget", "utilisation", group="service_type"),
              t("board_pack.caption_spend", period=page.view.period)),
        table(page.tables["value_by_service_type"], policy,
              _cols("group", "met", "denominator", "attainment", "weekly_cost", group="service_type"),
              t("board_pack.caption_value", period=page.view.period)),
    ]  # fmt: skip
    return section


def zones_section(
    export: Export, settings: Settings, view: View, policy: Policy, option: Path
) -> Section:
    """The zoning option as the zone compare page shows it: its map, its zones and its summary."""
    inputs = zone_inputs(export, settings, view)
    assignment = load_option(option, inputs)
    shown = option_view(inputs, assignment, policy, name=option.stem)
    yes_no = {True: t("board_pack.yes"), False: t("board_pack.no")}
    zones_frame = shown.zones.with_columns(
        pl.col("contiguous").replace_strict(yes_no, default=None)
    )
    section = Section(
        "zones", t("board_pack.heading_zones", option=option.stem),
        [t("board_pack.zones_intro", option=option.stem, as_at=inputs.as_at)],
        charts=[zone_map(shown.outlines, option.stem)],
    )  # fmt: skip
    if shown.no_zone:
        section.sentences.append(t("board_pack.zones_no_zone", n=len(shown.no_zone)))
    section.tables = [
        table(zones_frame, policy,
              _cols("zone", "areas", "people", "weekly_hours", "unmet_requests", "handbacks_12m",
                    "rural_share", "travel_km", "contiguous"),
              t("board_pack.caption_zones", option=option.stem, as_at=inputs.as_at)),
        table(shown.summary, policy,
              _cols("option", "zones", "cv_hours", "max_min_ratio", "smallest_hours",
                    "non_contiguous", "people_changing_lot", "areas_in_no_zone"),
              t("board_pack.caption_option", option=option.stem)),
    ]  # fmt: skip
    return section


def quality_section(
    page: PageData, sections: Sequence[Section], policy: Policy, trusts: Mapping[str, dict],
    caution_share: float,
) -> Section:  # fmt: skip
    """The data quality note: each section's judgement, then the data quality page's tables."""
    frame = pl.DataFrame(
        [{"section": s.heading, "judgement": t(f"board_pack.judgement_{trusts[s.key]['judgement']}"),
          "rows": trusts[s.key]["rows"], "set_aside": trusts[s.key]["set_aside"]}
         for s in sections if s.key in trusts],
        schema={"section": pl.String, "judgement": pl.String, "rows": pl.Int64,
                "set_aside": pl.Int64},
        orient="row",
    )  # fmt: skip
    frame = frame.with_columns(
        pl.when(pl.col("rows") > 0).then(pl.col("set_aside") / pl.col("rows")).alias("share")
    )
    protected = disclosure.protect(
        frame, policy, counts=["rows", "set_aside"], rates={"share": ("set_aside", "rows")}
    )
    section = Section("quality", t("board_pack.heading_quality"),
                      [t("board_pack.quality_intro", share=caution_share), *page.sentences])  # fmt: skip
    section.tables = [
        table(protected, policy, _cols("section", "judgement", "rows", "set_aside", "share"),
              t("board_pack.caption_trust")),
        table(page.tables["tables"], policy, _cols("table", "status", "rows", "set_aside"),
              t("board_pack.caption_tables")),
        table(page.tables["data_gaps"].rename({"gap": "data_gap"}), policy,
              _cols("data_gap", "with_gap", "total", "share"),
              t("board_pack.caption_gaps")),
    ]  # fmt: skip
    return section
