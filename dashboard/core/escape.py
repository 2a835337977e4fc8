"""Text from the export, a URL or an upload made inert before it reaches a spreadsheet or Markdown.

A locality, provider or file name is data, and data can be hostile: `=HYPERLINK(...)` becomes a live
formula when a download is opened in Excel, and `[click](https://…)` or `![](https://…)` becomes a
live link or a fetched image when Streamlit renders it as Markdown. Each output has one function
here, and every place that writes such text calls it (issue 26, items 5 and 6).
"""

from __future__ import annotations

import re

import polars as pl

# OWASP "CSV Injection": a cell starting with one of these is read as a formula by spreadsheets.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FORMULA_GUARD = "'"
# The characters that start Markdown or HTML inline: links and images need `[`, HTML `<`, emphasis
# `*` `_` `~`, code a backtick, tables `|`, headings `#`, LaTeX `$` (Streamlit renders it), and
# `@` an e-mail autolink. Ordinary punctuation (full stops, brackets, colons) is left alone, so a
# sentence reads the same in the page's Markdown source as on screen.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~$@])")
# Bare web addresses become links in GitHub-flavoured Markdown: break "://" and "www."
_AUTOLINK = re.compile(r"(?i)(:)(?=//)|(?<=www)(\.)")
# A line starting "- ", "+ " or "1. " is a list, "=" or ">" under a line a heading or quote
_LINE_START = re.compile(r"^(\s*)([-+=>])")
_NUMBERED = re.compile(r"^(\s*\d+)([.)])")  # escape the full stop: a digit cannot be escaped


def spreadsheet_text(value: str) -> str:
    """A text cell a spreadsheet shows as written: prefixed with `'` when it would start a formula."""
    return FORMULA_GUARD + value if value.startswith(FORMULA_START) else value


def spreadsheet_frame(df: pl.DataFrame) -> pl.DataFrame:
    """Every text column's cells through `spreadsheet_text`; numbers (a negative amount) stay."""
    text = [c for c, dtype in df.schema.items() if dtype == pl.String]
    starts = "|".join(re.escape(s) for s in FORMULA_START)
    return df.with_columns(
        pl.when(pl.col(c).str.contains(f"^({starts})"))
        .then(pl.lit(FORMULA_GUARD) + pl.col(c))
        .otherwise(pl.col(c))
        .alias(c)
        for c in text
    )


def markdown_text(value: object) -> str:
    """`value` as literal text inside Markdown: what could start a link, an image, HTML, emphasis
    or a heading is backslash-escaped and line breaks are flattened, so a name renders as the
    name, never as a live link or a fetched image."""
    flat = " ".join(str(value).split())
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", flat)
    escaped = _AUTOLINK.sub(lambda m: "\\" + (m.group(1) or m.group(2)), escaped)
    escaped = _NUMBERED.sub(lambda m: m.group(1) + "\\" + m.group(2), escaped)
    return _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), escaped)
