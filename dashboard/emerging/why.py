"""Why a signal rose (issue 22): what changed inside it. For the signal's measure and group in its
locality, the mix of its events in the latest four quarters against its history and against the
partnership's latest four quarters: age band, sex, deprivation fifth, SDS option and the outcomes
its people set; and how long home care requests in the locality waited for a package.

Counts go through disclosure control one breakdown at a time with the breakdown's total (the
signal's own count), so one small category cannot be worked out from the others; a share is hidden
with its count. SQL in `queries/emerging_why.sql` and `queries/emerging_waits.sql`.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import polars as pl

from dashboard.core import disclosure, query
from dashboard.core.disclosure import Policy
from dashboard.core.periods import Period
from dashboard.core.strings import t
from dashboard.emerging.stats import RECENT_QUARTERS

DIMENSIONS = ("age_band", "sex", "deprivation", "sds_option", "outcomes")
COUNTS = ("recent", "before", "partnership")
MIN_CHANGE = 0.05  # a share must grow by five points to be named: smaller shifts are noise
SHARES = {"recent_share": "recent", "before_share": "before", "partnership_share": "partnership"}
WHY_SCHEMA = {"dimension": pl.String, "category": pl.String, "recent": pl.Int64,
              "before": pl.Int64, "partnership": pl.Int64}  # fmt: skip


def _spans(quarters: Sequence[Period], first_q: int) -> dict:
    return {"first": quarters[first_q].start, "recent_start": quarters[-RECENT_QUARTERS].start,
            "stop": quarters[-1].end_exclusive}  # fmt: skip


def mix(con: duckdb.DuckDBPyConnection, partnership: str, cell: dict,
        quarters: Sequence[Period]) -> pl.DataFrame:  # fmt: skip
    """dimension, category, recent, before (the signal's locality), partnership (the latest four
    quarters across the partnership): event counts by breakdown, exact."""
    rows = query.run(
        con, "emerging_why", partnership=partnership, measure=cell["measure"], grp=cell["grp"],
        locality=cell["locality"], **_spans(quarters, cell["first_q"]),
    )  # fmt: skip
    keyed = rows.with_columns(
        col=pl.when(pl.col("place") == "partnership").then(pl.lit("partnership"))
        .otherwise(pl.col("span"))
    ).filter((pl.col("place") == "cell") | (pl.col("span") == "recent"))  # fmt: skip
    if not keyed.height:
        return pl.DataFrame(schema=WHY_SCHEMA)
    wide = keyed.pivot(on="col", index=["dimension", "category"], values="n")
    for c in COUNTS:
        if c not in wide.columns:
            wide = wide.with_columns(pl.lit(0, pl.Int64).alias(c))
    order = {d: i for i, d in enumerate(DIMENSIONS)}
    return (
        wide.select(*WHY_SCHEMA)
        .with_columns(pl.col(c).fill_null(0).cast(pl.Int64) for c in COUNTS)
        .sort(pl.col("dimension").replace_strict(order, default=len(order)), "category")
    )


def protect_mix(frame: pl.DataFrame, policy: Policy) -> pl.DataFrame:
    """Each breakdown with its total row through disclosure control, then shares of the total
    (hidden where their count is)."""
    parts = []
    for (dimension,), part in frame.group_by(["dimension"], maintain_order=True):
        total = {"dimension": dimension, "category": "total", "is_total": True}
        total |= {c: int(part[c].sum()) for c in COUNTS}
        both = pl.concat([part.with_columns(is_total=pl.lit(False)), pl.DataFrame([total])],
                         how="diagonal_relaxed")  # fmt: skip
        shares = [(pl.col(c) / pl.col(c).filter(pl.col("is_total")).first()).alias(s)
                  for s, c in SHARES.items()]  # fmt: skip
        out = disclosure.protect(both.with_columns(shares), policy, counts=list(COUNTS),
                                 total_flag="is_total")  # fmt: skip
        parts.append(
            out.filter(~pl.col("is_total"))
            .drop("is_total")
            .with_columns(
                pl.when(pl.col(disclosure.flag(c))).then(None).otherwise(pl.col(s)).alias(s)
                for s, c in SHARES.items()
            )
        )
    if not parts:
        return disclosure.protect(pl.DataFrame(schema=WHY_SCHEMA), policy, counts=list(COUNTS))
    return pl.concat(parts, how="diagonal_relaxed")


def category_label(dimension: str, category: str) -> str:
    """Words for a category: outcome domains as words, the rest from the strings file."""
    if dimension == "outcomes":
        return category.replace("_", " ")
    return t(f"emerging.why_{category}")


def mix_sentences(protected: pl.DataFrame) -> list[str]:
    """One sentence a breakdown: the category whose share grew most against the years before."""
    out = []
    for (dimension,), part in protected.group_by(["dimension"], maintain_order=True):
        shown = part.filter(
            pl.col("recent_share").is_not_null() & pl.col("before_share").is_not_null()
        )
        if not shown.height:
            continue
        top = shown.sort(pl.col("recent_share") - pl.col("before_share"), descending=True).row(
            0, named=True
        )
        if top["recent_share"] - top["before_share"] < MIN_CHANGE:
            continue
        partnership = top["partnership_share"]
        out.append(
            t("emerging.why_sentence", dimension=t(f"emerging.why_dim_{dimension}"),
              category=category_label(dimension, top["category"]), recent=top["recent_share"],
              before=top["before_share"],
              partnership=t("emerging.why_partnership", share=partnership)
              if partnership is not None else "")
        )  # fmt: skip
    return out


def waits(con: duckdb.DuckDBPyConnection, partnership: str, cell: dict,
          quarters: Sequence[Period], policy: Policy) -> str | None:  # fmt: skip
    """Home care requests in the signal's locality: the median wait for a package in the latest
    year against the years before and the partnership; None when a board may not see it."""
    rows = query.run(con, "emerging_waits", partnership=partnership, locality=cell["locality"],
                     **_spans(quarters, cell["first_q"]))  # fmt: skip
    look = {(r["span"], r["place"]): r for r in rows.iter_rows(named=True)}
    need = [
        look.get(k) for k in (("recent", "cell"), ("before", "cell"), ("recent", "partnership"))
    ]
    if any(r is None or r["median_wait_days"] is None for r in need):
        return None
    if policy.controlled and any(policy.is_small(r["met"]) for r in need):
        return None
    recent, before, whole = need
    return t("emerging.why_waits", locality=cell["locality"], recent=recent["median_wait_days"],
             before=before["median_wait_days"], partnership=whole["median_wait_days"],
             requests=recent["requests"], met=recent["met"])  # fmt: skip


def for_reader(protected: pl.DataFrame) -> pl.DataFrame:
    """The mix table with words for its dimensions and categories, not codes."""
    pairs = protected.select("dimension", "category").rows()
    return protected.with_columns(
        dimension=pl.Series([t(f"emerging.why_dim_{d}") for d, _ in pairs], dtype=pl.String),
        category=pl.Series([category_label(d, c) for d, c in pairs], dtype=pl.String),
    ).rename({"partnership": "partnership_recent",
              disclosure.flag("partnership"): disclosure.flag("partnership_recent")})  # fmt: skip
