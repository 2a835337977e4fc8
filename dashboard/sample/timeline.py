"""Days as integers (days since 1970-01-01), so every date sum in the generator is numpy arithmetic."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

EPOCH = date(1970, 1, 1)
WINDOW_START = date(2021, 4, 1)  # the export covers five financial years from here to the extract
STOCK_START = date(2016, 4, 1)  # plans already running at the window start began after this
WINTER_PEAK_DAY_OF_YEAR = 15  # mid-January: seasonal factors peak here


def day(d: date) -> int:
    return (d - EPOCH).days


def to_date(n: int) -> date:
    return date.fromordinal(EPOCH.toordinal() + int(n))


def seasonal(days: np.ndarray, amplitude: float) -> np.ndarray:
    """1 + amplitude at mid-winter, 1 − amplitude at mid-summer: more need in winter."""
    doy = (days.astype(np.int64) + EPOCH.toordinal() - date(2000, 1, 1).toordinal()) % 365.25
    return 1.0 + amplitude * np.cos(2 * np.pi * (doy - WINTER_PEAK_DAY_OF_YEAR) / 365.25)


def sample_days(rng: np.random.Generator, n: int, lo: int, weights: np.ndarray) -> np.ndarray:
    """n days drawn from lo, lo+1, … with the given relative daily weights (inverse CDF)."""
    cdf = np.cumsum(weights, dtype=np.float64)
    picks = np.searchsorted(cdf, rng.random(n) * cdf[-1], side="right")
    return lo + np.minimum(picks, len(weights) - 1)


def quarter_start(d: date) -> date:
    """First day of the financial quarter (Apr, Jul, Oct, Jan) holding d."""
    return date(d.year, ((d.month - 1) // 3) * 3 + 1, 1)


def latest_four_quarters(extract: date) -> tuple[date, date]:
    """First day of the latest four complete financial quarters ending on or before `extract`, and
    the day after them (metrics.md, emerging needs); the eight quarters before are the two years
    before the first."""
    end = quarter_start(extract + timedelta(days=1))
    return date(end.year - 1, end.month, 1), end
