"""95 % intervals the pages put beside a rate, so a board can tell a gap from chance."""

from __future__ import annotations

import polars as pl
from scipy.stats import chi2

CONFIDENCE = 0.95
Z_95 = 1.959963984540054  # standard normal quantile for a two-sided 95 % interval


def wilson(numerator: str, denominator: str, z: float = Z_95) -> tuple[pl.Expr, pl.Expr]:
    """Wilson score interval of numerator ÷ denominator; null bounds when the denominator is 0.
    Wilson rather than the normal approximation because small groups and rates near 0 or 1 are
    common here, where the normal interval runs past 0% or 100%."""
    n = pl.col(denominator).cast(pl.Float64)
    p = pl.col(numerator) / n
    shrink = 1 + z**2 / n
    centre = (p + z**2 / (2 * n)) / shrink
    half = z / shrink * (p * (1 - p) / n + z**2 / (4 * n**2)).sqrt()
    valid = n > 0
    return (
        pl.when(valid).then(centre - half).otherwise(None),
        pl.when(valid).then(centre + half).otherwise(None),
    )


def garwood(count: int, exposure: float, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Exact (Garwood) Poisson interval of count ÷ exposure: chi-square quantiles, so it is right
    for the small counts of a single decile or age band, and its lower end is 0 for a zero count."""
    alpha = 1 - confidence
    low = chi2.ppf(alpha / 2, 2 * count) / 2 if count > 0 else 0.0
    high = chi2.ppf(1 - alpha / 2, 2 * count + 2) / 2
    return float(low) / exposure, float(high) / exposure
