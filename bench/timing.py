"""Repeated timings and how they are summarised and judged."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

# Below this the floor is compared by the absolute overhead in ms, above it by the ratio (issue 13).
RATIO_ABOVE_S = 0.100


@dataclass(frozen=True)
class Timing:
    """Seconds of `n` runs: the median and the spread."""

    median: float
    low: float
    high: float
    n: int

    @classmethod
    def of(cls, seconds: list[float]) -> Timing:
        return cls(statistics.median(seconds), min(seconds), max(seconds), len(seconds))

    def to_json(self) -> dict:
        return asdict(self)


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def repeat(fn: Callable[[], Any], repeats: int) -> tuple[Timing, Any]:
    """The timing of `repeats` calls and the last call's result."""
    seconds, result = [], None
    for _ in range(max(1, repeats)):
        s, result = timed(fn)
        seconds.append(s)
    return Timing.of(seconds), result


def overhead(library_s: float, floor_s: float) -> tuple[str, float]:
    """How the library compares with the floor: ("ratio", library ÷ floor) when the library takes
    over RATIO_ABOVE_S, else ("ms", the extra milliseconds)."""
    if library_s > RATIO_ABOVE_S:
        return "ratio", library_s / floor_s if floor_s > 0 else float("inf")
    return "ms", (library_s - floor_s) * 1000
