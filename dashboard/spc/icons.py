"""Making Data Count summary icons, drawn here as small self-contained SVGs (not NHS artwork).

A board reads the variation icon (what the latest point says) and the assurance icon (will the
target be met) before the chart, so each carries a <title> for screen readers and a letter or
shape as well as its colour, never colour alone.
"""

from __future__ import annotations

from html import escape

from dashboard.core.strings import t
from dashboard.spc.xmr import COMMON, TYPE_SIDE, SpcResult, latest

# Making Data Count hues (grey, blue, orange, purple), darkened so that each reaches the 3:1
# non-text contrast on white that WCAG 2.2 AA asks of chart marks (the package's #00b0f0 is 2.5:1).
PALETTE = {
    COMMON: "#757575",
    "improvement": "#0072c6",
    "concern": "#c55a00",
    "neutral": "#490092",
    "target": "#d5281b",
    "centre": "#1a1a1a",
}

ASSURANCE_ICONS = {
    "consistently_passes": "pass",
    "consistently_fails": "fail",
    "hit_and_miss": "hit_and_miss",
}

# icon name -> (palette key, glyph drawn in the circle)
_GLYPHS = {
    "common_cause": (COMMON, "wave"),
    "improvement_high": ("improvement", "H"),
    "improvement_low": ("improvement", "L"),
    "concern_high": ("concern", "H"),
    "concern_low": ("concern", "L"),
    "neutral_high": ("neutral", "H"),
    "neutral_low": ("neutral", "L"),
    "pass": ("improvement", "P"),
    "fail": ("concern", "F"),
    "hit_and_miss": (COMMON, "?"),
}
ICON_NAMES = tuple(_GLYPHS)


def colour(kind: str) -> str:
    """The colour of a variation (`improvement`, `neutral_high`, ...) or a chart part (`target`,
    `centre`); the one place colours are chosen, for icons and charts alike."""
    return PALETTE[kind.removesuffix("_high").removesuffix("_low")]


def variation_icon(result: SpcResult) -> str:
    """Icon name for the latest settled point: common_cause, or its variation with high/low."""
    point = latest(result)
    if point is None or point["variation"] == COMMON:
        return "common_cause"
    if point["variation"].startswith("neutral"):
        return point["variation"]
    return f"{point['variation']}_{'high' if TYPE_SIDE[point['type']] > 0 else 'low'}"


def assurance_icon(result: SpcResult) -> str | None:
    """Icon name for the assurance (pass, fail, hit_and_miss), None when there is none."""
    return ASSURANCE_ICONS.get(result.assurance) if result.assurance else None


def svg(name: str, size: int = 40) -> str:
    """The icon as an inline SVG string: a ringed circle holding a letter (or a wave for common
    cause), with a small arrow for high/low variation."""
    kind, glyph = _GLYPHS[name]
    ink = colour(kind)
    if glyph == "wave":
        mark = f'<path d="M9 20 q5.5 -9 11 0 t11 0" fill="none" stroke="{ink}" stroke-width="3"/>'
    else:
        mark = (
            f'<text x="20" y="26.5" text-anchor="middle" font-family="Arial, sans-serif" '
            f'font-size="18" font-weight="bold" fill="{ink}">{escape(glyph)}</text>'
        )
    if name.endswith("_high"):
        mark += f'<path d="M20 6 l4 5 h-8 z" fill="{ink}"/>'
    elif name.endswith("_low"):
        mark += f'<path d="M20 34 l4 -5 h-8 z" fill="{ink}"/>'
    title = escape(t(f"spc.icon_{name}"))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 40" width="{size}" '
        f'height="{size}" role="img" aria-label="{title}"><title>{title}</title>'
        f'<circle cx="20" cy="20" r="17" fill="#ffffff" stroke="{ink}" stroke-width="3"/>'
        f"{mark}</svg>"
    )
