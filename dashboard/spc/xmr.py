"""XmR statistical process control by the NHS "Making Data Count" rules (metrics.md, "SPC").

Every SPC figure the dashboard shows (charts, icons, board-pack sentences, `dashboard spc`) comes from
`xmr`, so a limit or a special cause is decided in one place. Where metrics.md is silent the choices
follow NHSRplotthedots 0.2.2; each one is written down in docs/spc.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import polars as pl

from dashboard.core import formats
from dashboard.core.settings import DEFAULTS
from dashboard.core.strings import t

# Exact rationals: with each value taken as the decimal it was written as, a point "on the centre"
# or a target "on a limit" is judged as hand arithmetic judges it, free of float rounding.
LIMIT_FACTOR = Fraction("2.66")
NEAR_FACTOR = Fraction(2, 3) * LIMIT_FACTOR
SCREEN_FACTOR = Fraction("3.267")
LIMIT_FIELDS = ("centre", "mean_mr", "lpl", "upl", "lower_near", "upper_near")
DIRECTIONS = ("increase", "decrease", "neutral")
COMMON = "common_cause"

# (rule, side) -> point type; side +1 is above the centre or rising, -1 below or falling.
TYPE_NAMES = {
    ("outside", 1): "outside_high",
    ("outside", -1): "outside_low",
    ("trend", 1): "trend_up",
    ("trend", -1): "trend_down",
    ("two_in_three", 1): "two_in_three_high",
    ("two_in_three", -1): "two_in_three_low",
    ("run", 1): "run_high",
    ("run", -1): "run_low",
}
TYPE_SIDE = {name: side for (_, side), name in TYPE_NAMES.items()}

POINTS_SCHEMA = {
    "index": pl.Int64,
    "value": pl.Float64,
    "segment": pl.Int64,
    "centre": pl.Float64,
    "lpl": pl.Float64,
    "upl": pl.Float64,
    "lower_near": pl.Float64,
    "upper_near": pl.Float64,
    "type": pl.Utf8,
    "variation": pl.Utf8,
    "provisional": pl.Boolean,
}


@dataclass(frozen=True)
class Segment:
    """One stretch of points sharing a centre and limits; limits are None when under 2 points."""

    start: int
    stop: int
    baseline_points: int
    centre: float | None
    mean_mr: float | None
    lpl: float | None
    upl: float | None
    lower_near: float | None
    upper_near: float | None
    exact: dict[str, Fraction | None] = field(repr=False, compare=False)


@dataclass(frozen=True)
class SpcWarning:
    """A segment too short to judge: `no_limits` under 2 points, `trial_limits` under the minimum."""

    kind: str
    segment: int
    start: int
    points: int
    minimum: int

    @property
    def message(self) -> str:
        return t(
            f"spc.warning_{self.kind}", start=self.start, points=self.points, minimum=self.minimum
        )


@dataclass(frozen=True)
class Annotation:
    """A dated note (a service change, a rebase reason) that travels with the chart: `at` is a
    point index or an ISO date."""

    at: int | str
    text: str


@dataclass(frozen=True)
class SpcResult:
    """Points frame (index, value, segment, centre, lpl, upl, lower_near, upper_near, type,
    variation, provisional) and the summary; top-level limits are the last segment's."""

    points: pl.DataFrame
    segments: tuple[Segment, ...]
    direction: str
    target: float | None
    assurance: str | None
    warnings: tuple[SpcWarning, ...]
    annotations: tuple[Annotation, ...] = ()

    @property
    def last(self) -> Segment | None:
        return self.segments[-1] if self.segments else None

    def _last(self, field: str) -> float | None:
        return getattr(self.last, field) if self.last else None

    @property
    def centre(self) -> float | None:
        return self._last("centre")

    @property
    def mean_mr(self) -> float | None:
        return self._last("mean_mr")

    @property
    def limits(self) -> tuple[float | None, float | None]:
        return self._last("lpl"), self._last("upl")


def _sign(x: Fraction | float) -> int:
    return (x > 0) - (x < 0)


def exact(value: float) -> Fraction:
    """The decimal a float was written as (its shortest repr), as an exact rational."""
    return Fraction(repr(float(value)))


def _mean(xs: Sequence[Fraction]) -> Fraction:
    return sum(xs, Fraction(0)) / len(xs)


def _stretches(keys: Sequence[int]) -> list[tuple[int, int, int]]:
    """Maximal stretches (start, stop, key) of equal consecutive keys."""
    out: list[tuple[int, int, int]] = []
    start = 0
    for i in range(1, len(keys) + 1):
        if i == len(keys) or keys[i] != keys[start]:
            out.append((start, i, keys[start]))
            start = i
    return out


def _segment_bounds(n: int, rebase_at: Sequence[int]) -> list[tuple[int, int]]:
    if any(not 0 <= i < max(n, 1) for i in rebase_at):
        raise ValueError(f"rebase_at indexes must lie in 0..{n - 1}")
    starts = sorted({0, *rebase_at})
    return list(zip(starts, [*starts[1:], n], strict=True))


def _limits(start: int, stop: int, judged: Sequence[Fraction], baseline_n: int | None) -> Segment:
    """Centre and limits from the first `baseline_n` judged points; ranges above 3.267 × their mean
    are screened out once (metrics.md says "above": a range equal to the cut-off is kept)."""
    base = list(judged[:baseline_n] if baseline_n else judged)
    ranges = [abs(b - a) for a, b in zip(base, base[1:], strict=False)]
    ex: dict[str, Fraction | None] = dict.fromkeys(LIMIT_FIELDS)
    if base:
        ex["centre"] = centre = _mean(base)
    if ranges:
        first = _mean(ranges)
        ex["mean_mr"] = mean_mr = _mean([r for r in ranges if r <= SCREEN_FACTOR * first])
        ex |= {
            "lpl": centre - LIMIT_FACTOR * mean_mr,
            "upl": centre + LIMIT_FACTOR * mean_mr,
            "lower_near": centre - NEAR_FACTOR * mean_mr,
            "upper_near": centre + NEAR_FACTOR * mean_mr,
        }
    floats = {k: None if v is None else float(v) for k, v in ex.items()}
    return Segment(start, stop, len(base), **floats, exact=ex)


def _run_sides(sides: Sequence[int], run_len: int) -> list[int]:
    """Side of each point in a run of `run_len`+ on one side of the centre (a point on it breaks)."""
    out = [0] * len(sides)
    for a, b, side in _stretches(sides):
        if side and b - a >= run_len:
            out[a:b] = [side] * (b - a)
    return out


def _trend_sides(values: Sequence[Fraction], trend_len: int) -> list[int]:
    """Direction of each point in `trend_len`+ points all rising or all falling (an equal neighbour
    breaks). A turning point shared by two trends takes the later one, as NHSRplotthedots does."""
    out = [0] * len(values)
    steps = [_sign(b - a) for a, b in zip(values, values[1:], strict=False)]
    for a, b, step in _stretches(steps):
        if step and b - a + 1 >= trend_len:
            out[a : b + 1] = [step] * (b - a + 1)
    return out


def _two_in_three_sides(sides: Sequence[int], close: Sequence[bool]) -> list[int]:
    """Near points of any 3 consecutive points all on one side with 2+ beyond the near limit."""
    out = [0] * len(sides)
    for w in range(len(sides) - 2):
        side = sides[w]
        if side and sides[w + 1] == side == sides[w + 2] and sum(close[w : w + 3]) >= 2:
            for i in range(w, w + 3):
                if close[i]:
                    out[i] = side
    return out


def _point_types(
    values: Sequence[Fraction], seg: Segment, trend_len: int, run_len: int
) -> list[str]:
    """The first rule that applies to each point, in metrics.md's precedence."""
    ex = seg.exact
    if ex["mean_mr"] is None:
        return [COMMON] * len(values)
    sides = [_sign(v - ex["centre"]) for v in values]
    outside = [v > ex["upl"] or v < ex["lpl"] for v in values]
    close = [
        not out and (v > ex["upper_near"] or v < ex["lower_near"])
        for v, out in zip(values, outside, strict=True)
    ]
    rules = {
        "outside": [s if o else 0 for s, o in zip(sides, outside, strict=True)],
        "trend": _trend_sides(values, trend_len),
        "two_in_three": _two_in_three_sides(sides, close),
        "run": _run_sides(sides, run_len),
    }
    types = []
    for i in range(len(values)):
        hit = next(((rule, s[i]) for rule, s in rules.items() if s[i]), None)
        types.append(TYPE_NAMES[hit] if hit else COMMON)
    return types


def variation(point_type: str, direction: str) -> str:
    """Improvement or concern by the good direction; neutral_high/low when neither is better."""
    side = TYPE_SIDE.get(point_type)
    if side is None:
        return COMMON
    if direction == "neutral":
        return "neutral_high" if side > 0 else "neutral_low"
    good = 1 if direction == "increase" else -1
    return "improvement" if side == good else "concern"


def _assurance(target: float | None, direction: str, seg: Segment | None) -> str | None:
    """Target beyond a limit on the good side: never reached; on the bad side: always met. A target
    exactly on a limit is hit and miss (strict comparison, as NHSRplotthedots). None for a neutral
    direction, as NHSRplotthedots: with no better side there is no pass or fail."""
    if target is None or direction == "neutral" or seg is None or seg.upl is None:
        return None
    good = 1 if direction == "increase" else -1
    if exact(target) > seg.exact["upl"]:
        side = 1
    elif exact(target) < seg.exact["lpl"]:
        side = -1
    else:
        return "hit_and_miss"
    return "consistently_fails" if side == good else "consistently_passes"


def _warnings(segments: Sequence[Segment], min_points: int) -> list[SpcWarning]:
    out = []
    for k, seg in enumerate(segments):
        if seg.baseline_points < 2:
            out.append(SpcWarning("no_limits", k, seg.start, seg.baseline_points, min_points))
        elif seg.baseline_points < min_points:
            out.append(SpcWarning("trial_limits", k, seg.start, seg.baseline_points, min_points))
    return out


def xmr(
    values: Sequence[float],
    *,
    baseline_n: int | None = None,
    direction: str = "neutral",
    target: float | None = None,
    trend_len: int = DEFAULTS.spc_trend_len,
    run_len: int = DEFAULTS.spc_run_len,
    rebase_at: Sequence[int] = (),
    provisional: Sequence[bool] | None = None,
    annotations: Sequence[Annotation] = (),
    min_points: int = DEFAULTS.spc_min_points,
) -> SpcResult:
    """The XmR chart of `values`: each segment (split at `rebase_at`) gets its own centre and
    limits from its first `baseline_n` non-provisional points, and is judged on its own.
    Provisional points are drawn but neither feed the limits nor take part in any rule."""
    values = [float(v) for v in values]
    flags = [bool(f) for f in provisional] if provisional is not None else [False] * len(values)
    if len(flags) != len(values):
        raise ValueError("provisional must have one flag per value")
    rows: list[dict[str, Any]] = []
    segments = []
    for k, (start, stop) in enumerate(_segment_bounds(len(values), rebase_at)):
        judged = [i for i in range(start, stop) if not flags[i]]
        settled = [exact(values[i]) for i in judged]
        seg = _limits(start, stop, settled, baseline_n)
        segments.append(seg)
        types = dict(zip(judged, _point_types(settled, seg, trend_len, run_len), strict=True))
        for i in range(start, stop):
            point_type = types.get(i, COMMON)
            rows.append(
                {
                    "index": i,
                    "value": values[i],
                    "segment": k,
                    "centre": seg.centre,
                    "lpl": seg.lpl,
                    "upl": seg.upl,
                    "lower_near": seg.lower_near,
                    "upper_near": seg.upper_near,
                    "type": point_type,
                    "variation": variation(point_type, direction),
                    "provisional": flags[i],
                }
            )
    return SpcResult(
        points=pl.DataFrame(rows, schema=POINTS_SCHEMA),
        segments=tuple(segments),
        direction=direction,
        target=target,
        assurance=_assurance(target, direction, segments[-1] if segments else None),
        warnings=tuple(_warnings(segments, min_points)),
        annotations=tuple(annotations),
    )


def latest(result: SpcResult) -> dict[str, Any] | None:
    """The most recent point that was judged: a provisional point is never a signal, so the
    summary icon and sentence describe the last settled one."""
    settled = result.points.filter(~pl.col("provisional"))
    return settled.row(-1, named=True) if settled.height else None


def _streak(result: SpcResult, point: dict[str, Any], key: str) -> int:
    """How many settled points of the latest point's segment, back from it, share its side of the
    centre (`key` "side") or keep rising or falling with it (`key` "step")."""
    seg = result.points.filter((pl.col("segment") == point["segment"]) & ~pl.col("provisional"))[
        "value"
    ].to_list()
    if key == "side":
        marks = [_sign(v - point["centre"]) for v in seg]
    else:
        marks = [0, *(_sign(b - a) for a, b in zip(seg, seg[1:], strict=False))]
    count = 0
    for mark in reversed(marks):
        if mark != marks[-1]:
            break
        count += 1
    return count + (key == "step")


def format_value(value: float | None, unit: str) -> str:
    """Fractions shown as percentages when the unit is "%", money as people write it when it is
    "£" (£4.1m); otherwise the number and its unit (core/formats)."""
    if value is None:
        return ""
    if unit == "%":
        return formats.percent(value)
    if unit == "£":
        return formats.money(value)
    return formats.number(value) + (f" {unit}" if unit else "")


def reading(result: SpcResult, measure_label: str, unit: str = "%", periods: str = "months") -> str:
    """One plain-English sentence on the latest settled point, for a board reader."""
    point = latest(result)
    if point is None or point["upl"] is None:
        return t("spc.reading_no_limits", measure=measure_label)
    kind = point["type"]
    rule = kind.rsplit("_", 1)[0]
    count = _streak(result, point, "step" if rule == "trend" else "side")
    return t(
        f"spc.reading_{kind}",
        measure=measure_label,
        value=format_value(point["value"], unit),
        centre=format_value(point["centre"], unit),
        lpl=format_value(point["lpl"], unit),
        upl=format_value(point["upl"], unit),
        count=count,
        periods=periods,
        verdict=t(f"spc.verdict_{point['variation']}"),
    )


def band_assurance(result: SpcResult, low: float, high: float) -> str | None:
    """Assurance against a target band for a neutral series, which `xmr` gives none: both process
    limits inside the band → consistently_passes; the band wholly beyond one limit →
    consistently_fails; otherwise hit_and_miss. A band touching a limit is reachable, so hit and
    miss, as `xmr` treats a target on a limit. None without limits."""
    seg = result.last
    if seg is None or seg.upl is None:
        return None
    lpl, upl = seg.exact["lpl"], seg.exact["upl"]
    if exact(low) <= lpl and upl <= exact(high):
        return "consistently_passes"
    if exact(high) < lpl or exact(low) > upl:
        return "consistently_fails"
    return "hit_and_miss"
