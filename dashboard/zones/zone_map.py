"""The home care zone pages: the zone map with its design panel, and options compared for a tender.

The exact figures come from `dashboard.zones` (and a proposal from `dashboard.zone_design`); this
module puts them through disclosure control, draws them (pure map builders: frames in, a pydeck Deck
out, so the board pack can reuse them) and says in plain words what differs between options.
Extra figures are defined in docs/zones.md, "The zone pages".
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl
import pydeck as pdk
import shapely

from dashboard.core import disclosure, geometry, palette, query
from dashboard.core.contract import LOT_MODELS
from dashboard.core.disclosure import Policy
from dashboard.core.errors import UserError
from dashboard.core.files import safe_stem
from dashboard.core.page import PageData, View, policy_for
from dashboard.core.ratio import rate
from dashboard.core.settings import Settings
from dashboard.core.strings import t
from dashboard.extract.export import Export
from dashboard.zones import design, zones
from dashboard.zones.design import InfeasibleDesign

DEFAULT_MEASURE = "weekly_hours"
# Single-hue blues, lightest to darkest (Analysis Function blues with two lighter tints): a
# lightness ramp stays readable with every colour-vision deficiency and in greyscale.
SEQUENTIAL = ("#DEEBF7", "#9ECAE1", "#6BACE6", "#2073BC", "#12436D")
NO_VALUE_COLOUR = palette.LIGHT_GREY
OUTLINE_COLOUR = palette.DARK_GREY
FILL_ALPHA = 200
POINT_RADIUS_M = 150  # areas without a polygon are drawn as dots of this radius
MAP_WIDTH_PX, MAP_HEIGHT_PX = 400, 500  # the map size the initial zoom is fitted to
MAP_MARGIN = 1.3  # the extent fitted is this much larger than the areas' centroids span
MAX_ZOOM = 14
WORLD_PX = 512  # deck.gl: width of the whole world at zoom 0, in pixels

# Counts that go through disclosure control on these pages: the zone figures' own, and attainment's.
COUNTS = (*zones.DISCLOSIVE_COUNTS, "met", "denominator")
RATES = {"attainment": ("met", "denominator")}
SHARES = ("rural_share", "compactness")  # hours and shape, not people: shown as percentages
ZONE_COLUMNS = (
    "zone", "model", "areas", "people", "weekly_hours", "complex_hours", "unmet_requests",
    "unmet_hours", "handbacks_12m", "rural_share", "travel_km", "compactness", "contiguous",
    "met", "denominator", "attainment", "providers", "provider_capacity_hours", "matched_lot",
)  # fmt: skip
AREA_COLUMNS = (
    "area_code", "area_name", "zone", "people", "weekly_hours", "unmet_requests", "unmet_hours",
    "handbacks_12m", "urban_rural", "deprivation_decile", "met", "denominator", "attainment",
)  # fmt: skip
TOOLTIP_COLUMNS = (
    "zone", "people", "weekly_hours", "unmet_hours", "handbacks_12m", "attainment",
    "deprivation_decile", "urban_rural",
)  # fmt: skip
SUMMARY_COLUMNS = (
    "zones", "cv_hours", "max_min_ratio", "smallest_hours", "floor", "zones_below_floor",
    "travel_km_mean", "compactness_mean", "non_contiguous", "people_changing_lot",
    "hours_changing_lot", "people_joining_a_lot",
)  # fmt: skip
SUMMARY_COUNTS = ("people_changing_lot", "people_joining_a_lot")
SUMMARY_SHARES = ("cv_hours", "compactness_mean")


@dataclass(frozen=True)
class Measure:
    """What the map colours areas by: an area column, the zone column the finding is read from,
    fixed class edges for coded values (None: quintiles of the values), and whether darker means a
    lower value (deprivation decile 1 is the most deprived)."""

    column: str
    zone_column: str | None
    edges: tuple[float, ...] | None = None
    darker_is_lower: bool = False


MEASURES: dict[str, Measure] = {
    "weekly_hours": Measure("weekly_hours", "weekly_hours"),
    "unmet_hours": Measure("unmet_hours", "unmet_hours"),
    "handbacks": Measure("handbacks_12m", "handbacks_12m"),
    "rural": Measure("urban_rural", "rural_share", edges=(1, 2, 4, 5, 6)),
    "deprivation": Measure(
        "deprivation_decile", None, edges=(2, 4, 6, 8, 10), darker_is_lower=True
    ),
    "attainment": Measure("attainment", "attainment"),
}


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


@dataclass
class OptionView:
    """One option as an audience may see it: protected areas and zones, the option's summary row,
    and its zone outlines."""

    name: str
    assignment: pl.DataFrame  # area_code, zone, model (exact: it holds no counts)
    areas: pl.DataFrame  # protected; with geometry for the map
    zones: pl.DataFrame  # protected
    summary: pl.DataFrame  # protected, one row
    outlines: dict  # GeoJSON, one feature per zone
    no_zone: list[str] = field(default_factory=list)


def as_at_date(export: Export, view: View) -> date:
    """The end of the period, or the extract date when the period is still running."""
    return min(view.p.end, export.extract_date)


def zone_inputs(export: Export, settings: Settings, view: View) -> ZoneInputs:
    con = export.cursor()
    as_at = as_at_date(export, view)
    demand = zones.area_demand(con, view.partnership, as_at)
    context = query.run(
        con, "zone_area_context", partnership=view.partnership, p_start=view.p.start,
        p_end=view.p.end, **view.filters.params(),
    )  # fmt: skip
    demand = demand.join(context, on="area_code", how="left").with_columns(
        rate("met", "denominator").alias("attainment")
    )
    today = zones.todays_lots(con, view.partnership).select("area_code", "zone", "model")
    return ZoneInputs(
        as_at,
        demand,
        today,
        zones.area_providers(con, view.partnership, as_at),
        zones.area_graph(demand, links=settings.zone_links, k=settings.zone_nearest_centroids),
        settings.viability_floor_hours,
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
    keys = ["zone", "area_code", "is_total", *COUNTS, "attainment"]
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
    plain = [*COUNTS, "attainment"]
    return (
        areas.drop(plain).join(safe_areas, on="area_code", how="left"),
        zone_rows.drop(plain).join(safe_zones, on="zone", how="left"),
    )


def _zone_attainment(zone_rows: pl.DataFrame, areas: pl.DataFrame) -> pl.DataFrame:
    counts = areas.group_by("zone").agg(pl.col("met", "denominator").sum())
    return (
        zone_rows.join(counts, on="zone", how="left")
        .with_columns(pl.col("met", "denominator").fill_null(0))
        .with_columns(rate("met", "denominator").alias("attainment"))
    )


def _with_flags(df: pl.DataFrame, columns: Sequence[str]) -> pl.DataFrame:
    """The named columns (those present) with their flag columns, in that order."""
    keep = [c for c in columns if c in df.columns]
    flags = [disclosure.flag(c) for c in keep if disclosure.flag(c) in df.columns]
    return df.select(*keep, *flags)


def _summary_row(name: str, option: dict, no_zone: int, policy: Policy) -> pl.DataFrame:
    row = {"option": name} | {c: option.get(c) for c in SUMMARY_COLUMNS}
    row["areas_in_no_zone"] = no_zone
    schema = {"option": pl.Utf8, "zones": pl.Int64, "zones_below_floor": pl.Int64,
              "non_contiguous": pl.Int64, "people_changing_lot": pl.Int64,
              "people_joining_a_lot": pl.Int64, "areas_in_no_zone": pl.Int64}  # fmt: skip
    schema = {c: schema.get(c, pl.Float64) for c in row}
    frame = pl.DataFrame([{k: zones.plain(v) for k, v in row.items()}], schema=schema)
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
    assignment = assignment.select("area_code", "zone", "model")
    compare = against_today and inputs.today.height > 0
    zone_rows, option, no_zone = zones.zone_figures(
        inputs.demand, assignment, inputs.graph, floor=inputs.floor,
        today=inputs.today if compare else None, providers=inputs.providers,
    )  # fmt: skip
    areas = inputs.demand.join(assignment.select("area_code", "zone"), on="area_code", how="left")
    zone_rows = _zone_attainment(zone_rows, areas)
    safe_areas, safe_zones = _protect_by_zone(areas, zone_rows, policy)
    safe_zones = _shown_as_percent(_with_flags(safe_zones, ZONE_COLUMNS), SHARES)
    return OptionView(
        name,
        assignment,
        safe_areas,
        safe_zones,
        _summary_row(name, option, len(no_zone), policy),
        design.option_geojson(assignment, inputs.demand),
        no_zone,
    )


def area_table(view: OptionView) -> pl.DataFrame:
    """The areas as a table (no geometry): the map's text alternative, area by area."""
    return _with_flags(view.areas, AREA_COLUMNS).sort("area_code")


# --- the map --------------------------------------------------------------------------------------


def _class_edges(values: Sequence[float], measure: Measure) -> list[float]:
    """Upper edges of the colour classes: fixed for coded values; else each distinct value its own
    class when there are few, otherwise quintiles (repeated edges merged)."""
    if measure.edges is not None:
        return list(measure.edges)
    distinct = sorted(set(values))
    if len(distinct) <= len(SEQUENTIAL):
        return distinct
    return sorted(
        {float(q) for q in np.quantile(values, np.linspace(0, 1, len(SEQUENTIAL) + 1)[1:])}
    )


def _shade(value: float | None, edges: Sequence[float], measure: Measure) -> int | None:
    """The colour class of a value: 0 lightest … len(edges) − 1 darkest; None without a value."""
    if value is None or not edges or (isinstance(value, float) and math.isnan(value)):
        return None
    index = next((i for i, edge in enumerate(edges) if value <= edge), len(edges) - 1)
    steps = len(SEQUENTIAL) - 1
    scaled = round(index * steps / max(1, len(edges) - 1))
    return steps - scaled if measure.darker_is_lower else scaled


def _shown_values(areas: pl.DataFrame, column: str) -> list:
    """The measure's values the audience may see (None where suppressed or missing)."""
    hidden = (
        areas[disclosure.flag(column)].to_list()
        if disclosure.flag(column) in areas.columns
        else None
    )
    values = areas[column].to_list()
    return [None if hidden and hidden[i] else v for i, v in enumerate(values)]


def _label(column: str) -> str:
    return t(f"zone_pages.col_{column}")


def _tooltips(areas: pl.DataFrame, policy: Policy) -> list[str]:
    """Each area's tooltip from the same screen text the tables show ("<5" where suppressed)."""
    text = disclosure.display(
        _with_flags(areas, ("area_code", "area_name", *TOOLTIP_COLUMNS)), policy
    )
    return [
        "\n".join(
            [t("zone_pages.tooltip_area", name=row["area_name"], code=row["area_code"])]
            + [f"{_label(c)}: {row[c]}" for c in TOOLTIP_COLUMNS]
        )
        for row in text.iter_rows(named=True)
    ]


def _view_state(lat: np.ndarray, lon: np.ndarray) -> pdk.ViewState:
    """Centred on the areas, zoomed so their extent (with a margin) fits MAP_WIDTH_PX ×
    MAP_HEIGHT_PX. Web Mercator: deck.gl draws the world WORLD_PX × 2^zoom pixels wide, and a
    degree of latitude is 1 ÷ cos(latitude) times taller than a degree of longitude."""
    middle = float((lat.min() + lat.max()) / 2)
    lon_span = max(float(np.ptp(lon)), 1e-3) * MAP_MARGIN
    lat_span = max(float(np.ptp(lat)), 1e-3) * MAP_MARGIN / math.cos(math.radians(middle))
    pixels_per_degree = min(MAP_WIDTH_PX / lon_span, MAP_HEIGHT_PX / lat_span)
    return pdk.ViewState(
        latitude=middle,
        longitude=float((lon.min() + lon.max()) / 2),
        zoom=max(1.0, min(MAX_ZOOM, math.log2(pixels_per_degree * 360 / WORLD_PX))),
    )


def map_deck(
    areas: pl.DataFrame,
    outlines: Mapping,
    measure: str,
    policy: Policy,
    *,
    basemap_url: str | None = None,
) -> pdk.Deck:
    """Areas (protected rows with `geometry_wkt` and centroids) shaded by `measure`, polygons where
    there are any and dots elsewhere, zone outlines and names over them. No basemap, so no call to
    the internet, unless `basemap_url` is given."""
    spec = MEASURES[measure]
    values = _shown_values(areas, spec.column)
    edges = _class_edges([v for v in values if v is not None], spec)
    tips = _tooltips(areas, policy)
    polygons, points = [], []
    shapes = geometry.display_parts(tuple(areas["geometry_wkt"].to_list()))
    for i, row in enumerate(areas.select("centroid_lat", "centroid_lon").iter_rows()):
        shade = _shade(values[i], edges, spec)
        colour = palette.rgba(NO_VALUE_COLOUR if shade is None else SEQUENTIAL[shade], FILL_ALPHA)
        if not shapes[i]:
            points.append({"position": [row[1], row[0]], "fill": colour, "tooltip": tips[i]})
        polygons += [{"polygon": r, "fill": colour, "tooltip": tips[i]} for r in shapes[i]]
    labels = [
        {"position": list(shapely.geometry.shape(f["geometry"]).representative_point().coords[0]),
         "text": str(f["properties"]["zone"])}
        for f in outlines.get("features", []) if f["geometry"] is not None
    ]  # fmt: skip
    line = palette.rgba(OUTLINE_COLOUR)
    layers = [
        pdk.Layer("PolygonLayer", id="areas", data=polygons, get_polygon="polygon",
                  get_fill_color="fill", get_line_color=palette.rgba(palette.LIGHT_GREY),
                  line_width_min_pixels=0.5, stroked=True, pickable=True),
        pdk.Layer("ScatterplotLayer", id="area-points", data=points, get_position="position",
                  get_fill_color="fill", get_radius=POINT_RADIUS_M, radius_min_pixels=3,
                  stroked=True, get_line_color=line, line_width_min_pixels=1, pickable=True),
        pdk.Layer("GeoJsonLayer", id="zone-outlines", data=dict(outlines), stroked=True,
                  filled=False, get_line_color=line, line_width_min_pixels=2.5, pickable=False),
        pdk.Layer("TextLayer", id="zone-names", data=labels, get_position="position",
                  get_text="text", get_size=14, get_color=line, pickable=False),
    ]  # fmt: skip
    return pdk.Deck(
        layers=layers,
        initial_view_state=_view_state(
            areas["centroid_lat"].to_numpy(), areas["centroid_lon"].to_numpy()
        ),
        map_style=basemap_url,
        map_provider="maplibre" if basemap_url else None,
        tooltip={"text": "{tooltip}"},
    )


def _number(value: float, measure: Measure) -> str:
    if measure.column == "attainment":
        return t("disclosure.percent", value=value * 100)
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _ranges(edges: Sequence[float], values: Sequence[float], measure: Measure) -> list[str]:
    """Each class's range in words; an upper edge belongs to its class."""
    if measure.edges is not None:
        lows = [1, *[e + 1 for e in edges[:-1]]]
    elif len(edges) == len(set(values)):
        lows = list(edges)
    else:
        lows = [min(values), *edges[:-1]]
    out = []
    for low, high in zip(lows, edges, strict=True):
        a, b = _number(low, measure), _number(high, measure)
        out.append(b if a == b else t("zone_pages.legend_range", low=a, high=b))
    return out


def legend(areas: pl.DataFrame, measure: str, policy: Policy) -> list[str]:
    """The map's colours in words: each shade's range, then what grey and the outlines mean."""
    spec = MEASURES[measure]
    values = [v for v in _shown_values(areas, spec.column) if v is not None]
    edges = _class_edges(values, spec)
    lines = [t("zone_pages.legend_title", measure=t(f"zone_pages.measure_{measure}"))]
    for edge, words in zip(edges, _ranges(edges, values, spec) if values else [], strict=False):
        shade = _shade(edge, edges, spec)
        lines.append(
            t("zone_pages.legend_shade", shade=t(f"zone_pages.shade_{shade}"), range=words)
        )
    lines.append(t("zone_pages.legend_grey", threshold=policy.threshold))
    lines.append(t("zone_pages.legend_outline"))
    return lines


def map_alt(view: OptionView, measure: str, policy: Policy) -> str:
    """The map's text alternative, stating the finding: which zones are highest and lowest on the
    measure (only figures the audience may see)."""
    spec = MEASURES[measure]
    label = t(f"zone_pages.measure_{measure}")
    opening = t("zone_pages.alt_map", areas=view.areas.height, zones=view.zones.height,
                option=view.name, measure=label)  # fmt: skip
    column = spec.zone_column
    if column is None or not view.zones.height:
        return opening
    shown = [(z, v) for z, v in zip(view.zones["zone"], _shown_values(view.zones, column), strict=True)
             if v is not None]  # fmt: skip
    if len(shown) < 2:
        return opening
    text = disclosure.display(_with_flags(view.zones, ("zone", column)), policy)
    screen = dict(zip(text["zone"], text[column], strict=True))
    high = max(shown, key=lambda zv: zv[1])[0]
    low = min(shown, key=lambda zv: zv[1])[0]
    return (
        opening
        + " "
        + t(
            f"zone_pages.alt_{'rural' if column == 'rural_share' else 'zones'}",
            measure=label,
            high=high,
            high_value=screen[high],
            low=low,
            low_value=screen[low],
        )
    )


# --- page data ------------------------------------------------------------------------------------


def zone_definitions() -> list[tuple[str, str]]:
    return [(t(f"zone_pages.def_{k}_term"), t(f"zone_pages.def_{k}"))
            for k in ("attainment", "rural", "compactness", "changing", "shades")]  # fmt: skip


def today_view(inputs: ZoneInputs, policy: Policy) -> OptionView:
    return option_view(
        inputs, inputs.today, policy, name=t("zone_pages.today"), against_today=False
    )


def _context_sentences(export: Export, inputs: ZoneInputs, today: OptionView) -> list[str]:
    out = [t("zone_pages.as_at", as_at=inputs.as_at, areas=inputs.demand.height)]
    if not export.present("home_care_lots") or not inputs.today.height:
        out.append(t("zone_pages.no_lots"))
    else:
        out.append(t("zone_pages.lots", lots=today.zones.height))
        if today.no_zone:
            out.append(t("zone_pages.areas_in_no_lot", n=len(today.no_zone)))
    out.append(t(f"zone_pages.neighbours_{inputs.graph.method}"))
    gaps = int(inputs.demand["hours_data_gap_plans"].sum())
    if gaps:
        out.append(t("zone_pages.hours_gaps", n=gaps))
    out.append(t("zone_pages.filters_note"))
    return out


def build(export: Export, settings: Settings, view: View) -> PageData:
    """Today's lots on the map, coloured by weekly hours, with the per-zone table beside it. The
    exact inputs ride along in `charts["inputs"]` (never shown) so the page can redraw an option
    the user designs or edits without querying again."""
    policy = policy_for(settings)
    inputs = zone_inputs(export, settings, view)
    today = today_view(inputs, policy)
    page = PageData("zone-map", view)
    page.tables = {"zones": today.zones, "option": today.summary, "areas": area_table(today)}
    page.sentences = _context_sentences(export, inputs, today)
    page.charts = {
        "map": map_deck(today.areas, today.outlines, DEFAULT_MEASURE, policy,
                        basemap_url=settings.basemap_url),
        "map_alt": map_alt(today, DEFAULT_MEASURE, policy),
        "today": today,
        "inputs": inputs,
    }  # fmt: skip
    page.definitions = zone_definitions()
    return page


# --- designing and editing an option -------------------------------------------------------------


def propose(
    inputs: ZoneInputs,
    settings: Settings,
    *,
    k: int,
    floor: float | None,
    keep_lots: Sequence[str] = (),
    seed: int = design.DESIGN_SEED,
    progress: design.Progress | None = None,
) -> pl.DataFrame:
    """A proposed option (`area_code, zone, model`) of `k` zones in all: the lots in `keep_lots`
    stay exactly as they are today (areas and model) and the other k − kept zones are designed
    over the remaining areas. Raises InfeasibleDesign with the reason."""
    kept = inputs.today.filter(pl.col("zone").is_in(list(keep_lots)))
    rest = inputs.demand.join(kept, on="area_code", how="anti")
    designed = k - len(keep_lots)
    if rest.height and designed < 1:
        raise InfeasibleDesign(t("zone_panel.design_keep_all", k=k, kept=len(keep_lots)))
    proposal = design.design(
        rest, inputs.graph, k=designed, floor=floor or 0.0, seed=seed,
        weights=(settings.zone_balance_weight, settings.zone_travel_weight),
        time_limit=settings.zone_design_time_limit_s, progress=progress,
    ) if rest.height else pl.DataFrame(schema={"area_code": pl.Utf8, "zone": pl.Utf8})  # fmt: skip
    proposal = proposal.with_columns(model=pl.lit(None, pl.Utf8))
    return pl.concat([kept.select(proposal.columns), proposal]).sort("area_code")


def move_area(assignment: pl.DataFrame, area_code: str, zone: str) -> pl.DataFrame:
    """The option with one area moved to `zone` (added if the option left it out). A zone that
    already has a model lends it to nothing: the model belongs to the zone, not the area."""
    models = dict(assignment.select("zone", "model").unique("zone").iter_rows())
    rest = assignment.filter(pl.col("area_code") != area_code)
    row = pl.DataFrame({"area_code": [area_code], "zone": [zone], "model": [models.get(zone)]},
                       schema=assignment.schema)  # fmt: skip
    return pl.concat([rest, row]).sort("area_code")


def set_model(assignment: pl.DataFrame, zone: str, model: str | None) -> pl.DataFrame:
    if model is not None and model not in LOT_MODELS:
        raise UserError(t("zone_pages.unknown_model", model=model, models=", ".join(LOT_MODELS)))
    return assignment.with_columns(
        pl.when(pl.col("zone") == zone).then(pl.lit(model, pl.Utf8)).otherwise(pl.col("model"))
        .alias("model")
    )  # fmt: skip


def model_notes(model: str) -> tuple[str, str, str]:
    """The model's toolkit description, advantages and risks (docs/zones.md cites the source)."""
    return tuple(t(f"zone_pages.model_{model}_{part}") for part in ("what", "pros", "cons"))


# --- saving and loading options -------------------------------------------------------------------


def options_folder(settings: Settings, export: Export) -> Path:
    """The options folder; an options folder inside the export folder is refused, because the
    export is the partnership's data and must not change under the dashboard."""
    folder, data = Path(settings.options_dir).resolve(), Path(export.folder).resolve()
    if folder == data or folder.is_relative_to(data):
        raise UserError(t("zone_pages.options_inside_export", folder=settings.options_dir,
                          export=export.folder))  # fmt: skip
    return folder


def option_csv(assignment: pl.DataFrame) -> str:
    """`area_code,zone,model`: what `zones.read_option` and `zones summary --option` read back."""
    return assignment.select("area_code", "zone", "model").sort("area_code").write_csv()


def option_geojson_text(assignment: pl.DataFrame, inputs: ZoneInputs) -> str:
    return json.dumps(design.option_geojson(assignment, inputs.demand))


def save_option(
    assignment: pl.DataFrame, inputs: ZoneInputs, folder: Path, name: str
) -> tuple[Path, Path]:
    """Write `<name>.csv` and `<name>.geojson` into `folder` (from `options_folder`)."""
    stem = safe_stem(name).strip("-")
    if not stem:
        raise UserError(t("zone_pages.option_name_empty"))
    folder.mkdir(parents=True, exist_ok=True)
    csv_path, geo_path = folder / f"{stem}.csv", folder / f"{stem}.geojson"
    csv_path.write_text(option_csv(assignment), encoding="utf-8")
    geo_path.write_text(option_geojson_text(assignment, inputs), encoding="utf-8")
    return csv_path, geo_path


def saved_options(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.csv")) if folder.is_dir() else []


def load_option(source: Path | str, inputs: ZoneInputs, *, name: str | None = None) -> pl.DataFrame:
    """An option from a saved file or uploaded text, checked against the partnership's areas."""
    return zones.read_option(source, inputs.demand["area_code"], name=name)
