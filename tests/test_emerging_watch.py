"""Emerging needs, issue 22: the history before the latest four quarters, Tarone's filter before
Benjamini–Hochberg, and the watch list, each on cells built by hand (counts frames, no export)."""

from __future__ import annotations

import polars as pl
import pytest

from dashboard.emerging import signals, stats


def counts_of(series: dict[str, list[int]], grp: str = "other") -> pl.DataFrame:
    """New plans: one cell per locality, its quarterly counts oldest first (q 0 = the first)."""
    rows = [dict(measure="new_plans", locality=loc, area_code=f"{loc}1", grp=grp, q=q, n=n)
            for loc, per_q in series.items() for q, n in enumerate(per_q) if n]  # fmt: skip
    return pl.DataFrame(rows, schema_overrides={"q": pl.Int32, "n": pl.Int64})


def areas_of(localities) -> pl.DataFrame:
    return pl.DataFrame(
        {"locality": list(localities), "population": 1000, "population_65plus": 200}
    )


def judged(series: dict[str, list[int]], n_quarters: int):
    counts = counts_of(series)
    cell_frame = stats.cells(counts, areas_of(series), n_quarters)
    return signals.find_signals(cell_frame, stats.area_rises(counts, cell_frame, n_quarters))


def test_history_reaches_back_twenty_quarters_when_the_export_holds_them():
    # 5 a quarter for twenty quarters, then 8: before 100, recent 32; RR = (32/4) ÷ (100/20) = 1.6
    # p0 = 4/24: p = binom.sf(31, 132, 1/6) = 0.016376 (against eight quarters: 40 and 32,
    # binom.sf(31, 72, 1/3) = 0.0585, not below 5%)
    cells, _, _ = judged({"Glen": [5] * 20 + [8] * 4}, 24)
    cell = cells.row(0, named=True)
    assert (cell["recent"], cell["before"], cell["before_quarters"]) == (32, 100, 20)
    assert cell["rate_ratio"] == pytest.approx(1.6)
    assert cell["p_value"] == pytest.approx(0.016376, abs=1e-6)


def test_history_starts_after_a_thin_start_the_export_began_recording_in():
    # The measure's first four quarters hold 1 a quarter against 10 lately: under half the latest
    # four's mean (5), so history starts at q 4 and the thin start does not make a false rise.
    counts = counts_of({"Glen": [1] * 4 + [10] * 20})
    assert stats.history_starts(counts, 24).rows() == [("new_plans", 4)]
    cells, signals_found, watch = judged({"Glen": [1] * 4 + [10] * 20}, 24)
    assert cells.row(0, named=True)["before"] == 160 and cells["rate_ratio"][0] == 1.0
    assert signals_found.height == 0 and watch.height == 0


def test_a_zero_quarter_inside_the_history_is_taken_as_not_recorded():
    # nothing at all in q 2: history starts at q 3
    counts = counts_of({"Glen": [6, 6, 0] + [6] * 9})
    assert stats.history_starts(counts, 12).rows() == [("new_plans", 3)]


def test_tarone_leaves_out_cells_that_can_never_reach_significance():
    # smallest reachable p-values 0.5, 0.1, 0.001, 0.0001 at FDR 0.05: K = 1 keeps two cells
    # (<= 0.05), more than 1; K = 2 keeps the two at <= 0.025, not more than 2: the family is two.
    smallest = [0.5, 0.1, 0.001, 0.0001]
    assert stats.tarone_testable(smallest, 0.05) == [False, False, True, True]
    # BH over the two: 0.004 × 2 / 1 = 0.008, 0.03 × 2 / 2 = 0.03 (over all four: 0.016, 0.04)
    q = stats.discrete_bh([0.6, 0.2, 0.004, 0.03], smallest, 0.05)
    assert q[:2] == [None, None] and q[2:] == pytest.approx([0.008, 0.03])


def test_one_event_cells_do_not_dilute_the_family():
    # A rise 5 → 9 a quarter (p = binom.sf(35, 76, 1/3) = 0.0077165) among 40 cells of one event
    # each: plain BH over 41 cells gives q = 0.0077165 × 41 = 0.316; a one-event cell can reach at
    # best p = 1/3, so Tarone's filter leaves them out and the rise is a signal (q = p).
    series = {"Rise": [5] * 8 + [9] * 4} | {f"One{i:02}": [1] + [0] * 11 for i in range(40)}
    cells, found, _ = judged(series, 12)
    rise = cells.filter(pl.col("locality") == "Rise").row(0, named=True)
    assert rise["p_value"] == pytest.approx(0.0077165, abs=1e-6)
    assert rise["q_value"] == pytest.approx(rise["p_value"])
    plain = stats.benjamini_hochberg(cells["p_value"].to_list())
    assert min(plain) == pytest.approx(0.316378, abs=1e-6)
    assert int(cells["in_family"].sum()) == 1
    assert found["locality"].to_list() == ["Rise"]


def test_watch_list_holds_the_rising_cells_that_did_not_pass_strongest_first_at_most_ten():
    # Step: 5 → 10 a quarter, p = 0.001506, q over 13 cells = 0.0196: a signal, not watched.
    # A: 5 → 7 (RR 1.4, p = binom.sf(27, 68, 1/3) = 0.10804); E1–E9: 1 → 2 (RR 2.0,
    # p = binom.sf(7, 16, 1/3) = 0.12650); B: 5 → 6 (RR 1.2, the minimum: p = 0.27962);
    # Flat: 5 → 5 (RR 1.0, not rising). Eleven rising cells fail the control; the ten with the
    # smallest p-values are watched: A, then E1–E9; B is the eleventh.
    series = {"Step": [5] * 8 + [10] * 4, "A": [5] * 8 + [7] * 4, "B": [5] * 8 + [6] * 4,
              "Flat": [5] * 12} | {f"E{i}": [1] * 8 + [2] * 4 for i in range(1, 10)}  # fmt: skip
    _, found, watch = judged(series, 12)
    assert found["locality"].to_list() == ["Step"]
    assert watch["locality"].to_list() == ["A"] + [f"E{i}" for i in range(1, 10)]
    assert watch["p_value"][0] == pytest.approx(0.108045, abs=1e-6)
    assert watch["p_value"][1] == pytest.approx(0.126501, abs=1e-6)
    assert watch["reason"].null_count() == 10
    # a year: A had 20 a year before and 20 were expected; 28 came
    a = watch.row(0, named=True)
    assert (a["recent"], a["before_per_year"], a["expected"]) == (28, 20.0, 20.0)


def test_watch_list_of_eleven_without_a_signal_drops_the_weakest():
    series = {"A": [5] * 8 + [7] * 4, "B": [5] * 8 + [6] * 4} | {
        f"E{i}": [1] * 8 + [2] * 4 for i in range(1, 10)
    }
    _, found, watch = judged(series, 12)
    assert found.height == 0 and watch.height == signals.WATCH_MAX
    assert "B" not in watch["locality"].to_list()
