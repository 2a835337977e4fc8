"""Budget spend lines: weekly or four-weekly payments in arrears for each plan's periods in the
window, generated in batches of plans so 100 million lines fit in bounded memory."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from dashboard.core.contract import SERVICE_TYPES
from dashboard.sample import timeline as tl
from dashboard.sample.plans import Plans, S

WEEKLY = ("home_care", "reablement", "personal_assistant", "day_support", "housing_support")
PERIOD_DAYS = np.array([7 if s in WEEKLY else 28 for s in SERVICE_TYPES])
DELIVERED = (0.88, 0.99)  # share of planned home care hours delivered, per plan
OTHER_USE = (0.985, 0.03)  # mean and spread of other lines against budget
DIRECT_PAYMENT_SPREAD = 0.08
RECOVERY_SHARE = {"direct_payment": 0.004, "other": 0.001}
RECOVERY_WEEKS = (0.5, 3.0)
PLAN_BATCH = 20_000


@dataclass(frozen=True)
class SpendSignals:
    direct_payment_use: float  # direct payments spend this share of budget (story 7)
    overspend_locality: int | None  # this locality's home care runs over budget …
    overspend: float  # … by this factor


def lines(
    rng, plans: Plans, locality: np.ndarray, extract_day: int, sig: SpendSignals
) -> Iterator[dict]:
    """Spend lines per batch of plans; `locality` is each plan's person's locality index."""
    ws = tl.day(tl.WINDOW_START)
    for lo in range(0, len(plans), PLAN_BATCH):
        idx = np.arange(lo, min(lo + PLAN_BATCH, len(plans)))
        p = plans.take(idx)
        length = PERIOD_DAYS[p.service]
        k0 = np.maximum(0, -((p.start - ws) // length))  # first period starting in the window
        k1 = (np.minimum(extract_day, p.end - 1) - p.start) // length
        n = np.maximum(0, k1 - k0 + 1)
        row = np.repeat(np.arange(len(idx)), n)
        k = k0[row] + np.arange(len(row)) - np.repeat(np.cumsum(n) - n, n)
        start = p.start[row] + k * length[row]
        end = np.minimum(start + length[row] - 1, p.end[row] - 1)
        weeks = (end - start + 1) / 7
        planned = p.budget[row] * weeks
        m = len(row)
        home = np.isin(p.service, [S["home_care"], S["reablement"]]) & (p.sds != 1)
        dp = p.sds == 1
        ratio = rng.uniform(*DELIVERED, len(idx))[row] * rng.normal(1, 0.02, m)
        hours = np.where(home[row], p.hours[row] * weeks * ratio, np.nan)
        amount = np.where(home[row], planned * ratio, planned * rng.normal(*OTHER_USE, m))
        if sig.overspend_locality is not None:
            over = home & (p.service == S["home_care"]) & (locality[idx] == sig.overspend_locality)
            amount = np.where(over[row], planned * sig.overspend * rng.normal(1, 0.02, m), amount)
        dp_use = sig.direct_payment_use * rng.normal(1, DIRECT_PAYMENT_SPREAD, m)
        amount = np.where(dp[row], planned * dp_use, amount)
        share = np.where(dp[row], RECOVERY_SHARE["direct_payment"], RECOVERY_SHARE["other"])
        recovery = rng.random(m) < share
        amount = np.where(recovery, -p.budget[row] * rng.uniform(*RECOVERY_WEEKS, m), amount)
        hours = np.where(recovery, np.nan, np.round(hours, 2))
        yield dict(
            plan=idx[row],
            start=start,
            end=end,
            amount=np.round(amount, 2),
            hours=hours,
            provider=p.provider[row],
            on_contract=p.on_contract[row],
        )
