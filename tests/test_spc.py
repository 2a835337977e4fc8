"""XmR limits, rules, precedence, assurance and rebasing, on small series worked by hand.

Constants used in the working: process limits = centre ± 2.66 × mean MR; near limits =
centre ± 1.773333 × mean MR (2/3 × 2.66); ranges above 3.267 × mean MR are screened out.
"""

from __future__ import annotations

import pytest

from dashboard.spc.xmr import xmr

CC, OH, OL = "common_cause", "outside_high", "outside_low"
TU, TD = "trend_up", "trend_down"
T3H, T3L = "two_in_three_high", "two_in_three_low"
RH, RL = "run_high", "run_low"

# A zigzag baseline used by several tests: 12,10,12,10,12,10 -> centre 11, MRs all 2 -> mean MR 2;
# UPL = 11 + 5.32 = 16.32, LPL = 5.68; near limits 11 ± 3.546667 = 14.546667 / 7.453333.
BASE = [12, 10, 12, 10, 12, 10]


def types(result) -> list[str]:
    return result.points["type"].to_list()


def test_limits_worked_by_hand():
    # 2,4,3,5,4: centre 18/5 = 3.6; MRs 2,1,2,1 -> mean 1.5 (cut-off 4.9005, none screened)
    r = xmr([2, 4, 3, 5, 4])
    assert r.centre == pytest.approx(3.6)
    assert r.mean_mr == pytest.approx(1.5)
    assert r.limits == (pytest.approx(3.6 - 3.99), pytest.approx(3.6 + 3.99))
    seg = r.last
    # near: 1.773333 × 1.5 = 2.66 -> 0.94 and 6.26
    assert (seg.lower_near, seg.upper_near) == (pytest.approx(0.94), pytest.approx(6.26))
    assert types(r) == [CC] * 5


def test_screening_one_huge_jump_and_two_in_three_with_an_outside_point():
    # 10,11 x5, 10, 40: sum 60 + 55 + 40 = 155 -> centre 12.916667.
    # MRs: ten of 1, then 30 -> mean 40/11 = 3.6364, cut-off 11.88: the 30 is screened, mean MR = 1.
    # UPL = 15.576667, LPL = 10.256667, near 14.69 / 11.143333.
    values = [10, 11] * 5 + [10, 40]
    r = xmr(values)
    assert r.mean_mr == pytest.approx(1.0)
    assert r.centre == pytest.approx(155 / 12)
    assert r.limits == (pytest.approx(155 / 12 - 2.66), pytest.approx(155 / 12 + 2.66))
    # The 10s fall below the LPL (outside_low). Each 11 is near the lower limit; a window 11,10,11
    # has two near points (the outside 10 does not count) all below the centre: two_in_three_low.
    # Only the near points are flagged; the 10s keep their higher-precedence outside_low.
    assert types(r) == [OL, T3L] * 5 + [OL, OH]


def test_screening_keeps_ranges_not_above_the_cut_off():
    # 0,1,0,1: MRs 1,1,1 -> mean 1, cut-off 3.267: none above, mean MR stays 1
    assert xmr([0, 1, 0, 1]).mean_mr == pytest.approx(1.0)


def test_trend_and_an_equal_neighbour_breaks_it():
    # 1,2,3,4,4.5,5,6,7: centre 32.5/8 = 4.0625; MRs 1,1,1,.5,.5,1,1 -> 6/7 = 0.857143;
    # UPL = 4.0625 + 2.28 = 6.3425 (7 is outside), LPL = 1.7825 (1 is outside).
    # The eight points rise throughout: the middle six are trend_up, the ends outside (precedence).
    assert types(xmr([1, 2, 3, 4, 4.5, 5, 6, 7])) == [OL, TU, TU, TU, TU, TU, TU, OH]
    # 1,2,3,4,4,5,6,7: centre 4, same mean MR: UPL 6.28, LPL 1.72, near 2.48 / 5.52.
    # The tie 4,4 splits the rise into two runs of 4: no trend. 2 and 6 are near points but no
    # window of 3 holds two near points (the 1 and 7 are outside); 4 on the centre breaks any run.
    assert types(xmr([1, 2, 3, 4, 4, 5, 6, 7])) == [OL, CC, CC, CC, CC, CC, CC, OH]


def test_trend_worked_by_hand_with_direction():
    # 5,1,2,3,4,5,6,7,3: centre 36/9 = 4; MRs 4,1,1,1,1,1,1,4 -> 14/8 = 1.75;
    # UPL 8.655, LPL -0.655, near 7.103333 / 0.896667: nothing outside or near.
    # 1..7 rise over 7 points: trend_up. Sides: +,-,-,-,0,+,+,+,- : no run.
    r = xmr([5, 1, 2, 3, 4, 5, 6, 7, 3], direction="increase")
    assert types(r) == [CC] + [TU] * 7 + [CC]
    assert r.points["variation"].to_list() == ["common_cause"] + ["improvement"] * 7 + [
        "common_cause"
    ]
    r = xmr([5, 1, 2, 3, 4, 5, 6, 7, 3], direction="decrease")
    assert set(r.points["variation"].to_list()[1:8]) == {"concern"}


def test_turning_point_shared_by_two_trends_takes_the_later():
    # Baseline 0,10,0,10 (baseline_n=4): centre 5, mean MR 10, limits -21.6 / 31.6: nothing outside
    # or near (near 22.73 / -12.73). Then 1..7 rising and 7..1 falling share the 7 at index 10.
    values = [0, 10, 0, 10, 1, 2, 3, 4, 5, 6, 7, 6, 5, 4, 3, 2, 1]
    r = xmr(values, baseline_n=4)
    assert r.centre == 5 and r.mean_mr == 10
    assert types(r) == [CC] * 4 + [TU] * 6 + [TD] * 7


def test_two_in_three_same_side_only_and_outside_not_counted():
    # Baseline BASE (baseline_n=6): centre 11, near 14.546667 / 7.453333, limits 5.68 / 16.32.
    values = BASE + [15, 11.5, 15, 11, 15, 10, 12, 17, 15, 12, 10, 7, 7]
    # idx 6,7,8 = 15,11.5,15: all above, two near -> 6 and 8 flagged, 7 (not near) is not.
    # idx 8,9,10 = 15,11,15: 11 is on the centre, so not all on one side -> 10 stays common.
    # idx 12,13,14 = 12,17,15 and 13,14,15 = 17,15,12: 17 is outside and does not count toward
    # the two, so 14 stays common; 17 is outside_high.
    # idx 16,17,18 = 10,7,7: all below, two near the lower limit -> 17, 18 flagged.
    # Trends: the longest fall is 17,15,12,10,7 (5 points); runs: at most 4 above in a row.
    r = xmr(values, baseline_n=6)
    assert types(r) == [CC] * 6 + [T3H, CC, T3H, CC, CC, CC, CC, OH, CC, CC, CC, T3L, T3L]


def test_run_and_a_point_on_the_centre_breaks_it():
    # Baseline BASE: centre 11, near 14.546667. Idx 6-11: 12,13 x3 (6 above), idx 12 = 11 on the
    # centre breaks it, idx 13-19: 12,13,12,13,12,13,12 (7 above): run_high. Nothing near or
    # outside; the zigzag has no trend.
    values = BASE + [12, 13] * 3 + [11] + [12, 13] * 3 + [12]
    r = xmr(values, baseline_n=6, direction="decrease")
    assert types(r) == [CC] * 13 + [RH] * 7
    assert set(r.points["variation"].to_list()[13:]) == {"concern"}
    # a run below, neutral direction: mirror the series around 11
    mirrored = xmr([22 - v for v in values], baseline_n=6)
    assert types(mirrored) == [CC] * 13 + [RL] * 7
    assert set(mirrored.points["variation"].to_list()[13:]) == {"neutral_low"}


def test_precedence_outside_then_two_in_three_then_run():
    # Baseline BASE. Idx 6-12: 12,15,12.5,15,12,17,12: seven points above the centre (a run);
    # 15,12.5,15 holds two near points (7, 9 -> two_in_three beats run); 17 > 16.32 is outside.
    values = BASE + [12, 15, 12.5, 15, 12, 17, 12]
    r = xmr(values, baseline_n=6, direction="increase")
    assert types(r) == [CC] * 6 + [RH, T3H, RH, T3H, RH, OH, RH]
    assert set(r.points["variation"].to_list()[6:]) == {"improvement"}


def test_precedence_outside_then_trend_then_two_in_three():
    # Baseline BASE. Idx 6-12: 17,15,14.8,13,12,10.5,9 fall over 7 points (trend_down). 17 is
    # outside (wins); 15 and 14.8 are near and with 17 all above (two_in_three) but trend wins.
    values = BASE + [17, 15, 14.8, 13, 12, 10.5, 9]
    r = xmr(values, baseline_n=6, direction="decrease")
    assert types(r) == [CC] * 6 + [OH] + [TD] * 6
    assert r.points["variation"].to_list()[6:8] == ["concern", "improvement"]


def test_variation_by_direction():
    # 10,11 x5, 10, 40 (see the screening test): the last point is outside_high.
    values = [10, 11] * 5 + [10, 40]
    expected = {"increase": "improvement", "decrease": "concern", "neutral": "neutral_high"}
    for direction, variation in expected.items():
        assert xmr(values, direction=direction).points["variation"][-1] == variation
    assert xmr(values, direction="increase").points["variation"][0] == "concern"  # outside_low


@pytest.mark.parametrize(
    ("direction", "target", "assurance"),
    [
        # BASE: limits 5.68 / 16.32
        ("increase", 17, "consistently_fails"),  # above the UPL, good side
        ("increase", 5, "consistently_passes"),  # below the LPL, bad side
        ("increase", 11, "hit_and_miss"),
        ("decrease", 17, "consistently_passes"),
        ("decrease", 5, "consistently_fails"),
        ("decrease", 16.3, "hit_and_miss"),
        ("neutral", 17, None),
        ("increase", None, None),
    ],
)
def test_assurance(direction, target, assurance):
    assert xmr(BASE, direction=direction, target=target).assurance == assurance


def test_assurance_target_exactly_on_a_limit_is_hit_and_miss():
    r = xmr(BASE)
    lpl, upl = r.limits
    assert xmr(BASE, direction="increase", target=upl).assurance == "hit_and_miss"
    assert xmr(BASE, direction="increase", target=lpl).assurance == "hit_and_miss"


def test_baseline_n_fixes_centre_and_limits_from_the_first_points():
    # First 4 of 10,12,10,12,30,30,30: centre 11, MRs 2,2,2 -> mean 2 (the 30s are not used).
    r = xmr([10, 12, 10, 12, 30, 30, 30], baseline_n=4)
    assert (r.centre, r.mean_mr) == (11, 2)
    assert r.limits == (pytest.approx(5.68), pytest.approx(16.32))
    assert types(r) == [CC] * 4 + [OH] * 3
    # default: all 7 points: centre 134/7 = 19.142857; MRs 2,2,2,18,0,0 -> 24/6 = 4, cut-off 13.068
    # screens the 18 -> mean MR 6/5 = 1.2
    r = xmr([10, 12, 10, 12, 30, 30, 30])
    assert r.centre == pytest.approx(134 / 7)
    assert r.mean_mr == pytest.approx(1.2)


def test_rebase_gives_each_segment_its_own_limits():
    # Segment 0 (idx 0-3) 10,12,10,12: centre 11, MRs 2,2,2 -> 2; limits 5.68 / 16.32.
    # Segment 1 (idx 4-8) 20,24,22,26,24: centre 116/5 = 23.2; MRs 4,2,4,2 -> 3 (the 12 -> 20 jump
    # across the boundary is not a range of either segment); limits 23.2 ± 7.98 = 15.22 / 31.18.
    r = xmr([10, 12, 10, 12, 20, 24, 22, 26, 24], rebase_at=[4])
    first, second = r.segments
    assert (first.start, first.centre, first.mean_mr) == (0, 11, 2)
    assert (second.start, second.centre, second.mean_mr) == (
        4,
        pytest.approx(23.2),
        pytest.approx(3),
    )
    assert (second.lpl, second.upl) == (pytest.approx(15.22), pytest.approx(31.18))
    assert r.centre == pytest.approx(23.2) and r.limits == (second.lpl, second.upl)
    assert r.points["segment"].to_list() == [0] * 4 + [1] * 5
    assert types(r) == [CC] * 9
    # Without rebasing: centre 160/9 = 17.777778, MRs 2,2,2,8,4,2,4,2 -> 26/8 = 3.25, near
    # 17.777778 - 5.763333 = 12.014444: the first four are all near the lower limit (LPL 9.1328).
    assert types(xmr([10, 12, 10, 12, 20, 24, 22, 26, 24]))[:4] == [T3L] * 4


def test_baseline_n_applies_per_segment():
    # baseline_n=2: segment 0 from 10,12 -> centre 11, mean MR 2; segment 1 from 20,24 -> centre 22,
    # mean MR 4, limits 22 ± 10.64 = 11.36 / 32.64.
    r = xmr([10, 12, 10, 12, 20, 24, 22, 26, 24], rebase_at=[4], baseline_n=2)
    assert [(s.centre, s.mean_mr) for s in r.segments] == [(11, 2), (22, 4)]
    assert r.limits == (pytest.approx(11.36), pytest.approx(32.64))


def test_runs_do_not_cross_a_segment_boundary():
    # baseline_n=4. Segment 0 (idx 0-7): 10,12,10,12,13,13,13,13: centre 11, near 14.546667;
    # idx 3-7 are 5 points above. Segment 1 (idx 8-13): 24,24,20,20,24,24: centre 22, MRs 0,4,0 ->
    # 4/3, near 22 ± 2.364444; idx 8-9 are 2 above its centre. 5 + 2 = 7 only across the boundary.
    values = [10, 12, 10, 12, 13, 13, 13, 13, 24, 24, 20, 20, 24, 24]
    assert types(xmr(values, rebase_at=[8], baseline_n=4)) == [CC] * 14
    # with runs of 5 the first segment's five points are a run on their own
    assert (
        types(xmr(values, rebase_at=[8], baseline_n=4, run_len=5)) == [CC] * 3 + [RH] * 5 + [CC] * 6
    )


def test_provisional_points_are_drawn_but_not_judged():
    # Settled points BASE: centre 11, limits 5.68 / 16.32. The two 30s are provisional: left out of
    # the limits (all 8 would give centre 126/8 = 15.75) and never special cause.
    r = xmr(BASE + [30, 30], provisional=[False] * 6 + [True, True], direction="increase")
    assert (r.centre, r.mean_mr) == (11, 2)
    assert types(r) == [CC] * 8
    assert r.points["provisional"].to_list() == [False] * 6 + [True, True]
    assert r.points["value"].to_list()[-2:] == [30, 30]
    # the same points settled are outside
    assert types(xmr(BASE + [30, 30]))[-2:] == [OH, OH]


def test_short_series_warn_and_tiny_series_do_not_crash():
    empty = xmr([])
    assert empty.points.height == 0 and empty.centre is None and empty.limits == (None, None)
    assert [w.kind for w in empty.warnings] == ["no_limits"]
    one = xmr([5], target=3, direction="increase")
    assert one.centre == 5 and one.mean_mr is None and one.assurance is None
    assert types(one) == [CC]
    # 11 points: trial limits; 12 points: no warning
    assert [w.kind for w in xmr(BASE + BASE[:5]).warnings] == ["trial_limits"]
    assert xmr(BASE * 2).warnings == ()
    # a one-point last segment has no limits, whatever came before
    r = xmr(BASE * 2 + [11], rebase_at=[12])
    assert [(w.kind, w.segment, w.start) for w in r.warnings] == [("no_limits", 1, 12)]
    assert "12" in r.warnings[0].message


def test_boundaries_are_judged_in_exact_decimals():
    # Baseline 1.3,1.1,1.2: centre exactly 1.2 (a float sum gives 1.2000000000000002, which would
    # put the 1.2 below it); MRs .2,.1 -> .15; near 1.2 ± .266. The 1.2 at idx 2 is on the centre
    # and breaks the run below: 1.1 at idx 1, then only 5 below (idx 3-7). Judged below, idx 1-7
    # would be a run of 7.
    values = [1.3, 1.1, 1.2, 1.15, 1.1, 1.15, 1.1, 1.15]
    assert types(xmr(values, baseline_n=3)) == [CC] * 8
    assert types(xmr(values, baseline_n=3, run_len=5)) == [CC] * 3 + [RL] * 5
    # A range exactly at the cut-off is kept (metrics.md screens ranges "above" it).
    # 0,.733,0,.733,10.534: MRs .733 x3 and 9.801 -> mean 12/4 = 3; cut-off 3.267 × 3 = 9.801.
    assert xmr([0, 0.733, 0, 0.733, 10.534]).mean_mr == 3
