"""Build tiny exports by hand for tests: a cache-style DuckDB database, or a Parquet export folder.

Tables not given are created empty with the contract's columns, exactly as the cache database holds
an absent optional table. Rows are dicts; columns left out of a row are NULL.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb
import polars as pl

from dashboard.core.contract import BOOL, DATE, FLOAT, INT, STRING, TABLES, create_table_sql
from dashboard.extract import base_tables

POLARS_TYPES = {STRING: pl.Utf8, INT: pl.Int64, FLOAT: pl.Float64, DATE: pl.Date, BOOL: pl.Boolean}


def frame(table: str, rows: list[dict]) -> pl.DataFrame:
    """A frame with the contract's columns and types for `table`."""
    cols = TABLES[table].columns
    schema = {c.name: POLARS_TYPES[c.type] for c in cols}
    data = {c.name: [r.get(c.name) for r in rows] for c in cols}
    return pl.DataFrame(data, schema=schema)


def db_from_rows(tables: dict[str, list[dict]]) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB holding every contract table, as the validated cache does."""
    unknown = set(tables) - set(TABLES)
    if unknown:
        raise ValueError(f"not contract tables: {sorted(unknown)}")
    con = duckdb.connect()
    for name, table in TABLES.items():
        con.execute(create_table_sql(table))
        rows = tables.get(name, [])
        if rows:
            df = frame(name, rows)  # noqa: F841 - read by DuckDB's replacement scan
            con.execute(f'INSERT INTO "{name}" SELECT * FROM df')  # noqa: S608 - fixed names
    base_tables.build(con)
    return con


def write_export(
    folder: Path, tables: dict[str, list[dict] | pl.DataFrame], extract_date: date | None = None
) -> Path:
    """Write `<table>.parquet` files (and a manifest when an extract date is given)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        df = rows if isinstance(rows, pl.DataFrame) else frame(name, rows)
        df.write_parquet(folder / f"{name}.parquet")
    if extract_date is not None:
        (folder / "manifest.json").write_text(
            json.dumps({"extract_date": extract_date.isoformat()})
        )
    return folder
