"""The power simulation behind docs/emerging.md: how often the rate test flags a sustained rise,
and how many false signals a partnership sees when nothing changed, for the first method (eight
quarters before, Benjamini–Hochberg over every cell), the present default (eight quarters before, as
metrics.md defines the comparison, with Tarone's filter before Benjamini–Hochberg) and the longer
history a partnership may set (`emerging.history_quarters` = 20).

Plain Poisson cells, seeded: a partnership is a fixed mix of cell sizes like a small one's (most
cells a few events a quarter), with one cell of a chosen size that rises by a chosen factor in the
latest four quarters. Every method sees the same draws (the eight-quarter ones the last eight of
the twenty), so the comparison is paired. SPC is left out: its rule is the same in both methods.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dashboard.core.settings import DEFAULTS
from dashboard.emerging.stats import (
    BEFORE_QUARTERS,
    RECENT_QUARTERS,
    benjamini_hochberg,
    cell_spc,
    one_sided_p,
    spc_rise,
    tarone_testable,
)

SIZES = (5.0, 15.0, 50.0)  # a cell's events a quarter before the rise
RISES = (1.25, 1.5, 2.0)
CELLS = 180  # a small partnership's cells (the had 179)
SEED = 20260331


@dataclass(frozen=True)
class Method:
    """How much history the test sees and whether the family is filtered for discreteness."""

    before: int
    discrete: bool
    spc_bonferroni: bool = True  # SPC borne out at p <= fdr ÷ its cells (since issue 22), not fdr


LONG_HISTORY = 20  # five years: the most a partnership is likely to set
OLD = Method(BEFORE_QUARTERS, discrete=False, spc_bonferroni=False)
NEW = Method(DEFAULTS.emerging_history_quarters, discrete=True)
LONG = Method(LONG_HISTORY, discrete=True)
METHODS = {"old": OLD, "new": NEW, "long": LONG}


def background_means(rng: np.random.Generator, cells: int = CELLS) -> np.ndarray:
    """Cell means a quarter: log-normal around 2 (most cells small, a few of 20 or more)."""
    return np.clip(np.exp(rng.normal(np.log(2.0), 1.2, cells)), 0.1, 80.0)


def flagged(recent: np.ndarray, history: np.ndarray, method: Method, fdr: float,
            min_ratio: float) -> np.ndarray:  # fmt: skip
    """Which cells (reps × cells) the rate test flags: recent is the latest four quarters' count,
    history the quarterly counts before (reps × cells × quarters, oldest first)."""
    before = history[:, :, -method.before :].sum(axis=2)
    n = recent + before
    p0 = RECENT_QUARTERS / (RECENT_QUARTERS + method.before)
    p = one_sided_p(recent, n, p0)
    big = recent * method.before >= min_ratio * before * RECENT_QUARTERS
    out = np.zeros(recent.shape, dtype=bool)
    for r in range(recent.shape[0]):
        tested = np.flatnonzero(n[r] > 0)
        if method.discrete:
            keep = np.asarray(tarone_testable(list(p0 ** n[r, tested]), fdr), dtype=bool)
            tested = tested[keep]
        q = np.asarray(benjamini_hochberg(list(p[r, tested])))
        out[r, tested] = (q <= fdr) & big[r, tested]
    return out


def _draw(rng: np.random.Generator, means: np.ndarray, rise: np.ndarray, reps: int):  # noqa: ANN202
    quarters = max(m.before for m in METHODS.values())
    history = rng.poisson(means[None, :, None], (reps, means.size, quarters))
    recent = rng.poisson(RECENT_QUARTERS * means * rise, (reps, means.size))
    return recent, history


def power(method: Method, size: float, rise: float, reps: int = 300, seed: int = SEED,
          fdr: float = DEFAULTS.emerging_fdr,
          min_ratio: float = DEFAULTS.emerging_min_ratio) -> float:  # fmt: skip
    """The share of partnerships in which the one rising cell (size events a quarter, rising by
    `rise`) is flagged."""
    rng = np.random.default_rng(seed)
    means = np.append(background_means(rng), size)
    rises = np.append(np.ones(CELLS), rise)
    recent, history = _draw(rng, means, rises, reps)
    return float(flagged(recent, history, method, fdr, min_ratio)[:, -1].mean())


def false_signals(method: Method, reps: int = 300, seed: int = SEED,
                  fdr: float = DEFAULTS.emerging_fdr,
                  min_ratio: float = DEFAULTS.emerging_min_ratio) -> float:  # fmt: skip
    """Signals per partnership when nothing changed (every flag a false alarm)."""
    rng = np.random.default_rng(seed)
    means = np.append(background_means(rng), SIZES)
    recent, history = _draw(rng, means, np.ones(means.size), reps)
    return float(flagged(recent, history, method, fdr, min_ratio).sum(axis=1).mean())


def table(reps: int = 300, seed: int = SEED) -> dict[str, dict]:
    """Power at every size and rise, and false signals per partnership, for each method."""
    return {
        name: {
            "power": {(s, r): power(m, s, r, reps, seed) for s in SIZES for r in RISES},
            "false_signals": false_signals(m, reps, seed),
        }
        for name, m in METHODS.items()
    }


def _spc_flags(series: np.ndarray, rate: np.ndarray, method: Method, fdr: float,
               min_ratio: float, spc_min_mean: float) -> np.ndarray:  # fmt: skip
    """The cells (reps × cells) the SPC route adds to `rate`'s, judged as `signals` does: an upward
    special cause in the latest four quarters on a cell averaging at least `spc_min_mean` before,
    a ratio of at least the minimum, borne out at p <= fdr (the first method) or at p <= fdr ÷
    the number of such cells (Bonferroni over the cells SPC may judge, since issue 22)."""
    recent = series[:, :, -RECENT_QUARTERS:].sum(axis=2)
    before = series[:, :, :-RECENT_QUARTERS].sum(axis=2)
    p = one_sided_p(recent, recent + before, RECENT_QUARTERS / (RECENT_QUARTERS + method.before))
    eligible = (recent + before > 0) & (before >= spc_min_mean * method.before)
    bound = (
        fdr / np.maximum(eligible.sum(axis=1, keepdims=True), 1) if method.spc_bonferroni else fdr
    )
    candidate = (
        eligible & (p <= bound) & (recent * method.before >= min_ratio * before * RECENT_QUARTERS)
    )
    out = np.zeros(recent.shape, dtype=bool)
    for r, c in zip(*np.nonzero(candidate & ~rate), strict=True):
        out[r, c] = spc_rise(cell_spc([float(x) for x in series[r, c]]))
    return out


def full_method(method: Method, means: np.ndarray, rises: np.ndarray, reps: int, seed: int,
                fdr: float = DEFAULTS.emerging_fdr, min_ratio: float = DEFAULTS.emerging_min_ratio,
                spc_min_mean: float = DEFAULTS.emerging_spc_min_mean) -> np.ndarray:  # fmt: skip
    """Signals (reps × cells) by the rate test or SPC, each quarter drawn apart (SPC reads them)."""
    rng = np.random.default_rng(seed)
    shape = (reps, means.size)
    history = rng.poisson(means[None, :, None], (*shape, method.before))
    latest = rng.poisson((means * rises)[None, :, None], (*shape, RECENT_QUARTERS))
    series = np.concatenate([history, latest], axis=2)
    rate = flagged(latest.sum(axis=2), history, method, fdr, min_ratio)
    return rate | _spc_flags(series, rate, method, fdr, min_ratio, spc_min_mean)


def full_table(reps: int = 300, seed: int = SEED) -> dict[str, dict]:
    """As `table`, for the whole method (rate test or SPC): power and false signals a partnership."""
    out: dict[str, dict] = {}
    for name, m in METHODS.items():
        means = np.append(background_means(np.random.default_rng(seed)), SIZES)
        null = full_method(m, means, np.ones(means.size), reps, seed)
        power_of = {}
        for s in SIZES:
            for r in RISES:
                means = np.append(background_means(np.random.default_rng(seed)), s)
                rises = np.append(np.ones(CELLS), r)
                power_of[(s, r)] = float(full_method(m, means, rises, reps, seed)[:, -1].mean())
        out[name] = {"power": power_of, "false_signals": float(null.sum(axis=1).mean())}
    return out
