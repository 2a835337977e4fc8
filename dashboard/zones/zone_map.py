"""The zone map page: today's lots on the map, coloured by weekly hours, with the per-zone table
beside it and the option's summary below.

The figures come through `views` (protected), the map from `maps`; the page script redraws any
option the user designs or edits with the same functions (docs/zones.md, "The zone pages").
"""

from __future__ import annotations

from dataclasses import dataclass

import pydeck as pdk

from dashboard.core import formats, geometry
from dashboard.core.page import PageData, View, policy_for
from dashboard.core.settings import Settings
from dashboard.core.strings import t
from dashboard.extract.export import Export
from dashboard.zones.maps import DEFAULT_MEASURE, map_alt, map_deck
from dashboard.zones.views import (
    OptionView,
    ZoneInputs,
    area_table,
    today_view,
    zone_definitions,
    zone_inputs,
)


@dataclass
class ZoneMapPage(PageData):
    """What the zone map page draws: today's lots as a map and its text alternative, and today's
    lots as protected figures (the page redraws them by another measure)."""

    map: pdk.Deck | None = None
    map_alt: str = ""
    today: OptionView | None = None


def _context_sentences(export: Export, inputs: ZoneInputs, today: OptionView) -> list[str]:
    out = [t("zone_pages.as_at", as_at=formats.day(inputs.as_at), areas=inputs.demand.height)]
    if not export.present("home_care_lots") or not inputs.today.height:
        out.append(t("zone_pages.no_lots"))
    else:
        out.append(t("zone_pages.lots", lots=today.zones.height))
        if today.no_zone:
            out.append(t("zone_pages.areas_in_no_lot", n=len(today.no_zone)))
    out.append(t(f"zone_pages.neighbours_{inputs.graph.method}"))
    out += island_sentences(inputs)
    gaps = int(inputs.demand["hours_data_gap_plans"].sum())
    if gaps:
        out.append(t("zone_pages.hours_gaps", n=gaps))
    out.append(t("zone_pages.filters_note"))
    return out


def island_sentences(inputs: ZoneInputs) -> list[str]:
    """Each piece of the map apart from the largest (an island without a ferry or bridge link),
    named: a zone design makes it a zone of its own unless a link joins it."""
    pieces = geometry.components(inputs.demand["area_code"].to_list(), inputs.graph)
    return [
        t("zone_pages.island_no_link", areas=", ".join(sorted(piece)[:5]), n=len(piece))
        for piece in pieces[1:]
    ]


def build(export: Export, settings: Settings, view: View) -> ZoneMapPage:
    """Today's lots on the map, coloured by weekly hours, with the per-zone table beside it. The
    exact inputs stay out of the page data: the page script gets them through its own cached call
    (`web.page_data(views.zone_inputs, ctx)`) to redraw an option the user designs or edits."""
    policy = policy_for(settings)
    inputs = zone_inputs(export, settings, view)
    today = today_view(inputs, policy)
    return ZoneMapPage(
        "zone-map",
        view,
        tables={"zones": today.zones, "option": today.summary, "areas": area_table(today)},
        sentences=_context_sentences(export, inputs, today),
        definitions=zone_definitions(),
        map=map_deck(today, DEFAULT_MEASURE, policy, basemap_url=settings.basemap_url),
        map_alt=map_alt(today, DEFAULT_MEASURE, policy),
        today=today,
    )  # fmt: skip
