"""The change map of the compare page: which areas an option would move to another lot, which join
a lot and which stay, drawn with the shared area map builder (core/areamap.py).

Each area's category comes from `figures.area_changes` (through `OptionView.changes`); the people
behind the changes are the option's protected summary, never a count worked out here.
"""

from __future__ import annotations

from collections import Counter

import pydeck as pdk

from dashboard.core import areamap, palette
from dashboard.core.areamap import Size
from dashboard.core.strings import t
from dashboard.zones.maps import OUTLINE_COLOUR, Key
from dashboard.zones.views import OptionView

# What happens to an area, and how the map shows it: darkest for a change (read without colour
# from the tooltip, the legend's counts and the thicker outline).
CHANGES = {
    "changes": (palette.DARK_PINK, 3.0),
    "joins": (palette.ORANGE, 3.0),
    "leaves": (palette.DARK_GREY, 3.0),
    "stays": ("#E8E8E8", 0.6),
}
CHANGE_SIZE = Size(1100, 560)


def change_deck(view: OptionView, *, basemap_url: str | None = None) -> pdk.Deck:
    """The option's areas coloured by what happens to them against today's lots."""
    areas = view.areas
    kinds = [view.changes.get(code, "stays") for code in areas["area_code"].to_list()]
    names = areas["area_name"].to_list()
    tips = [t(f"zone_pages.change_tip_{kind}", area=name or code)
            for kind, name, code in zip(kinds, names, areas["area_code"].to_list(), strict=True)]  # fmt: skip
    layers = areamap.area_layers(
        areas,
        [palette.rgba(CHANGES[k][0], 220) for k in kinds],
        tips,
        lines=[palette.rgba(OUTLINE_COLOUR if k != "stays" else "#FFFFFF") for k in kinds],
        widths=[CHANGES[k][1] for k in kinds],
    )
    return areamap.area_deck(areas, layers, basemap_url=basemap_url, size=CHANGE_SIZE)


def change_legend(view: OptionView) -> tuple[str, list[Key]]:
    """Each kind of change with its swatch and how many areas it covers."""
    counts = Counter(view.changes.get(code, "stays") for code in view.areas["area_code"])
    keys = [Key(fill, None, t(f"zone_pages.change_key_{kind}", n=counts[kind]))
            for kind, (fill, _) in CHANGES.items() if counts[kind] or kind != "leaves"]  # fmt: skip
    return t("zone_pages.change_title", option=view.name), keys
