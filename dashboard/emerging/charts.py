"""The emerging needs charts: a signal's quarterly trend (the SPC chart of its rates) and its
locality's areas on a map, the rising ones marked. Data in, a Plotly figure or a pydeck Deck out.
"""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go
import polars as pl
import pydeck as pdk

from dashboard.core import areamap, palette
from dashboard.core.periods import Period
from dashboard.core.strings import t
from dashboard.emerging.stats import cell_spc
from dashboard.spc.chart import spc_figure

MAP_ALPHA = 170  # rising areas' fill: opaque enough to read, the outlines still show


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
    alone: the tooltip names each area's counts, already through disclosure control), drawn by the
    shared area map builder (scale bar, no basemap unless one is set)."""
    rise, other = palette.rgba(palette.DARK_PINK, MAP_ALPHA), palette.rgba(palette.LIGHT_GREY, 120)
    rising = area_rows["rising"].to_list()
    layers = areamap.area_layers(
        area_rows,
        [rise if r else other for r in rising],
        area_rows["tooltip"].to_list(),
        lines=[palette.rgba(palette.DARK_GREY)] * area_rows.height,
        widths=[3 if r else 1 for r in rising],
    )
    return areamap.area_deck(
        area_rows, layers, basemap_url=basemap_url, size=areamap.Size(900, 500)
    )
