"""Funnel plots and the spine chart, frames in and figures out (docs/figures.md). Meaning is
carried by position, marker shape and words as well as colour: every chart has its table."""

from __future__ import annotations

import math

import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from dashboard.core import palette
from dashboard.core.disclosure import flag
from dashboard.core.funnel import Funnel, curve
from dashboard.core.strings import t
from dashboard.outcomes.national_outcomes import format_indicator
from dashboard.spc.xmr import format_value

LABELLED_UNITS = 12  # more units than this: only the highlighted and those beyond a limit named
SPINE_MARGIN = 1.1  # the furthest figure sits just inside the spine's ends, not on them
# Marker shape and colour per band: never colour alone.
MARKERS = {
    "high_998": ("triangle-up", palette.DARK_PINK),
    "high_95": ("triangle-up-open", palette.DARK_BLUE),
    "inside": ("circle", palette.DARK_GREY),
    "low_95": ("triangle-down-open", palette.DARK_BLUE),
    "low_998": ("triangle-down", palette.DARK_PINK),
}


def _funnel_traces(f: Funnel, legend: bool, highlight: str | None = None) -> list[go.Scatter]:
    """The reference line, the two pairs of limits and the units (one trace per band)."""
    largest = float(f.units["denominator"].max() or 1)
    lines = curve(f.reference, f.spread, largest, float(f.units["denominator"].min() or 1))
    named = f.units.height <= LABELLED_UNITS
    # labels alternate above and below in order of size, so neighbours of similar size stay legible
    order = f.units.sort("denominator")["unit"].to_list()
    place = {u: "top center" if n % 2 == 0 else "bottom center" for n, u in enumerate(order)}
    x = lines["denominator"].to_list()
    traces = [
        go.Scatter(x=[x[0], x[-1]], y=[f.reference] * 2, mode="lines", name=t("funnel.reference"),
                   line={"color": palette.DARK_GREY, "width": 1.5}, showlegend=legend,
                   legendgroup="ref", hoverinfo="skip"),
    ]  # fmt: skip
    for level, dash, width in (("95", "dash", 1.2), ("998", "solid", 1.2)):
        for side in ("lower", "upper"):
            traces.append(go.Scatter(
                x=x, y=lines[f"{side}_{level}"].to_list(), mode="lines",
                name=t(f"funnel.limit_{level}"), legendgroup=level,
                showlegend=legend and side == "lower", hoverinfo="skip",
                line={"color": palette.LIGHT_PURPLE if level == "95" else palette.DARK_BLUE,
                      "dash": dash, "width": width},
            ))  # fmt: skip
    for band, (symbol, colour) in MARKERS.items():
        rows = f.units.filter(pl.col("band") == band)
        if rows.is_empty():
            continue
        text = [
            t("funnel.hover", unit=r["unit"], rate=format_value(r["rate"], "%"),
              denominator=f"{int(r['denominator']):,}")
            for r in rows.iter_rows(named=True)
        ]  # fmt: skip
        size = [16 if u == highlight else 11 for u in rows["unit"]]
        traces.append(go.Scatter(
            x=rows["denominator"].to_list(), y=rows["rate"].to_list(), mode="markers+text",
            text=[u if named or u == highlight or band != "inside" else "" for u in rows["unit"]],
            textposition=[place[u] for u in rows["unit"]], hovertext=text,
            hovertemplate="%{hovertext}<extra></extra>", name=t(f"funnel.band_{band}"),
            legendgroup=band, showlegend=legend,
            marker={"symbol": symbol, "color": colour, "size": size,
                    "line": {"color": colour, "width": 1.5}},
        ))  # fmt: skip
    return traces


def funnel_figure(f: Funnel, title: str, highlight: str | None = None) -> go.Figure:
    """One funnel plot: rate against the number counted (log scale), limits narrowing to the right."""
    fig = go.Figure(_funnel_traces(f, True, highlight))
    fig.update_layout(
        title=title, height=430, margin={"l": 60, "r": 20, "t": 60, "b": 50},
        xaxis={"title": t("funnel.axis_denominator"), "type": "log"},
        yaxis={"title": t("funnel.axis_rate"), "tickformat": ".0%"},
        legend={"orientation": "h", "y": -0.25}, plot_bgcolor="white",
    )  # fmt: skip
    return fig


def funnel_grid(funnels: dict[str, Funnel], highlight: str | None = None) -> go.Figure:
    """Small multiples: one funnel per titled panel (the board pack's funnels of partnerships)."""
    titles = list(funnels)
    cols = min(2, len(titles))
    rows = math.ceil(len(titles) / cols)
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=titles, vertical_spacing=0.12)
    for n, (_, f) in enumerate(funnels.items()):
        for trace in _funnel_traces(f, n == 0, highlight):
            fig.add_trace(trace, row=n // cols + 1, col=n % cols + 1)
    fig.update_annotations(font_size=11)
    fig.update_xaxes(type="log")
    fig.update_yaxes(tickformat=".0%")
    fig.update_layout(height=280 * rows + 80, plot_bgcolor="white", margin={"t": 40},
                      legend={"orientation": "h", "y": -0.05})  # fmt: skip
    return fig


def _position(row: dict) -> dict[str, float | None]:
    """Each figure's place on a 0–1 scale centred on Scotland (else the comparators' middle),
    half-width the furthest figure from it, flipped where lower is better."""
    centre = row["scotland"] if row["scotland"] is not None else (row["q25"] + row["q75"]) / 2
    figures = {k: row[k] for k in ("lowest", "q25", "q75", "highest", "value")}
    furthest = max((abs(v - centre) for v in figures.values() if v is not None), default=0.0)
    half = furthest * SPINE_MARGIN or 1.0
    flip = row["good_direction"] == "down"

    def place(v: float | None) -> float | None:
        if v is None:
            return None
        p = 0.5 + (v - centre) / (2 * half)
        return 1 - p if flip else p

    return {"centre": 0.5, **{k: place(v) for k, v in figures.items()}}


def spine_figure(spine: pl.DataFrame) -> go.Figure | None:
    """Fingertips-style spine chart of the indicators with a comparator range (hidden ones left
    out); None when there is nothing to draw."""
    rows = [r for r in spine.to_dicts() if r["lowest"] is not None and r["highest"] is not None]
    if not rows:
        return None
    placed = [(r["indicator"], _position(r)) for r in rows][::-1]  # first indicator at the top
    names = [n for n, _ in placed]
    fig = go.Figure()
    for name, key_a, key_b, colour in (
        ("spine_range", "lowest", "highest", palette.LIGHT_GREY),
        ("spine_middle", "q25", "q75", "#7F7F7F"),
    ):
        fig.add_trace(go.Bar(
            y=names, x=[abs(p[key_b] - p[key_a]) for _, p in placed],
            base=[min(p[key_a], p[key_b]) for _, p in placed], orientation="h",
            marker={"color": colour}, name=t(f"funnel.{name}"), hoverinfo="skip", width=0.6,
        ))  # fmt: skip
    fig.add_trace(go.Scatter(
        y=names, x=[0.5] * len(names), mode="markers", name=t("funnel.spine_scotland"),
        marker={"symbol": "line-ns", "size": 22, "line": {"width": 3, "color": "black"}},
        hoverinfo="skip",
    ))  # fmt: skip
    shown = [(n, p) for n, p in placed if p["value"] is not None]
    fig.add_trace(go.Scatter(
        y=[n for n, _ in shown], x=[p["value"] for _, p in shown], mode="markers",
        name=t("funnel.spine_home"), hoverinfo="skip",
        marker={"symbol": "circle", "size": 13, "color": palette.DARK_BLUE,
                "line": {"color": "white", "width": 1.5}},
    ))  # fmt: skip
    fig.update_layout(
        barmode="overlay", height=70 + 42 * len(names), plot_bgcolor="white",
        margin={"l": 20, "r": 20, "t": 30, "b": 40},
        xaxis={"range": [-0.02, 1.02], "tickvals": [0, 1],
               "ticktext": [t("funnel.spine_worse"), t("funnel.spine_better")]},
        yaxis={"automargin": True}, legend={"orientation": "h", "y": -0.12},
    )  # fmt: skip
    return fig


SPINE_FIGURES = ("value", "scotland", "lowest", "q25", "q75", "highest")


def spine_text(spine: pl.DataFrame) -> pl.DataFrame:
    """The spine table as a board reads it: every figure in its indicator's own unit."""
    rows = []
    for r in spine.to_dicts():
        row = {"indicator": r["indicator"]}
        for c in SPINE_FIGURES:
            row[c] = format_indicator(r[c], r["unit"])
            if c != "scotland":
                row[flag(c)] = r[flag(c)]
        row.update(
            {"comparators": r["comparators"], "compared": r["compared"], "source": r["source"]}
        )
        rows.append(row)
    schema = {"indicator": pl.String, **{c: pl.String for c in SPINE_FIGURES},
              "comparators": pl.Int64, "compared": pl.String, "source": pl.String,
              **{flag(c): pl.Boolean for c in SPINE_FIGURES if c != "scotland"}}  # fmt: skip
    return pl.DataFrame(rows, schema=schema)
