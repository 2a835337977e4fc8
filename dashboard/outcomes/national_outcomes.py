"""The national outcomes page: the nine national outcomes with their local indicators, each with
its figures in words and the Making Data Count icons of its monthly series (the board cover)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import polars as pl

from dashboard.core import formats
from dashboard.core.disclosure import Policy, flag
from dashboard.core.framework import Framework, load_framework
from dashboard.core.page import PageData, View, policy_for
from dashboard.core.parallel import side_by_side
from dashboard.core.settings import Settings
from dashboard.core.strings import t
from dashboard.extract.export import Export
from dashboard.extract.filters import series_window
from dashboard.outcomes.attainment import attainments
from dashboard.outcomes.comparators import spine_for
from dashboard.outcomes.cover import cover_frame, sparkline_frame
from dashboard.outcomes.figures_json import attainment_json, indicator_json
from dashboard.outcomes.indicators import (
    DEFAULT_GAP_TARGET,
    GAP_ID,
    SPEND_IDS,
    indicator_series,
    indicator_table,
)
from dashboard.outcomes.outcome_trends import outcome_definitions
from dashboard.outcomes.peers import read_benchmark
from dashboard.spc.icons import ASSURANCE_ICONS, assurance_icon, variation_icon
from dashboard.spc.series import Rules, judge
from dashboard.spc.xmr import band_assurance

BUDGET_ID = "no9_budget_utilisation"
INDICATOR_FIELDS = ("value", "year_earlier", "peer_average", "target", "gap")


@dataclass(frozen=True)
class Icons:
    """The summary icons of one indicator's monthly series (spc_icons names; None: no icon)."""

    variation: str | None
    assurance: str | None


@dataclass
class NationalOutcomesPage(PageData):
    """The national outcomes page: its indicator table, and the icons of each indicator's monthly
    series by indicator id."""

    icons: dict[str, Icons] = field(default_factory=dict)


def share_phrase(value: float) -> str:
    """A rate as a board reader says it: "About 7 in 10", "Nearly all", "None of the"."""
    tenths = math.floor(value * 10 + 0.5)
    if value >= 1:
        return t("outcome_pages.share_all")
    if value <= 0:
        return t("outcome_pages.share_none")
    if tenths >= 10:
        return t("outcome_pages.share_nearly_all")
    if tenths == 0:
        return t("outcome_pages.share_under_one")
    return t("outcome_pages.share_tenths", n=tenths)


def format_indicator(value: float | None, unit: str, *, difference: bool = False) -> str | None:
    """An indicator figure in its unit; `difference` for a gap (a rate's gap is in points)."""
    if value is None:
        return None
    if unit == "rate":
        if difference:
            return t("outcome_pages.points", value=value * 100)
        return formats.percent(value)
    if unit == "percentage_points":
        return t("outcome_pages.points", value=value)
    return t("outcome_pages.per_100_signed" if difference else "outcome_pages.per_100", value=value)


def _icons(series: pl.DataFrame, settings: Settings) -> dict[str, Icons]:
    """Variation and assurance icons of each indicator's monthly series; neutral indicators with a
    target band (the deprivation gap, budget utilisation) are judged by `band_assurance`."""
    targets = settings.targets
    gap_target = targets.get(GAP_ID, DEFAULT_GAP_TARGET)
    bands = {GAP_ID: (gap_target, gap_target), BUDGET_ID: tuple(settings.budget_band)}
    rules = Rules.of(settings)
    out = {}
    for (indicator_id,), rows in series.group_by("indicator_id", maintain_order=True):
        drawn = rows.filter(pl.col("value").is_not_null()).sort("p")
        if drawn.is_empty():
            out[indicator_id] = Icons(None, None)
            continue
        direction = drawn["spc_direction"][0]
        result = judge(
            drawn, "value", rules, direction=direction,
            target=None if direction == "neutral" else targets.get(indicator_id),
        )  # fmt: skip
        if indicator_id in bands:
            judged = band_assurance(result, *bands[indicator_id])
            assurance = ASSURANCE_ICONS.get(judged) if judged else None
        else:
            assurance = assurance_icon(result)
        out[indicator_id] = Icons(variation_icon(result), assurance)
    return out


def _line(record: dict, unit: str) -> str:
    """The plain-language line under an indicator, from the protected record only."""
    value = record["value"]
    if value is None:
        key = "line_hidden" if record.get("suppressed") else "line_none"
        return t(f"outcome_pages.{key}")
    indicator_id = record["id"]
    if indicator_id == GAP_ID:
        side = "more" if value > 0 else "less" if value < 0 else "equal"
        return t(f"outcome_pages.line_gap_{side}", value=abs(value))
    if unit == "rate" and indicator_id not in SPEND_IDS:
        return t(f"outcome_pages.line_{indicator_id}", share=share_phrase(value))
    return t(f"outcome_pages.line_{indicator_id}", value=value)


def _indicator_frame(
    exact_table: pl.DataFrame, records: list[dict], icons: Mapping[str, Icons], framework: Framework
) -> pl.DataFrame:
    """One row per indicator with its figures as text in their own units. A figure is flagged as
    hidden where the board record (indicators.indicator_json) left out a figure that exists."""
    exact_rows = {r["indicator_id"]: r for r in exact_table.to_dicts()}
    outcomes = {o.number: o for o in framework.outcomes}
    rows = []
    for rec in records:
        ex, unit = exact_rows[rec["id"]], rec["unit"]
        icon = icons.get(rec["id"], Icons(None, None))
        row = {
            "national_outcome": rec["national_outcome"],
            "indicator_id": rec["id"],
            "outcome": outcomes[rec["national_outcome"]].label,
            "indicator": rec["label"],
            "summary": _line(rec, unit),
            "variation": t(f"spc.icon_{icon.variation}") if icon.variation else None,
            "assurance": t(f"spc.icon_{icon.assurance}") if icon.assurance else None,
            "provisional": rec["provisional"],
        }
        for column in INDICATOR_FIELDS:
            row[column] = format_indicator(rec[column], unit, difference=column == "gap")
            row[flag(column)] = rec[column] is None and ex[column] is not None
        rows.append(row)
    schema = {"national_outcome": pl.Int64, "indicator_id": pl.String, "outcome": pl.String,
              "indicator": pl.String,
              **dict.fromkeys(INDICATOR_FIELDS, pl.String), "summary": pl.String,
              "variation": pl.String, "assurance": pl.String, "provisional": pl.Boolean,
              **{flag(f): pl.Boolean for f in INDICATOR_FIELDS}}  # fmt: skip
    return pl.DataFrame(rows, schema=schema)


def build(export: Export, settings: Settings, view: View) -> NationalOutcomesPage:
    """The nine national outcomes with their local indicators: value, year earlier, peer average,
    target, gap, a plain sentence and the icons of each indicator's monthly series."""
    policy = policy_for(settings)
    framework = load_framework(settings.framework_file)
    common = {"partnership": view.partnership, "filters": view.filters,
              "extract_date": export.extract_date, "lag_weeks": settings.run_out_lag_weeks,
              "framework_file": settings.framework_file}  # fmt: skip
    benchmark = read_benchmark(settings.benchmark_file, settings.framework_file) if (
        settings.benchmark_file) else None  # fmt: skip
    start = series_window(export, view.p.end, settings.series_months)
    # The period's table, its protected attainment and the monthly series are independent: each
    # runs on its own cursor, side by side.
    exact_table, attainment_protected, series = side_by_side(
        lambda: indicator_table(
            export.cursor(), period=view.p, comparators=list(settings.comparators) or None,
            targets=settings.targets, benchmark=benchmark, **common,
        ),
        lambda: _protected_attainment(export, settings, view, policy),
        lambda: indicator_series(
            export.cursor(), start=start, end=view.p.end, **common,
        ),
    )  # fmt: skip
    records = indicator_json(exact_table, attainment_protected, policy)
    icons = _icons(series, settings)
    page = NationalOutcomesPage("national-outcomes", view, icons=icons)
    page.tables["indicators"] = _indicator_frame(exact_table, records, icons, framework)
    page.tables["spine"] = spine_for(exact_table, records, view.partnership, policy, settings.funnel_adjustment)  # fmt: skip
    # the icon summary table the Overview, this page and the board pack lead with (outcomes/cover)
    page.tables["cover"] = cover_frame(page.tables["indicators"], icons,
                                       {BUDGET_ID: tuple(settings.budget_band)})  # fmt: skip
    page.tables["sparklines"] = sparkline_frame(series, policy)
    page.sentences = [t("outcome_pages.national_intro", period=view.period),
                      t("outcome_pages.no6_beside_carers")]  # fmt: skip
    page.definitions = [
        (t("outcome_pages.outcome_term", n=o.number, label=o.label), o.statement)
        for o in framework.outcomes
    ] + outcome_definitions("icons", "band", "summary", "local")
    return page


def _protected_attainment(
    export: Export, settings: Settings, view: View, policy: Policy
) -> pl.DataFrame:
    """Attainment overall and by national outcome protected as `dashboard figures` protects them,
    so an attainment indicator is hidden on this page exactly when it is in the board JSON."""
    common = {"partnerships": [view.partnership], "periods": [view.p], "filters": view.filters,
              "framework_file": settings.framework_file}  # fmt: skip
    counted = attainments(export.cursor(), **common, bys=("all", "national_outcome"))
    return attainment_json(counted["all"], counted["national_outcome"], policy)[1]
