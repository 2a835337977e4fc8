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
# Every character CommonMark lets carry meaning, and `$` (Streamlit renders LaTeX between dollars).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:])")


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
    """`value` as literal text inside Markdown: every markup character backslash-escaped and line
    breaks flattened, so a name renders as the name, never as a link, image, heading or HTML."""
    flat = " ".join(str(value).split())
    return _MARKDOWN_SPECIAL.sub(r"\\\1", flat)
