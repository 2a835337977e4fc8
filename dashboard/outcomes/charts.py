"""The outcome pages' charts, frames in and figures out: a rate's SPC chart with its finding in the
title, and the bars of a breakdown with each group's 95% interval. A hidden figure is never drawn."""

from __future__ import annotations

from dataclasses import dataclass

import plotly.graph_objects as go
import polars as pl

from dashboard.core import formats, palette
from dashboard.core.disclosure import Policy, flag
from dashboard.core.strings import t
from dashboard.spc.chart import spc_figure
from dashboard.spc.icons import assurance_icon, variation_icon
from dashboard.spc.series import Rules, judge
from dashboard.spc.xmr import format_value, latest, reading

LABEL_GAP = 0.01  # between a whisker's end and the words beside it
BAR_RANGE = 1.6  # the axis runs past 100% so the words after a full bar fit


@dataclass(frozen=True)
class TrendChart:
    """One SPC chart of a rate: `figure` is None when disclosure control forbids drawing it (then
    `note` says why). `table` names its protected frame in the page's tables."""

    table: str
    figure: go.Figure | None
    alt: str
    reading: str | None
    note: str | None
    variation_icon: str | None
    assurance_icon: str | None
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class BarChart:
    table: str
    figure: go.Figure
    alt: str


def _trend_title(point: dict, measure: str, period_label: str) -> str:
    """The finding in the title: the latest rate and whether it is a signal."""
    kind = "no_limits" if point["upl"] is None else point["variation"]
    value = format_value(point["value"], "%")
    return t(f"outcome_pages.trend_title_{kind}", measure=measure, value=value,
             period=formats.month(period_label))  # fmt: skip


def trend_chart(
    frame: pl.DataFrame,
    measure: str,
    *,
    grain: str,
    note: str | None,
    direction: str,
    target: float | None,
    rules: Rules,
) -> TrendChart:
    """The SPC chart of `measure` over the periods of `frame` that have a rate (a period with no
    review has none), judged against `target` in `direction`."""
    name = t(f"outcome_pages.measure_{measure}")
    drawn = frame.filter(pl.col(measure).is_not_null())
    result = judge(drawn, measure, rules, direction=direction, target=target)
    periods = t(f"outcome_pages.periods_{grain}")
    point = latest(result)
    title = _trend_title(point, name, drawn["period"][point["index"]])
    figure = spc_figure(
        result,
        title=title,
        y_title=t("outcome_pages.axis_rate", measure=name),
        dates=drawn["period"].to_list(),
        x_title=t(f"outcome_pages.axis_{grain}"),
    )
    alt = t(
        "outcome_pages.alt_trend",
        measure=name,
        n=drawn.height,
        periods=periods,
        centre=format_value(result.centre, "%") or t("outcome_pages.none"),
    )
    return TrendChart(
        table=measure,
        figure=figure,
        alt=alt,
        reading=reading(result, name, "%", periods),
        note=note,
        variation_icon=variation_icon(result) if drawn.height else None,
        assurance_icon=assurance_icon(result),
        warnings=tuple(w.message for w in result.warnings),
    )


def breakdown_chart(table: pl.DataFrame, by: str, period: str, policy: Policy) -> BarChart:
    """Bars of each group's rate with its 95% interval, the rate and counts written on each bar;
    a hidden figure is written as hidden, never drawn."""
    rows = table.filter(~pl.col("is_total")).to_dicts()
    shown = [r for r in rows if not r[flag("rate")] and r["rate"] is not None]
    symbol = t("disclosure.screen_suppressed", threshold=policy.threshold)

    def text(r: dict) -> str:
        if r[flag("rate")]:
            return t("outcome_pages.bar_hidden", symbol=formats.percent(None, hidden=True))
        if r["rate"] is None:
            return t("outcome_pages.bar_none")
        met = symbol if r[flag("met")] else f"{r['met']:,}"
        return t("outcome_pages.bar_text", rate=format_value(r["rate"], "%"), met=met,
                 denominator=f"{r['denominator']:,}")  # fmt: skip

    plain = [r if r in shown else dict(r, rate=None, ci_low=None, ci_high=None) for r in rows]
    figure = go.Figure(
        go.Bar(
            x=[r["rate"] or 0 for r in plain],
            y=[r["group"] for r in plain],
            orientation="h",
            marker={"color": palette.DARK_BLUE},
            error_x={
                "type": "data",
                "array": [r["ci_high"] - r["rate"] if r["rate"] is not None else 0 for r in plain],
                "arrayminus": [
                    r["rate"] - r["ci_low"] if r["rate"] is not None else 0 for r in plain
                ],  # fmt: skip
                "color": palette.DARK_GREY,
            },
            hoverinfo="skip",
        )
    )
    # The words go beyond each interval's whisker, never across it (issue 20)
    ends = [max(r["ci_high"] or 0, r["rate"] or 0) if r["rate"] is not None else 0 for r in plain]
    figure.add_trace(
        go.Scatter(
            x=[e + LABEL_GAP for e in ends],
            y=[r["group"] for r in plain],
            mode="text",
            text=[text(r) for r in rows],
            textposition="middle right",
            cliponaxis=False,
            hoverinfo="skip",
            showlegend=False,
        )
    )
    breakdown = t(f"outcome_pages.by_{by}").lower()
    if shown:
        top = max(shown, key=lambda r: r["rate"])
        title = t("outcome_pages.bar_title", breakdown=breakdown, period=period,
                  group=top["group"], rate=format_value(top["rate"], "%"))  # fmt: skip
    else:
        title = t("outcome_pages.bar_title_none", breakdown=breakdown, period=period)
    figure.update_layout(
        title={"text": title},
        xaxis={
            "title": {"text": t("outcome_pages.axis_bar")},
            "tickformat": ".0%",
            "range": [0, BAR_RANGE],
            "tickvals": [i / 5 for i in range(6)],  # 0% to 100%: room for the words beyond
        },  # fmt: skip
        yaxis={"title": {"text": t(f"outcome_pages.by_{by}")}, "autorange": "reversed"},
        plot_bgcolor="#ffffff",
        height=max(300, 60 + 36 * len(rows)),
        showlegend=False,
    )
    alt = t("outcome_pages.alt_bar", breakdown=breakdown, period=period,
            shown=len(shown), hidden=sum(bool(r[flag("rate")]) for r in rows))  # fmt: skip
    return BarChart(f"breakdown_{by}", figure, alt)
