"""Demography for emerging needs (issue 22, export-contract.md v1.2 `area_populations`): the rate
base of each quarter from the population of its own year, and how many more new plans and requests
the current rates imply in five and ten years.

A financial year April Y to March Y+1 takes the mid-year Y figure (mid-year estimates are dated 30
June, inside its first quarter; this is how Scottish figures are usually paired). A year the table
does not hold for an area takes the nearest year it holds; an area missing from the table, or an
export without the table, takes `areas.population` for every year, so the page works as before.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from dashboard.core.periods import Period

HORIZONS = (5, 10)  # years ahead the projection panel looks
POPULATION_COLUMNS = ("population", "population_65plus")


def financial_year(period: Period) -> int:
    """The year Y of the financial year (April Y to March Y+1) a quarter is in."""
    return period.start.year if period.start.month >= 4 else period.start.year - 1


def area_years(
    areas: pl.DataFrame, populations: pl.DataFrame, years: Sequence[int]
) -> pl.DataFrame:
    """area_code, year, population, population_65plus for every area of `areas` and each year:
    the table's figure for that year, else its nearest year for the area, else the areas' own."""
    grid = areas.select("area_code").join(
        pl.DataFrame({"year": list(years)}, schema={"year": pl.Int32}), how="cross"
    )
    held = populations.select("area_code", pl.col("year").cast(pl.Int32), *POPULATION_COLUMNS)
    if held.height:
        nearest = (
            grid.join(held.select("area_code", held_year="year"), on="area_code")
            .with_columns(gap=(pl.col("held_year") - pl.col("year")).abs())
            .sort(["area_code", "year", "gap", "held_year"])
            .group_by(["area_code", "year"], maintain_order=True)
            .agg(pl.col("held_year").first())
        )
        grid = grid.join(nearest, on=["area_code", "year"], how="left").join(
            held.rename({"year": "held_year"}), on=["area_code", "held_year"], how="left"
        )
    else:
        grid = grid.with_columns(pl.lit(None, pl.Int64).alias(c) for c in POPULATION_COLUMNS)
    own = areas.select("area_code", *(pl.col(c).alias(f"own_{c}") for c in POPULATION_COLUMNS))
    return grid.join(own, on="area_code").select(
        "area_code", "year",
        *(pl.coalesce(c, f"own_{c}").cast(pl.Float64).alias(c) for c in POPULATION_COLUMNS),
    )  # fmt: skip


def quarter_bases(
    areas: pl.DataFrame, populations: pl.DataFrame, quarters: Sequence[Period]
) -> pl.DataFrame:
    """locality, q, population, population_65plus: each quarter's rate base from its own year."""
    years = pl.DataFrame(
        {"q": list(range(len(quarters))), "year": [financial_year(p) for p in quarters]},
        schema={"q": pl.Int32, "year": pl.Int32},
    )
    by_year = area_years(areas, populations, sorted(set(years["year"].to_list())))
    return (
        by_year.join(areas.select("area_code", "locality"), on="area_code")
        .join(years, on="year")
        .group_by(["locality", "q"])
        .agg(pl.col(c).sum() for c in POPULATION_COLUMNS)
    )


def projection(
    cell_frame: pl.DataFrame,
    areas: pl.DataFrame,
    populations: pl.DataFrame,
    latest: Period,
    horizons: Sequence[int] = HORIZONS,
) -> pl.DataFrame:
    """measure, grp, now, in_5, in_10 (and more_5, more_10): the latest year's new plans and requests
    by group, and how many a year the same rates (per head of the locality, aged 65+ for the older
    groups) would give with each locality's projected population in five and ten years. Empty
    without the table (nothing to project with). Outcomes set are a share, so not projected."""
    if not populations.height:
        return pl.DataFrame()
    year = financial_year(latest)
    future = area_years(areas, populations, [year + h for h in horizons])
    by_locality = (
        future.join(areas.select("area_code", "locality"), on="area_code")
        .group_by(["locality", "year"])
        .agg(pl.col(c).sum() for c in POPULATION_COLUMNS)
    )
    rows = cell_frame.filter(pl.col("base") != "outcomes_set").select(
        "measure", "locality", "grp", "recent", "base",
        a_quarter=pl.col("exposure_recent") / 4,
    )  # fmt: skip
    for h in horizons:
        pop = by_locality.filter(pl.col("year") == year + h).drop("year")
        rows = (
            rows.join(pop, on="locality", how="left")
            .with_columns(
                (
                    pl.col("recent")
                    * pl.when(pl.col("base") == "population_65plus")
                    .then(pl.col("population_65plus"))
                    .otherwise(pl.col("population"))
                    / pl.col("a_quarter")
                ).alias(f"in_{h}")
            )
            .drop(*POPULATION_COLUMNS)
        )
    return (
        rows.group_by(["measure", "grp"])
        .agg(pl.col("recent").sum().alias("now"), *(pl.col(f"in_{h}").sum() for h in horizons))
        .with_columns((pl.col(f"in_{h}") - pl.col("now")).alias(f"more_{h}") for h in horizons)
        .sort(["measure", f"more_{horizons[-1]}", "grp"], descending=[False, True, False])
    )
