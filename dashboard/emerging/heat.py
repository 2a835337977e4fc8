"""Where need is rising (issue 22): a locality × group heat map of rate ratios for one measure, and
the projection panel's words. Data in, a Plotly figure, frames or sentences out.

The colour is log2 of the rate ratio on a colour-blind-safe diverging scale (ColorBrewer PuOr)
centred on 1 (no change), from half to twice the earlier rate; each cell also prints its ratio, so
colour is never the only cue. A cell whose counts are hidden by disclosure control is blank, not
coloured, and its text says so.
"""

from __future__ import annotations

import math

import plotly.graph_objects as go
import polars as pl

from dashboard.core import disclosure
from dashboard.core.disclosure import Policy
from dashboard.core.strings import t

SCALE = "PuOr_r"  # purple falling, orange rising; safe for the common colour-vision deficiencies
SPAN = 1.0  # log2 units either side of 1: half to twice the earlier rate
PROJECTION_NAMES = {"now": "latest_year", "in_5": "in_five_years", "in_10": "in_ten_years",
                    "more_5": "more_in_five_years", "more_10": "more_in_ten_years"}  # fmt: skip


def ratio_grid(cell_frame: pl.DataFrame, measure: str, policy: Policy) -> pl.DataFrame:
    """locality, grp, rate_ratio (null where hidden or infinite), new (nothing before), suppressed:
    the measure's cells through disclosure control (a ratio would give a hidden count away)."""
    cells = cell_frame.filter(pl.col("measure") == measure, pl.col("p_value").is_not_null())
    out = disclosure.protect(
        cells.select("locality", "grp", "recent", "before", "rate_ratio"),
        policy,
        counts=["recent", "before"],
    )
    hidden = pl.col(disclosure.flag("recent")) | pl.col(disclosure.flag("before"))
    return out.select(
        "locality", "grp",
        pl.when(hidden).then(None).otherwise(pl.col("rate_ratio")).alias("rate_ratio"),
        (~hidden & pl.col("rate_ratio").is_null()).alias("new"),
        hidden.alias("suppressed"),
    ).sort("grp", "locality")  # fmt: skip


def heat_figure(grid: pl.DataFrame, title: str) -> go.Figure | None:
    """Groups down, localities across; None when the measure has no cell."""
    if not grid.height:
        return None
    localities = sorted(set(grid["locality"].to_list()))
    groups = sorted(set(grid["grp"].to_list()))
    look = {(r["grp"], r["locality"]): r for r in grid.iter_rows(named=True)}
    z, text = [], []
    for g in groups:
        z_row, text_row = [], []
        for loc in localities:
            r = look.get((g, loc))
            if r is None or r["suppressed"]:
                z_row.append(None)
                text_row.append(t("emerging.heat_hidden") if r else "")
            elif r["new"]:
                z_row.append(SPAN)
                text_row.append(t("emerging.heat_new"))
            else:
                z_row.append(max(-SPAN, min(SPAN, math.log2(max(r["rate_ratio"], 1e-9)))))
                text_row.append(f"{r['rate_ratio']:.2f}×")
        z.append(z_row)
        text.append(text_row)
    ticks = [-1.0, -0.5, 0.0, 0.5, 1.0]
    fig = go.Figure(
        go.Heatmap(
            z=z, x=localities, y=[g.replace("_", " ") for g in groups], text=text,
            texttemplate="%{text}", colorscale=SCALE, zmin=-SPAN, zmax=SPAN, zmid=0,
            hoverongaps=False, hovertemplate="%{y}, %{x}: %{text}<extra></extra>",
            colorbar={"title": t("emerging.heat_scale"), "tickvals": ticks,
                      "ticktext": [f"{2**v:.2g}×" for v in ticks]},
        )
    )  # fmt: skip
    fig.update_layout(title=title, height=max(260, 28 * len(groups) + 120))
    fig.update_yaxes(autorange="reversed")  # groups read A to Z down the page
    return fig


def projection_sentences(table: pl.DataFrame, policy: Policy) -> tuple[pl.DataFrame, list[str]]:
    """The projection table through disclosure control (a projection gives its group's latest
    count back, so it is hidden with it) and one sentence a measure, totals over the groups."""
    if table.is_empty():
        return table, [t("emerging.projection_none")]
    whole = table.select("measure", "grp", "now",
                         *(pl.col(c).round(0).cast(pl.Int64) for c in ("in_5", "in_10")))  # fmt: skip
    # projections are figures of people too: a small one is hidden like a count, and the "more"
    # columns (differences of a few) are left to the sentences, which give only totals
    protected = disclosure.protect(whole, policy, counts=["now", "in_5", "in_10"]).rename(
        {c: PROJECTION_NAMES[c] for c in ("now", "in_5", "in_10")}
        | {
            disclosure.flag(c): disclosure.flag(PROJECTION_NAMES[c])
            for c in ("now", "in_5", "in_10")
        }
    )
    now_hidden = pl.col(disclosure.flag("latest_year"))
    for c in ("in_five_years", "in_ten_years"):  # a projection would give a hidden count back
        protected = protected.with_columns(
            pl.when(now_hidden).then(None).otherwise(pl.col(c)).alias(c),
            (pl.col(disclosure.flag(c)) | now_hidden).alias(disclosure.flag(c)),
        )
    sentences = []
    for (measure,), part in table.group_by(["measure"], maintain_order=True):
        if policy.controlled and policy.is_small(int(part["now"].sum())):
            continue
        sentences.append(
            t(f"emerging.projection_{measure}", now=int(part["now"].sum()),
              in_5=round(part["in_5"].sum()), in_10=round(part["in_10"].sum()))
        )  # fmt: skip
    return protected, sentences
