"""The row-level rules of the export contract, as SQL conditions over a staged table.

Each rule is (column, kind, condition, detail): a row for which the condition holds breaks the
contract and is set aside with that reason. Conditions read only the contract's own column names,
quoted, and the bound `$extract_date`; everything else comes from `contract.py`.
"""

from __future__ import annotations

from dashboard.core.contract import (
    DATE,
    EARLIEST_DATE,
    FLOAT,
    MAX_NAME_CHARS,
    STRING,
    UK_LAT,
    UK_LON,
    Table,
)

Rule = tuple[str, str, str, str]


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def row_checks(table: Table, raw_columns: set[str]) -> list[Rule]:
    """(column, kind, SQL condition that flags a bad row, detail) for every row-level rule."""
    checks: list[Rule] = []
    for col in table.columns:
        q = quote(col.name)
        if f"_bad_{col.name}" in raw_columns:
            checks.append(
                (col.name, "invalid_utf8", quote(f"_bad_{col.name}"), "text is not valid UTF-8")
            )
        if not col.nullable:
            checks.append((col.name, "not_null", f"{q} IS NULL", "a value is required"))
        if col.codes:
            codes = ", ".join("'" + c.replace("'", "''") + "'" for c in col.codes)
            checks.append((col.name, "unknown_code", f"{q} NOT IN ({codes})",
                           "not a code the contract allows"))  # fmt: skip
        if col.type == STRING and not col.long_text:
            checks.append((col.name, "out_of_range", f"length({q}) > {MAX_NAME_CHARS}",
                           f"longer than {MAX_NAME_CHARS} characters"))  # fmt: skip
        if col.type == FLOAT:
            checks.append((col.name, "out_of_range", f"NOT isfinite({q})",
                           "not a finite number (NaN or infinity)"))  # fmt: skip
        if col.type == DATE:
            earliest = EARLIEST_DATE.isoformat()
            checks.append((col.name, "out_of_range", f"{q} < DATE '{earliest}'",
                           f"before {earliest}"))  # fmt: skip
        if col.int_range:
            lo, hi = col.int_range
            checks.append(
                (col.name, "out_of_range", f"({q} < {lo} OR {q} > {hi})", f"outside {lo}–{hi}")
            )
        if col.non_negative:
            checks.append((col.name, "negative_value", f"{q} < 0", "below zero"))
        if col.event:
            checks.append(
                (col.name, "future_date", f"{q} > $extract_date", "after the extract date")
            )
    if table.name == "areas":
        for name, (lo, hi) in (("centroid_lat", UK_LAT), ("centroid_lon", UK_LON)):
            q = quote(name)
            checks.append((name, "out_of_range", f"({q} < {lo} OR {q} > {hi})", "outside the UK"))
    if table.date_order:
        start, end = table.date_order
        checks.append(
            (end, "end_before_start", f"{quote(end)} < {quote(start)}", f"before {start}")
        )
    return checks
