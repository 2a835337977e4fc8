"""The zone map: an option's protected areas shaded by a measure, with its zone outlines and names
(pydeck), the legend in words and the text alternative stating the finding.

Pure functions, frames in and a Deck or words out, so both zone pages draw any option alike.
Only figures the audience may see are drawn or named: a hidden count is grey, never shaded.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl
import pydeck as pdk
import shapely

from dashboard.core import disclosure, geometry, palette
from dashboard.core.basemap import deck_basemap
from dashboard.core.disclosure import Policy
from dashboard.core.strings import t
from dashboard.zones.views import OptionView, with_flags

DEFAULT_MEASURE = "weekly_hours"  # what the map is shaded by when a page opens
# Single-hue blues, lightest to darkest (Analysis Function blues with two lighter tints): a
# lightness ramp stays readable with every colour-vision deficiency and in greyscale.
SEQUENTIAL = ("#DEEBF7", "#9ECAE1", "#6BACE6", "#2073BC", "#12436D")
NO_VALUE_COLOUR = palette.LIGHT_GREY
OUTLINE_COLOUR = palette.DARK_GREY
FILL_ALPHA = 200
POINT_RADIUS_M = 150  # areas without a polygon are drawn as dots of this radius
MAP_WIDTH_PX, MAP_HEIGHT_PX = 400, 500  # the map size the initial zoom is fitted to
MAP_MARGIN = 1.3  # the extent fitted is this much larger than the areas' centroids span
MAX_ZOOM = 14
WORLD_PX = 512  # deck.gl: width of the whole world at zoom 0, in pixels
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


def _tooltips(areas: pl.DataFrame, policy: Policy) -> list[str]:
    """Each area's tooltip from the same screen text the tables show ("<5" where suppressed)."""
    text = disclosure.display(
        with_flags(areas, ("area_code", "area_name", *TOOLTIP_COLUMNS)), policy
    )
    return [
        "\n".join(
            [t("zone_pages.tooltip_area", name=row["area_name"], code=row["area_code"])]
            + [f"{_label(c)}: {row[c]}" for c in TOOLTIP_COLUMNS]
        )
        for row in text.iter_rows(named=True)
    ]


def _view_state(lat: np.ndarray, lon: np.ndarray) -> pdk.ViewState:
    """Centred on the areas, zoomed so their extent (with a margin) fits MAP_WIDTH_PX ×
    MAP_HEIGHT_PX. Web Mercator: deck.gl draws the world WORLD_PX × 2^zoom pixels wide, and a
    degree of latitude is 1 ÷ cos(latitude) times taller than a degree of longitude."""
    middle = float((lat.min() + lat.max()) / 2)
    lon_span = max(float(np.ptp(lon)), 1e-3) * MAP_MARGIN
    lat_span = max(float(np.ptp(lat)), 1e-3) * MAP_MARGIN / math.cos(math.radians(middle))
    pixels_per_degree = min(MAP_WIDTH_PX / lon_span, MAP_HEIGHT_PX / lat_span)
    return pdk.ViewState(
        latitude=middle,
        longitude=float((lon.min() + lon.max()) / 2),
        zoom=max(1.0, min(MAX_ZOOM, math.log2(pixels_per_degree * 360 / WORLD_PX))),
    )


def map_deck(
    areas: pl.DataFrame,
    outlines: Mapping,
    measure: str,
    policy: Policy,
    *,
    basemap_url: str | None = None,
) -> pdk.Deck:
    """Areas (protected rows with `geometry_wkt` and centroids) shaded by `measure`, polygons where
    there are any and dots elsewhere, zone outlines and names over them. No basemap, so no call to
    the internet, unless `basemap_url` is given."""
    spec = MEASURES[measure]
    values = _shown_values(areas, spec.column)
    edges = _class_edges([v for v in values if v is not None], spec)
    tips = _tooltips(areas, policy)
    polygons, points = [], []
    shapes = geometry.display_parts(tuple(areas["geometry_wkt"].to_list()))
    for i, row in enumerate(areas.select("centroid_lat", "centroid_lon").iter_rows()):
        shade = _shade(values[i], edges, spec)
        colour = palette.rgba(NO_VALUE_COLOUR if shade is None else SEQUENTIAL[shade], FILL_ALPHA)
        if not shapes[i]:
            points.append({"position": [row[1], row[0]], "fill": colour, "tooltip": tips[i]})
        polygons += [{"polygon": r, "fill": colour, "tooltip": tips[i]} for r in shapes[i]]
    labels = [
        {"position": list(shapely.geometry.shape(f["geometry"]).representative_point().coords[0]),
         "text": str(f["properties"]["zone"])}
        for f in outlines.get("features", []) if f["geometry"] is not None
    ]  # fmt: skip
    line = palette.rgba(OUTLINE_COLOUR)
    layers = [
        pdk.Layer("PolygonLayer", id="areas", data=polygons, get_polygon="polygon",
                  get_fill_color="fill", get_line_color=palette.rgba(palette.LIGHT_GREY),
                  line_width_min_pixels=0.5, stroked=True, pickable=True),
        pdk.Layer("ScatterplotLayer", id="area-points", data=points, get_position="position",
                  get_fill_color="fill", get_radius=POINT_RADIUS_M, radius_min_pixels=3,
                  stroked=True, get_line_color=line, line_width_min_pixels=1, pickable=True),
        pdk.Layer("GeoJsonLayer", id="zone-outlines", data=dict(outlines), stroked=True,
                  filled=False, get_line_color=line, line_width_min_pixels=2.5, pickable=False),
        pdk.Layer("TextLayer", id="zone-names", data=labels, get_position="position",
                  get_text="text", get_size=14, get_color=line, pickable=False),
    ]  # fmt: skip
    return pdk.Deck(
        layers=layers,
        initial_view_state=_view_state(
            areas["centroid_lat"].to_numpy(), areas["centroid_lon"].to_numpy()
        ),
        **deck_basemap(basemap_url),
        tooltip={"text": "{tooltip}"},
    )


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


def legend(areas: pl.DataFrame, measure: str, policy: Policy) -> list[str]:
    """The map's colours in words: each shade's range, then what grey and the outlines mean."""
    spec = MEASURES[measure]
    values = [v for v in _shown_values(areas, spec.column) if v is not None]
    edges = _class_edges(values, spec)
    lines = [t("zone_pages.legend_title", measure=t(f"zone_pages.measure_{measure}"))]
    for edge, words in zip(edges, _ranges(edges, values, spec) if values else [], strict=False):
        shade = _shade(edge, edges, spec)
        lines.append(
            t("zone_pages.legend_shade", shade=t(f"zone_pages.shade_{shade}"), range=words)
        )
    lines.append(t("zone_pages.legend_grey", threshold=policy.threshold))
    lines.append(t("zone_pages.legend_outline"))
    return lines


def map_alt(view: OptionView, measure: str, policy: Policy) -> str:
    """The map's text alternative, stating the finding: which zones are highest and lowest on the
    measure (only figures the audience may see)."""
    spec = MEASURES[measure]
    label = t(f"zone_pages.measure_{measure}")
    opening = t("zone_pages.alt_map", areas=view.areas.height, zones=view.zones.height,
                option=view.name, measure=label)  # fmt: skip
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
