"""Charts for outcomes in depth, protected frames in and figures out: the journey of each scoring
tool as a diverging bar (moved down to the left, stayed across the centre, moved up to the right),
and attainment of each type of outcome over time. A hidden figure is never drawn."""

from __future__ import annotations

from dataclasses import dataclass

import plotly.graph_objects as go
import polars as pl

from dashboard.core import palette
from dashboard.core.disclosure import flag
from dashboard.core.strings import t
from dashboard.spc.xmr import format_value


@dataclass(frozen=True)
class DepthChart:
    """A chart and the page table it is drawn from; `figure` None when nothing may be drawn."""

    table: str
    figure: go.Figure | None
    alt: str
    note: str | None = None


def _shown(row: dict, col: str) -> float | None:
    return None if row[flag(col)] else row[col]


def journey_chart(table: pl.DataFrame, tool: str, period: str) -> DepthChart:
    """One tool's journey by domain: the share of outcomes that moved down, stayed and moved up.
    A domain whose shares are hidden is listed with no bar, never drawn from hidden counts."""
    rows = table.filter(pl.col("score_tool") == tool).to_dicts()
    shares = ("share_up", "share_same", "share_down")
    drawn = [r for r in rows if all(_shown(r, c) is not None for c in shares)]
    if not drawn:
        note = t("outcome_pages.journey_none", tool=tool, period=period)
        return DepthChart("journey", None, note, note)
    domains = [r["domain"] for r in drawn]
    down = [r["share_down"] for r in drawn]
    same = [r["share_same"] or 0 for r in drawn]
    up = [r["share_up"] for r in drawn]
    half = [s / 2 for s in same]
    figure = go.Figure()
    # down runs left from the stayed block, which straddles the centre; up runs right from it
    bars = (("down", [-d for d in down], [-h for h in half], down, palette.ORANGE),
            ("same", same, [-h for h in half], same, palette.LIGHT_GREY),
            ("up", up, half, up, palette.DARK_BLUE))  # fmt: skip
    for key, x, base, shares, colour in bars:
        figure.add_bar(
            y=domains, x=x, base=base, orientation="h", name=t(f"outcome_pages.journey_{key}"),
            marker={"color": colour}, text=[format_value(v, "%") for v in shares],
            textposition="inside", hoverinfo="skip",
        )  # fmt: skip
    outcomes = sum(r["outcomes"] or 0 for r in drawn)
    up_all = sum(r["up"] or 0 for r in drawn)
    share = format_value(up_all / outcomes, "%") if outcomes else None
    title = t("outcome_pages.journey_title", tool=tool, period=period, share=share or "–")
    figure.update_layout(
        title={"text": title}, barmode="overlay", plot_bgcolor="#ffffff",
        xaxis={"title": {"text": t("outcome_pages.journey_axis")}, "tickformat": ".0%",
               "range": [-1, 1]},
        yaxis={"autorange": "reversed"}, height=max(280, 80 + 34 * len(drawn)),
        legend={"orientation": "h", "y": -0.2},
    )  # fmt: skip
    alt = t("outcome_pages.journey_alt", tool=tool, period=period, domains=len(drawn),
            hidden=len(rows) - len(drawn))  # fmt: skip
    return DepthChart("journey", figure, alt)


def type_trend_chart(series: pl.DataFrame, grain: str) -> DepthChart:
    """Attainment of each type of outcome over time, one line a type; hidden points are gaps."""
    if series.is_empty():
        note = t("outcome_pages.types_not_recorded")
        return DepthChart("types_trend", None, note, note)
    figure = go.Figure()
    for i, ((name,), one) in enumerate(series.group_by("outcome_type", maintain_order=True)):
        values = [None if h else v for v, h in zip(one["rate"], one[flag("rate")], strict=True)]
        figure.add_scatter(
            x=one["period"].to_list(), y=values, name=name, mode="lines+markers",
            line={"color": palette.CATEGORICAL[i % len(palette.CATEGORICAL)]},
            connectgaps=False, hoverinfo="skip",
        )  # fmt: skip
    figure.update_layout(
        title={"text": t("outcome_pages.types_trend_title")}, plot_bgcolor="#ffffff",
        yaxis={"title": {"text": t("outcome_pages.axis_bar")}, "tickformat": ".0%",
               "range": [0, 1]},
        xaxis={"title": {"text": t(f"outcome_pages.axis_{grain}")}},
        legend={"orientation": "h", "y": -0.25},
    )  # fmt: skip
    alt = t("outcome_pages.types_trend_alt", periods=series["period"].n_unique())
    return DepthChart("types_trend", figure, alt)
