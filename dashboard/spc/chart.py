"""The Making Data Count XmR chart as a Plotly figure: data in, figure out.

Special-cause points differ by marker symbol as well as colour (WCAG 2.2 AA: never colour alone),
and each rebased segment is drawn as its own line piece so that a reader sees the break.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import plotly.graph_objects as go

from dashboard.core import formats
from dashboard.core.strings import t
from dashboard.spc.icons import colour
from dashboard.spc.xmr import Annotation, SpcResult, format_value

# marker class -> (symbol, legend key); a provisional point is drawn open, never as a signal.
MARKERS = {
    "common_cause": ("circle", "spc.variation_common_cause"),
    "improvement": ("diamond", "spc.variation_improvement"),
    "concern": ("x", "spc.variation_concern"),
    "neutral_high": ("triangle-up", "spc.variation_neutral_high"),
    "neutral_low": ("triangle-down", "spc.variation_neutral_low"),
    "provisional": ("circle-open", "spc.provisional"),
}
MARKER_SIZE = 9
LINE_WIDTH = 2
NARROW = 0.05  # a percentage axis spanning less than this gets one decimal


def _hline(xs: Sequence, y: float, name: str, ink: str, dash: str, legend: bool) -> go.Scatter:
    return go.Scatter(
        x=[xs[0], xs[-1]],
        y=[y, y],
        mode="lines",
        name=name,
        legendgroup=name,
        showlegend=legend,
        hoverinfo="skip",
        line={"color": ink, "dash": dash, "width": LINE_WIDTH if dash == "solid" else 1.5},
    )


def _segment_lines(result: SpcResult, xs: Sequence, near_limits: bool) -> list[go.Scatter]:
    """Value line, centre and limits per segment, one legend entry each."""
    traces = []
    for k, seg in enumerate(result.segments):
        if seg.stop == seg.start:
            continue
        part = xs[seg.start : seg.stop]
        values = result.points["value"][seg.start : seg.stop].to_list()
        first = k == 0
        traces.append(
            go.Scatter(
                x=part,
                y=values,
                mode="lines",
                name=t("spc.chart_value"),
                legendgroup="value",
                showlegend=first,
                hoverinfo="skip",
                line={"color": colour("common_cause"), "width": LINE_WIDTH},
            )
        )
        if seg.upl is None:
            continue
        traces.append(
            _hline(part, seg.centre, t("spc.chart_centre"), colour("centre"), "solid", first)
        )
        for y, legend in ((seg.upl, first), (seg.lpl, False)):
            traces.append(
                _hline(part, y, t("spc.chart_limits"), colour("common_cause"), "dash", legend)
            )
        if near_limits:
            for y, legend in ((seg.upper_near, first), (seg.lower_near, False)):
                traces.append(
                    _hline(part, y, t("spc.chart_near"), colour("common_cause"), "dot", legend)
                )
    return traces


def _marker_class(row: dict) -> str:
    return "provisional" if row["provisional"] else row["variation"]


def _position(x: object) -> object:
    """Where a point sits on the x axis: a "2026-03" month as its first day, else as given."""
    if isinstance(x, str) and formats.month(x) != x:
        return date(int(x[:4]), int(x[5:7]), 1)
    return x


def _point_markers(
    result: SpcResult, xs: Sequence, unit: str, said: Sequence | None = None
) -> list[go.Scatter]:
    """One marker trace per class present, with hover text naming the rule that fired."""
    rows = result.points.to_dicts()
    traces = []
    for cls, (symbol, legend_key) in MARKERS.items():
        picked = [r for r in rows if _marker_class(r) == cls]
        if not picked:
            continue
        ink = colour("common_cause" if cls == "provisional" else cls)
        hover = [
            t(
                "spc.chart_hover",
                x=(said or xs)[r["index"]],
                value=format_value(r["value"], unit),
                label=t("spc.provisional") if r["provisional"] else t(f"spc.type_{r['type']}"),
            )
            for r in picked
        ]
        traces.append(
            go.Scatter(
                x=[xs[r["index"]] for r in picked],
                y=[r["value"] for r in picked],
                mode="markers",
                name=t(legend_key),
                marker={
                    "symbol": symbol,
                    "color": ink,
                    "size": MARKER_SIZE,
                    "line": {"color": ink, "width": 2},
                },
                text=hover,
                hovertemplate="%{text}<extra></extra>",
            )
        )
    return traces


def percent_ticks(result: SpcResult) -> str:
    """Whole per cents, or one decimal when the points and limits span under 5 points: rounded
    to whole per cents, close ticks would repeat a label (24%, 24%)."""
    seen = [v for v in result.points["value"].to_list() if v is not None]
    seen += [v for v in result.limits if v is not None]
    return ".1%" if seen and max(seen) - min(seen) < NARROW else ".0%"


def spc_figure(
    result: SpcResult,
    *,
    title: str,
    y_title: str,
    dates: Sequence[date | str] | None = None,
    annotations: Sequence[Annotation] = (),
    target: float | None = None,
    percent: bool = True,
    near_limits: bool = False,
    x_title: str | None = None,
    unit: str | None = None,
) -> go.Figure:
    """The XmR chart of `result`. `dates` label the points (one per point); `target` defaults to
    the result's; annotations at an index or a date (the latter needs `dates`) are drawn as
    dotted vertical lines with their text. `percent`: values are fractions shown as %."""
    n = result.points.height
    # a month is placed on a date axis, so ticks space themselves, and read "March 2026" on the
    # axis and in the hover text, never "2026-03"; quarters and other labels stay categories
    xs = [_position(x) for x in dates] if dates is not None else list(range(n))
    said = [formats.month(x) if isinstance(x, str) else x for x in dates] if dates else xs
    if len(xs) != n:
        raise ValueError("dates must have one entry per point")
    unit = unit if unit is not None else ("%" if percent else "")  # "£": hover reads £4.1m
    fig = go.Figure(
        [*_segment_lines(result, xs, near_limits), *_point_markers(result, xs, unit, said)]
    )
    target = result.target if target is None else target
    if target is not None and n:
        fig.add_trace(_hline(xs, target, t("spc.chart_target"), colour("target"), "dashdot", True))
    for note in (*result.annotations, *annotations):
        x = (
            xs[note.at]
            if isinstance(note.at, int)
            else (_position(note.at) if isinstance(note.at, str) else note.at)
        )
        fig.add_shape(
            type="line",
            x0=x,
            x1=x,
            yref="paper",
            y0=0,
            y1=1,
            line={"color": colour("centre"), "dash": "dot", "width": 1},
        )
        fig.add_annotation(
            x=x, yref="paper", y=1, text=note.text, showarrow=False, yanchor="bottom"
        )
    fig.update_layout(
        title={"text": title},
        xaxis={
            "title": {"text": x_title if x_title is not None else t("spc.chart_point")},
            "tickformat": "%B %Y" if xs and all(isinstance(x, date) for x in xs) else None,
        },
        yaxis={
            "title": {"text": y_title},
            "tickformat": percent_ticks(result) if percent else None,
        },
        hovermode="closest",
        plot_bgcolor="#ffffff",
        legend={"orientation": "h", "y": -0.2},
    )
    return fig
