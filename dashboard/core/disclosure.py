"""Disclosure control: the one place every figure passes through before anyone sees it.

A board paper is a publication (IJB papers are public), so for a board audience no count of people,
plans, outcomes or reviews from 1 to threshold − 1 may be shown, nor anything that lets one be worked
out: a rate built on it, its complement (denominator − numerator), or a total minus the other cells.
The rules are in metrics.md ("Disclosure control"); decisions the spec leaves open are in
docs/disclosure.md. Internal audiences get exact figures, with the same flag columns, so every page and
renderer handles one shape of frame.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

import polars as pl

from dashboard.core import formats, suppression
from dashboard.core.escape import spreadsheet_frame
from dashboard.core.settings import DEFAULTS
from dashboard.core.strings import t

FLAG_SUFFIX = "__suppressed"
FILE_SYMBOL = "*"  # the symbol in CSV and Excel cells; PHS calls it the most common
FREE_TEXT_COLUMNS = ("outcome_text",)
ROUNDING_BASE = 5

Audience = Literal["board", "internal"]
Method = Literal["suppress", "round5"]
Grain = Literal["month", "quarter", "none"]


@dataclass(frozen=True)
class Policy:
    """Who the output is for and how small counts are protected."""

    audience: Audience = "board"
    threshold: int = (
        DEFAULTS.disclosure_threshold
    )  # counts 1..threshold-1 are protected; 0 is shown
    method: Method = DEFAULTS.disclosure_method  # type: ignore[assignment]
    name_providers: bool = (
        DEFAULTS.name_providers
    )  # board: providers named only when settings allow

    def __post_init__(self) -> None:
        if self.audience not in ("board", "internal"):
            raise ValueError(f"unknown audience {self.audience!r}")
        if self.method not in ("suppress", "round5"):
            raise ValueError(f"unknown disclosure method {self.method!r}")
        if self.threshold < 1:
            raise ValueError(f"threshold must be at least 1, not {self.threshold}")

    @property
    def controlled(self) -> bool:
        return self.audience == "board"

    def is_small(self, value: object) -> bool:
        """A count that must not be shown: from 1 (or any positive fraction) to threshold − 1."""
        return value is not None and 0 < value < self.threshold  # type: ignore[operator]


def flag(column: str) -> str:
    """The name of the boolean column marking `column`'s suppressed cells."""
    return f"{column}{FLAG_SUFFIX}"


def flag_columns(df: pl.DataFrame) -> list[str]:
    return [c for c in df.columns if c.endswith(FLAG_SUFFIX)]


def protected_columns(df: pl.DataFrame) -> list[str]:
    """The columns that went through `protect` (each has a flag column)."""
    return [c.removesuffix(FLAG_SUFFIX) for c in flag_columns(df)]


# --- protect -------------------------------------------------------------------------------------


def _total_row(df: pl.DataFrame, total_flag: str | None) -> int | None:
    if total_flag is None:
        return None
    rows = [i for i, v in enumerate(df[total_flag].to_list()) if v]
    if len(rows) != 1:
        raise ValueError(f"{total_flag!r} must mark exactly one total row, not {len(rows)}")
    return rows[0]


def _with_flags(df: pl.DataFrame, flags: Mapping[str, list[bool]]) -> pl.DataFrame:
    """Null the flagged cells and append the flag columns."""
    out = df.with_columns(pl.Series(flag(c), f, dtype=pl.Boolean) for c, f in flags.items())
    return out.with_columns(
        pl.when(pl.col(flag(c))).then(None).otherwise(pl.col(c)).alias(c) for c in flags
    )


def _round(col: str, dtype: pl.DataType) -> pl.Expr:
    """Nearest multiple of 5: 1–2 → 0, 3–4 → 5, 0 stays 0; a non-integer half rounds up."""
    if dtype.is_integer():
        return ((pl.col(col) + ROUNDING_BASE // 2) // ROUNDING_BASE) * ROUNDING_BASE
    return ((pl.col(col) / ROUNDING_BASE + 0.5).floor() * ROUNDING_BASE).cast(dtype)


def _protect_round5(
    df: pl.DataFrame, policy: Policy, count_cols: list[str], rates: Mapping[str, tuple[str, str]]
) -> pl.DataFrame:
    rounded = df.with_columns(_round(c, df.schema[c]).alias(c) for c in count_cols)
    flags = {c: [False] * df.height for c in count_cols}
    for rate, (num, den) in rates.items():
        # a rounded 0 may be 1 or 2, so it is "under the threshold" too
        flags[rate] = [
            any(v is not None and v < policy.threshold for v in pair)
            for pair in zip(rounded[num].to_list(), rounded[den].to_list(), strict=True)
        ]
    return _with_flags(rounded, flags)


def protect(
    df: pl.DataFrame,
    policy: Policy,
    *,
    counts: Sequence[str],
    rates: Mapping[str, tuple[str, str]] | None = None,
    parts: Mapping[str, Sequence[str]] | None = None,
    remainders: Mapping[str, Sequence[str]] | None = None,
    total_flag: str | None = None,
) -> pl.DataFrame:
    """The frame as `policy`'s audience may see it, with a `<col>__suppressed` flag per count and
    rate column (a NULL with a false flag is a true gap, not a hidden figure).

    `rates` maps a rate column to its (numerator, denominator) columns; `parts` maps a row-wise total
    column to the columns that add up to it; `remainders` maps a row-wise total to shown parts that
    leave an unshown one (denominator → met, partly met: not met is the rest, and a reader can
    subtract); `total_flag` names a boolean column marking the one row whose counts are the sum of
    the other rows'.
    """
    rates, parts, remainders = dict(rates or {}), dict(parts or {}), dict(remainders or {})
    count_cols = suppression.count_columns(counts, rates, parts, remainders)
    total_row = _total_row(df, total_flag)
    if not policy.controlled:
        return _with_flags(df, {c: [False] * df.height for c in [*count_cols, *rates]})
    if policy.method == "round5":
        return _protect_round5(df, policy, count_cols, rates)
    values = {c: df[c].to_list() for c in count_cols}
    values |= suppression.virtual_columns(values, rates, remainders)
    relations = suppression.relations(count_cols, rates, parts, remainders, total_row, df.height)
    hidden = suppression.suppressed_cells(values, relations, policy.is_small)
    flags = {c: [(c, r) in hidden for r in range(df.height)] for c in count_cols}
    for rate, (num, den) in rates.items():
        flags[rate] = [a or b for a, b in zip(flags[num], flags[den], strict=True)]
    return _with_flags(df, flags)


def shown_count(value: int | None, policy: Policy) -> int | None:
    """One count outside a table (a data gap, a numerator in a sentence or a JSON field) as the
    audience may see it: None when small under `suppress`, the nearest multiple of 5 under
    `round5`; so no single figure escapes the rule for want of a frame."""
    if value is None or not policy.controlled:
        return value
    if policy.method == "round5":
        return int((value + ROUNDING_BASE // 2) // ROUNDING_BASE * ROUNDING_BASE)
    return None if policy.is_small(value) else value


# --- charts --------------------------------------------------------------------------------------


def _series_safe(
    df: pl.DataFrame, policy: Policy, denominator: str, numerator: str | Sequence[str] | None
) -> bool:
    dens = df[denominator].to_list()
    if any(d is None or d < policy.threshold for d in dens):
        return False
    names = [numerator] if isinstance(numerator, str) else list(numerator or [])
    if not names:
        return True
    for row, d in zip(df.select(names).iter_rows(), dens, strict=True):
        differences = [d - n for n in row] + ([d - sum(row)] if len(row) > 1 else [])
        if any(policy.is_small(v) for v in [*row, *differences]):
            return False
    return True


def series_grain(
    monthly: pl.DataFrame,
    quarterly: pl.DataFrame,
    policy: Policy,
    *,
    denominator: str,
    numerator: str | Sequence[str] | None = None,
) -> tuple[Grain, pl.DataFrame | None, str | None]:
    """The grain to draw a rate series at, the frame to draw, and a note saying why if coarser.

    A series with any point under the threshold is drawn whole at quarters, and not at all if
    quarters fail too: hiding single points would leave gaps SPC would misread. Give `numerator`
    when the chart (or its tooltip) lets the counts be read, so a small numerator or complement
    also counts as unsafe; give several (met, partly met) when the page shows each over the same
    denominator, so what they leave (not met) counts too. A NULL denominator is a point with nothing behind it, so unsafe.
    """
    if not policy.controlled or _series_safe(monthly, policy, denominator, numerator):
        return "month", monthly, None
    if _series_safe(quarterly, policy, denominator, numerator):
        return "quarter", quarterly, t("disclosure.series_quarterly", threshold=policy.threshold)
    return "none", None, t("disclosure.series_hidden", threshold=policy.threshold)


# --- identities ----------------------------------------------------------------------------------


def drop_free_text(
    df: pl.DataFrame, policy: Policy, columns: Sequence[str] = FREE_TEXT_COLUMNS
) -> pl.DataFrame:
    """A board never sees people's own words: they can identify someone however few there are."""
    if not policy.controlled:
        return df
    return df.drop([c for c in columns if c in df.columns])


def provider_labels(
    df: pl.DataFrame,
    policy: Policy,
    id_col: str = "provider_id",
    name_col: str = "provider_name",
    *,
    universe: Iterable[str] | None = None,
) -> pl.DataFrame:
    """Board: `name_col` replaced by "Provider 1", "Provider 2", … numbered in provider_id order.

    Pass `universe` (every provider id of the partnership) so a provider keeps its label across
    pages and filters; without it the numbering is over the ids in `df`. Numbering by id, never by a
    figure, so a label says nothing about performance.
    """
    if not policy.controlled or policy.name_providers:
        return df
    ids = sorted({i for i in (universe if universe is not None else df[id_col]) if i is not None})
    labels = {i: t("disclosure.provider_label", n=n) for n, i in enumerate(ids, start=1)}
    missing = set(df[id_col].drop_nulls()) - set(labels)
    if missing:
        raise ValueError(f"provider ids not in the universe: {sorted(missing)}")
    return df.with_columns(pl.col(id_col).replace_strict(labels, default=None).alias(name_col))


def unranked(df: pl.DataFrame, policy: Policy, by: str) -> pl.DataFrame:
    """Board: rows in label order ("Provider 2" before "Provider 10"), never by an outcome figure,
    so a board table cannot be read as a league table. Internal frames keep their order."""
    if not policy.controlled:
        return df
    text = pl.col(by).cast(pl.String)
    return df.sort(
        [text.str.replace(r"\d+$", ""), text.str.extract(r"(\d+)$").cast(pl.Int64), text],
        nulls_last=True,
        maintain_order=True,
    )


# --- renderers -----------------------------------------------------------------------------------


def is_rate(df: pl.DataFrame, column: str) -> bool:
    """Protected float columns are rates (fractions 0–1); counts are integers."""
    return flag(column) in df.columns and df.schema[column].is_float()


def to_records(df: pl.DataFrame) -> list[dict]:
    """JSON-ready rows: a suppressed value is None and its record carries `"suppressed": true`
    and the names of its hidden fields, so a real gap (None, not listed) stays distinguishable."""
    flags = flag_columns(df)
    records = []
    for row in df.iter_rows(named=True):
        hidden = [f.removesuffix(FLAG_SUFFIX) for f in flags if row[f]]
        record = {k: v for k, v in row.items() if k not in flags}
        if flags:
            record["suppressed"] = bool(hidden)
        if hidden:
            record["suppressed_fields"] = hidden
        records.append(record)
    return records


def to_csv_bytes(df: pl.DataFrame) -> bytes:
    """CSV with `*` in suppressed cells and an empty cell for a true gap; flag columns dropped;
    text that a spreadsheet would run as a formula (`=HYPERLINK(…)`) prefixed with `'`."""
    out = spreadsheet_frame(df).with_columns(
        pl.when(pl.col(flag(c)))
        .then(pl.lit(FILE_SYMBOL))
        .otherwise(pl.col(c).cast(pl.String))
        .alias(c)
        for c in protected_columns(df)
    )
    return out.drop(flag_columns(df)).write_csv().encode("utf-8")


def _screen_text(value: object, percent: bool, column: str = "") -> str:
    if value is None:
        return t("disclosure.missing")
    if isinstance(value, str):  # a code reads as its label, "2026-03" as "March 2026"
        return formats.known_label(value) or formats.month(value)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return formats.percent(value) if percent else formats.number(value)
    if isinstance(value, Decimal):  # money or hours, exact
        return formats.amount(value, column)
    if isinstance(value, date):
        return formats.day(value)
    return str(value)


def display(
    df: pl.DataFrame, policy: Policy, *, percent: Sequence[str] | None = None
) -> pl.DataFrame:
    """Every cell as screen text: suppressed counts "<5" (the threshold) and suppressed rates
    "hidden" (a "<5" where a percentage is expected reads as "under 5%"), rates as percentages
    with one decimal, counts with thousands separators, dates as "31 March 2026", a true gap as a
    dash; flag columns dropped.

    `percent` names the rate columns; by default every protected float column is a rate."""
    flags = set(flag_columns(df))
    rate_cols = set(percent) if percent is not None else {c for c in df.columns if is_rate(df, c)}
    symbol = t("disclosure.screen_suppressed", threshold=policy.threshold)
    columns = {}
    for c in df.columns:
        if c in flags:
            continue
        hidden = df[flag(c)].to_list() if flag(c) in flags else [False] * df.height
        amount = c in rate_cols or isinstance(df.schema[c], pl.Decimal)  # a rate, £ or hours
        mark = formats.percent(None, hidden=True) if amount else symbol
        columns[c] = [
            mark if h else _screen_text(v, c in rate_cols, c)
            for v, h in zip(df[c].to_list(), hidden, strict=True)
        ]
    return pl.DataFrame(columns, schema=dict.fromkeys(columns, pl.String))


def rule_text(policy: Policy) -> str:
    """The disclosure rule in words, for footnotes and the Definitions sheet."""
    if not policy.controlled:
        return t("disclosure.rule_internal")
    key = "disclosure.rule_round5" if policy.method == "round5" else "disclosure.rule_suppress"
    return t(key, threshold=policy.threshold, below=policy.threshold - 1, symbol=FILE_SYMBOL)


def screen_footnote(policy: Policy) -> str | None:
    """The line under a board table or chart explaining the "<5" mark; None when nothing is hidden."""
    if not policy.controlled:
        return None
    if policy.method == "round5":
        return rule_text(policy)
    return t("disclosure.screen_footnote", threshold=policy.threshold)
