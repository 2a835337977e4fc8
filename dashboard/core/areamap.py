"""Areas on a map: the one pydeck builder the zone pages and the emerging-needs page draw with.

Callers decide each area's fill, outline and tooltip; this module draws them the same way
everywhere: polygons where an area has a boundary and dots where it has none, each object carrying
its `area_code` (so a click selects an area, through Streamlit's selection on pydeck charts), labels
in a sans-serif face with a white halo so they read over any fill, a scale bar, the view fitted to
the areas, and no basemap unless `map.basemap_url` is set (core/basemap.py).

The scale bar is drawn on the map's own ground (a PathLayer and a TextLayer), not as HTML beside it:
a bar on the ground stays true at every zoom a user picks, where one beside the map is true only at
the opening zoom; and it is in every screenshot and print of the map.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl
import pydeck as pdk

from dashboard.core import geometry, palette
from dashboard.core.basemap import deck_basemap
from dashboard.core.strings import t

AREA_LAYER, POINT_LAYER = "areas", "area-points"  # the layers a click selects from
SELECTABLE = (AREA_LAYER, POINT_LAYER)
POINT_RADIUS_PX = 6  # areas without a polygon are drawn as dots of this radius
MAX_ZOOM = 14
WORLD_PX = 512  # deck.gl: width of the whole world at zoom 0, in pixels
MARGIN = 1.15  # the extent fitted is this much larger than the areas' centroids span
KM_PER_DEGREE = 111.32  # along the equator or a meridian
SCALE_STEPS_KM = (0.5, 1, 2, 5, 10, 20, 50, 100, 200)  # scale bar lengths, one picked per map
SCALE_SHARE = 0.2  # the bar is about this share of the areas' width
# Labels: the app's own face (Streamlit serves Source Sans), never deck.gl's monospace default.
FONT = "'Source Sans Pro', 'Source Sans 3', 'Helvetica Neue', Arial, sans-serif"
TEXT_COLOUR, HALO_COLOUR = palette.rgba("#0B0C0C"), palette.rgba("#FFFFFF")
HALO_WIDTH = 6  # in SDF units (the font atlas' buffer is wider)
# Zones: Paul Tol's "light" qualitative scheme, made to be told apart with every common
# colour-vision deficiency and to carry dark text; its pale grey is kept for areas in no zone.
ZONE_FILLS = ("#77AADD", "#EE8866", "#EEDD88", "#FFAABB", "#99DDFF", "#44BB99", "#BBCC33",
              "#AAAA00")  # fmt: skip
NO_ZONE_FILL = "#DDDDDD"


def literal(text: str) -> str:
    """A layer setting as text: pydeck reads any other string as a data accessor (`"pixels"`
    becomes `row.pixels`), so constant strings travel in backquotes, which it strips."""
    return f"`{text}`"


PIXELS = literal("pixels")


@dataclass(frozen=True)
class Label:
    """A text on the map at (longitude, latitude)."""

    lon: float
    lat: float
    text: str
    size: int = 14


@dataclass(frozen=True)
class Size:
    """The size the map is drawn at, in pixels: the opening zoom is fitted to it."""

    width: int = 900
    height: int = 700


def fit_view(lat: np.ndarray, lon: np.ndarray, size: Size) -> pdk.ViewState:
    """Centred on the areas, zoomed so their extent (with a margin) fills `size`. Web Mercator:
    deck.gl draws the world WORLD_PX × 2^zoom pixels wide, and a degree of latitude is
    1 ÷ cos(latitude) times taller than a degree of longitude."""
    middle = float((lat.min() + lat.max()) / 2)
    lon_span = max(float(np.ptp(lon)), 1e-3) * MARGIN
    lat_span = max(float(np.ptp(lat)), 1e-3) * MARGIN / math.cos(math.radians(middle))
    pixels_per_degree = min(size.width / lon_span, size.height / lat_span)
    return pdk.ViewState(
        latitude=middle,
        longitude=float((lon.min() + lon.max()) / 2),
        zoom=max(1.0, min(MAX_ZOOM, math.log2(pixels_per_degree * 360 / WORLD_PX))),
    )


def scale_km(lat: float, lon_span: float) -> float:
    """The scale bar's length: the longest step no longer than SCALE_SHARE of the areas' width."""
    width_km = lon_span * KM_PER_DEGREE * math.cos(math.radians(lat))
    fits = [s for s in SCALE_STEPS_KM if s <= width_km * SCALE_SHARE]
    return fits[-1] if fits else SCALE_STEPS_KM[0]


def scale_bar(lat: np.ndarray, lon: np.ndarray) -> list[pdk.Layer]:
    """A bar of a round number of km just below the areas' south-west corner, with its length in
    words above it (a path of real km: it stays true at every zoom)."""
    south, west = float(lat.min()), float(lon.min())
    span = max(float(np.ptp(lat)), 1e-3)
    y = south - span * 0.06
    km = scale_km(y, max(float(np.ptp(lon)), 1e-3))
    east = west + km / (KM_PER_DEGREE * math.cos(math.radians(y)))
    tick = span * 0.012
    paths = [
        {"path": [[west, y], [east, y]]},
        {"path": [[west, y - tick], [west, y + tick]]},
        {"path": [[east, y - tick], [east, y + tick]]},
    ]
    words = t("maps.scale_km", km=f"{km:g}")
    return [
        pdk.Layer("PathLayer", id="scale-bar", data=paths, get_path="path",
                  get_color=TEXT_COLOUR, width_units=PIXELS, get_width=3, pickable=False),
        label_layer([Label((west + east) / 2, y + tick * 2.5, words, 13)], "scale-label"),
    ]  # fmt: skip


def label_layer(labels: Sequence[Label], layer_id: str) -> pdk.Layer:
    """Texts in the app's face, dark on a white halo so they read over any fill."""
    data = [{"position": [lab.lon, lab.lat], "text": lab.text, "size": lab.size} for lab in labels]
    return pdk.Layer(
        "TextLayer", id=layer_id, data=data, get_position="position", get_text="text",
        get_size="size", size_units=PIXELS, get_color=TEXT_COLOUR, font_family=literal(FONT),
        font_weight=600, character_set=literal("auto"), font_settings={"sdf": True},
        outline_width=HALO_WIDTH, outline_color=HALO_COLOUR, pickable=False,
    )  # fmt: skip


def area_layers(
    areas: pl.DataFrame,
    fills: Sequence[list[int]],
    tooltips: Sequence[str],
    *,
    lines: Sequence[list[int]] | None = None,
    widths: Sequence[float] | None = None,
) -> list[pdk.Layer]:
    """The areas (`area_code`, `geometry_wkt`, `centroid_lat`, `centroid_lon`) as polygons where
    they have a boundary and dots where not, each with its fill, outline (pixels) and tooltip."""
    n = areas.height
    lines = lines or [palette.rgba(palette.LIGHT_GREY)] * n
    widths = widths or [0.5] * n
    shapes = geometry.display_parts(tuple(areas["geometry_wkt"].to_list()))
    polygons, points = [], []
    for i, (code, lat, lon) in enumerate(
        areas.select("area_code", "centroid_lat", "centroid_lon").iter_rows()
    ):
        style = {"area_code": code, "fill": fills[i], "line": lines[i], "width": widths[i],
                 "tooltip": tooltips[i]}  # fmt: skip
        if not shapes[i]:
            points.append(style | {"position": [lon, lat]})
        polygons += [style | {"polygon": ring} for ring in shapes[i]]
    return [
        pdk.Layer("PolygonLayer", id=AREA_LAYER, data=polygons, get_polygon="polygon",
                  get_fill_color="fill", get_line_color="line", get_line_width="width",
                  line_width_units=PIXELS, stroked=True, filled=True, pickable=True,
                  auto_highlight=True),
        pdk.Layer("ScatterplotLayer", id=POINT_LAYER, data=points, get_position="position",
                  get_fill_color="fill", get_line_color="line", get_line_width="width",
                  line_width_units=PIXELS, get_radius=POINT_RADIUS_PX, radius_units=PIXELS,
                  stroked=True, pickable=True, auto_highlight=True),
    ]  # fmt: skip


def area_deck(
    areas: pl.DataFrame,
    layers: Sequence[pdk.Layer],
    *,
    basemap_url: str | None,
    size: Size = Size(),
    scale: bool = True,
) -> pdk.Deck:
    """The layers (area_layers' first, then any drawn over them) with the scale bar, the view
    fitted to the areas and each object's tooltip."""
    lat, lon = areas["centroid_lat"].to_numpy(), areas["centroid_lon"].to_numpy()
    extra: list[pdk.Layer] = scale_bar(lat, lon) if scale and areas.height else []
    return pdk.Deck(
        layers=[*layers, *extra],
        initial_view_state=fit_view(lat, lon, size)
        if areas.height
        else pdk.ViewState(latitude=56.5, longitude=-4.0, zoom=5),
        **deck_basemap(basemap_url),
        tooltip={"text": "{tooltip}"},
    )


def picked(event: Any) -> list[str]:
    """The area codes a click on the map selected: Streamlit's pydeck selection state (read as a
    mapping, which it is both in session state and as the chart's return value)."""
    selection = (event or {}).get("selection") or {}
    objects = selection.get("objects") or {}
    codes = [o.get("area_code") for layer in SELECTABLE for o in objects.get(layer) or []]
    return list(dict.fromkeys(c for c in codes if c))
