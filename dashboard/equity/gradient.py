"""Which gap in attainment a board should read first, and the deprivation gradient (issue 20).

A gap between two small or unrecorded groups ("other" against "not known") is mostly noise, so the
equity page leads with the largest gap that is reliable: both groups have enough outcomes and the
95 % interval of the difference (Newcombe's hybrid score method, from each rate's Wilson interval)
is clear of zero. The deprivation gradient is stated over every decile at once: the most against
the least deprived, and the slope index of inequality (SII) with its interval (docs/evaluation.md).
"""

from __future__ import annotations

import math

import polars as pl
from scipy.stats import norm

UNRECORDED = ("not_known", "not_recorded")  # a gap to "not known" is about recording, not people
Z95 = float(norm.ppf(0.975))


def difference_interval(high: dict, low: dict) -> tuple[float, float]:
    """Newcombe's 95 % interval of high − low from their Wilson intervals (method 10): unlike
    "the two intervals do not overlap", it is neither too strict nor blind to small groups."""
    p1, l1, u1 = high["rate"], high["rate_low"], high["rate_high"]
    p2, l2, u2 = low["rate"], low["rate_low"], low["rate_high"]
    d = p1 - p2
    return d - math.hypot(p1 - l1, u2 - p2), d + math.hypot(u1 - p1, p2 - l2)


def reliable_gaps(table: pl.DataFrame, min_denominator: int) -> list[dict]:
    """Per breakdown, its highest against its lowest shown rate over groups with at least
    `min_denominator` outcomes (recorded groups only), with the difference's interval; largest
    first."""
    shown = table.filter(
        pl.col("rate").is_not_null(),
        pl.col("rate_low").is_not_null(),
        pl.col("denominator").fill_null(0) >= min_denominator,
        ~pl.col("group").is_in(UNRECORDED),
    )
    gaps = []
    for (breakdown,), rows in shown.group_by("breakdown", maintain_order=True):
        if rows.height < 2:
            continue
        ordered = rows.sort("rate")
        high, low = ordered.row(-1, named=True), ordered.row(0, named=True)
        lo, hi = difference_interval(high, low)
        gaps.append({"breakdown": breakdown, "high": high, "low": low,
                     "gap": high["rate"] - low["rate"], "gap_low": lo, "gap_high": hi,
                     "reliable": lo > 0})  # fmt: skip
    return sorted(gaps, key=lambda g: g["gap"], reverse=True)


def lead_gap(table: pl.DataFrame, min_denominator: int) -> dict | None:
    """The largest reliable gap; else the largest gap, marked as not clear of chance."""
    gaps = reliable_gaps(table, min_denominator)
    return next((g for g in gaps if g["reliable"]), gaps[0] if gaps else None)


def slope_index(deciles: pl.DataFrame) -> dict | None:
    """The slope index of inequality of attainment across deprivation deciles (1 most deprived):
    each shown decile's rate placed at the middle of its share of outcomes reviewed, ranked from
    most to least deprived (0 to 1), and the line fitted by least squares weighted by each rate's
    inverse binomial variance. SII is the fitted difference from the most to the least deprived
    end; its 95 % interval is ± 1.96 standard errors. None with fewer than three deciles."""
    rows = (
        deciles.filter(pl.col("rate").is_not_null(), pl.col("denominator").fill_null(0) > 0)
        .with_columns(pl.col("group").cast(pl.Int64, strict=False).alias("decile"))
        .filter(pl.col("decile").is_not_null())
        .sort("decile")
    )
    if rows.height < 3:
        return None
    n = rows["denominator"].cast(pl.Float64).to_list()
    p = rows["rate"].to_list()
    total, cum, ranks = sum(n), 0.0, []
    for size in n:
        ranks.append((cum + size / 2) / total)
        cum += size
    # a rate of 0 or 1 has no binomial variance: bound it by half an outcome either side
    w = [k / max(r * (1 - r), 0.25 / k) for k, r in zip(n, p, strict=True)]
    sw = sum(w)
    mx = sum(wi * x for wi, x in zip(w, ranks, strict=True)) / sw
    my = sum(wi * y for wi, y in zip(w, p, strict=True)) / sw
    sxx = sum(wi * (x - mx) ** 2 for wi, x in zip(w, ranks, strict=True))
    if sxx == 0:
        return None
    slope = sum(wi * (x - mx) * (y - my) for wi, x, y in zip(w, ranks, p, strict=True)) / sxx
    se = math.sqrt(1 / sxx)
    most, least = rows.row(0, named=True), rows.row(-1, named=True)
    return {"sii": slope, "low": slope - Z95 * se, "high": slope + Z95 * se,
            "most": most, "least": least, "deciles": rows.height}  # fmt: skip
