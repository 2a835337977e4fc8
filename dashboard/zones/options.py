"""Designing, editing, saving and loading a zoning option (a frame `area_code, zone, model`).

The zone map page works on one option in the session; these functions take an option and return a
new one, or write and read it as files, so the page stays a thin layer of widgets over them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from dashboard.core.contract import LOT_MODELS
from dashboard.core.errors import UserError
from dashboard.core.files import safe_stem
from dashboard.core.settings import Settings
from dashboard.core.strings import t
from dashboard.extract.export import Export
from dashboard.zones import design, figures
from dashboard.zones.design import InfeasibleDesign
from dashboard.zones.views import ZoneInputs


@dataclass(frozen=True)
class Proposal:
    """A proposed option and the warnings the page shows above it in words (a floor not met, an
    island without a link making a zone of its own)."""

    option: pl.DataFrame  # area_code, zone, model
    warnings: list[str]


def proposal(
    inputs: ZoneInputs,
    settings: Settings,
    *,
    k: int,
    floor: float | None,
    keep_lots: Sequence[str] = (),
    lock: Mapping[str, str] | None = None,
    travel_share: float | None = None,
    seed: int = design.DESIGN_SEED,
    progress: design.Progress | None = None,
) -> Proposal:
    """A proposed option (`area_code, zone, model, floor_hours`) of `k` zones in all, with its
    warnings: the lots in `keep_lots` stay exactly as they are today (areas and model), areas in
    `lock` (area: zone) stay in the zone named (joining it when it is a kept lot), and the other
    zones are designed over the remaining areas. `travel_share` (0 to 1) is how much short travel
    weighs against even hours; None: the settings' weights. When no option found has every zone at
    the floor the best found comes back with a warning saying so. Raises InfeasibleDesign with the
    reason."""
    lock = dict(lock or {})
    joining = {a: z for a, z in lock.items() if z in keep_lots}
    kept = pl.concat([
        inputs.today.filter(pl.col("zone").is_in(list(keep_lots))
                            & ~pl.col("area_code").is_in(list(lock))),
        pl.DataFrame({"area_code": list(joining), "zone": list(joining.values())},
                     schema={"area_code": pl.Utf8, "zone": pl.Utf8}).join(
            inputs.today.select("zone", "model").unique("zone"), on="zone", how="left"),
    ], how="vertical_relaxed")  # fmt: skip
    rest = inputs.demand.join(kept, on="area_code", how="anti")
    designed = k - len(keep_lots)
    if rest.height and designed < 1:
        raise InfeasibleDesign(t("zone_panel.design_keep_all", k=k, kept=len(keep_lots)))
    total = settings.zone_balance_weight + settings.zone_travel_weight
    weights = (settings.zone_balance_weight, settings.zone_travel_weight)
    if travel_share is not None:
        weights = ((1 - travel_share) * total, travel_share * total)
    free_lock = {a: z for a, z in lock.items() if a not in joining}
    found = design.design_option(
        rest, inputs.graph, k=designed, floor=floor or 0.0, seed=seed, lock=free_lock,
        weights=weights, time_limit=settings.zone_design_time_limit_s, progress=progress,
    ) if rest.height else None  # fmt: skip
    option = (
        found.assignment if found else pl.DataFrame(schema={"area_code": pl.Utf8, "zone": pl.Utf8})
    ).with_columns(model=pl.lit(None, pl.Utf8))
    return Proposal(
        with_floor(pl.concat([kept.select(option.columns), option]).sort("area_code"), floor),
        found.warnings() if found else [],
    )


def travel_share(settings: Settings) -> float:
    """The settings' weight on short travel as a share of both weights (the form's default)."""
    total = settings.zone_balance_weight + settings.zone_travel_weight
    return settings.zone_travel_weight / total if total > 0 else 0.5


def move_area(assignment: pl.DataFrame, area_code: str, zone: str) -> pl.DataFrame:
    """The option with one area moved to `zone` (added if the option left it out). A zone that
    already has a model lends it to nothing: the model belongs to the zone, not the area."""
    models = dict(assignment.select("zone", "model").unique("zone").iter_rows())
    rest = assignment.filter(pl.col("area_code") != area_code)
    row = {"area_code": [area_code], "zone": [zone], "model": [models.get(zone)]}
    if figures.FLOOR_COLUMN in assignment.columns:  # the option's floor stays with it
        row[figures.FLOOR_COLUMN] = [assignment[figures.FLOOR_COLUMN][0]]
    return pl.concat([rest, pl.DataFrame(row, schema=assignment.schema)]).sort("area_code")


def with_floor(assignment: pl.DataFrame, floor: float | None) -> pl.DataFrame:
    """The option carrying the viability floor it was designed with (None: no floor), which its
    figures, its saved CSV and the compare page read back."""
    return assignment.with_columns(pl.lit(floor or None, pl.Float64).alias(figures.FLOOR_COLUMN))


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


def options_folder(settings: Settings, export: Export) -> Path:
    """The options folder; an options folder inside the export folder is refused, because the
    export is the partnership's data and must not change under the dashboard."""
    folder, data = Path(settings.options_dir).resolve(), Path(export.folder).resolve()
    if folder == data or folder.is_relative_to(data):
        raise UserError(t("zone_pages.options_inside_export", folder=settings.options_dir,
                          export=export.folder))  # fmt: skip
    return folder


def option_csv(assignment: pl.DataFrame) -> str:
    """`area_code,zone,model[,floor_hours]`: what `figures.read_option` and `zones summary
    --option` read back (the floor, when the option carries one, on every line)."""
    columns = ["area_code", "zone", "model"]
    columns += [figures.FLOOR_COLUMN] if figures.FLOOR_COLUMN in assignment.columns else []
    return assignment.select(columns).sort("area_code").write_csv()


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
    return figures.read_option(source, inputs.demand["area_code"], name=name)
