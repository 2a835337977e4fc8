"""The basemap every pydeck map is drawn on: none, unless the partnership sets `map.basemap_url`.

A map with no basemap makes no call to the internet. `pydeck.Deck(map_style=None)` is not that:
Streamlit's map component reads a missing style as "use the default" and fetches Carto's tiles
(issue 26, item 7). It leaves the map bare only when the style is pydeck's own placeholder, which
pydeck writes when no style is passed; so every deck takes its style and provider from here.
"""

from __future__ import annotations

from typing import Any

# pydeck's placeholder for "no style given" (pydeck.bindings.deck._DEFAULT_MAP_STYLE_SENTINEL),
# which Streamlit's component deletes instead of replacing with a Carto style
NO_BASEMAP = "__MAP_STYLE__"


def deck_basemap(basemap_url: str | None) -> dict[str, Any]:
    """`pydeck.Deck` keyword arguments: the configured style through MapLibre, or no basemap."""
    if basemap_url:
        return {"map_style": basemap_url, "map_provider": "maplibre"}
    return {"map_style": NO_BASEMAP, "map_provider": None}
