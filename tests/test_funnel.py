"""Funnel limits on hand-worked examples (docs/figures.md, "Funnel plots").

The exact limits are worked from the binomial distribution by hand: at n = 20, p0 = 0.5 the
cumulative probabilities are sums of C(20, k) ÷ 2^20 (F(2) = 211/2^20, F(3) = 1351/2^20), and the
interpolated limit is (r − α) ÷ n with α = (F(r) − prob) ÷ (F(r) − F(r − 1)).
"""

from __future__ import annotations

import math

import polars as pl
import pytest

from dashboard.core.funnel import Dispersion, binomial_limit, dispersion, funnel, limits

# 2^20 = 1048576; Σ C(20, k) for k ≤ r:
C20 = [1, 20, 190, 1140, 4845, 15504, 38760, 77520, 125970, 167960, 184756]
C20 = C20 + C20[-2::-1]


def cdf20(r: int) -> float:
    return sum(C20[: r + 1]) / 2**20


def test_exact_limits_at_20_worked_by_hand():
    # 99.8%: lower prob 0.001 → r = 3 (F(2) = 0.000201 < 0.001 ≤ F(3) = 0.001288)
    alpha = (cdf20(3) - 0.001) / (cdf20(3) - cdf20(2))
    assert binomial_limit(20, 0.5, 0.001) == pytest.approx((3 - alpha) / 20, abs=1e-12)
    assert binomial_limit(20, 0.5, 0.001) == pytest.approx(0.136736, abs=1e-6)
    # upper prob 0.999 → r = 17 (F(16) = 0.998712 < 0.999 ≤ F(17) = 0.999799)
    alpha = (cdf20(17) - 0.999) / (cdf20(17) - cdf20(16))
    assert binomial_limit(20, 0.5, 0.999) == pytest.approx((17 - alpha) / 20, abs=1e-12)
    assert binomial_limit(20, 0.5, 0.999) == pytest.approx(0.813264, abs=1e-6)
    # 95%: prob 0.025 → r = 6 (F(5) = 0.020695, F(6) = 0.057659)
    alpha = (cdf20(6) - 0.025) / (cdf20(6) - cdf20(5))
    assert limits(20, 0.5)["lower_95"] == pytest.approx((6 - alpha) / 20, abs=1e-12)
    assert limits(20, 0.5)["lower_95"] == pytest.approx(0.255824, abs=1e-6)
    assert limits(20, 0.5)["upper_95"] == pytest.approx(0.694176, abs=1e-6)


def test_exact_limits_at_100_and_1000_approach_the_normal_ones():
    lim = limits(100, 0.5)
    assert (lim["lower_998"], lim["upper_998"]) == pytest.approx((0.341216, 0.648784), abs=1e-6)
    assert (lim["lower_95"], lim["upper_95"]) == pytest.approx((0.396824, 0.593176), abs=1e-6)
    lim = limits(1000, 0.5)
    assert (lim["lower_998"], lim["upper_998"]) == pytest.approx((0.450652, 0.548348), abs=1e-6)
    # the normal limit at n = 1000: 0.5 ± 3.0902 × √(0.25 / 1000) = 0.5 ± 0.048861
    assert lim["upper_998"] == pytest.approx(0.5 + 3.090232 * math.sqrt(0.25 / 1000), abs=2e-3)


def test_a_unit_just_inside_and_just_outside():
    # at n = 20 the 99.8% limits are 0.1367 and 0.8133: 16/20 = 0.80 is inside, 17/20 outside;
    # 3/20 = 0.15 is inside the lower limit, 2/20 = 0.10 outside it
    units = pl.DataFrame(
        {"unit": ["in_high", "out_high", "in_low", "out_low", "big"],
         "numerator": [16, 17, 3, 2, 500], "denominator": [20, 20, 20, 20, 1000]}
    )  # fmt: skip
    f = funnel(units, reference=0.5)
    bands = dict(zip(f.units["unit"], f.units["band"], strict=True))
    assert bands == {"in_high": "high_95", "out_high": "high_998", "in_low": "low_95",
                     "out_low": "low_998", "big": "inside"}  # fmt: skip
    assert f.outside("998") == ["out_high", "out_low"]
    assert f.outside("95") == ["in_high", "out_high", "in_low", "out_low"]


def test_the_reference_is_pooled_and_an_empty_unit_is_left_out():
    units = pl.DataFrame({"unit": ["a", "b", "c"], "numerator": [30, 10, 0],
                          "denominator": [60, 40, 0]})  # fmt: skip
    f = funnel(units)
    assert f.reference == pytest.approx(40 / 100)
    assert f.units["unit"].to_list() == ["a", "b"]
    assert f.to_json()["adjustment"] == "none"


def test_over_dispersion_on_a_constructed_case():
    # four units of 100 at 0.3, 0.5, 0.5, 0.7 around p0 = 0.5: z = ±4 for two, 0 for two
    # (z = 0.2 ÷ √(0.25/100) = 4); fewer than ten units, so nothing is winsorised: phi = 32/4 = 8
    r, n = [30, 50, 50, 70], [100, 100, 100, 100]
    multiplicative = dispersion(r, n, 0.5, "multiplicative")
    assert multiplicative.phi == pytest.approx(8.0)
    lim = limits(100, 0.5, multiplicative)
    plain = limits(100, 0.5)
    assert lim["upper_998"] - 0.5 == pytest.approx((plain["upper_998"] - 0.5) * math.sqrt(8))
    # additive: w = 100/0.25 = 400 each; Σw = 1600, Σw² / Σw = 400; tau² = (4·8 − 3) ÷ 1200
    additive = dispersion(r, n, 0.5, "additive")
    assert additive.tau2 == pytest.approx(29 / 1200)
    widen = math.sqrt(1 + (29 / 1200) / (0.25 / 100))
    assert limits(100, 0.5, additive)["lower_95"] - 0.5 == pytest.approx(
        (plain["lower_95"] - 0.5) * widen
    )
    # the units at 0.3 and 0.7 are beyond the plain 99.8% limits, inside the widened ones
    units = pl.DataFrame({"unit": list("abcd"), "numerator": r, "denominator": n})
    assert funnel(units, reference=0.5).outside("998") == ["a", "d"]
    assert funnel(units, reference=0.5, adjustment="multiplicative").outside("998") == []
    # under-dispersed units widen nothing
    assert Dispersion("multiplicative", phi=0.5).widen(100, 0.5) == 1.0


def test_ten_units_are_winsorised_before_phi():
    # ten units; the most extreme z on each side is pulled in to its neighbour
    r = [10, 40, 45, 50, 50, 50, 50, 55, 60, 90]
    got = dispersion(r, [100] * 10, 0.5, "multiplicative").phi
    z = [-2.0, -2.0, -1.0, 0, 0, 0, 0, 1.0, 2.0, 2.0]  # ±8 pulled in to ±2
    assert got == pytest.approx(sum(v * v for v in z) / 10)
