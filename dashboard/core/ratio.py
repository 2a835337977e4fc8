"""The one ratio every figure uses: a rate, a share or a cost per unit is numerator ÷ denominator,
and is not computable (null), never zero or infinite, when the denominator is 0."""

from __future__ import annotations

import polars as pl


def rate(numerator: str, denominator: str) -> pl.Expr:
    """numerator ÷ denominator, null (not computable) when the denominator is 0."""
    den = pl.col(denominator).cast(pl.Float64)
    return pl.when(den != 0).then(pl.col(numerator) / den).otherwise(None)
