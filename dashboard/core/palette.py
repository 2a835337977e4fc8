"""The UK Government Analysis Function colour palette, for every ordinary chart and map.

Its categorical colours are chosen to stay distinguishable with the common colour-vision
deficiencies; charts still never rely on colour alone (markers, patterns and labels carry meaning).
"""

from __future__ import annotations

# Analysis Function categorical palette, in the order the guidance uses them.
DARK_BLUE = "#12436D"
TURQUOISE = "#28A197"
DARK_PINK = "#801650"
ORANGE = "#F46A25"
DARK_GREY = "#3D3D3D"
LIGHT_PURPLE = "#A285D1"
CATEGORICAL = (DARK_BLUE, TURQUOISE, DARK_PINK, ORANGE, DARK_GREY, LIGHT_PURPLE)
# For backgrounds and "everything else" on a map.
LIGHT_GREY = "#BFBFBF"


def rgba(hex_colour: str, alpha: int = 255) -> list[int]:
    """A "#RRGGBB" colour as the [r, g, b, a] list pydeck layers take."""
    value = hex_colour.lstrip("#")
    return [int(value[i : i + 2], 16) for i in (0, 2, 4)] + [alpha]
