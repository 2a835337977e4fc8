"""Pages send only what they show, as small as it can be sent (issue 25)."""

from __future__ import annotations

import json

import pydeck as pdk

from dashboard.app.render import deck_json


def test_a_map_is_sent_as_the_same_json_without_pydecks_indentation():
    layer = pdk.Layer(
        "PolygonLayer", id="areas", get_polygon="polygon", get_fill_color="fill",
        data=[{"polygon": [[[-3.87039, 56.80022], [-3.85271, 56.79737], [-3.85269, 56.79308]]],
               "fill": [158, 202, 225, 200], "tooltip": "Kilhaven 01"}],
    )  # fmt: skip
    deck = pdk.Deck(layers=[layer], map_style=None, tooltip={"text": "{tooltip}"})
    indented, compact = deck.to_json(), deck_json(deck)
    assert json.loads(compact) == json.loads(indented)  # the same map, every point the same
    assert "\n" not in compact and ", " not in compact.replace("Kilhaven 01", "")
    # pydeck's indentation: two spaces a level and a newline per value; compact has neither
    assert len(compact) < len(indented) / 2
    assert deck.to_json() == indented  # the page's own figure is untouched
