"""The zone map: an option's areas filled by zone (or shaded by a measure), zone names in labels
inside their zones, areas in no zone and parts cut off from their zone marked, the legend with
swatches and the text alternative stating the finding.

Pure functions, an option's view in and a Deck, legend entries or words out, so both zone pages
draw any option alike through the shared builder (core/areamap.py). Only figures the audience may
see are drawn or named: a hidden count is grey, never shaded.
"""

from __future__ import annotations

import html
import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl
import pydeck as pdk
import shapely
from shapely.ops import polylabel

from dashboard.core import areamap, disclosure, palette
from dashboard.core.areamap import PIXELS, Label, Size
from dashboard.core.disclosure import Policy
from dashboard.core.strings import t
from dashboard.zones.views import OptionView, with_flags

ZONE_MEASURE = "zone"  # areas filled by their zone's colour
DEFAULT_MEASURE = ZONE_MEASURE  # what the map shows when a page opens
# Single-hue blues, lightest to darkest (Analysis Function blues with two lighter tints): a
# lightness ramp stays readable with every colour-vision deficiency and in greyscale.
SEQUENTIAL = ("#DEEBF7", "#9ECAE1", "#6BACE6", "#2073BC", "#12436D")
NO_VALUE_COLOUR = palette.LIGHT_GREY
OUTLINE_COLOUR = palette.DARK_GREY
FILL_ALPHA = 200
ZONE_ALPHA = 225
AREA_LINE = "#FFFFFF"  # thin lines between the areas inside a zone
BELOW_FLOOR_LINE = palette.DARK_PINK  # a zone below the viability floor: outline (and label)
SELECTED_LINE = "#0B0C0C"
LOCKED_LINE = palette.DARK_BLUE
MARK_GAP = 0.15  # marks of the same words closer than this share of the map's extent: one label
MAP_SIZE = Size(1100, 700)  # the zone map: full width, 700 px tall
TOOLTIP_COLUMNS = (
    "zone", "people", "weekly_hours", "unmet_hours", "handbacks_12m", "attainment",
    "deprivation_decile", "urban_rural",
)  # fmt: skip


@dataclass(frozen=True)
class Measure:
    """What the map colours areas by: an area column, the zone column the finding is read from,
    fixed class edges for coded values (None: quintiles of the values), and whether darker means a
    lower value (deprivation decile 1 is the most deprived)."""

    column: str
    zone_column: str | None
    edges: tuple[float, ...] | None = None
    darker_is_lower: bool = False


MEASURES: dict[str, Measure] = {
    "weekly_hours": Measure("weekly_hours", "weekly_hours"),
    "unmet_hours": Measure("unmet_hours", "unmet_hours"),
    "handbacks": Measure("handbacks_12m", "handbacks_12m"),
    "rural": Measure("urban_rural", "rural_share", edges=(1, 2, 4, 5, 6)),
    "deprivation": Measure(
        "deprivation_decile", None, edges=(2, 4, 6, 8, 10), darker_is_lower=True
    ),
    "attainment": Measure("attainment", "attainment"),
}


def _class_edges(values: Sequence[float], measure: Measure) -> list[float]:
    """Upper edges of the colour classes: fixed for coded values; else each distinct value its own
    class when there are few, otherwise quintiles (repeated edges merged)."""
    if measure.edges is not None:
        return list(measure.edges)
    distinct = sorted(set(values))
    if len(distinct) <= len(SEQUENTIAL):
        return distinct
    return sorted(
        {float(q) for q in np.quantile(values, np.linspace(0, 1, len(SEQUENTIAL) + 1)[1:])}
    )


def _shade(value: float | None, edges: Sequence[float], measure: Measure) -> int | None:
    """The colour class of a value: 0 lightest … len(edges) − 1 darkest; None without a value."""
    if value is None or not edges or (isinstance(value, float) and math.isnan(value)):
        return None
    index = next((i for i, edge in enumerate(edges) if value <= edge), len(edges) - 1)
    steps = len(SEQUENTIAL) - 1
    scaled = round(index * steps / max(1, len(edges) - 1))
    return steps - scaled if measure.darker_is_lower else scaled


def _shown_values(areas: pl.DataFrame, column: str) -> list:
    """The measure's values the audience may see (None where suppressed or missing)."""
    hidden = (
        areas[disclosure.flag(column)].to_list()
        if disclosure.flag(column) in areas.columns
        else None
    )
    values = areas[column].to_list()
    return [None if hidden and hidden[i] else v for i, v in enumerate(values)]


def _label(column: str) -> str:
    return t(f"zone_pages.col_{column}")


def _tooltips(view: OptionView, policy: Policy) -> list[str]:
    """Each area's tooltip from the same screen text the tables show ("<5" where suppressed),
    its zone by name."""
    text = disclosure.display(
        with_flags(view.areas, ("area_code", "area_name", *TOOLTIP_COLUMNS)), policy
    )
    zones = view.areas["zone"].to_list()
    return [
        "\n".join(
            [t("zone_pages.tooltip_area", name=row["area_name"], code=row["area_code"])]
            + [
                f"{_label('zone')}: {view.names.get(zone, zone) if zone else t('zone_pages.mark_no_zone')}"
            ]
            + [f"{_label(c)}: {row[c]}" for c in TOOLTIP_COLUMNS if c != "zone"]
        )
        for zone, row in zip(zones, text.iter_rows(named=True), strict=True)
    ]


def _fills(view: OptionView, measure: str) -> list[list[int]]:
    """Each area's fill: its zone's colour (pale grey in no zone), or its measure's shade."""
    areas = view.areas
    if measure == ZONE_MEASURE:
        return [palette.rgba(view.colours.get(z, areamap.NO_ZONE_FILL) if z else
                             areamap.NO_ZONE_FILL, ZONE_ALPHA)
                for z in areas["zone"].to_list()]  # fmt: skip
    spec = MEASURES[measure]
    values = _shown_values(areas, spec.column)
    edges = _class_edges([v for v in values if v is not None], spec)
    shades = [_shade(v, edges, spec) for v in values]
    return [palette.rgba(NO_VALUE_COLOUR if s is None else SEQUENTIAL[s], FILL_ALPHA)
            for s in shades]  # fmt: skip


def below_floor(view: OptionView) -> set[str]:
    """The zones whose weekly hours are under the option's viability floor (none without one)."""
    if not view.floor or not view.zones.height:
        return set()
    return set(view.zones.filter(pl.col("weekly_hours") < view.floor)["zone"].to_list())


def _inside(shape: shapely.Geometry) -> tuple[float, float]:
    """Where a zone's name goes: the point of its largest part farthest from the edge."""
    parts = [p for p in shapely.get_parts(shape) if isinstance(p, shapely.Polygon)]
    if not parts:
        point = shape.representative_point()
    else:
        largest = max(parts, key=lambda p: p.area)
        point = polylabel(largest, tolerance=max(1e-4, math.sqrt(largest.area) / 50))
    return point.x, point.y


def _zone_labels(view: OptionView, below: Collection[str]) -> list[Label]:
    """Each zone's name inside it (at its areas' middle when it has no outline)."""
    out = []
    areas = view.areas.filter(pl.col("zone").is_not_null())
    middles = {
        z: (g["centroid_lon"].mean(), g["centroid_lat"].mean())
        for (z,), g in areas.group_by("zone")
    }
    for feature in view.outlines.get("features", []):
        zone = feature["properties"]["zone"]
        geometry = feature["geometry"]
        lon, lat = _inside(shapely.geometry.shape(geometry)) if geometry else middles[zone]
        name = view.names.get(zone, zone)
        text = t("zone_pages.label_below_floor", name=name) if zone in below else name
        out.append(Label(float(lon), float(lat), text, 15))
    return out


def _marks(view: OptionView, locked: Collection[str]) -> list[Label]:
    """Small words on the areas the map marks: in no zone (once for each group of touching areas
    in no zone, however large), cut off from their zone, locked. A "cut off" already written close
    by (within MARK_GAP of the map's extent) is not written again."""
    areas = view.areas
    lat, lon = areas["centroid_lat"].to_numpy(), areas["centroid_lon"].to_numpy()
    gap = MARK_GAP * max(float(np.ptp(lat)), float(np.ptp(lon))) if areas.height else 0.0
    out: list[Label] = []
    detached, lock = set(view.detached), set(locked)

    def add(x: float, y: float, text: str, always: bool = False) -> None:
        near = any(m.text == text and math.hypot(m.lon - x, m.lat - y) < gap for m in out)
        if always or not near:
            out.append(Label(x, y, text, 12))

    at = {
        code: (x, y)
        for code, x, y in areas.select("area_code", "centroid_lon", "centroid_lat").iter_rows()
    }
    for group in view.no_zone_groups:  # one mark per group, on its area nearest the group's middle
        points = [at[c] for c in group if c in at]
        if points:
            mx, my = np.mean(points, axis=0)
            x, y = min(points, key=lambda p: math.hypot(p[0] - mx, p[1] - my))
            add(x, y, t("zone_pages.mark_no_zone"), always=True)
    rows = areas.select("area_code", "zone", "centroid_lon", "centroid_lat").iter_rows()
    for code, zone, x, y in rows:
        if zone is not None and code in detached:  # (areas in no zone are marked above)
            add(x, y, t("zone_pages.mark_cut_off", name=view.names.get(zone, zone)))
        if code in lock:
            add(x, y, t("zone_pages.mark_locked"), always=True)
    return out


def map_deck(
    view: OptionView,
    measure: str,
    policy: Policy,
    *,
    basemap_url: str | None = None,
    selected: str | None = None,
    locked: Collection[str] = (),
    size: Size = MAP_SIZE,
) -> pdk.Deck:
    """The option's areas filled by zone or shaded by `measure`, thin lines between areas, zone
    outlines (below the floor: thicker, dark pink), zone names inside their zones, marks on areas
    in no zone, cut off or locked, the selected area outlined in black. No basemap, so no call to
    the internet, unless `basemap_url` is given."""
    areas = view.areas
    below = below_floor(view)
    codes = areas["area_code"].to_list()
    lines, widths = [], []
    for code, zone in zip(codes, areas["zone"].to_list(), strict=True):
        if code == selected:
            lines.append(palette.rgba(SELECTED_LINE)), widths.append(5)
        elif code in locked:
            lines.append(palette.rgba(LOCKED_LINE)), widths.append(3)
        elif zone is None:
            lines.append(palette.rgba(OUTLINE_COLOUR)), widths.append(2)
        else:
            lines.append(palette.rgba(AREA_LINE, 200)), widths.append(0.6)
    tips = _tooltips(view, policy)
    features = [
        dict(f, properties=dict(f["properties"], line=palette.rgba(
            BELOW_FLOOR_LINE if f["properties"]["zone"] in below else OUTLINE_COLOUR),
            width=5 if f["properties"]["zone"] in below else 2.5))
        for f in view.outlines.get("features", []) if f["geometry"] is not None
    ]  # fmt: skip
    layers = [
        *areamap.area_layers(areas, _fills(view, measure), tips, lines=lines, widths=widths),
        pdk.Layer("GeoJsonLayer", id="zone-outlines",
                  data={"type": "FeatureCollection", "features": features}, stroked=True,
                  filled=False, get_line_color="properties.line", get_line_width="properties.width",
                  line_width_units=PIXELS, pickable=False),
        areamap.label_layer(_marks(view, locked), "area-marks"),
        areamap.label_layer(_zone_labels(view, below), "zone-names"),
    ]  # fmt: skip
    return areamap.area_deck(areas, layers, basemap_url=basemap_url, size=size)


def _number(value: float, measure: Measure) -> str:
    if measure.column == "attainment":
        return t("disclosure.percent", value=value * 100)
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _ranges(edges: Sequence[float], values: Sequence[float], measure: Measure) -> list[str]:
    """Each class's range in words; an upper edge belongs to its class."""
    if measure.edges is not None:
        lows = [1, *[e + 1 for e in edges[:-1]]]
    elif len(edges) == len(set(values)):
        lows = list(edges)
    else:
        lows = [min(values), *edges[:-1]]
    out = []
    for low, high in zip(lows, edges, strict=True):
        a, b = _number(low, measure), _number(high, measure)
        out.append(b if a == b else t("zone_pages.legend_range", low=a, high=b))
    return out


@dataclass(frozen=True)
class Key:
    """One line of the legend: a swatch (its fill, its border) and what it means in words."""

    fill: str | None
    line: str | None
    text: str


def legend(view: OptionView, measure: str, policy: Policy) -> tuple[str, list[Key]]:
    """The map's colours and marks: a title and one key each (a zone and its weekly hours, or a
    shade and its range), then what grey, the outlines and the marks mean."""
    keys: list[Key] = []
    if measure == ZONE_MEASURE:
        title = t("zone_pages.legend_zones_title")
        shown = disclosure.display(with_flags(view.zones, ("zone", "weekly_hours")), policy)
        for zone, hours in shown.select("zone", "weekly_hours").iter_rows():
            keys.append(Key(view.colours.get(zone), None, t(
                "zone_pages.legend_zone", name=view.names.get(zone, zone), hours=hours)))  # fmt: skip
        if view.areas["zone"].null_count():
            keys.append(Key(areamap.NO_ZONE_FILL, OUTLINE_COLOUR, t("zone_pages.legend_no_zone")))
    else:
        spec = MEASURES[measure]
        values = [v for v in _shown_values(view.areas, spec.column) if v is not None]
        edges = _class_edges(values, spec)
        title = t("zone_pages.legend_title", measure=t(f"zone_pages.measure_{measure}"))
        for edge, words in zip(edges, _ranges(edges, values, spec) if values else [], strict=False):
            keys.append(Key(SEQUENTIAL[_shade(edge, edges, spec)], None, words))
        keys.append(
            Key(NO_VALUE_COLOUR, None, t("zone_pages.legend_grey", threshold=policy.threshold))
        )
    if below_floor(view):
        keys.append(Key(None, BELOW_FLOOR_LINE, t("zone_pages.legend_below_floor",
                                                   floor=f"{view.floor:,.0f}")))  # fmt: skip
    keys.append(Key(None, OUTLINE_COLOUR, t("zone_pages.legend_outline")))
    if view.detached:
        keys.append(Key(None, None, t("zone_pages.legend_cut_off")))
    return title, keys


def legend_html(title: str, keys: Sequence[Key]) -> str:
    """The legend as HTML for `st.html`: a swatch beside each key's words (names are data, so
    every text is escaped)."""
    items = []
    for key in keys:
        fill = key.fill or "transparent"
        border = f"3px solid {key.line}" if key.line else "1px solid #3D3D3D"
        swatch = (
            f'<span aria-hidden="true" style="display:inline-block;width:1.1em;height:1.1em;'
            f'background:{fill};border:{border};vertical-align:middle;margin-right:0.4em">'
            "</span>"
            if key.fill or key.line
            else ""
        )
        items.append(
            f'<li style="margin:0.15em 1.2em 0.15em 0">{swatch}{html.escape(key.text)}</li>'
        )
    return (
        f'<div class="zone-legend"><p style="margin:0 0 0.3em 0;font-weight:600">'
        f"{html.escape(title)}</p>"
        '<ul style="list-style:none;padding:0;margin:0;display:flex;flex-wrap:wrap">'
        + "".join(items)
        + "</ul></div>"
    )


def map_alt(view: OptionView, measure: str, policy: Policy) -> str:
    """The map's text alternative, stating the finding: which zones are highest and lowest on the
    measure (only figures the audience may see)."""
    if measure == ZONE_MEASURE:  # the zones by name, then how their hours differ
        names = ", ".join(view.names.get(z, z) for z in view.zones["zone"].to_list())
        opening = t("zone_pages.alt_map_zones", areas=view.areas.height, zones=view.zones.height,
                    option=view.name, names=names or "-")  # fmt: skip
        measure = "weekly_hours"
    else:
        opening = t("zone_pages.alt_map", areas=view.areas.height, zones=view.zones.height,
                    option=view.name, measure=t(f"zone_pages.measure_{measure}"))  # fmt: skip
    spec = MEASURES[measure]
    label = t(f"zone_pages.measure_{measure}")
    column = spec.zone_column
    if column is None or not view.zones.height:
        return opening
    shown = [(z, v) for z, v in zip(view.zones["zone"], _shown_values(view.zones, column), strict=True)
             if v is not None]  # fmt: skip
    if len(shown) < 2:
        return opening
    text = disclosure.display(with_flags(view.zones, ("zone", column)), policy)
    screen = dict(zip(text["zone"], text[column], strict=True))
    high = max(shown, key=lambda zv: zv[1])[0]
    low = min(shown, key=lambda zv: zv[1])[0]
    screen = {view.names.get(z, z): v for z, v in screen.items()}
    high, low = view.names.get(high, high), view.names.get(low, low)
    return (
        opening
        + " "
        + t(
            f"zone_pages.alt_{'rural' if column == 'rural_share' else 'zones'}",
            measure=label,
            high=high,
            high_value=screen[high],
            low=low,
            low_value=screen[low],
        )
    )
