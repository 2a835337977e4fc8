"""Home care demand per zone and the summary of a zoning option (metrics.md "Home care demand, for
zones and lots"; extra figures in docs/zones.md).

An option is a frame `area_code, zone` (today's lots, a CSV the user drew, or a proposal from
`zones/design.py`). Figures are summed from one row per area: a person lives in exactly one area
(`people.area_code`), so people per zone is the sum of people per area and nobody is counted twice.
Counts stay exact here; disclosure control is applied afterwards, where every output passes.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable
from datetime import date
from functools import lru_cache
from pathlib import Path

import duckdb
import numpy as np
import polars as pl
from scipy.optimize import linear_sum_assignment

from dashboard.core import geometry
from dashboard.core.disclosure import to_records
from dashboard.core.errors import UserError
from dashboard.core.query import run
from dashboard.core.ratio import rate
from dashboard.core.settings import DEFAULTS
from dashboard.core.strings import t

RURAL_CLASSES = (5, 6)  # urban_rural classes counted as rural
FLOOR_COLUMN = "floor_hours"  # an option CSV's optional column: the floor it was designed with

# Area-level figures that add up over a zone's areas: counts, then hours and money.
SUMMED_COUNTS = (
    "population", "people", "active_plans", "hours_data_gap_plans", "unmet_requests",
    "handbacks_12m", "direct_payment_people", "people_any_option",
)  # fmt: skip
# Counts of people, plans and requests: these go through disclosure control (population does not).
DISCLOSIVE_COUNTS = tuple(c for c in SUMMED_COUNTS if c != "population")
SUMMED_AMOUNTS = (
    "weekly_hours", "complex_hours", "home_care_hours", "reablement_hours", "unmet_hours",
    "spend_12m", "off_contract_spend_12m",
)  # fmt: skip
SUMMED = SUMMED_COUNTS + SUMMED_AMOUNTS
# Rates of people: protected with their numerator and denominator (docs/zones.md).
RATES = {"direct_payment_uptake": ("direct_payment_people", "people_any_option")}
# People with a plan under any option are about those with one of these plans plus those with a
# direct payment (exactly, but for people with both): where all three counts are printed (the
# command line's JSON) they are protected as that sum, so a hidden one cannot be worked out. The
# pages show the uptake, never its two counts, so they need not hide people for it.
PARTS = {"people_any_option": ("people", "direct_payment_people")}
ZONE_SCHEMA = (
    {"zone": pl.Utf8, "areas": pl.Int64, "model": pl.Utf8}
    | dict.fromkeys(SUMMED_COUNTS, pl.Int64)
    | dict.fromkeys(SUMMED_AMOUNTS, pl.Float64)
    | {"direct_payment_uptake": pl.Float64}
    | {"rural_share": pl.Float64, "travel_km": pl.Float64, "compactness": pl.Float64}
    | {"contiguous": pl.Boolean}
)
ZONE_JSON_KEYS = (
    "zone", "areas", "people", "weekly_hours", "complex_hours", "hours_data_gap_plans",
    "unmet_requests", "unmet_hours", "handbacks_12m", "rural_share", "spend_12m", "travel_km",
    "compactness", "contiguous",
)  # fmt: skip


def area_demand(con: duckdb.DuckDBPyConnection, partnership: str, as_at: date) -> pl.DataFrame:
    return run(con, "zone_area_demand", partnership=partnership, as_at=as_at)


def area_providers(con: duckdb.DuckDBPyConnection, partnership: str, as_at: date) -> pl.DataFrame:
    return run(con, "zone_area_providers", partnership=partnership, as_at=as_at)


def todays_lots(con: duckdb.DuckDBPyConnection, partnership: str) -> pl.DataFrame:
    """Today's lots as an option: `area_code, zone` (the lot id), with the lot's model."""
    return run(con, "zone_lots", partnership=partnership)


def area_graph(
    demand: pl.DataFrame,
    *,
    links: Iterable[tuple[str, str]] = (),
    k: int = DEFAULTS.zone_nearest_centroids,
) -> geometry.Neighbours:
    """The areas' neighbour graph. It depends only on the areas' shapes, never on a filter or a
    date, so it is worked out once per set of areas and reused (a quarter of a second at 750 areas)."""
    return _graph(
        tuple(demand["area_code"].to_list()),
        tuple(demand["geometry_wkt"].to_list()),
        tuple(demand["centroid_lat"].to_list()),
        tuple(demand["centroid_lon"].to_list()),
        tuple(tuple(pair) for pair in links),
        k,
    )


@lru_cache(maxsize=16)
def _graph(codes, wkts, lat, lon, links, k) -> geometry.Neighbours:
    return geometry.neighbours(codes, wkts, lat, lon, links=links, k=k)


def read_option(
    source: Path | str, known_areas: Iterable[str], *, name: str | None = None
) -> pl.DataFrame:
    """Read and check an option CSV `area_code,zone[,model]` (a path, or the text itself with
    `name`). Every problem is a UserError naming the file and line, because the user must fix it."""
    if isinstance(source, Path):
        name = name or str(source)
        try:
            text = source.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise UserError(t("zones.option_unreadable", file=name, problem=exc)) from exc
    else:
        text, name = source, name or "option"
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    if "area_code" not in header or "zone" not in header:
        raise UserError(t("zones.option_header", file=name, found=", ".join(header) or "nothing"))
    reader.fieldnames = header
    known = set(known_areas)
    seen: dict[str, int] = {}
    rows = []
    for row in reader:
        line = reader.line_num
        code = (row.get("area_code") or "").strip()
        zone = (row.get("zone") or "").strip()
        if not code or not zone:
            raise UserError(t("zones.option_blank", file=name, line=line))
        if code not in known:
            raise UserError(t("zones.option_unknown_area", file=name, line=line, area=code))
        if code in seen:
            raise UserError(
                t("zones.option_duplicate", file=name, line=line, area=code, first=seen[code])
            )
        seen[code] = line
        rows.append({"area_code": code, "zone": zone, "model": (row.get("model") or "").strip()})
    if not rows:
        raise UserError(t("zones.option_empty", file=name))
    frame = pl.DataFrame(rows, schema={"area_code": pl.Utf8, "zone": pl.Utf8, "model": pl.Utf8})
    frame = frame.with_columns(pl.col("model").replace("", None))
    if FLOOR_COLUMN in header:
        frame = frame.with_columns(
            pl.lit(_option_floor(text, name), pl.Float64).alias(FLOOR_COLUMN)
        )
    return frame


def _option_floor(text: str, name: str) -> float | None:
    """The viability floor an option was designed with (`floor_hours`, the same on every line;
    blank: no floor), so a saved option reopens with its floor."""
    reader = csv.DictReader(io.StringIO(text))
    reader.fieldnames = [h.strip().lower() for h in reader.fieldnames or []]
    found: set[float | None] = set()
    for row in reader:
        raw = (row.get(FLOOR_COLUMN) or "").strip()
        try:
            value = float(raw) if raw else None
        except ValueError:
            value = -1.0
        if (
            value is not None
            and (not math.isfinite(value) or value < 0)
            or (found and value not in found)
        ):
            raise UserError(t("zones.option_floor_bad", file=name, line=reader.line_num, value=raw))
        found.add(value)
    return next(iter(found), None)


def _travel(group: pl.DataFrame) -> float | None:
    """Hours-weighted mean km from each area's centroid to the zone's hours-weighted centroid.
    A zone without hours has no care hour to sit anywhere: None."""
    hours = group["weekly_hours"].to_numpy()
    total = hours.sum()
    if total <= 0:
        return None
    lat, lon = group["centroid_lat"].to_numpy(), group["centroid_lon"].to_numpy()
    c_lat, c_lon = (hours * lat).sum() / total, (hours * lon).sum() / total
    return float((hours * geometry.haversine_km(lat, lon, c_lat, c_lon)).sum() / total)


def zone_provider_capacity(providers: pl.DataFrame, assignment: pl.DataFrame) -> pl.DataFrame:
    """One row per zone and provider already delivering there: its stated capacity computed for
    the zone, split between zones by the share of its weekly hours (across the partnership)
    delivered in each, evenly between its zones when it has no hours recorded. So a provider's
    capacity adds up to itself across zones instead of counting whole in each. Null capacity
    stays null (not stated)."""
    total = providers.group_by("provider_id").agg(pl.col("weekly_hours").sum().alias("total"))
    return (
        providers.join(assignment.select("area_code", "zone"), on="area_code")
        .group_by("zone", "provider_id")
        .agg(pl.col("weekly_hours").sum(), pl.col("capacity_hours_week").first())
        .join(total, on="provider_id")
        .with_columns(pl.len().over("provider_id").alias("zones_of_provider"))
        .with_columns(
            pl.when(pl.col("total") > 0)
            .then(pl.col("weekly_hours") / pl.col("total"))
            .otherwise(1 / pl.col("zones_of_provider"))
            .alias("share")
        )
        .select(
            "zone",
            "provider_id",
            (pl.col("capacity_hours_week") * pl.col("share")).alias("capacity_hours"),
        )  # fmt: skip
        .sort("zone", "provider_id")
    )


def _provider_figures(providers: pl.DataFrame, assignment: pl.DataFrame) -> pl.DataFrame:
    """Per zone: providers already delivering there, and their capacity computed for the zone."""
    return (
        zone_provider_capacity(providers, assignment)
        .group_by("zone")
        .agg(
            pl.len().alias("providers"),
            pl.col("capacity_hours").fill_null(0.0).sum().alias("provider_capacity_hours"),
            pl.col("capacity_hours").is_null().sum().alias("providers_without_capacity"),
        )
    )


def _per_zone(
    demand: pl.DataFrame, assignment: pl.DataFrame, graph: geometry.Neighbours
) -> pl.DataFrame:
    model = assignment["model"] if "model" in assignment.columns else None
    joined = demand.join(
        assignment.select("area_code", "zone", model=model), on="area_code", how="inner"
    )
    rows = []
    for (zone,), group in joined.group_by("zone", maintain_order=True):
        rural = group.filter(pl.col("urban_rural").is_in(RURAL_CLASSES))["weekly_hours"].sum()
        codes = group["area_code"].to_list()
        models = group["model"].drop_nulls()
        row = {"zone": zone, "areas": group.height, "model": models[0] if len(models) else None}
        row |= {col: group[col].sum() for col in SUMMED}
        row |= {
            "rural_hours": rural,
            "travel_km": _travel(group),
            "compactness": geometry.polsby_popper(
                geometry.merged_outline(group["geometry_wkt"].to_list())
            ),
            "contiguous": geometry.is_contiguous(codes, graph),
        }
        rows.append(row)
    if not rows:
        return pl.DataFrame(schema=ZONE_SCHEMA)
    shares = pl.DataFrame(rows, schema={**ZONE_SCHEMA, "rural_hours": pl.Float64}).with_columns(
        rate("rural_hours", "weekly_hours").alias("rural_share"),
        rate("direct_payment_people", "people_any_option").alias("direct_payment_uptake"),
    )
    return shares.select(list(ZONE_SCHEMA)).sort("zone")


def _balance(hours: np.ndarray) -> tuple[float | None, float | None]:
    """Coefficient of variation (population sd ÷ mean) and max ÷ min of zone hours."""
    if len(hours) == 0:
        return None, None
    mean = hours.mean()
    cv = float(hours.std() / mean) if mean > 0 else None
    return cv, (float(hours.max() / hours.min()) if hours.min() > 0 else None)


def match_to_lots(
    demand: pl.DataFrame, assignment: pl.DataFrame, today: pl.DataFrame
) -> dict[str, str]:
    """Each new zone matched one-to-one to the lot of today with which it shares the most weekly
    hours (Hungarian assignment, scipy `linear_sum_assignment`); zones left over (more zones than
    lots) or sharing no hours with their match stay unmatched."""
    shared = (
        demand.select("area_code", "weekly_hours")
        .join(assignment.select("area_code", "zone"), on="area_code")
        .join(today.select("area_code", pl.col("zone").alias("lot")), on="area_code")
        .group_by("zone", "lot")
        .agg(pl.col("weekly_hours").sum())
    )
    zones = sorted(assignment["zone"].unique().to_list())
    lots = sorted(today["zone"].unique().to_list())
    if not zones or not lots:
        return {}
    matrix = np.zeros((len(zones), len(lots)))
    zi = {z: i for i, z in enumerate(zones)}
    li = {lot: j for j, lot in enumerate(lots)}
    for zone, lot, hours in shared.iter_rows():
        matrix[zi[zone], li[lot]] = hours
    rows, cols = linear_sum_assignment(matrix, maximize=True)
    return {zones[r]: lots[c] for r, c in zip(rows, cols, strict=True) if matrix[r, c] > 0}


def area_changes(
    demand: pl.DataFrame, assignment: pl.DataFrame, today: pl.DataFrame
) -> tuple[dict[str, str], pl.DataFrame]:
    """Each area's lot today and the lot its new zone is matched to, and what happens to it:
    `stays`, `changes` (its new zone is matched to another lot, or to none), `joins` (in no lot
    today) or `leaves` (in no zone of the option). Returns the matching too."""
    matched = match_to_lots(demand, assignment, today)
    areas = (
        demand.select("area_code", "people", "weekly_hours")
        .join(assignment.select("area_code", "zone"), on="area_code", how="left")
        .join(today.select("area_code", pl.col("zone").alias("lot")), on="area_code", how="left")
        .with_columns(pl.col("zone").replace_strict(matched, default=None).alias("matched_lot"))
    )
    change = (
        pl.when(pl.col("zone").is_null())
        .then(pl.lit("leaves"))
        .when(pl.col("lot").is_null())
        .then(pl.lit("joins"))
        .when(pl.col("matched_lot").is_null() | (pl.col("matched_lot") != pl.col("lot")))
        .then(pl.lit("changes"))
        .otherwise(pl.lit("stays"))
    )
    return matched, areas.with_columns(change.alias("change"))


def _lot_changes(
    demand: pl.DataFrame, assignment: pl.DataFrame, today: pl.DataFrame
) -> tuple[dict[str, str], dict[str, int | float]]:
    """People (and hours) whose area's new zone is matched to a lot other than the one covering
    their area today; people whose area is in no lot today are counted apart (they join a lot)."""
    matched, areas = area_changes(demand, assignment, today)
    moving = areas.filter(pl.col("change") == "changes")
    joining = areas.filter(pl.col("change") == "joins")
    return matched, {
        "people_changing_lot": int(moving["people"].sum()),
        "hours_changing_lot": float(moving["weekly_hours"].sum()),
        "people_joining_a_lot": int(joining["people"].sum()),
    }


def zone_figures(
    demand: pl.DataFrame,
    assignment: pl.DataFrame,
    graph: geometry.Neighbours,
    *,
    floor: float | None = DEFAULTS.viability_floor_hours,
    today: pl.DataFrame | None = None,
    providers: pl.DataFrame | None = None,
) -> tuple[pl.DataFrame, dict, list[str]]:
    """The zones frame, the option's summary and the areas in no zone. `today` (today's lots) adds
    the lot each zone is matched to and how many people would change lot; `providers` (rows of
    `zone_area_providers`) adds provider counts and capacity."""
    zones = _per_zone(demand, assignment, graph)
    no_zone = sorted(set(demand["area_code"]) - set(assignment["area_code"]))
    hours = zones["weekly_hours"].to_numpy() if zones.height else np.array([])
    cv, max_min = _balance(hours)
    travel_known = zones.filter(pl.col("travel_km").is_not_null())
    compact = zones["compactness"].drop_nulls() if zones.height else pl.Series([], dtype=pl.Float64)
    option = {
        "zones": zones.height,
        "cv_hours": cv,
        "max_min_ratio": max_min,
        "smallest_hours": float(hours.min()) if len(hours) else None,
        "floor": floor,
        "zones_below_floor": int((hours < floor).sum()) if floor is not None else None,
        "travel_km_mean": travel_known.select(
            (pl.col("travel_km") * pl.col("weekly_hours")).sum().alias("km_hours"),
            pl.col("weekly_hours").sum(),
        )
        .select(rate("km_hours", "weekly_hours"))
        .item(),
        "compactness_mean": float(compact.mean()) if len(compact) else None,
        "non_contiguous": int((~zones["contiguous"]).sum()) if zones.height else 0,
        "neighbours": graph.method,
    }
    if providers is not None and zones.height:
        zones = zones.join(_provider_figures(providers, assignment), on="zone", how="left")
        zones = zones.with_columns(
            pl.col("providers", "providers_without_capacity").fill_null(0),
            pl.col("provider_capacity_hours").fill_null(0.0),
        ).with_columns(
            pl.when(pl.col("weekly_hours") > 0)
            .then(pl.col("provider_capacity_hours") / pl.col("weekly_hours"))
            .alias("capacity_to_hours")
        )
    if today is not None and zones.height:
        matched, changes = _lot_changes(demand, assignment, today)
        zones = zones.with_columns(
            pl.col("zone").replace_strict(matched, default=None).alias("matched_lot")
        )
        option |= changes
    return zones, option, no_zone


def plain(value):
    """JSON-safe: NaN and infinities become null, numpy scalars become Python numbers."""
    if isinstance(value, float | np.floating):
        return None if not math.isfinite(value) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    return value


def summary_json(
    as_at: date, zones: pl.DataFrame, option: dict, areas_in_no_zone: list[str]
) -> dict:
    """The `zones summary` JSON of cli.md: listed keys first, the extra figures after them.

    `zones` may come through disclosure.protect: its records then carry `"suppressed"`."""
    rows = []
    for record in to_records(zones):
        ordered = {key: record[key] for key in ZONE_JSON_KEYS}
        ordered |= {key: value for key, value in record.items() if key not in ordered}
        rows.append({key: plain(value) for key, value in ordered.items()})
    return {
        "as_at": as_at.isoformat(),
        "zones": rows,
        "areas_in_no_zone": list(areas_in_no_zone),
        "option": {key: plain(value) for key, value in option.items()},
    }


def summary(
    con: duckdb.DuckDBPyConnection,
    partnership: str,
    as_at: date,
    *,
    option: Path | None = None,
    floor: float | None = DEFAULTS.viability_floor_hours,
    links: Iterable[tuple[str, str]] = (),
    k: int = DEFAULTS.zone_nearest_centroids,
) -> tuple[pl.DataFrame, dict, list[str]]:
    """`dashboard zones summary`: today's lots, or the option CSV, summarised (exact figures)."""
    demand = area_demand(con, partnership, as_at)
    today = todays_lots(con, partnership)
    assignment = read_option(option, demand["area_code"]) if option is not None else today
    return zone_figures(
        demand,
        assignment,
        area_graph(demand, links=links, k=k),
        floor=floor,
        today=today if option is not None else None,
        providers=area_providers(con, partnership, as_at),
    )
