"""Disclosure control: boundaries, complements, secondary suppression to a fixpoint, rounding,
renderers, chart grain and provider identities, worked by hand on small tables; then properties
over random tables (no small count shown, nothing recoverable by subtraction, internal exact)."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.core.disclosure import (
    Policy,
    display,
    drop_free_text,
    protect,
    provider_labels,
    rule_text,
    screen_footnote,
    series_grain,
    to_csv_bytes,
    to_records,
    unranked,
)

BOARD = Policy()
INTERNAL = Policy(audience="internal")


def hidden(out: pl.DataFrame, col: str) -> list[bool]:
    return out[f"{col}__suppressed"].to_list()


# --- primary suppression -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("threshold", "values", "expected"),
    [
        # threshold 5: 1..4 hidden; 0 and 5 shown
        (5, [0, 1, 4, 5, 6], [0, None, None, 5, 6]),
        # threshold 10: 1..9 hidden; 10 shown
        (10, [0, 1, 5, 9, 10], [0, None, None, None, 10]),
        # threshold 1: nothing is small
        (1, [0, 1, 2], [0, 1, 2]),
    ],
)
def test_primary_boundary(threshold: int, values: list[int], expected: list[int | None]) -> None:
    out = protect(pl.DataFrame({"n": values}), Policy(threshold=threshold), counts=["n"])
    assert out["n"].to_list() == expected
    assert hidden(out, "n") == [v is None for v in expected]


def test_true_null_is_not_suppressed() -> None:
    out = protect(pl.DataFrame({"n": [None, 3, 7]}, schema={"n": pl.Int64}), BOARD, counts=["n"])
    assert out["n"].to_list() == [None, None, 7]
    assert hidden(out, "n") == [False, True, False]  # the first NULL is a gap, not hidden


# --- rates and their complement ------------------------------------------------------------------


def rate_frame(met: list[int], reviewed: list[int]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "met": met,
            "reviewed": reviewed,
            "rate": [m / r for m, r in zip(met, reviewed, strict=True)],
        }
    )


RATE = {"rate": ("met", "reviewed")}


def test_complement_47_of_50_hides_numerator_and_rate() -> None:
    # 47 met of 50: not met = 3, a small cell a reader gets by 50 − 47, so 47 (the next smallest
    # sibling, a part rather than the total 50) is hidden, and with it the rate; 50 stays.
    out = protect(rate_frame([47], [50]), BOARD, counts=[], rates=RATE)
    assert out.row(0) == (None, 50, None, True, False, True)


def test_rate_hidden_with_numerator_or_denominator() -> None:
    # row 0: 3 of 20 -> numerator small: 3 and rate hidden; complement 17 hidden with it, 20 shown
    # row 1: 0 of 4  -> denominator small: 4 and rate hidden; 0 shown
    # row 2: 0 of 20 -> nothing small (complement 20): all shown
    # row 3: 10 of 12 -> complement 2 small: 10 hidden, rate hidden
    out = protect(rate_frame([3, 0, 0, 10], [20, 4, 20, 12]), BOARD, counts=[], rates=RATE)
    assert out["met"].to_list() == [None, 0, 0, None]
    assert out["reviewed"].to_list() == [20, None, 20, 12]
    assert hidden(out, "rate") == [True, True, False, True]
    assert out["rate"].to_list()[2] == 0.0


# --- secondary suppression -----------------------------------------------------------------------


def test_secondary_along_a_row_prefers_smallest_nonzero_part() -> None:
    # row 0: 30 = 3 + 12 + 15 -> 3 hidden, then 12 (smallest part); the total stays
    # row 1: 23 = 3 + 0 + 20  -> 3 hidden; hiding 0 would tell the pair sums to 3, so 20 instead
    # row 2: 8 = 4 + 4 + 0    -> both 4s hidden: two cells already, nothing more
    df = pl.DataFrame(
        {"total": [30, 23, 8], "a": [3, 3, 4], "b": [12, 0, 4], "c": [15, 20, 0]},
    )
    out = protect(df, BOARD, counts=["total"], parts={"total": ["a", "b", "c"]})
    assert out.select("total", "a", "b", "c").rows() == [
        (30, None, None, 15),
        (23, None, 0, None),
        (8, None, None, 0),
    ]


def test_secondary_takes_the_total_when_no_part_is_shown() -> None:
    # 9 = 3 + NULL: a NULL part is not counted as hidden (a reader may know it), so 3 would be the
    # only hidden cell; no part is left to hide, so the total 9 goes.
    df = pl.DataFrame({"total": [9], "a": [3], "b": [None]}, schema_overrides={"b": pl.Int64})
    out = protect(df, BOARD, counts=[], parts={"total": ["a", "b"]})
    assert out.row(0) == (None, None, None, True, True, False)


def test_secondary_down_a_column_to_the_total_row() -> None:
    # 21 = 3 + 8 + 10: 3 hidden, 8 the next smallest row; the total row's 21 stays
    df = pl.DataFrame({"n": [3, 8, 10, 21], "is_total": [False, False, False, True]})
    out = protect(df, BOARD, counts=["n"], total_flag="is_total")
    assert out["n"].to_list() == [None, None, 10, 21]


def test_secondary_iterates_to_a_fixpoint() -> None:
    #         a    b    c  | total
    # r1      2   10   50  |  62
    # r2      6   40    7  |  53
    # r3     30   11    8  |  49
    # Total  38   61   65  | 164
    # pass 1: a·r1 (2) primary; row r1 -> b·r1 (10); column a -> a·r2 (6); column b -> b·r3 (11)
    # pass 2: row r2 now has one (a·r2) -> c·r2 (7); row r3 has one (b·r3) -> c·r3 (8)
    # pass 3: every row and column has 0 or 2 hidden: stop. Totals all shown.
    df = pl.DataFrame(
        {
            "a": [2, 6, 30, 38],
            "b": [10, 40, 11, 61],
            "c": [50, 7, 8, 65],
            "total": [62, 53, 49, 164],
            "is_total": [False, False, False, True],
        }
    )
    out = protect(
        df,
        BOARD,
        counts=["a", "b", "c", "total"],
        parts={"total": ["a", "b", "c"]},
        total_flag="is_total",
    )
    assert out.select("a", "b", "c", "total").rows() == [
        (None, None, 50, 62),
        (None, 40, None, 53),
        (30, None, None, 49),
        (38, 61, 65, 164),
    ]


def test_total_flag_must_mark_one_row() -> None:
    df = pl.DataFrame({"n": [1, 2], "is_total": [False, False]})
    with pytest.raises(ValueError, match="exactly one total row"):
        protect(df, BOARD, counts=["n"], total_flag="is_total")


# --- rounding and internal -----------------------------------------------------------------------


def test_round5_counts_and_rates() -> None:
    # counts to the nearest 5: 0->0, 1->0, 2->0, 3->5, 4->5, 7->5, 8->10, 12->10, 13->15
    # rates stay exact; hidden where the rounded numerator or denominator is under 5:
    # 2/40 (rounded 0/40) hidden; 7/50 (5/50) shown as 0.14; 13/3 impossible, so 3/13 (5/15) shown
    df = pl.DataFrame(
        {
            "n": [0, 1, 2, 3, 4, 7, 8, 12, 13],
            "met": [0, 0, 0, 0, 2, 7, 3, 0, 0],
            "den": [1, 1, 1, 1, 40, 50, 13, 1, 1],
        }
    ).with_columns(rate=pl.col("met") / pl.col("den"))
    out = protect(df, Policy(method="round5"), counts=["n"], rates={"rate": ("met", "den")})
    assert out["n"].to_list() == [0, 0, 0, 5, 5, 5, 10, 10, 15]
    assert out["rate"].to_list()[4:7] == [None, 0.14, 3 / 13]
    assert not any(hidden(out, "n"))


def test_round5_rate_against_a_higher_threshold() -> None:
    # threshold 10: 7/50 rounds to 5/50, and 5 < 10, so the rate is hidden
    df = pl.DataFrame({"met": [7], "den": [50], "rate": [0.14]})
    out = protect(
        df, Policy(method="round5", threshold=10), counts=[], rates={"rate": ("met", "den")}
    )
    assert out["rate"].to_list() == [None]
    assert out["met"].to_list() == [5]


def test_internal_is_exact_with_false_flags() -> None:
    df = rate_frame([47, 3], [50, 4])
    out = protect(df, INTERNAL, counts=[], rates=RATE)
    assert out.select(df.columns).equals(df)
    assert not any(hidden(out, "met") + hidden(out, "reviewed") + hidden(out, "rate"))


# --- renderers -----------------------------------------------------------------------------------


@pytest.fixture
def protected() -> pl.DataFrame:
    # 47/50 (complement 3: met and rate hidden), 1234/2000 shown, NULL met is a true gap
    df = pl.DataFrame(
        {"area": ["A", "B", "C"], "met": [47, 1234, None], "reviewed": [50, 2000, 9]},
        schema_overrides={"met": pl.Int64},
    ).with_columns(rate=pl.col("met") / pl.col("reviewed"))
    return protect(df, BOARD, counts=[], rates=RATE)


def test_to_records_marks_suppressed(protected: pl.DataFrame) -> None:
    records = to_records(protected)
    assert records[0] == {
        "area": "A",
        "met": None,
        "reviewed": 50,
        "rate": None,
        "suppressed": True,
        "suppressed_fields": ["met", "rate"],
    }
    assert records[1]["suppressed"] is False and records[1]["rate"] == 0.617
    assert records[2] == {
        "area": "C",
        "met": None,
        "reviewed": 9,
        "rate": None,
        "suppressed": False,
    }


def test_csv_star_in_suppressed_cells(protected: pl.DataFrame) -> None:
    lines = to_csv_bytes(protected).decode().splitlines()
    assert lines == ["area,met,reviewed,rate", "A,*,50,*", "B,1234,2000,0.617", "C,,9,"]


def test_display_for_screens(protected: pl.DataFrame) -> None:
    shown = display(protected, BOARD)
    assert shown.rows() == [
        ("A", "<5", "50", "hidden"),  # a hidden rate never reads "<5" (under 5%)
        ("B", "1,234", "2,000", "61.7%"),
        ("C", "–", "9", "–"),
    ]
    assert display(protected, Policy(threshold=10))["met"][0] == "<10"


def test_footnotes_and_rule_text() -> None:
    assert screen_footnote(INTERNAL) is None
    assert "<5" in screen_footnote(BOARD)
    assert "1 to 9" in rule_text(Policy(threshold=10))
    assert "nearest multiple of 5" in rule_text(Policy(method="round5"))


# --- chart series --------------------------------------------------------------------------------


def series(dens: list[int], nums: list[int] | None = None) -> pl.DataFrame:
    return pl.DataFrame({"den": dens, "num": nums or [0] * len(dens)})


def test_series_grain_month_quarter_none() -> None:
    months_ok, months_thin = series([12, 5, 9]), series([12, 4, 9])
    quarters_ok, quarters_thin = series([25]), series([25, 3])
    assert series_grain(months_ok, quarters_ok, BOARD, denominator="den")[:2] == (
        "month",
        months_ok,
    )
    grain, frame, note = series_grain(months_thin, quarters_ok, BOARD, denominator="den")
    assert (grain, frame, "quarter" in note) == ("quarter", quarters_ok, True)
    grain, frame, note = series_grain(months_thin, quarters_thin, BOARD, denominator="den")
    assert (grain, frame, note.startswith("Not shown")) == ("none", None, True)
    assert series_grain(months_thin, quarters_thin, INTERNAL, denominator="den")[0] == "month"


def test_series_grain_with_numerator_checks_complement() -> None:
    # month 2: 10 met of 12 -> 2 not met, small -> quarters (30 of 40: 10 not met, safe)
    months = series([20, 12], nums=[10, 10])
    quarters = series([40], nums=[30])
    assert series_grain(months, quarters, BOARD, denominator="den")[0] == "month"
    assert series_grain(months, quarters, BOARD, denominator="den", numerator="num")[0] == "quarter"


# --- identities ----------------------------------------------------------------------------------


def test_drop_free_text() -> None:
    df = pl.DataFrame({"outcome_text": ["I can go out"], "n": [7]})
    assert drop_free_text(df, BOARD).columns == ["n"]
    assert drop_free_text(df, INTERNAL).columns == ["outcome_text", "n"]


def test_provider_labels_by_id_not_by_figure() -> None:
    # ids in string order: P1, P10, P2 -> Provider 1, 2, 3, whatever the attainment
    df = pl.DataFrame(
        {
            "provider_id": ["P2", "P10", "P1"],
            "provider_name": ["Acorn", "Birch", "Cedar"],
            "rate": [0.9, 0.5, 0.1],
        }
    )
    labelled = provider_labels(df, BOARD)
    assert labelled["provider_name"].to_list() == ["Provider 3", "Provider 2", "Provider 1"]
    assert provider_labels(df, Policy(name_providers=True)).equals(df)
    assert provider_labels(df, INTERNAL).equals(df)
    # with the partnership's full list, P2 keeps its label on a page showing only P2
    only = provider_labels(df.head(1), BOARD, universe=["P1", "P10", "P2", "P3"])
    assert only["provider_name"].to_list() == ["Provider 3"]
    with pytest.raises(ValueError, match="not in the universe"):
        provider_labels(df, BOARD, universe=["P1"])


def test_unranked_sorts_by_label_naturally() -> None:
    df = pl.DataFrame(
        {"provider_name": ["Provider 10", "Provider 2", "Provider 1"], "rate": [0.1, 0.9, 0.5]}
    )
    assert unranked(df, BOARD, "provider_name")["rate"].to_list() == [0.5, 0.9, 0.1]
    assert unranked(df, INTERNAL, "provider_name").equals(df)


# --- properties over random tables ---------------------------------------------------------------

cell = st.one_of(st.integers(0, 7), st.integers(0, 300))


@st.composite
def tables(draw: st.DrawFn) -> tuple[pl.DataFrame, int, list[str]]:
    """Rows of part columns, a row total, a share rate (first part of the total) and a total row."""
    n_parts = draw(st.integers(1, 4))
    n_rows = draw(st.integers(1, 6))
    names = [f"p{j}" for j in range(n_parts)]
    rows = [[draw(cell) for _ in names] for _ in range(n_rows)]
    rows.append([sum(col) for col in zip(*rows, strict=True)])
    df = pl.DataFrame(rows, schema=names, orient="row").with_columns(
        total=pl.sum_horizontal(names), is_total=pl.Series([False] * n_rows + [True])
    )
    df = df.with_columns(share=pl.col("p0") / pl.col("total"))
    return df, draw(st.integers(2, 10)), names


def protect_table(df: pl.DataFrame, policy: Policy, names: list[str]) -> pl.DataFrame:
    return protect(
        df,
        policy,
        counts=["total", *names],
        rates={"share": ("p0", "total")},
        parts={"total": names},
        total_flag="is_total",
    )


@settings(max_examples=150, deadline=None)
@given(tables())
def test_board_never_shows_or_leaks_a_small_count(table) -> None:
    df, threshold, names = table
    out = protect_table(df, Policy(threshold=threshold), names)
    counts = ["total", *names]
    flags = out.select(f"{c}__suppressed" for c in counts).to_numpy()
    for c in counts:  # no shown count from 1 to threshold − 1; shown values are the true ones
        shown = out.filter(~pl.col(f"{c}__suppressed"))
        assert not shown.filter(pl.col(c).is_between(1, threshold - 1)).height
        assert shown[c].to_list() == df.filter(~out[f"{c}__suppressed"])[c].to_list()
    for row in flags:  # along a row: total + parts, 0 or >= 2 hidden
        assert row.sum() != 1
    for col in flags.T:  # down a column including the total row
        assert col.sum() != 1
    for p0, total, s0, st_ in zip(
        df["p0"], df["total"], out["p0__suppressed"], out["total__suppressed"], strict=True
    ):
        if not (s0 or st_):  # a shown numerator and denominator reveal a safe complement only
            assert not 1 <= total - p0 < threshold
    assert out["share__suppressed"].equals(
        out["p0__suppressed"] | out["total__suppressed"], check_names=False
    )


@settings(max_examples=50, deadline=None)
@given(tables())
def test_internal_output_equals_input(table) -> None:
    df, threshold, names = table
    out = protect_table(df, Policy(audience="internal", threshold=threshold), names)
    assert out.select(df.columns).equals(df)
    assert not any(any(out[c]) for c in out.columns if c.endswith("__suppressed"))
