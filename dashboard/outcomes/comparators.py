"""Fair comparison with peers and within the partnership: the funnel of partnerships for each local
indicator that is a share of counts, the funnels of localities, lots and providers for attainment
and review coverage, and the spine chart's table (docs/figures.md, "Funnel plots" and "Spine chart").

The statistics are `core/funnel`'s; this module chooses the units, their reference rate and what a
board may see: a unit whose counts are suppressed is left off the funnel (and counted as such).
"""

from __future__ import annotations

from dataclasses import replace

import polars as pl

from dashboard.core.disclosure import Policy, flag, shown_count
from dashboard.core.funnel import LIMIT_COLUMNS, Funnel, funnel
from dashboard.core.strings import t
from dashboard.outcomes.indicators import ATTAINMENT_IDS

# Local indicators that are a share of people, outcomes or providers: the ones a funnel can judge.
FUNNEL_IDS = (*ATTAINMENT_IDS, "no2_intensive_at_home", "no3_choice_control", "no8_graded_good")
MEASURES = {"attainment": ("met", "denominator"), "coverage": ("reviewed", "due")}
SPREAD = ("lowest", "q25", "median", "q75", "highest")


def _small(policy: Policy, *counts: float | None) -> bool:
    """For a board: any count from 1 to the threshold − 1 among those a point would reveal."""
    return policy.controlled and any(policy.is_small(c) for c in counts if c is not None)


def board_funnel(units: pl.DataFrame, policy: Policy, reference: float | None, adjustment: str):
    """The funnel of `units` (unit, numerator, denominator, smallest_count): limits, reference and
    dispersion from every unit, exact; for a board the units whose counts are suppressed (their
    numerator, denominator, the complement, or `smallest_count`) are then left off. Returns the
    funnel and how many units were left off."""
    full = funnel(units, reference=reference, adjustment=adjustment)
    rows = units.filter(pl.col("denominator") > 0).to_dicts()
    hidden = [
        r["unit"]
        for r in rows
        if _small(
            policy,
            r["numerator"],
            r["denominator"],
            r["denominator"] - r["numerator"],
            r.get("smallest_count"),
        )  # fmt: skip
    ]
    shown = full.units.filter(~pl.col("unit").is_in(hidden))
    if policy.controlled and policy.method == "round5":
        shown = shown.with_columns(
            pl.col(c).map_elements(
                lambda n: float(shown_count(int(n), policy)), return_dtype=pl.Float64
            )
            for c in ("numerator", "denominator")
        )
    return replace(full, units=shown), len(hidden)


def partnership_units(row: dict, home: str) -> pl.DataFrame:
    """The home partnership and each peer with counts, for one indicator row of indicator_table."""
    units = [{"unit": home, "numerator": row["numerator"], "denominator": row["denominator"],
              "smallest_count": row["smallest_count"]}]  # fmt: skip
    for peer in row.get("peer_units") or []:
        if peer["numerator"] is not None and peer["denominator"] is not None:
            units.append(
                {k: peer[k] for k in ("unit", "numerator", "denominator", "smallest_count")}
            )
    schema = {"unit": pl.String, "numerator": pl.Float64, "denominator": pl.Float64,
              "smallest_count": pl.Float64}  # fmt: skip
    return pl.DataFrame(units, schema=schema).filter(pl.col("denominator").is_not_null())


def partnership_funnels(
    table: pl.DataFrame, home: str, policy: Policy, adjustment: str
) -> dict[str, tuple[Funnel, int]]:
    """Per funnel indicator with peers to compare: the funnel of partnerships around the Scotland
    figure where the benchmark file gives one, else around the pooled rate of all the units."""
    out = {}
    for row in table.filter(pl.col("indicator_id").is_in(FUNNEL_IDS)).to_dicts():
        units = partnership_units(row, home)
        if units.height < 2 or row["denominator"] in (None, 0):
            continue
        out[row["indicator_id"]] = board_funnel(units, policy, row.get("scotland"), adjustment)
    return out


def unit_funnels(
    counted: pl.DataFrame, policy: Policy, adjustment: str, names: dict[str, str] | None = None
) -> dict[str, tuple[Funnel, int]]:
    """Attainment and review coverage of the units of one breakdown (an `attainments` frame: grp,
    met, denominator, reviewed, due); `names` relabels units (a board's provider labels)."""
    rows = counted.filter(pl.col("grp").is_not_null())
    unit = pl.col("grp").replace_strict(names, default=None) if names else pl.col("grp")
    out = {}
    for measure, (num, den) in MEASURES.items():
        units = rows.select(
            unit.alias("unit"), pl.col(num).alias("numerator"), pl.col(den).alias("denominator")
        ).filter(pl.col("unit").is_not_null())
        out[measure] = board_funnel(units, policy, None, adjustment)
    return out


def band_text(band: str) -> str:
    return t(f"funnel.band_{band}")


def funnel_table(f: Funnel) -> pl.DataFrame:
    """A funnel's units as a table: counts, the rate, the four limits and where it sits in words.
    Every unit shown is already past disclosure control (board_funnel), so no cell is hidden; the
    flags mark the rates as rates for the screen and the files."""
    figures = ("numerator", "denominator", "rate", *LIMIT_COLUMNS)
    return f.units.with_columns(
        pl.col("numerator", "denominator").round().cast(pl.Int64),
        *(pl.lit(False).alias(flag(c)) for c in figures),
        pl.col("band")
        .replace_strict({b: band_text(b) for b in f.units["band"].unique()}, default=None)
        .alias("compared"),  # fmt: skip
    ).drop("band")


def outside_sentence(f: Funnel, left_off: int, what: str) -> str:
    """The plain sentence under a funnel: the units beyond the 99.8% limits named, or none."""
    high = f.units.filter(pl.col("band") == "high_998")["unit"].to_list()
    low = f.units.filter(pl.col("band") == "low_998")["unit"].to_list()
    sides = [t(f"funnel.outside_{side}", units=", ".join(units))
             for side, units in (("high", high), ("low", low)) if units]  # fmt: skip
    parts = [t("funnel.outside", what=what, parts="; ".join(sides)) if sides
             else t("funnel.none_outside", what=what)]  # fmt: skip
    if left_off:
        parts.append(t("funnel.left_off", n=left_off))
    return " ".join(parts)


def comparison_json(row: dict, funnels: dict[str, tuple[Funnel, int]], policy: Policy) -> dict:
    """The comparator, Scotland and funnel keys a `figures` indicator record gains (cli.md allows
    added keys): hidden for a board where a peer's count is small, as the peer average is."""
    hide = _small(policy, row.get("peer_smallest_count"))
    spread = {k: None if hide else row.get(f"peer_{k}") for k in SPREAD}
    found = funnels.get(row["indicator_id"])
    out = {
        "scotland": row.get("scotland"),
        "scotland_source": row.get("scotland_source"),
        "comparators": {"count": row.get("peer_count") or 0, **spread},
        "funnel": None,
    }
    if hide:
        out["comparators"]["suppressed"] = True
    if found is not None:
        f, left_off = found
        out["funnel"] = {**f.to_json(), "left_off": left_off}
    return out


def spine_table(
    table: pl.DataFrame, records: list[dict], funnels: dict[str, tuple[Funnel, int]], home: str
) -> pl.DataFrame:
    """One row per indicator with a value and comparators: the home value (as the board record
    shows it), Scotland, the comparators' lowest, quartiles and highest, and how the home value
    sits in the funnel of partnerships. Figures are in the indicator's own unit."""
    shown = {r["id"]: r for r in records}
    rows = []
    for row in table.to_dicts():
        rec = shown[row["indicator_id"]]
        hide = rec["peer_average"] is None and row["peer_average"] is not None
        f = funnels.get(row["indicator_id"])
        at_home = f[0].units.filter(pl.col("unit") == home)["band"].to_list() if f else []
        rows.append({
            "national_outcome": row["national_outcome"], "indicator_id": row["indicator_id"],
            "indicator": row["label"], "unit": row["unit"],
            "good_direction": row["good_direction"], "value": rec["value"],
            "scotland": row.get("scotland"),
            **{k: None if hide else row.get(f"peer_{k}") for k in ("lowest", "q25", "q75", "highest")},
            "comparators": row.get("peer_count") or 0,
            "compared": band_text(at_home[0]) if at_home else None,
            "source": "; ".join(s for s in (row.get("peer_source"), row.get("scotland_source")) if s) or None,
            flag("value"): rec["value"] is None and row["value"] is not None,
            **{flag(k): hide for k in ("lowest", "q25", "q75", "highest")},
        })  # fmt: skip
    schema = {"national_outcome": pl.Int64, "indicator_id": pl.String, "indicator": pl.String,
              "unit": pl.String, "good_direction": pl.String, "value": pl.Float64,
              "scotland": pl.Float64, **dict.fromkeys(("lowest", "q25", "q75", "highest"), pl.Float64),
              "comparators": pl.Int64, "compared": pl.String, "source": pl.String,
              **{flag(k): pl.Boolean for k in ("value", "lowest", "q25", "q75", "highest")}}  # fmt: skip
    return pl.DataFrame(rows, schema=schema)


def spine_for(
    table: pl.DataFrame, records: list[dict], home: str, policy: Policy, adjustment: str
) -> pl.DataFrame:
    """The national outcomes page's spine table from its indicator table and board records."""
    return spine_table(table, records, partnership_funnels(table, home, policy, adjustment), home)


def with_comparisons(
    records: list[dict], table: pl.DataFrame, home: str, policy: Policy, adjustment: str
) -> list[dict]:
    """The `figures` indicator records, each with its comparison keys added."""
    funnels = partnership_funnels(table, home, policy, adjustment)
    rows = {r["indicator_id"]: r for r in table.to_dicts()}
    return [{**rec, **comparison_json(rows[rec["id"]], funnels, policy)} for rec in records]
