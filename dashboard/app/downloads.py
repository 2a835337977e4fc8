"""Downloads every page offers: CSV and Excel of frames that have been through `protect`.

Both refuse a board download of a frame that has not been protected, so no page can hand out exact
small counts by forgetting a step. Suppressed cells are written as `*`, the symbol PHS calls the most
common, and the Excel file states each figure's definition and the disclosure rule applied.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime

import polars as pl
import xlsxwriter

from dashboard.core.disclosure import (
    FILE_SYMBOL,
    FREE_TEXT_COLUMNS,
    ROUNDING_BASE,
    Policy,
    flag,
    flag_columns,
    is_rate,
    protected_columns,
    rule_text,
    to_csv_bytes,
)
from dashboard.core.escape import spreadsheet_text
from dashboard.core.strings import t

SHEET_NAME_MAX = 31  # Excel's limit
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def require_protected(df: pl.DataFrame, policy: Policy) -> None:
    """Raise unless `df` is fit for `policy`'s audience: for a board, it went through `protect`
    (flag columns present), carries no free text, and shows no count the policy would hide."""
    if not policy.controlled:
        return
    if not flag_columns(df):
        raise ValueError("a board download needs a frame from disclosure.protect (no flag columns)")
    text = [c for c in FREE_TEXT_COLUMNS if c in df.columns]
    if text:
        raise ValueError(f"a board download may not carry free text: {text}")
    for c in protected_columns(df):
        if not df.schema[c].is_integer():
            continue
        shown = df.filter(~pl.col(flag(c)))[c].drop_nulls()
        if policy.method == "round5":
            bad = shown.filter(shown % ROUNDING_BASE != 0)
        else:
            bad = shown.filter((shown > 0) & (shown < policy.threshold))
        if bad.len():
            raise ValueError(f"column {c!r} shows counts the {policy.method} rule would hide")


def csv_bytes(df: pl.DataFrame, policy: Policy) -> bytes:
    """The CSV download of a protected frame (`*` in suppressed cells)."""
    require_protected(df, policy)
    return to_csv_bytes(df)


def _sheet_name(name: str) -> str:
    return _SHEET_FORBIDDEN.sub("_", name)[:SHEET_NAME_MAX]


def _write_table(wb: xlsxwriter.Workbook, name: str, df: pl.DataFrame, formats: dict) -> None:
    ws = wb.add_worksheet(name)
    flags = set(flag_columns(df))
    columns = [c for c in df.columns if c not in flags]
    for j, c in enumerate(columns):
        ws.write_string(0, j, c, formats["header"])
        hidden = df[flag(c)].to_list() if flag(c) in flags else [False] * df.height
        fmt = formats["percent"] if is_rate(df, c) else None
        for i, (v, h) in enumerate(zip(df[c].to_list(), hidden, strict=True), start=1):
            if h:
                ws.write_string(i, j, FILE_SYMBOL, formats["symbol"])
            elif v is None:
                ws.write_blank(i, j, None)
            elif isinstance(v, datetime | date):
                ws.write_datetime(i, j, v, formats["date"])
            elif isinstance(v, str):  # never `write`: it turns "=…" into a live formula
                ws.write_string(i, j, spreadsheet_text(v))
            else:
                ws.write(i, j, v, fmt)
        ws.set_column(j, j, max(10, len(c) + 2))
    ws.freeze_panes(1, 0)


def excel_bytes(
    tables: Mapping[str, pl.DataFrame],
    policy: Policy,
    definitions: Sequence[tuple[str, str]],
) -> bytes:
    """An .xlsx with one sheet per protected table and a Definitions sheet: each figure's
    definition, then the disclosure rule, so the file explains itself when forwarded."""
    for df in tables.values():
        require_protected(df, policy)
    names = [_sheet_name(n) for n in tables]
    definitions_name = t("disclosure.definitions_sheet")
    if len({*names, definitions_name}) != len(names) + 1:
        raise ValueError(f"sheet names clash once cut to Excel's rules: {names}")
    buffer = io.BytesIO()
    options = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    with xlsxwriter.Workbook(buffer, options) as wb:
        formats = {
            "header": wb.add_format({"bold": True}),
            "percent": wb.add_format({"num_format": "0.0%"}),
            "date": wb.add_format({"num_format": "yyyy-mm-dd"}),
            "symbol": wb.add_format({"align": "right"}),
        }
        for name, df in zip(names, tables.values(), strict=True):
            _write_table(wb, name, df, formats)
        ws = wb.add_worksheet(definitions_name)
        ws.write_string(0, 0, t("disclosure.definitions_figure"), formats["header"])
        ws.write_string(0, 1, t("disclosure.definitions_definition"), formats["header"])
        rows = [*definitions, (t("disclosure.definitions_rule"), rule_text(policy))]
        for i, (figure, text) in enumerate(rows, start=1):
            ws.write_string(i, 0, figure)
            ws.write_string(i, 1, text)
        ws.set_column(0, 0, 30)
        ws.set_column(1, 1, 100)
    return buffer.getvalue()
