"""Each headline figure three ways: through the library, as the one hand-written DuckDB query that
gets the same number (the floor for this machine), and, for attainment, as an analyst would do it
today in pandas straight from the Parquet files. Each way must give the same number."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import duckdb
import pandas as pd

from dashboard.core.periods import Period
from dashboard.extract.export import Export
from dashboard.outcomes import attainment as outcome_figures
from dashboard.spend import figures as spend
from dashboard.zones import figures as zones

QUERIES = Path(__file__).resolve().parent / "queries"
# Two ways agree when they differ by less than this (floating-point sums in another order).
SAME_NUMBER = 1e-9


@cache
def floor_sql(name: str) -> str:
    return (QUERIES / f"floor_{name}.sql").read_text(encoding="utf-8")


def floor_value(con: duckdb.DuckDBPyConnection, name: str, **params) -> float | None:
    return con.sql(floor_sql(name), params=params).fetchall()[0][0]


@dataclass(frozen=True)
class Figure:
    """One figure: what it is, the library call that gives it, and its floor query's name and
    parameters."""

    name: str
    library_call: str
    library: Callable[[], float | None]
    floor: str
    params: dict


def figures(export: Export, partnership: str, period: Period, as_at: date) -> list[Figure]:
    """The figures compared with their floors, each library call the narrowest public one."""
    con = export.cursor()
    window = {"partnership": partnership, "p_start": period.start, "p_end": period.end}

    def attainment(column: str) -> Callable[[], float | None]:
        return lambda: outcome_figures.attainment(
            con, partnerships=[partnership], periods=[period]
        )[column][0]

    def utilisation() -> float | None:
        figs = spend.spend_figures(con, partnership=partnership, periods=[period])
        return figs["utilisation"][0]

    lots = zones.todays_lots(con, partnership)
    lot = lots["zone"].mode().sort()[0] if lots.height else None

    def lot_hours() -> float | None:
        frame, _, _ = zones.summary(con, partnership, as_at)
        return frame.filter(frame["zone"] == lot)["weekly_hours"][0]

    found = [
        Figure("attainment rate", "outcomes.attainment", attainment("rate"), "attainment", window),
        Figure("review coverage", "outcomes.attainment", attainment("coverage"), "coverage", window),
        Figure("budget utilisation", "spend.spend_figures", utilisation,
               "budget_utilisation", window),
    ]  # fmt: skip
    if lot is not None:
        found.append(
            Figure(f"weekly hours of lot {lot}", "zones.summary", lot_hours, "lot_hours",
                   {"lot_id": lot, "as_at": as_at})
        )  # fmt: skip
    return found


def pandas_attainment(folder: Path, partnership: str, period: Period) -> float:
    """The attainment rate the way an analyst computes it today: read the files, keep the
    partnership's outcomes, take each outcome's latest review in P, met ÷ the rest."""
    areas = pd.read_parquet(folder / "areas.parquet", columns=["area_code", "partnership"])
    people = pd.read_parquet(folder / "people.parquet", columns=["person_id", "area_code"])
    goals = pd.read_parquet(
        folder / "personal_outcomes.parquet", columns=["outcome_id", "person_id"]
    )
    reviews = pd.read_parquet(
        folder / "outcome_reviews.parquet",
        columns=["outcome_id", "review_id", "review_date", "status"],
    )
    mine = people.merge(areas[areas["partnership"] == partnership], on="area_code")
    goals = goals[goals["person_id"].isin(mine["person_id"])]
    dates = pd.to_datetime(reviews["review_date"])
    in_p = reviews[
        (dates >= pd.Timestamp(period.start))
        & (dates <= pd.Timestamp(period.end))
        & reviews["outcome_id"].isin(goals["outcome_id"])
    ]
    latest = in_p.sort_values(["review_date", "review_id"]).groupby("outcome_id").tail(1)
    counted = latest[latest["status"] != "no_longer_relevant"]
    return float((counted["status"] == "met").sum() / len(counted))


def same(a: float | None, b: float | None) -> bool:
    return a is not None and b is not None and abs(a - b) < SAME_NUMBER
