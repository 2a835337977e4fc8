"""The emerging needs charts: a signal's quarterly trend (the SPC chart of its rates) and its
locality's areas on a map, the rising ones marked. Data in, a Plotly figure or a pydeck Deck out.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import plotly.graph_objects as go
import polars as pl
import pydeck as pdk

from dashboard.core import geometry, palette
from dashboard.core.basemap import deck_basemap
from dashboard.core.periods import Period
from dashboard.core.strings import t
from dashboard.emerging.stats import cell_spc
from dashboard.spc.chart import spc_figure

MAP_ALPHA = 170  # rising areas' fill: opaque enough to read, the outlines still show
MIN_ZOOM, MAX_ZOOM = 4.0, 12.0


def y_title(base: str) -> str:
    """The rate's unit in words (per 1,000 people, aged 65+, or outcomes set): axis and alt text."""
    return t(f"emerging.axis_{base}")


def trend_figure(cell: dict, quarters: Sequence[Period], title: str) -> go.Figure | None:
    """The cell's quarterly rates as an XmR chart titled by its label (its sentence stands above
    the chart and is too long for a title; None without a full series), limits from the quarters
    before so the latest four are judged against them."""
    result = cell_spc(cell["rates"])
    if result is None:
        return None
    return spc_figure(
        result,
        title=title,
        y_title=y_title(cell["base"]),
        dates=[q.label for q in quarters],
        percent=False,
        x_title=t("emerging.axis_quarter"),
    )


def map_deck(area_rows: pl.DataFrame, basemap_url: str | None) -> pdk.Deck:
    """The locality's areas, the rising ones filled darker and outlined thicker (not colour
    alone: the tooltip names each area's counts, already through disclosure control)."""
    rise, other = palette.rgba(palette.DARK_PINK, MAP_ALPHA), palette.rgba(palette.LIGHT_GREY, 120)
    shapes = geometry.display_parts(tuple(area_rows["geometry_wkt"].to_list()))
    rows = area_rows.select("rising", "tooltip", "centroid_lon", "centroid_lat").to_dicts()
    for r in rows:
        r["fill"], r["width"] = (rise, 3) if r.pop("rising") else (other, 1)
    with_polygons = [dict(r, polygon=part) for r, parts in zip(rows, shapes, strict=True)
                     for part in parts]  # fmt: skip
    points = [r for r, parts in zip(rows, shapes, strict=True) if not parts]
    layers = []
    if with_polygons:
        layers.append(
            pdk.Layer(
                "PolygonLayer", with_polygons, get_polygon="polygon", get_fill_color="fill",
                get_line_color=palette.rgba(palette.DARK_GREY), get_line_width="width",
                line_width_units="pixels", pickable=True, stroked=True, filled=True,
            )
        )  # fmt: skip
    if points:
        layers.append(
            pdk.Layer(
                "ScatterplotLayer", points, get_position=["centroid_lon", "centroid_lat"],
                get_fill_color="fill", get_line_color=palette.rgba(palette.DARK_GREY),
                get_line_width="width", line_width_units="pixels", get_radius=6,
                radius_units="pixels", pickable=True, stroked=True,
            )
        )  # fmt: skip
    lat = area_rows["centroid_lat"]
    lon = area_rows["centroid_lon"]
    span = max(float(lat.max() - lat.min()), float(lon.max() - lon.min()), 0.01)
    # Web-mercator zoom z shows about 360 / 2**z degrees across.
    zoom = min(MAX_ZOOM, max(MIN_ZOOM, math.log2(360 / span) - 1))
    view = pdk.ViewState(latitude=float(lat.mean()), longitude=float(lon.mean()), zoom=zoom)
    return pdk.Deck(
        layers=layers,
        initial_view_state=view,
        **deck_basemap(basemap_url),
        tooltip={"text": "{tooltip}"},
    )
