"""The outcome pages' protected tables: attainment by a breakdown with its total and 95% intervals,
and distance travelled. Each leaves this module through disclosure control."""

from __future__ import annotations

import polars as pl

from dashboard.core import formats
from dashboard.core.disclosure import Policy, protect
from dashboard.core.framework import Framework, load_framework
from dashboard.core.intervals import wilson
from dashboard.core.page import View
from dashboard.core.settings import Settings
from dashboard.core.strings import t
from dashboard.extract.export import Export
from dashboard.outcomes.attainment import attainments, distance_travelled

ATTAINMENT_COUNTS = ["met", "partly_met", "not_met", "denominator", "due", "reviewed"]


def _group_labels(by: str, groups: list[str | None], framework: Framework) -> list[str]:
    if by == "national_outcome":
        names = {str(o.number): f"{o.number} {o.label}" for o in framework.outcomes}
    elif by == "domain":
        names = {d.code: d.label for d in framework.domains}
    else:
        names = {}
    keyed = {"sds_option": "group_sds", "deprivation_decile": "group_decile",
             "urban_rural": "group_urban_rural"}  # fmt: skip

    def label(g: str | None) -> str:
        if g is None:
            return t("outcome_pages.group_unknown")
        if g in names:
            return names[g]
        if by in keyed:
            return t(f"outcome_pages.{keyed[by]}", value=g)
        return formats.label(g) if by != "locality" else g

    return [label(g) for g in groups]


def trend_table(frame: pl.DataFrame, measure: str, numerator: str, policy: Policy) -> pl.DataFrame:
    """The table behind a rate's SPC chart: each period's counts, the rate and review coverage."""
    return protect(
        frame.select("period", numerator, "denominator", measure, "due", "reviewed", "coverage"),
        policy,
        counts=[numerator, "denominator", "due", "reviewed"],
        rates={measure: (numerator, "denominator"), "coverage": ("reviewed", "due")},
    )


def breakdown_table(
    export: Export, settings: Settings, view: View, by: str, policy: Policy
) -> pl.DataFrame:
    """Attainment by `by` for P with its total row ("All"), protected together, with 95% Wilson
    intervals declared as rates of met ÷ denominator so they are hidden with the rate."""
    common = {
        "partnerships": [view.partnership],
        "periods": [view.p],
        "filters": view.filters,
        "framework_file": settings.framework_file,
    }
    con = export.cursor()
    counted = attainments(con, **common, bys=(by, "all"))
    groups = counted[by].with_columns(is_total=pl.lit(False))
    total = counted["all"].with_columns(is_total=pl.lit(True), grp=pl.lit(None))
    framework = load_framework(settings.framework_file)
    both = pl.concat([groups, total.select(groups.columns)])
    labels = _group_labels(by, groups["grp"].to_list(), framework) + [t("web.all")]
    low, high = wilson("met", "denominator")
    frame = both.with_columns(
        pl.Series("group", labels, dtype=pl.String), low.alias("ci_low"), high.alias("ci_high")
    )
    columns = ["group", *ATTAINMENT_COUNTS[:4], "rate", "ci_low", "ci_high", "partly_met_rate",
               "due", "reviewed", "coverage", "is_total"]  # fmt: skip
    if by == "national_outcome":
        statements = {str(o.number): o.statement for o in framework.outcomes}
        frame = frame.with_columns(
            pl.col("grp").replace_strict(statements, default=None).alias("statement")
        )
        columns.insert(1, "statement")
    return protect(
        frame.select(columns),
        policy,
        counts=ATTAINMENT_COUNTS,
        rates={
            "rate": ("met", "denominator"),
            "ci_low": ("met", "denominator"),
            "ci_high": ("met", "denominator"),
            "partly_met_rate": ("partly_met", "denominator"),
            "coverage": ("reviewed", "due"),
        },
        parts={"denominator": ["met", "partly_met", "not_met"]},
        total_flag="is_total",
    )


def distance_table(export: Export, settings: Settings, view: View, policy: Policy) -> pl.DataFrame:
    """Distance travelled per score tool and in total. The mean rests on the outcomes counted, so
    it is declared as their "rate" and hidden with them; shown to 2 decimals as score points."""
    df = distance_travelled(
        export.cursor(), partnerships=[view.partnership], periods=[view.p], filters=view.filters
    )
    frame = df.select(
        pl.when(pl.col("is_total"))
        .then(pl.lit(t("outcome_pages.all_tools")))
        .otherwise(pl.col("score_tool").fill_null(t("outcome_pages.tool_not_recorded")))
        .alias("score_tool"),
        pl.col("outcomes").cast(pl.Int64),
        pl.col("mean").cast(pl.Float64),
        "is_total",
    )
    protected = protect(
        frame,
        policy,
        counts=["outcomes"],
        rates={"mean": ("outcomes", "outcomes")},
        total_flag="is_total" if frame.height else None,
    )
    return protected.with_columns(pl.col("mean").cast(pl.Decimal(12, 2)))
