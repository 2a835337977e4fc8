"""Funnel plots (Spiegelhalter 2005): is a unit's rate different from the reference rate by more
than chance, given how many it counts? One place for the limits, the over-dispersion adjustment and
the verdict, so every page, the `figures` JSON and the board pack compare units the same way
(docs/figures.md, "Funnel plots").

Limits are exact binomial quantiles around the reference rate, interpolated between whole counts
(Spiegelhalter 2005, appendix A.1.1), at 95% and 99.8%. With the adjustment `none` they are
exactly that; `multiplicative` and `additive` widen each limit's distance from the reference when
the units differ among themselves more than chance allows.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl
from scipy.stats import binom

ADJUSTMENTS = ("none", "multiplicative", "additive")
LEVELS = {"95": 0.95, "998": 0.998}  # two-sided coverage of the inner and outer limits
WINSOR = 0.1  # share of z-scores pulled in on each side before estimating over-dispersion
BANDS = ("high_998", "high_95", "inside", "low_95", "low_998")


def binomial_limit(n: int, p0: float, prob: float) -> float:
    """The `prob` quantile of (events out of n) ÷ n at rate p0, interpolated between whole counts:
    with r the smallest count whose cumulative probability reaches `prob`, the limit is
    (r − α) ÷ n, α = (F(r) − prob) ÷ (F(r) − F(r − 1)) (Spiegelhalter 2005, A.1.1)."""
    if n <= 0:
        raise ValueError("a funnel limit needs a denominator above 0")
    if p0 <= 0.0 or p0 >= 1.0:
        return min(max(p0, 0.0), 1.0)
    r = float(binom.ppf(prob, n, p0))
    at, below = float(binom.cdf(r, n, p0)), float(binom.cdf(r - 1, n, p0))
    alpha = 0.0 if at == below else (at - prob) / (at - below)
    return (r - alpha) / n


@dataclass(frozen=True)
class Dispersion:
    """How far the units spread beyond chance: phi (multiplicative, 1 = none), tau2 (additive
    between-unit variance, 0 = none), and the adjustment chosen."""

    adjustment: str = "none"
    phi: float = 1.0
    tau2: float = 0.0

    def widen(self, n: float, p0: float) -> float:
        """The factor a limit's distance from p0 is multiplied by at denominator n."""
        if self.adjustment == "multiplicative":
            return math.sqrt(max(self.phi, 1.0))
        if self.adjustment == "additive" and 0.0 < p0 < 1.0:
            return math.sqrt(1.0 + self.tau2 / (p0 * (1.0 - p0) / n))
        return 1.0


def _winsorised(z: list[float]) -> list[float]:
    """z-scores with the WINSOR share on each side set to the nearest value kept (none pulled in
    when there are fewer than ten units)."""
    k = math.floor(WINSOR * len(z))
    if k == 0:
        return z
    ordered = sorted(z)
    low, high = ordered[k], ordered[-k - 1]
    return [min(max(v, low), high) for v in z]


def dispersion(
    numerators: Sequence[float], denominators: Sequence[float], p0: float, adjustment: str
) -> Dispersion:
    """Spiegelhalter's estimate from the units' winsorised z-scores: phi = mean z²; tau² by
    DerSimonian and Laird, (I·phi − (I − 1)) ÷ (Σw − Σw² ÷ Σw), w = n ÷ (p0(1 − p0)), never below 0.
    A multiplicative phi under 1 widens nothing."""
    if adjustment not in ADJUSTMENTS:
        raise ValueError(f"funnel adjustment must be one of {', '.join(ADJUSTMENTS)}")
    units = [(r, n) for r, n in zip(numerators, denominators, strict=True) if n and n > 0]
    if adjustment == "none" or len(units) < 2 or not 0.0 < p0 < 1.0:
        return Dispersion(adjustment)
    var = p0 * (1.0 - p0)
    z = _winsorised([(r / n - p0) / math.sqrt(var / n) for r, n in units])
    phi = sum(v * v for v in z) / len(z)
    weights = [n / var for _, n in units]
    spread = sum(weights) - sum(w * w for w in weights) / sum(weights)
    tau2 = max(0.0, (len(z) * phi - (len(z) - 1)) / spread) if spread > 0 else 0.0
    return Dispersion(adjustment, phi, tau2)


def limits(n: float, p0: float, spread: Dispersion = Dispersion()) -> dict[str, float]:
    """The four limits at denominator n, each widened by the dispersion and kept within 0–1."""
    out = {}
    widen = spread.widen(n, p0)
    for name, level in LEVELS.items():
        tail = (1.0 - level) / 2.0
        for side, prob in (("lower", tail), ("upper", 1.0 - tail)):
            exact = binomial_limit(round(n), p0, prob)
            out[f"{side}_{name}"] = min(max(p0 + (exact - p0) * widen, 0.0), 1.0)
    return out


def band(value: float, lim: dict[str, float]) -> str:
    """Where a rate sits: beyond the 99.8% or the 95% limits (high or low), or inside. A rate
    exactly on a limit is inside it."""
    if value > lim["upper_998"]:
        return "high_998"
    if value < lim["lower_998"]:
        return "low_998"
    if value > lim["upper_95"]:
        return "high_95"
    if value < lim["lower_95"]:
        return "low_95"
    return "inside"


@dataclass(frozen=True)
class Funnel:
    """One funnel: the reference rate, the dispersion used, and per unit its rate, limits and band
    (columns unit, numerator, denominator, rate, the four limits, band)."""

    reference: float | None
    spread: Dispersion
    units: pl.DataFrame

    def outside(self, level: str) -> list[str]:
        """Units beyond the limits of `level` ("95" includes those beyond 99.8%)."""
        bands = ("high_998", "low_998") if level == "998" else ("high_998", "low_998", "high_95", "low_95")  # fmt: skip
        return self.units.filter(pl.col("band").is_in(bands))["unit"].to_list()

    def to_json(self) -> dict:
        """The `funnel` object of the figures JSON (docs/figures.md)."""
        return {
            "reference": self.reference,
            "adjustment": self.spread.adjustment,
            "phi": self.spread.phi,
            "tau2": self.spread.tau2,
            "outside_95": self.outside("95"),
            "outside_998": self.outside("998"),
            "units": self.units.with_columns(
                pl.col("numerator", "denominator").round().cast(pl.Int64)
            ).to_dicts(),
        }


UNIT_SCHEMA = {"unit": pl.String, "numerator": pl.Float64, "denominator": pl.Float64}
LIMIT_COLUMNS = ("lower_95", "upper_95", "lower_998", "upper_998")


def funnel(
    units: pl.DataFrame, *, reference: float | None = None, adjustment: str = "none"
) -> Funnel:
    """Compare units (unit, numerator, denominator) with the reference rate (default: pooled,
    Σ numerators ÷ Σ denominators). Units with a denominator of 0 have no rate and are left out."""
    rows = units.select(list(UNIT_SCHEMA)).cast(UNIT_SCHEMA).filter(pl.col("denominator") > 0)
    if reference is None and rows.height:
        reference = rows["numerator"].sum() / rows["denominator"].sum()
    if reference is None:
        empty = {**UNIT_SCHEMA, "rate": pl.Float64, **dict.fromkeys(LIMIT_COLUMNS, pl.Float64),
                 "band": pl.String}  # fmt: skip
        return Funnel(None, Dispersion(adjustment), pl.DataFrame(schema=empty))
    spread = dispersion(rows["numerator"], rows["denominator"], reference, adjustment)
    out = []
    for row in rows.iter_rows(named=True):
        lim = limits(row["denominator"], reference, spread)
        value = row["numerator"] / row["denominator"]
        out.append({**row, "rate": value, **lim, "band": band(value, lim)})
    schema = {**UNIT_SCHEMA, "rate": pl.Float64, **dict.fromkeys(LIMIT_COLUMNS, pl.Float64),
              "band": pl.String}  # fmt: skip
    return Funnel(reference, spread, pl.DataFrame(out, schema=schema))


def curve(
    reference: float, spread: Dispersion, largest: float, smallest: float = 1.0, points: int = 60
) -> pl.DataFrame:
    """The limits drawn as lines over the units' denominators and a little beyond (log-spaced
    whole counts), so units of similar size are not squeezed into a corner."""
    low, top = math.log(max(1.0, smallest / 3)), math.log(max(2.0, largest * 1.3))
    ns = sorted({max(1, round(math.exp(low + (top - low) * i / (points - 1))))
                 for i in range(points)})  # fmt: skip
    return pl.DataFrame([{"denominator": float(n), **limits(n, reference, spread)} for n in ns])
