"""From a frame of periods to an SPC result: the one way every chart and icon is judged.

The outcome trends, the national outcome icons, the board pack's indicator charts, spend, carers
and emerging needs all hand `judge` a frame with one row a point, in order. The settings' rules
(trend and run lengths, the fewest points for firm limits, rebase dates, annotations) reach every
chart the same way, and a date is placed on the point whose period holds it wherever the frame
says what each point's period is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import polars as pl

from dashboard.core.settings import DEFAULTS, Settings
from dashboard.spc.xmr import Annotation, SpcResult, xmr


@dataclass(frozen=True)
class Rules:
    """What the settings say about judging a series (docs/spc.md)."""

    trend_len: int = DEFAULTS.spc_trend_len
    run_len: int = DEFAULTS.spc_run_len
    min_points: int = DEFAULTS.spc_min_points
    rebase_dates: tuple[str, ...] = ()
    annotations: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, settings: Settings) -> Rules:
        return cls(
            trend_len=settings.spc_trend_len,
            run_len=settings.spc_run_len,
            min_points=settings.spc_min_points,
            rebase_dates=tuple(settings.spc_rebase_dates),
            annotations=dict(settings.spc_annotations),
        )


def from_first(df: pl.DataFrame, column: str = "denominator") -> pl.DataFrame:
    """From the first period where `column` is above zero: periods before anything was counted say
    nothing about the process, and for a board they would push the series to a coarser grain."""
    return df.filter((pl.col(column) > 0).cum_max())


def point_index(starts: Sequence[date], ends: Sequence[date], day: date) -> int | None:
    """The index of the point whose period holds `day`; None when the series does not."""
    return next(
        (i for i, (s, e) in enumerate(zip(starts, ends, strict=True)) if s <= day <= e), None
    )


def rebase_indexes(starts: Sequence[date], ends: Sequence[date], days: Sequence[str]) -> list[int]:
    """Rebase dates as point indexes: limits start afresh at the point holding each date; a date
    outside the series is ignored."""
    found = (point_index(starts, ends, date.fromisoformat(d)) for d in days)
    return sorted({i for i in found if i is not None})


def annotations_at(
    starts: Sequence[date], ends: Sequence[date], notes: Mapping[str, str]
) -> list[Annotation]:
    """Dated notes placed on the point holding each date; others are not drawn."""
    out = []
    for day, text in sorted(notes.items()):
        i = point_index(starts, ends, date.fromisoformat(day))
        if i is not None:
            out.append(Annotation(i, text))
    return out


def judge(
    frame: pl.DataFrame,
    value: str,
    rules: Rules,
    *,
    direction: str = "neutral",
    target: float | None = None,
    baseline_n: int | None = None,
) -> SpcResult:
    """The XmR result of `frame[value]`, one point a row in the frame's order. A `provisional`
    column marks points drawn but not judged; `period_start` and `period_end` columns place the
    rules' rebase dates and annotations (a frame without them has neither)."""
    rebase_at: list[int] = []
    annotations: list[Annotation] = []
    if {"period_start", "period_end"} <= set(frame.columns):
        starts, ends = frame["period_start"].to_list(), frame["period_end"].to_list()
        rebase_at = rebase_indexes(starts, ends, rules.rebase_dates)
        annotations = annotations_at(starts, ends, rules.annotations)
    provisional = frame["provisional"].to_list() if "provisional" in frame.columns else None
    return xmr(
        frame[value].to_list(),
        baseline_n=baseline_n,
        direction=direction,
        target=target,
        trend_len=rules.trend_len,
        run_len=rules.run_len,
        min_points=rules.min_points,
        rebase_at=rebase_at,
        provisional=provisional,
        annotations=annotations,
    )
