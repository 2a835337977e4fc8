"""The outcome trends page's section on outcomes in depth: types of outcome, the journey of each
scoring tool, reablement by locality and (internal audience only) what people said matters.

It assembles what outcomes/depth.py, outcomes/reablement.py and outcomes/phrases.py count and
protect; the board pack reads the same `OutcomeDepth`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from dashboard.core.disclosure import Policy
from dashboard.core.page import View
from dashboard.core.settings import Settings
from dashboard.core.strings import t
from dashboard.extract.export import Export
from dashboard.extract.filters import series_window
from dashboard.outcomes.attainment import series_periods
from dashboard.outcomes.charts import TrendChart
from dashboard.outcomes.depth import (
    change_table,
    journey_table,
    type_labels,
    type_series,
    types_recorded,
)
from dashboard.outcomes.depth_charts import DepthChart, journey_chart, type_trend_chart
from dashboard.outcomes.phrases import phrase_table
from dashboard.outcomes.reablement import locality_table
from dashboard.outcomes.tables import breakdown_table


@dataclass
class OutcomeDepth:
    """What the page and the board pack show beyond met or not met. `types_note` says when the
    export does not record the type of outcome; `journeys` holds one chart a scoring tool;
    `reablement` the SPC charts of goals met and of plans followed by no further support."""

    types_note: str | None = None
    type_meanings: list[str] = field(default_factory=list)
    types_trend: DepthChart | None = None
    journeys: list[DepthChart] = field(default_factory=list)
    reablement: list[TrendChart] = field(default_factory=list)


def add_depth(
    tables: dict[str, pl.DataFrame], export: Export, settings: Settings, view: View, policy: Policy
) -> OutcomeDepth:
    """Count and protect each part, put its tables in `tables`, and return what the page draws."""
    depth = OutcomeDepth(type_meanings=[t(f"outcome_pages.type_{k}_means") for k in type_labels()])
    if types_recorded(export, view.partnership):
        tables["types"] = breakdown_table(export, settings, view, "outcome_type", policy)
        start = series_window(export, view.p.end, settings.series_months)
        series = type_series(export, view, series_periods(start, view.p.end, "quarter"),
                             settings.framework_file, policy)  # fmt: skip
        tables["types_trend"] = series
        depth.types_trend = type_trend_chart(series, "quarter")
    else:
        depth.types_note = t("outcome_pages.types_not_recorded")
    journey = journey_table(export, settings, view, policy)
    tables["journey"] = journey
    tables["journey_change"] = change_table(export, view, policy)
    depth.journeys = [
        journey_chart(journey, tool, view.period)
        for tool in journey["score_tool"].unique(maintain_order=True).to_list()
    ]
    tables["reablement"] = locality_table(export, settings, view, policy)
    phrases = phrase_table(export, settings, view, policy)
    if phrases is not None:
        tables["phrases"] = phrases
    return depth
