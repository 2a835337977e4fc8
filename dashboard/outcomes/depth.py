"""Personal outcomes in depth: the type of outcome (quality of life, change, process) and distance
travelled as a journey (how many moved up, stayed or moved down), as protected tables.

Types are a breakdown of attainment (outcomes/attainment.py); the journey is counted by
queries/outcomes_journey.sql over the population distance travelled averages. Definitions are in
docs/outcomes.md. Every frame leaves through disclosure control.
"""

from __future__ import annotations

import duckdb
import polars as pl

from dashboard.core.contract import OUTCOME_TYPES
from dashboard.core.disclosure import Policy, protect
from dashboard.core.framework import load_framework
from dashboard.core.page import NO_FILTERS, Filters, View
from dashboard.core.periods import Period, period_params
from dashboard.core.query import run
from dashboard.core.settings import Settings
from dashboard.core.strings import t
from dashboard.extract.export import Export
from dashboard.outcomes.attainment import attainment, label_periods

DIRECTIONS = ("down", "same", "up")
# Bands of change in score points: a band holds more outcomes than one value would, so fewer cells
# are small; the ends are open ("3 or more").
BANDS = ((-99, -3, "down_3"), (-2, -2, "down_2"), (-1, -1, "down_1"), (0, 0, "same"),
         (1, 1, "up_1"), (2, 2, "up_2"), (3, 99, "up_3"))  # fmt: skip


def types_recorded(export: Export, partnership: str) -> bool:
    """Whether any outcome of the partnership carries a type: an export without the optional
    column (or with it empty) is told so rather than shown a breakdown of nothing."""
    return run(export.cursor(), "outcomes_types_recorded", partnership=partnership)["typed"][0] > 0


def type_series(
    export: Export, view: View, periods: list[Period], framework_file, policy: Policy
) -> pl.DataFrame:
    """Attainment of each outcome type in each period, protected: what the types' trend draws."""
    df = attainment(export.cursor(), partnerships=[view.partnership], periods=periods,
                    by="outcome_type", filters=view.filters, framework_file=framework_file)  # fmt: skip
    df = df.filter(pl.col("grp").is_in(OUTCOME_TYPES)).sort("p", "grp")
    frame = df.select(
        "period", "period_start",
        pl.col("grp").replace_strict(type_labels(), default=None).alias("outcome_type"),
        "met", "denominator", "rate",
    )  # fmt: skip
    return protect(frame, policy, counts=["met", "denominator"],
                   rates={"rate": ("met", "denominator")})  # fmt: skip


def type_labels() -> dict[str, str]:
    return {k: t(f"outcome_pages.type_{k}") for k in OUTCOME_TYPES}


def journey_counts(
    con: duckdb.DuckDBPyConnection,
    *,
    partnerships: list[str],
    periods: list[Period],
    filters: Filters = NO_FILTERS,
) -> pl.DataFrame:
    """Outcomes by tool, domain and change of score (latest − first) per partnership × period."""
    df = run(con, "outcomes_journey", partnerships=partnerships, **period_params(periods),
             **filters.params())  # fmt: skip
    return label_periods(df.with_columns(pl.col("p").cast(pl.Int64)), periods)


TOOL_NAMES = ("outcomes_star", "iroc")  # the tools with a name in the strings file


def _tool_label(tool: str | None) -> str:
    """A tool's plain name (a tool the strings file does not name is shown as the export wrote it)."""
    if tool is None:
        return t("outcome_pages.tool_not_recorded")
    return t(f"outcome_pages.tool_{tool}") if tool in TOOL_NAMES else tool


def journey_table(export: Export, settings: Settings, view: View, policy: Policy) -> pl.DataFrame:
    """Per tool and domain, how many outcomes moved up, stayed or moved down between their first
    and latest scored review, and their shares. Tools are never added together; each row's
    directions add up to its outcomes, so a small one is protected with a partner."""
    df = journey_counts(export.cursor(), partnerships=[view.partnership], periods=[view.p],
                        filters=view.filters)  # fmt: skip
    domains = {d.code: d.label for d in load_framework(settings.framework_file).domains}
    rows = (
        df.with_columns(
            pl.when(pl.col("change") > 0).then(pl.lit("up"))
            .when(pl.col("change") < 0).then(pl.lit("down")).otherwise(pl.lit("same"))
            .alias("direction")
        )
        .group_by("score_tool", "domain", "direction")
        .agg(pl.col("outcomes").sum())
        .pivot(on="direction", index=["score_tool", "domain"], values="outcomes")
    )  # fmt: skip
    for d in DIRECTIONS:
        if d not in rows.columns:
            rows = rows.with_columns(pl.lit(0, pl.Int64).alias(d))
    rows = rows.with_columns(pl.col(d).fill_null(0).cast(pl.Int64) for d in DIRECTIONS)
    rows = rows.with_columns(outcomes=pl.sum_horizontal(*DIRECTIONS)).sort(
        pl.col("score_tool").fill_null("~"), "domain"
    )
    frame = rows.select(
        pl.col("score_tool").map_elements(_tool_label, return_dtype=pl.String, skip_nulls=False),
        pl.col("domain").replace_strict(domains, default=pl.col("domain")),
        "outcomes", "up", "same", "down",
        *(pl.when(pl.col("outcomes") > 0).then(pl.col(d) / pl.col("outcomes"))
          .alias(f"share_{d}") for d in ("up", "same", "down")),
    )  # fmt: skip
    return protect(
        frame,
        policy,
        counts=["outcomes", "up", "same", "down"],
        rates={f"share_{d}": (d, "outcomes") for d in ("up", "same", "down")},
        parts={"outcomes": list(DIRECTIONS)},
    )


def change_table(export: Export, view: View, policy: Policy) -> pl.DataFrame:
    """The distribution of change per tool, in bands of score points (a tool's bands add up to
    its outcomes; each tool protected on its own, as its bands and total are one table)."""
    df = journey_counts(export.cursor(), partnerships=[view.partnership], periods=[view.p],
                        filters=view.filters)  # fmt: skip
    parts = []
    for (tool,), one in df.group_by("score_tool", maintain_order=True):
        counts = {b: 0 for *_, b in BANDS}
        for change, n in one.select("change", "outcomes").iter_rows():
            band = next(b for lo, hi, b in BANDS if lo <= change <= hi)
            counts[band] += n
        total = sum(counts.values())
        frame = pl.DataFrame(
            {
                "score_tool": [_tool_label(tool)] * (len(BANDS) + 1),
                "change": [t(f"outcome_pages.band_{b}") for b in counts] + [t("web.all")],
                "outcomes": [*counts.values(), total],
                "is_total": [False] * len(BANDS) + [True],
            },
            schema_overrides={"outcomes": pl.Int64},
        )
        parts.append(protect(frame, policy, counts=["outcomes"], total_flag="is_total"))
    if not parts:
        empty = pl.DataFrame(schema={"score_tool": pl.String, "change": pl.String,
                                     "outcomes": pl.Int64, "is_total": pl.Boolean})  # fmt: skip
        return protect(empty, policy, counts=["outcomes"])
    return pl.concat(parts)
