"""Writes the export folder: one Parquet file per contract table, appended chunk by chunk.

Files are written with pyarrow and fixed options (no timestamps, fixed compression and row groups),
so the same seed gives byte-identical files and memory stays bounded at any scale.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from dashboard.core.contract import BOOL, DATE, FLOAT, INT, STRING, TABLES

ARROW_TYPES = {
    STRING: pa.string(),
    INT: pa.int64(),
    FLOAT: pa.float64(),
    DATE: pa.date32(),
    BOOL: pa.bool_(),
}
ROW_GROUP_ROWS = 1_000_000


def schema(table: str) -> pa.Schema:
    """Exactly the contract's columns (optional ones included) with their Arrow types."""
    return pa.schema([pa.field(c.name, ARROW_TYPES[c.type]) for c in TABLES[table].columns])


def ids(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    """Identifiers like P0000042, built in Arrow rather than one Python string at a time."""
    digits = pc.utf8_lpad(pc.cast(pa.array(numbers, type=pa.int64()), pa.string()), width, "0")
    return pc.binary_join_element_wise(prefix, digits, "")


def column(values, type_: pa.DataType, null: np.ndarray | None = None) -> pa.Array:
    """An Arrow column from numpy values (dates as day numbers), NULL where `null` is true."""
    if isinstance(values, pa.Array | pa.ChunkedArray):
        arr = values
        if null is not None:
            arr = pc.if_else(pa.array(null), pa.nulls(len(arr), type_), arr)
        return arr.cast(type_)
    if type_ == pa.date32():
        arr = pa.array(np.asarray(values, dtype=np.int32), mask=null).cast(pa.date32())
    else:
        arr = pa.array(values, type=type_, mask=null)
    return arr


class ExportWriter:
    """One open ParquetWriter per contract table; `close` finishes every file and the manifest."""

    def __init__(self, out: Path):
        out.mkdir(parents=True, exist_ok=True)
        self.out = out
        self.rows = dict.fromkeys(TABLES, 0)
        self._writers = {
            name: pq.ParquetWriter(
                out / f"{name}.parquet", schema(name), compression="zstd", write_statistics=True
            )
            for name in TABLES
        }

    def append(self, table: str, columns: dict[str, object], nulls: dict | None = None) -> None:
        """Append rows given as {column: values}; `nulls` maps a column to its NULL mask."""
        nulls = nulls or {}
        sch = schema(table)
        arrays = [column(columns[f.name], f.type, nulls.get(f.name)) for f in sch]
        batch = pa.Table.from_arrays(arrays, schema=sch)
        if batch.num_rows:
            self._writers[table].write_table(batch, row_group_size=ROW_GROUP_ROWS)
            self.rows[table] += batch.num_rows

    def close(self, manifest: dict) -> dict[str, int]:
        for w in self._writers.values():
            w.close()
        text = json.dumps(manifest, indent=2, sort_keys=True) + "\n"
        (self.out / "manifest.json").write_text(text, encoding="utf-8")
        return dict(self.rows)
