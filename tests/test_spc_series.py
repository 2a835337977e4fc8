"""The one SPC series assembly: dates placed on the point whose period holds them, provisional
points kept out of the limits, and the series window."""

from datetime import date

import polars as pl

from dashboard.core.periods import window_start
from dashboard.spc.series import Rules, from_first, judge
from dashboard.spc.xmr import Annotation


def _months(values, provisional=None):
    starts = [date(2025, m, 1) for m in range(1, len(values) + 1)]
    ends = [date(2025, m, 28) for m in range(1, len(values) + 1)]
    frame = {"period_start": starts, "period_end": ends, "v": values}
    if provisional is not None:
        frame["provisional"] = provisional
    return pl.DataFrame(frame)


def test_rebase_dates_and_annotations_land_on_the_month_that_holds_them():
    rules = Rules(
        rebase_dates=("2025-03-15", "2030-01-01"), annotations={"2025-02-10": "New contract"}
    )
    result = judge(_months([1.0, 3.0, 10.0, 14.0]), "v", rules)
    # segments [0, 2) and [2, 4): centres (1 + 3) / 2 = 2 and (10 + 14) / 2 = 12
    assert [(s.start, s.stop) for s in result.segments] == [(0, 2), (2, 4)]
    assert [s.centre for s in result.segments] == [2.0, 12.0]
    assert result.annotations == (Annotation(1, "New contract"),)


def test_a_frame_without_periods_gets_no_rebase_and_provisional_points_set_no_limits():
    rules = Rules(rebase_dates=("2025-03-15",))
    frame = pl.DataFrame({"v": [2.0, 4.0, 100.0], "provisional": [False, False, True]})
    result = judge(frame, "v", rules)
    assert len(result.segments) == 1
    assert result.segments[0].centre == 3.0  # (2 + 4) / 2: the provisional 100 is left out
    assert result.points["provisional"].to_list() == [False, False, True]


def test_baseline_n_takes_limits_from_the_first_points_only():
    result = judge(pl.DataFrame({"v": [1.0, 3.0, 50.0]}), "v", Rules(), baseline_n=2)
    assert result.segments[0].centre == 2.0


def test_window_and_first_counted_period():
    assert window_start(date(2026, 3, 31), 3) == date(2026, 1, 1)
    assert window_start(date(2026, 3, 31), 3, first=date(2026, 2, 20)) == date(2026, 2, 1)
    df = pl.DataFrame({"denominator": [0, 0, 4, 0, 2]})
    assert from_first(df)["denominator"].to_list() == [4, 0, 2]
