"""Figures as a person writes them: the one place money, months, percentages, counts and the labels
of codes are turned into text for a page, a chart, a download heading or the board pack.

A board member reads "£4.1m", "£24 an hour", "March 2026" and "Home care", never 4,142,662.1,
2026-03 or `home_care`; every wing routes its display text through here so one figure reads the
same everywhere. The JSON of the command line keeps its numbers and codes: formatting is for text.
The words (currency marks, month names, code labels) are in `data/strings.en.toml`.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

from dashboard.core.framework import load_framework
from dashboard.core.settings import DEFAULTS
from dashboard.core.strings import catalogue, t

MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december")  # fmt: skip
_YEAR_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
MILLION, THOUSAND = 1_000_000, 10_000
MONEY_WORDS = ("gbp", "spend", "cost", "budget", "payments", "recoveries")


def money(value: float | Decimal | None, *, per_hour: bool = False) -> str:
    """£4.1m from a million up, £92k from ten thousand, whole pounds below (£24), −£ for a
    recovery; `per_hour` reads "£24 an hour". None (hidden or not computable) is the dash."""
    if value is None:
        return t("disclosure.missing")
    amount = float(value)
    size = abs(amount)
    if size >= MILLION:
        text = t("formats.money_millions", value=size / MILLION)
    elif size >= THOUSAND:
        text = t("formats.money_thousands", value=size / 1000)
    else:
        text = t("formats.money", value=size)
    text = t("formats.negative", value=text) if amount < 0 and round(size) else text
    return t("formats.per_hour", value=text) if per_hour else text


def month(value: date | str) -> str:
    """A month as "March 2026", from a date or a "2026-03" stamp; other text is returned as is
    (a quarter "2025/26 Q1" or a year "2025/26" already reads well)."""
    if isinstance(value, date):
        year, m = value.year, value.month
    else:
        found = _YEAR_MONTH.match(str(value))
        if not found:
            return str(value)
        year, m = int(found.group(1)), int(found.group(2))
        if not 1 <= m <= 12:
            return str(value)
    return t("formats.month", month=t(f"formats.{MONTHS[m - 1]}"), year=year)


def day(value: date) -> str:
    """A date as "31 March 2026"."""
    return t("formats.day", day=value.day, month=month(value))


def percent(fraction: float | None, *, hidden: bool = False) -> str:
    """A fraction as "43.2%"; a hidden rate reads "hidden" (never "<5", which reads as a
    percentage under 5), and one that cannot be worked out the dash."""
    if hidden:
        return t("disclosure.screen_hidden")
    if fraction is None:
        return t("disclosure.missing")
    return t("disclosure.percent", value=fraction * 100)


def amount(value: Decimal | float, column: str) -> str:
    """An exact amount in a table cell: money (a column named for spend, cost, budget, payments,
    recoveries or £) as `money` writes it (the files keep the exact pounds and pence); hours and
    scores from a thousand up in whole units (509,011), smaller ones as they are."""
    if any(word in column for word in MONEY_WORDS):
        return money(value)
    return f"{float(value):,.0f}" if abs(value) >= 1000 else f"{value:,}"


def count(value: int | None) -> str:
    """A count with thousands separators (1,234)."""
    return t("disclosure.missing") if value is None else f"{value:,}"


def number(value: float | None) -> str:
    """A figure in its own unit (hours, a rate per 100): one decimal under a thousand, whole
    units with thousands separated from a thousand up (6,710, not 6,710.0)."""
    if value is None:
        return t("disclosure.missing")
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:,.1f}"


@cache
def framework_labels(path: Path = DEFAULTS.framework_file) -> dict[str, str]:
    """The framework file's own labels of its indicators and Talking Points domains (a
    partnership edits them there, so they are not repeated in the strings)."""
    framework = load_framework(path)
    return {**{i.id: i.label for i in framework.indicators},
            **{d.code: d.label for d in framework.domains}}  # fmt: skip


def label(code: object) -> str:
    """The plain-English label of a code of the export or the framework (`home_care` → "Home
    care", `no1_attainment` → its framework label); a code with no label in `[codes]` or the
    framework reads as words, its underscores as spaces, so nothing raw reaches a reader."""
    if code is None:
        return t("disclosure.missing")
    text = str(code)
    known = known_label(text)
    if known is not None:
        return known
    return text.replace("_", " ").capitalize() if "_" in text or text.islower() else text


def known_label(text: str) -> str | None:
    """The label of `text` when it is a code the strings or the framework name; else None (a
    place or provider name is left as written)."""
    return catalogue().get(f"codes.{text}") or framework_labels().get(text)


def labels(codes: list) -> dict:
    """Each distinct code's label, for `replace_strict` on a column (Polars runs no Python per
    row, which would wait on the interpreter lock)."""
    return {c: label(c) for c in codes}
