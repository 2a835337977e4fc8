"""The statistics behind emerging needs: the window (the latest four quarters and all the history the
export holds before them, up to a setting), each cell's quarterly counts and rates, the exact rate
test, Benjamini–Hochberg after Tarone's filter for discrete tests, and the SPC rise (docs/emerging.md
says why).

Frames in, frames or numbers out: no SQL and no disclosure control here, so each test can be
checked by hand on a few counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import polars as pl
from scipy.stats import beta, binom, false_discovery_control

from dashboard.core.periods import Period, add_months, quarter
from dashboard.core.settings import DEFAULTS
from dashboard.spc.series import Rules, judge
from dashboard.spc.xmr import SpcResult

MEASURES = ("new_plans", "unmet_requests", "outcomes_set")  # what is counted, cell by cell
SHARE_MEASURE = "outcomes_set"  # a share of all outcomes set, not a rate per head (docs)
OLDER_GROUPS = ("dementia", "elderly_frail")  # rates per 1,000 aged 65+
RECENT_QUARTERS = 4
BEFORE_QUARTERS = 8  # the first method's history: quarter_window's default, the power comparison's
QUARTERS = RECENT_QUARTERS + BEFORE_QUARTERS
PER_YEAR = 4  # quarters a year: rates and counts a lay reader compares are per year
# A quarter before the latest four whose measure-wide count is below this share of the latest four's
# quarterly mean is taken as before the export holds that measure fully (a system that began
# recording, or an export of survivors): history starts after the last such quarter.
COVERAGE_SHARE = 0.5
PER = 1000
CONFIDENCE = 0.95
KEYS = ["measure", "locality", "grp"]  # a cell; grp is the client group, or the outcome domain


def _quarter_starting(start: date) -> Period:
    year = start.year if start.month >= 4 else start.year - 1
    return quarter(year, (start.month - 4) % 12 // 3 + 1)


def quarter_window(as_at: date, before: int = BEFORE_QUARTERS) -> tuple[Period, ...]:
    """The financial quarters before the as-at date, oldest first: the last four complete quarters
    ending on or before it (recent) and the `before` quarters before those."""
    after = as_at + timedelta(days=1)
    stop = date(after.year, (after.month - 1) // 3 * 3 + 1, 1)
    n = RECENT_QUARTERS + before
    return tuple(_quarter_starting(add_months(stop, 3 * (k - n))) for k in range(n))


def history_starts(counts: pl.DataFrame, n_quarters: int = QUARTERS) -> pl.DataFrame:
    """measure, first_q: the first quarter of each measure's history, after the last quarter before
    the latest four with no events or fewer than COVERAGE_SHARE × the latest four's quarterly mean
    (so a measure the export began recording lately is not judged against its empty start)."""
    by_q = counts.group_by(["measure", "q"]).agg(pl.col("n").sum())
    quarters = pl.DataFrame({"q": list(range(n_quarters))}, schema={"q": pl.Int32})
    recent_from = n_quarters - RECENT_QUARTERS
    grid = (
        by_q.select("measure")
        .unique()
        .join(quarters, how="cross")
        .join(by_q.with_columns(pl.col("q").cast(pl.Int32)), on=["measure", "q"], how="left")
        .with_columns(pl.col("n").fill_null(0))
        .with_columns(mean=pl.col("n").filter(pl.col("q") >= recent_from).mean().over("measure"))
    )
    thin = (pl.col("q") < recent_from) & (
        (pl.col("n") == 0) | (pl.col("n") < COVERAGE_SHARE * pl.col("mean"))
    )
    return grid.group_by("measure").agg(
        first_q=(pl.col("q").filter(thin).max() + 1).fill_null(0).cast(pl.Int32)
    )


# --- the rate test -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RateTest:
    """Latest four quarters against the eight before, given their exposures.

    `rate_ratio` and `ci_high` are None where they are infinite (nothing in the eight quarters
    before); `p_value` is one-sided, for a rise."""

    rate_ratio: float | None
    ci_low: float
    ci_high: float | None
    p_value: float


def rate_test(
    recent: int,
    before: int,
    exposure_recent: float,
    exposure_before: float,
    confidence: float = CONFIDENCE,
) -> RateTest | None:
    """The conditional binomial test: given N = recent + before, recent ~ Binomial(N, p0) with
    p0 = exposure_recent ÷ (exposure_recent + exposure_before) when nothing changed. It is exact
    for small counts; the Clopper–Pearson interval for p becomes one for the ratio through
    RR = p ÷ (1 − p) × exposure_before ÷ exposure_recent. None when there is nothing to test."""
    n = recent + before
    if n == 0 or exposure_recent <= 0 or exposure_before <= 0:
        return None
    p0 = exposure_recent / (exposure_recent + exposure_before)
    scale = exposure_before / exposure_recent
    alpha = 1 - confidence
    p_low = float(beta.ppf(alpha / 2, recent, before + 1)) if recent else 0.0
    p_high = float(beta.ppf(1 - alpha / 2, recent + 1, before)) if before else 1.0
    return RateTest(
        rate_ratio=recent / before * scale if before else None,
        ci_low=p_low / (1 - p_low) * scale,
        ci_high=p_high / (1 - p_high) * scale if p_high < 1 else None,
        p_value=float(one_sided_p(recent, n, p0)),
    )


def one_sided_p(recent, n, p0):  # noqa: ANN001, ANN201 (numbers or numpy arrays alike)
    """P(X ≥ recent), X ~ Binomial(n, p0): the chance of a count at least this high in the latest
    four quarters had nothing changed. Takes numbers or numpy arrays (the power simulation)."""
    return binom.sf(np.asarray(recent) - 1, n, p0)


def benjamini_hochberg(p_values: Sequence[float]) -> list[float]:
    """BH-adjusted p-values (q-values): a cell is a discovery at FDR q when its q-value <= q."""
    if not p_values:
        return []
    return [float(q) for q in false_discovery_control(list(p_values), method="bh")]


def smallest_p_value(n: int, p0: float) -> float:
    """The smallest one-sided p-value a cell of n events can ever reach (all n in the latest four
    quarters): p0 ** n. The test is discrete, so a cell of one or two events cannot be significant."""
    return p0**n


def tarone_testable(smallest: Sequence[float], fdr: float) -> list[bool]:
    """Tarone's filter, as Gilbert (2005) uses it before Benjamini–Hochberg: the smallest K with at
    most K cells able to reach fdr ÷ K; those cells are the family, the rest could never be
    discoveries and would only dilute it."""
    if not smallest:
        return []
    ordered = np.sort(np.asarray(smallest, dtype=float))
    ks = np.arange(1, len(ordered) + 1)
    able = np.searchsorted(ordered, fdr / ks, side="right")
    k = int(ks[np.argmax(able <= ks)])
    return [p <= fdr / k for p in smallest]


def discrete_bh(
    p_values: Sequence[float], smallest: Sequence[float], fdr: float
) -> list[float | None]:
    """q-values by Benjamini–Hochberg over the cells Tarone's filter keeps at `fdr`; None for the
    cells it leaves out (they cannot pass at this false discovery rate)."""
    keep = tarone_testable(smallest, fdr)
    adjusted = iter(benjamini_hochberg([p for p, k in zip(p_values, keep, strict=True) if k]))
    return [next(adjusted) if k else None for k in keep]


def cell_spc(
    rates: Sequence[float | None],
    trend_len: int = DEFAULTS.spc_trend_len,
    run_len: int = DEFAULTS.spc_run_len,
) -> SpcResult | None:
    """The XmR chart of a cell's quarterly rates, limits from the quarters before the latest four,
    so the latest four are judged against the past; None when a quarter has no rate or there are
    fewer than two quarters before."""
    if len(rates) < RECENT_QUARTERS + 2 or any(r is None for r in rates):
        return None
    series = pl.DataFrame({"rate": [float(r) for r in rates]})  # type: ignore[arg-type]
    rules = Rules(trend_len=trend_len, run_len=run_len)
    return judge(series, "rate", rules, baseline_n=len(rates) - RECENT_QUARTERS)


def spc_rise(result: SpcResult | None) -> bool:
    """An upward special cause (neutral_high: a rise in need is neither good nor bad) on any of
    the latest four quarters."""
    if result is None:
        return False
    return "neutral_high" in result.points["variation"].to_list()[-RECENT_QUARTERS:]


def _in_recent(n_quarters: int) -> pl.Expr:
    return pl.col("q") >= n_quarters - RECENT_QUARTERS


def _in_history(counts: pl.DataFrame, starts: pl.DataFrame) -> pl.DataFrame:
    return (
        counts.join(starts, on="measure").filter(pl.col("q") >= pl.col("first_q")).drop("first_q")
    )


def cells(
    counts: pl.DataFrame,
    areas: pl.DataFrame,
    n_quarters: int = QUARTERS,
    bases: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """One row per measure × locality × group with any event in its measure's history
    (`history_starts`) and the latest four quarters: the quarterly counts and rates per 1,000
    (lists, oldest first, from the measure's first quarter), the window counts and exposures.

    The rate base of a quarter is the locality's population (aged 65+ for the older groups) of
    that quarter's year when `bases` (locality, q, population, population_65plus; `demography`)
    is given, else the areas' figures for every quarter; for outcomes set it is all the outcomes
    set in the locality that quarter (a share per 1,000)."""
    starts = history_starts(counts, n_quarters)
    by_q = _in_history(counts, starts).group_by([*KEYS, "q"]).agg(pl.col("n").sum())
    quarters = pl.DataFrame({"q": list(range(n_quarters))}, schema={"q": by_q.schema["q"]})
    full = (
        by_q.select(KEYS)
        .unique()
        .join(quarters, how="cross")
        .join(starts, on="measure")
        .filter(pl.col("q") >= pl.col("first_q"))
        .join(by_q, on=[*KEYS, "q"], how="left")
        .with_columns(pl.col("n").fill_null(0))
    )
    if bases is None:
        bases = (
            areas.group_by("locality")
            .agg(pl.col("population").sum(), pl.col("population_65plus").sum())
            .join(quarters, how="cross")
        )
    populations = bases.with_columns(pl.col("q").cast(by_q.schema["q"]))
    totals = (
        full.filter(pl.col("measure") == SHARE_MEASURE)
        .group_by(["locality", "q"])
        .agg(pl.col("n").sum().alias("all_set"))
    )
    base = (
        pl.when(pl.col("measure") == SHARE_MEASURE)
        .then(pl.col("all_set"))
        .when(pl.col("grp").is_in(OLDER_GROUPS))
        .then(pl.col("population_65plus"))
        .otherwise(pl.col("population"))
        .fill_null(0)
        .cast(pl.Float64)
    )
    full = (
        full.join(populations, on=["locality", "q"], how="left")
        .join(totals, on=["locality", "q"], how="left")
        .with_columns(base.alias("base"))
        .with_columns(
            pl.when(pl.col("base") > 0).then(pl.col("n") / pl.col("base") * PER).alias("per_1000")
        )
    )
    recent = _in_recent(n_quarters)
    return (
        full.sort([*KEYS, "q"])
        .group_by(KEYS, maintain_order=True)
        .agg(
            first_q=pl.col("first_q").first(),
            before_quarters=(pl.col("q") < n_quarters - RECENT_QUARTERS).sum().cast(pl.Int32),
            counts=pl.col("n"),
            rates=pl.col("per_1000"),
            recent=pl.col("n").filter(recent).sum(),
            before=pl.col("n").filter(~recent).sum(),
            exposure_recent=pl.col("base").filter(recent).sum(),
            exposure_before=pl.col("base").filter(~recent).sum(),
        )
        .with_columns(
            base=pl.when(pl.col("measure") == SHARE_MEASURE)
            .then(pl.lit("outcomes_set"))
            .when(pl.col("grp").is_in(OLDER_GROUPS))
            .then(pl.lit("population_65plus"))
            .otherwise(pl.lit("population"))
        )
    )


def area_rises(
    counts: pl.DataFrame, cell_frame: pl.DataFrame, n_quarters: int = QUARTERS
) -> pl.DataFrame:
    """Each area's part in its cell's change: recent − before × exposure_recent ÷ exposure_before,
    the recent count above what the area's own past at the cell's base would predict."""
    recent = _in_recent(n_quarters)
    starts = cell_frame.group_by("measure").agg(pl.col("first_q").first())
    by_area = (
        _in_history(counts, starts)
        .group_by([*KEYS, "area_code"])
        .agg(recent=pl.col("n").filter(recent).sum(), before=pl.col("n").filter(~recent).sum())
    )
    scale = pl.when(pl.col("exposure_before") > 0).then(
        pl.col("exposure_recent") / pl.col("exposure_before")
    )
    return by_area.join(
        cell_frame.select([*KEYS, "exposure_recent", "exposure_before"]), on=KEYS
    ).with_columns(excess=pl.col("recent") - pl.col("before") * scale.fill_null(0.0))
