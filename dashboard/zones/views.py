"""The zone figures an audience may see: what the zone pages compute from (exact, never shown as
such) and one option, today's lots or any other, put through disclosure control.

Each zone's areas and the zone are protected as one table (docs/zones.md, "The zone pages"), so the
map, the tables, the compare page and the board pack all show the same protected figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date

import polars as pl

from dashboard.core import areamap, disclosure, formats, geometry, query
from dashboard.core.disclosure import Policy
from dashboard.core.page import View
from dashboard.core.ratio import rate
from dashboard.core.settings import Settings
from dashboard.core.strings import t
from dashboard.extract.export import Export
from dashboard.spend.figures import provider_universe
from dashboard.zones import design, figures
from dashboard.zones.links import zone_links

# Counts that go through disclosure control on these pages: the zone figures' own, and attainment's.
COUNTS = (*figures.DISCLOSIVE_COUNTS, "met", "denominator")
RATES = {"attainment": ("met", "denominator")} | figures.RATES
SHARES = ("rural_share", "compactness")  # hours and shape, not people: shown as percentages
ZONE_COLUMNS = (
    "zone", "name", "model", "areas", "people", "weekly_hours", "complex_hours", "unmet_requests",
    "unmet_hours", "handbacks_12m", "spend_12m", "off_contract_spend_12m", "direct_payment_uptake", "rural_share", "travel_km", "compactness", "contiguous",
    "met", "denominator", "attainment", "providers", "provider_list", "provider_capacity_hours", "matched_lot",
)  # fmt: skip
AREA_COLUMNS = (
    "area_code", "area_name", "zone", "people", "weekly_hours", "unmet_requests", "unmet_hours",
    "handbacks_12m", "urban_rural", "deprivation_decile", "met", "denominator", "attainment",
)  # fmt: skip
SUMMARY_COLUMNS = (
    "zones", "cv_hours", "max_min_ratio", "smallest_hours", "floor", "zones_below_floor",
    "travel_km_mean", "compactness_mean", "non_contiguous", "people_changing_lot",
    "hours_changing_lot", "people_joining_a_lot", "most_unmet_hours", "most_handbacks",
    "fewest_providers", "lowest_direct_payment_uptake", "highest_direct_payment_uptake",
)  # fmt: skip
MAX_LISTED_PROVIDERS = 5  # providers named in a zone's row; the rest are counted ("and 3 more")
SUMMARY_COUNTS = ("people_changing_lot", "people_joining_a_lot", "most_handbacks")
SUMMARY_SHARES = (
    "cv_hours", "compactness_mean", "lowest_direct_payment_uptake", "highest_direct_payment_uptake",
)  # fmt: skip


@dataclass(frozen=True)
class ZoneInputs:
    """Everything the zone pages compute from, exact (never shown as such): one row per area of the
    partnership with its demand, deprivation and attainment counts; today's lots; providers."""

    as_at: date
    demand: pl.DataFrame
    today: pl.DataFrame  # area_code, zone, model
    providers: pl.DataFrame
    graph: geometry.Neighbours
    floor: float | None
    lot_names: dict[str, str] = field(default_factory=dict)  # lot id: its name in the export
    # every provider of the partnership (provider_id, provider_name), so a board label
    # ("Provider 3") is the same as on the other pages
    provider_names: pl.DataFrame | None = None


@dataclass
class OptionView:
    """One option as an audience may see it: protected areas and zones, the option's summary row,
    its zone outlines, and how the map tells the zones apart (a colour and a name each, and the
    areas cut off from the rest of their zone)."""

    name: str
    assignment: pl.DataFrame  # area_code, zone, model (exact: it holds no counts)
    areas: pl.DataFrame  # protected; with geometry for the map
    zones: pl.DataFrame  # protected
    summary: pl.DataFrame  # protected, one row
    outlines: dict  # GeoJSON, one feature per zone
    no_zone: list[str] = field(default_factory=list)
    colours: dict[str, str] = field(default_factory=dict)  # zone: its fill on the map
    names: dict[str, str] = field(default_factory=dict)  # zone: its name in words
    detached: list[str] = field(default_factory=list)  # areas apart from their zone's main piece
    floor: float | None = None
    changes: dict[str, str] = field(default_factory=dict)  # area: stays, changes, joins, leaves
    # the areas in no zone in touching groups (an island, a strip): the map marks each group once
    no_zone_groups: list[list[str]] = field(default_factory=list)


def as_at_date(export: Export, view: View) -> date:
    """The end of the period, or the extract date when the period is still running."""
    return min(view.p.end, export.extract_date)


def zone_inputs(export: Export, settings: Settings, view: View) -> ZoneInputs:
    """The exact inputs of the view, queried once: the zone map page redraws every option the user
    designs or edits from them (through its own cached call), never from the page data."""
    con = export.cursor()
    as_at = as_at_date(export, view)
    demand = figures.area_demand(con, view.partnership, as_at)
    context = query.run(
        con, "zone_area_context", partnership=view.partnership, p_start=view.p.start,
        p_end=view.p.end, **view.filters.params(),
    )  # fmt: skip
    demand = demand.join(context, on="area_code", how="left").with_columns(
        rate(num, den).alias(r) for r, (num, den) in RATES.items()
    )
    lots = figures.todays_lots(con, view.partnership)
    today = lots.select("area_code", "zone", "model")
    return ZoneInputs(
        as_at,
        demand,
        today,
        figures.area_providers(con, view.partnership, as_at),
        figures.area_graph(
            demand, links=zone_links(export, settings), k=settings.zone_nearest_centroids
        ),
        settings.viability_floor_hours,
        dict(lots.select("zone", "lot_name").unique("zone").iter_rows()),
        provider_universe(con, view.partnership),
    )


# --- figures through disclosure control ----------------------------------------------------------


def _shown_as_percent(df: pl.DataFrame, columns: Sequence[str]) -> pl.DataFrame:
    """disclosure.display shows a float column with a flag as a percentage; these shares are of
    hours or shape, never of people, so their flags are always false."""
    return df.with_columns(
        pl.lit(False).alias(disclosure.flag(c)) for c in columns if c in df.columns
    )


def _protect_by_zone(
    areas: pl.DataFrame, zone_rows: pl.DataFrame, policy: Policy
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Each zone's areas and the zone itself protected as one table whose total row is the zone, so
    a hidden area count cannot be worked out as the zone's total minus its other areas."""
    keys = ["zone", "area_code", "is_total", *COUNTS, *RATES]
    outside = areas.filter(pl.col("zone").is_null()).with_columns(is_total=pl.lit(False))
    outside = disclosure.protect(outside.select(keys), policy, counts=COUNTS, rates=RATES)
    shown_areas, shown_zones = [outside], [outside.head(0)]  # head(0): the shape with no zones
    for zone in zone_rows["zone"].to_list():
        members = areas.filter(pl.col("zone") == zone).with_columns(is_total=pl.lit(False))
        total = zone_rows.filter(pl.col("zone") == zone).with_columns(
            area_code=pl.lit(None, pl.Utf8), is_total=pl.lit(True)
        )
        table = pl.concat([members.select(keys), total.select(keys)], how="vertical_relaxed")
        safe = disclosure.protect(table, policy, counts=COUNTS, rates=RATES, total_flag="is_total")
        shown_areas.append(safe.filter(~pl.col("is_total")))
        shown_zones.append(safe.filter(pl.col("is_total")))
    safe_areas = pl.concat(shown_areas, how="vertical_relaxed").drop("zone", "is_total")
    safe_zones = pl.concat(shown_zones, how="vertical_relaxed").drop("area_code", "is_total")
    plain = [*COUNTS, *RATES]
    return (
        areas.drop(plain).join(safe_areas, on="area_code", how="left"),
        zone_rows.drop(plain).join(safe_zones, on="zone", how="left"),
    )


def _zone_attainment(zone_rows: pl.DataFrame, areas: pl.DataFrame) -> pl.DataFrame:
    """Each zone's attainment from its areas' counts (not a mean of their rates)."""
    counts = areas.group_by("zone").agg(pl.col("met", "denominator").sum())
    return (
        zone_rows.join(counts, on="zone", how="left")
        .with_columns(pl.col("met", "denominator").fill_null(0))
        .with_columns(rate("met", "denominator").alias("attainment"))
    )


def with_flags(df: pl.DataFrame, columns: Sequence[str]) -> pl.DataFrame:
    """The named columns (those present) with their flag columns, in that order."""
    keep = [c for c in columns if c in df.columns]
    flags = [disclosure.flag(c) for c in keep if disclosure.flag(c) in df.columns]
    return df.select(*keep, *flags)


def _summary_row(name: str, option: dict, no_zone: int, policy: Policy) -> pl.DataFrame:
    """The option's summary as one protected row, typed so options stack into one table."""
    row = {"option": name} | {c: option.get(c) for c in SUMMARY_COLUMNS}
    row["areas_in_no_zone"] = no_zone
    schema = {"option": pl.Utf8, "zones": pl.Int64, "zones_below_floor": pl.Int64,
              "non_contiguous": pl.Int64, "people_changing_lot": pl.Int64,
              "people_joining_a_lot": pl.Int64, "areas_in_no_zone": pl.Int64,
              "most_handbacks": pl.Int64, "fewest_providers": pl.Int64}  # fmt: skip
    schema = {c: schema.get(c, pl.Float64) for c in row}
    frame = pl.DataFrame([{k: figures.plain(v) for k, v in row.items()}], schema=schema)
    return _shown_as_percent(
        disclosure.protect(frame, policy, counts=SUMMARY_COUNTS), SUMMARY_SHARES
    )


def option_view(
    inputs: ZoneInputs,
    assignment: pl.DataFrame,
    policy: Policy,
    *,
    name: str,
    against_today: bool = True,
) -> OptionView:
    """An option's figures as `policy`'s audience may see them. `against_today` adds the lot each
    zone matches and the people who would change lot (pointless for today's lots themselves)."""
    if "model" not in assignment.columns:
        assignment = assignment.with_columns(model=pl.lit(None, pl.Utf8))
    if figures.FLOOR_COLUMN in assignment.columns:  # the floor the option was designed with
        inputs = replace(inputs, floor=assignment[figures.FLOOR_COLUMN][0])
    assignment = assignment.select("area_code", "zone", "model")
    compare = against_today and inputs.today.height > 0
    zone_rows, option, no_zone = figures.zone_figures(
        inputs.demand, assignment, inputs.graph, floor=inputs.floor,
        today=inputs.today if compare else None, providers=inputs.providers,
    )  # fmt: skip
    option |= _depth(zone_rows)
    areas = inputs.demand.join(assignment.select("area_code", "zone"), on="area_code", how="left")
    zone_rows = _zone_attainment(zone_rows, areas)
    safe_areas, safe_zones = _protect_by_zone(areas, zone_rows, policy)
    option |= _uptake_range(safe_zones)
    names = zone_names(zone_rows["zone"].to_list(), inputs.lot_names)
    listed = provider_lists(inputs, assignment, policy)
    safe_zones = safe_zones.with_columns(
        name=pl.col("zone").replace_strict(names, default=None, return_dtype=pl.Utf8),
        provider_list=pl.col("zone").replace_strict(listed, default=None, return_dtype=pl.Utf8),
    )
    safe_zones = _shown_as_percent(with_flags(safe_zones, ZONE_COLUMNS), SHARES)
    return OptionView(
        name,
        assignment,
        safe_areas,
        safe_zones,
        _summary_row(name, option, len(no_zone), policy),
        design.option_geojson(assignment, inputs.demand),
        no_zone,
        colours=zone_colours(assignment, inputs.graph),
        names=names,
        detached=detached_areas(assignment, inputs.graph),
        no_zone_groups=[sorted(p) for p in geometry.components(no_zone, inputs.graph)],
        floor=inputs.floor,
        changes=dict(
            figures.area_changes(inputs.demand, assignment, inputs.today)[1]
            .select("area_code", "change")
            .iter_rows()
        )
        if compare
        else {},
    )


def _depth(zone_rows: pl.DataFrame) -> dict:
    """What the weakest zone looks like for a tender: the most hours waiting and handbacks in one
    zone, and the fewest providers already working in one."""
    if not zone_rows.height:
        return {}
    return {
        "most_unmet_hours": zone_rows["unmet_hours"].max(),
        "most_handbacks": zone_rows["handbacks_12m"].max(),
        "fewest_providers": zone_rows["providers"].min()
        if "providers" in zone_rows.columns
        else None,
    }


def provider_lists(inputs: ZoneInputs, assignment: pl.DataFrame, policy: Policy) -> dict[str, str]:
    """Each zone's providers by name (a board sees "Provider 3" unless the settings name them),
    each with its capacity computed for the zone: "A (120 h), B (capacity not given) and 2 more".
    Listed in name order, never by a figure, so the list does not rank providers."""
    per_zone = figures.zone_provider_capacity(inputs.providers, assignment)
    universe = inputs.provider_names
    if universe is None:
        universe = per_zone.select("provider_id", provider_name=pl.lit(None, pl.Utf8)).unique()
    named = disclosure.provider_labels(
        per_zone.join(universe, on="provider_id", how="left"), policy,
        universe=universe["provider_id"],
    ).with_columns(pl.col("provider_name").fill_null(pl.col("provider_id")))  # fmt: skip
    named = disclosure.unranked(named.sort("provider_name", "provider_id"), policy, "provider_name")
    out = {}
    for (zone,), group in named.group_by("zone", maintain_order=True):
        items = [
            t("zone_pages.provider_capacity", name=name, hours=formats.number(cap))
            if cap is not None
            else t("zone_pages.provider_no_capacity", name=name)
            for name, cap in group.select("provider_name", "capacity_hours").iter_rows()
        ]
        shown = ", ".join(items[:MAX_LISTED_PROVIDERS])
        rest = len(items) - MAX_LISTED_PROVIDERS
        out[zone] = t("zone_pages.provider_more", listed=shown, n=rest) if rest > 0 else shown
    return out


def _uptake_range(safe_zones: pl.DataFrame) -> dict:
    """The lowest and highest direct-payment uptake of one zone, among the zones whose uptake
    the audience may see (a hidden rate is left out, so the range never reveals it)."""
    column = "direct_payment_uptake"
    shown = safe_zones.filter(~pl.col(disclosure.flag(column)))[column].drop_nulls()
    if not len(shown):
        return {f"lowest_{column}": None, f"highest_{column}": None}
    return {f"lowest_{column}": shown.min(), f"highest_{column}": shown.max()}


def zone_names(zones: Sequence[str], lot_names: dict[str, str]) -> dict[str, str]:
    """Each zone's name in words: a lot of today keeps its name ("Lot A: Kilhaven"), a designed
    zone its label."""
    return {z: lot_names.get(z) or z for z in zones}


def zone_colours(assignment: pl.DataFrame, graph: geometry.Neighbours) -> dict[str, str]:
    """A fill for each zone from the colour-blind-safe zone palette: all different while there
    are enough colours, and beyond that never the same as a neighbouring zone's (greedy
    colouring of the zones' neighbour graph, in zone order)."""
    zones = sorted(assignment["zone"].unique().to_list())
    fills = areamap.ZONE_FILLS
    if len(zones) <= len(fills):
        return {z: fills[i] for i, z in enumerate(zones)}
    zone_of = dict(assignment.select("area_code", "zone").iter_rows())
    touching: dict[str, set[str]] = {z: set() for z in zones}
    for area, zone in zone_of.items():
        touching[zone] |= {zone_of[b] for b in graph.of(area) if b in zone_of} - {zone}
    chosen: dict[str, int] = {}
    for i, zone in enumerate(zones):
        taken = {chosen[n] for n in touching[zone] if n in chosen}
        free = [c for c in range(len(fills)) if c not in taken]
        chosen[zone] = min(free, key=lambda c: (c - i) % len(fills)) if free else i % len(fills)
    return {z: fills[c] for z, c in chosen.items()}


def detached_areas(assignment: pl.DataFrame, graph: geometry.Neighbours) -> list[str]:
    """Areas not in their zone's largest connected piece: the parts the map marks as cut off."""
    out: list[str] = []
    for (_,), group in assignment.group_by("zone"):
        pieces = geometry.components(group["area_code"].to_list(), graph)
        out += [a for piece in pieces[1:] for a in piece]
    return sorted(out)


def today_view(inputs: ZoneInputs, policy: Policy) -> OptionView:
    """Today's lots as an option, the one every other option is compared with."""
    return option_view(
        inputs, inputs.today, policy, name=t("zone_pages.today"), against_today=False
    )


def area_table(view: OptionView) -> pl.DataFrame:
    """The areas as a table (no geometry): the map's text alternative, area by area."""
    return with_flags(view.areas, AREA_COLUMNS).sort("area_code")


def zone_definitions() -> list[tuple[str, str]]:
    """The terms the zone pages use, defined once for both pages and the board pack's zone page."""
    return [(t(f"zone_pages.def_{k}_term"), t(f"zone_pages.def_{k}"))
            for k in ("attainment", "rural", "compactness", "changing", "shades")]  # fmt: skip
