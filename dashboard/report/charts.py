"""The pack's own charts: the headline indicators' SPC charts and the static zone map.

The app draws these interactively; a paper needs them drawn once, at a fixed size, with nothing
fetched from the internet (so the map has no tiles). Frames in, printed charts out.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import plotly.graph_objects as go
import polars as pl
import shapely

from dashboard.core import disclosure, palette
from dashboard.core.disclosure import Policy
from dashboard.core.framework import Indicator, load_framework
from dashboard.core.page import View
from dashboard.core.periods import quarters_in
from dashboard.core.settings import Settings
from dashboard.core.strings import t
from dashboard.extract.export import Export
from dashboard.extract.filters import series_window
from dashboard.outcomes.attainment import label_periods
from dashboard.outcomes.indicators import (
    SPEND_IDS,
    indicator_series,
    indicator_values,
    is_provisional,
)
from dashboard.outcomes.outcome_trends import OutcomeTrendsPage
from dashboard.report.content import Chart, chart
from dashboard.spc.chart import spc_figure
from dashboard.spc.icons import assurance_icon, variation_icon
from dashboard.spc.series import Rules, from_first, judge
from dashboard.spc.xmr import SpcResult, format_value, latest, reading

MAP_HEIGHT_PX = 520
ZONE_PATTERNS = ("", "/", ".", "x", "-", "|", "+", "\\")  # never colour alone on the map
SPC_UNITS = {"rate": "%"}  # an indicator unit shown as a percentage; others as plain numbers


# --- SPC charts ----------------------------------------------------------------------------------


def attainment_chart(trends: OutcomeTrendsPage) -> tuple[Chart | None, str | None]:
    """The outcome trends page's attainment chart made printable, or the note saying why it is
    not drawn (disclosure control may forbid it)."""
    trend = trends.rate
    if trend.figure is None:
        return None, trend.note
    return chart(
        trend.figure, trend.alt, trend.reading, (trend.note, *trend.warnings),
        (trend.variation_icon, trend.assurance_icon),
    ), None  # fmt: skip


def chart_title(result: SpcResult, measure: str, unit: str, periods: Sequence[str]) -> str:
    """A title that states the finding: the latest settled value and whether it is a signal."""
    point = latest(result)
    if point is None:
        return measure
    kind = "no_limits" if point["upl"] is None else point["variation"]
    return t(f"board_pack.chart_title_{kind}", measure=measure, period=periods[point["index"]],
             value=format_value(point["value"], unit))  # fmt: skip


def _indicator_chart(
    indicator: Indicator,
    monthly: pl.DataFrame,
    quarterly: pl.DataFrame,
    settings: Settings,
    policy: Policy,
) -> tuple[Chart | None, str | None]:
    """One indicator's XmR chart at the finest grain disclosure allows (as the outcome trends page
    draws attainment), judged as the national outcomes page judges its icons."""
    grain, frame, note = disclosure.series_grain(
        from_first(monthly), from_first(quarterly), policy, denominator="denominator",
        numerator="numerator",
    )  # fmt: skip
    if frame is None:
        return None, t("board_pack.indicator_hidden", indicator=indicator.label, note=note)
    drawn = frame.filter(pl.col("value").is_not_null()).sort("p")
    if drawn.is_empty():
        return None, t("board_pack.indicator_empty", indicator=indicator.label)
    direction = indicator.spc_direction
    result = judge(
        drawn, "value", Rules.of(settings), direction=direction,
        target=None if direction == "neutral" else settings.targets.get(indicator.id),
    )  # fmt: skip
    unit = SPC_UNITS.get(indicator.unit, "")
    periods = t(f"outcome_pages.periods_{grain}")
    latest_period = drawn["period"][-1]
    figure = spc_figure(
        result,
        title=chart_title(result, indicator.label, unit, drawn["period"].to_list()),
        y_title=t(f"board_pack.unit_{indicator.unit}"),
        dates=drawn["period"].to_list(),
        percent=unit == "%",
        x_title=t(f"outcome_pages.axis_{grain}"),
    )
    alt = t("board_pack.alt_indicator", indicator=indicator.label, n=drawn.height, periods=periods,
            first=drawn["period"][0], last=latest_period)  # fmt: skip
    return chart(
        figure, alt, reading(result, indicator.label, unit, periods),
        (note, *(w.message for w in result.warnings)),
        (variation_icon(result), assurance_icon(result)),
    ), None  # fmt: skip


def indicator_charts(
    export: Export,
    settings: Settings,
    view: View,
    policy: Policy,
    *,
    indicators: Sequence[str],
) -> tuple[list[Chart], list[str]]:
    """The headline indicators' SPC charts, and a sentence for each one that cannot be drawn."""
    con = export.cursor()
    framework = load_framework(settings.framework_file)
    start = series_window(export, view.p.end, settings.series_months)
    common = {"filters": view.filters, "framework_file": settings.framework_file}
    monthly = indicator_series(
        con, partnership=view.partnership, start=start, end=view.p.end,
        extract_date=export.extract_date, lag_weeks=settings.run_out_lag_weeks, **common,
    )  # fmt: skip
    quarters = quarters_in(start, view.p.end)
    quarterly = label_periods(
        indicator_values(con, partnerships=[view.partnership], periods=quarters,
                         as_ats=[q.end for q in quarters], **common),
        quarters,
    ).with_columns(  # a quarter of spend still being paid is provisional, as a month is
        (pl.col("indicator_id").is_in(SPEND_IDS) & pl.col("p").is_in([
            n for n, q in enumerate(quarters, start=1)
            if is_provisional(q.end, export.extract_date, settings.run_out_lag_weeks)
        ])).alias("provisional")
    )  # fmt: skip
    charts, notes = [], []
    for indicator_id in indicators:
        pick = pl.col("indicator_id") == indicator_id
        drawn, note = _indicator_chart(
            framework.indicator(indicator_id), monthly.filter(pick), quarterly.filter(pick),
            settings, policy,
        )  # fmt: skip
        charts += [drawn] if drawn else []
        notes += [note] if note else []
    return charts, notes


# --- the zone map --------------------------------------------------------------------------------


def _fill(hex_colour: str, alpha: int) -> str:
    r, g, b, a = palette.rgba(hex_colour, alpha)
    return f"rgba({r},{g},{b},{a / 255:.2f})"


def _lat_stretch(lats: Sequence[float]) -> float:
    """How much longer a degree of latitude is drawn than one of longitude, so that shapes keep
    their proportions: 1 ÷ cos(mean latitude)."""
    return 1 / math.cos(math.radians(sum(lats) / len(lats))) if lats else 1.0


def zone_map(outlines: Mapping, option: str) -> Chart:
    """A static map of the option's zones: each zone's merged outline filled with its own colour
    and pattern and labelled with its name (no tiles, so nothing is fetched from the internet)."""
    figure = go.Figure()
    drawn, missing, lats = [], [], []
    for k, feature in enumerate(outlines["features"]):
        zone = feature["properties"]["zone"]
        if feature["geometry"] is None:
            missing.append(zone)
            continue
        shape = shapely.geometry.shape(feature["geometry"])
        xs, ys = [], []
        for part in shapely.get_parts(shape):
            lon, lat = part.exterior.coords.xy
            xs += [*lon, None]
            ys += [*lat, None]
        colour = palette.CATEGORICAL[k % len(palette.CATEGORICAL)]
        figure.add_trace(
            go.Scatter(
                x=xs, y=ys, mode="lines", fill="toself", name=zone, hoverinfo="skip",
                fillcolor=_fill(colour, 150), line={"color": palette.DARK_GREY, "width": 1},
                fillpattern={"shape": ZONE_PATTERNS[k % len(ZONE_PATTERNS)],
                             "fgcolor": palette.DARK_GREY, "fgopacity": 0.5},
            )
        )  # fmt: skip
        label = shape.representative_point()
        figure.add_trace(
            go.Scatter(
                x=[label.x], y=[label.y], mode="text", text=[f"<b>{zone}</b>"], showlegend=False,
                hoverinfo="skip", textfont={"color": "#000000", "size": 12},
            )
        )  # fmt: skip
        drawn.append(t("board_pack.map_zone", zone=zone, areas=feature["properties"]["areas"]))
        lats.append(label.y)
    title = t("board_pack.map_title", option=option, zones=len(drawn) + len(missing))
    figure.update_layout(
        title={"text": title}, plot_bgcolor="#ffffff", xaxis={"visible": False},
        yaxis={"visible": False, "scaleanchor": "x", "scaleratio": _lat_stretch(lats)},
        legend={"title": {"text": t("board_pack.map_legend")}},
    )  # fmt: skip
    alt = t("board_pack.alt_map", option=option, zones=len(drawn), list="; ".join(drawn))
    notes = (t("board_pack.map_missing", zones=", ".join(missing)),) if missing else ()
    return chart(figure, alt, notes=notes, height=MAP_HEIGHT_PX)
