"""The files of an export: which files make each table, and what is wrong with one file.

A table is `<table>.parquet` or a folder `<table>/` of Parquet parts (hive partitions such as
`year=2025/` allowed). Folders are followed through symbolic links, with each real folder visited
once, so the fingerprint (`export.py`) and validation see the same files: a table folder that is a
link to another disk is read, and a change inside it is noticed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import duckdb

from dashboard.core.contract import normalise_column_name
from dashboard.extract.rules import quote

HIVE_PART = re.compile(r"^([^=/]+)=(.*)$")


def walk_files(root: Path) -> Iterator[Path]:
    """Every file under `root`, following linked folders, each real folder once (no loops)."""
    seen: set[str] = set()
    for here, dirs, files in os.walk(root, followlinks=True):
        real = os.path.realpath(here)
        if real in seen:
            dirs[:] = []
            continue
        seen.add(real)
        dirs.sort()
        for name in sorted(files):
            path = Path(here) / name
            if path.is_file():
                yield path


def table_files(folder: Path, table: str) -> list[Path]:
    """`<table>.parquet`, or every Parquet file under `<table>/` (hive partitions allowed)."""
    single = folder / f"{table}.parquet"
    if single.is_file():
        return [single]
    part_dir = folder / table
    if part_dir.is_dir():
        return sorted(p for p in walk_files(part_dir) if p.suffix == ".parquet")
    return []


def both_forms(folder: Path, table: str) -> bool:
    """`<table>.parquet` and a folder `<table>/` side by side: nothing says which one is meant."""
    return (folder / f"{table}.parquet").is_file() and (folder / table).is_dir()


def short(exc: BaseException) -> str:
    return str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__


def file_problem(con: duckdb.DuckDBPyConnection, files: list[Path]) -> tuple[Path, str] | None:
    """The first file that cannot be read as Parquet, with the reader's message."""
    for path in files:
        if path.stat().st_size == 0:
            return path, "the file is empty (0 bytes)"
        try:
            con.sql("SELECT count(*) FROM parquet_metadata($f)", params={"f": str(path)}).fetchall()
        except duckdb.Error as exc:
            return path, f"the file cannot be read as Parquet ({short(exc)})"
    return None


def file_types(con: duckdb.DuckDBPyConnection, path: Path) -> dict[str, str]:
    """One file's own columns and DuckDB types, without hive columns from its folders."""
    rows = con.sql(
        "DESCRIBE SELECT * FROM read_parquet($f, hive_partitioning=false)",
        params={"f": str(path)},
    ).fetchall()
    return {r[0]: r[1] for r in rows}


def hive_values(part_dir: Path, path: Path) -> dict[str, str]:
    """The `key=value` folders between a table folder and one of its parts."""
    if not path.is_relative_to(part_dir):  # `<table>.parquet`: no folders
        return {}
    rel = path.relative_to(part_dir).parts[:-1]
    return {m[1]: m[2] for part in rel if (m := HIVE_PART.match(part))}


def hive_conflict(
    con: duckdb.DuckDBPyConnection, part_dir: Path, files: list[Path]
) -> tuple[Path, str, str] | None:
    """A part whose folder `key=value` names a column the file also holds, with other values in
    it: the reader would silently put the folder's value over the file's. (file, column, value)."""
    for path in files:
        hive = {normalise_column_name(k): (k, v) for k, v in hive_values(part_dir, path).items()}
        if not hive:
            continue
        own = {normalise_column_name(c): c for c in file_types(con, path)}
        for norm, (key, value) in hive.items():
            if norm not in own:
                continue
            # The file's own column name, quoted as an identifier; the values are bound.
            sql = f"SELECT count(*) FROM read_parquet($f, hive_partitioning=false) WHERE CAST({quote(own[norm])} AS VARCHAR) IS DISTINCT FROM $v"  # noqa: S608
            (differing,) = con.sql(
                sql,
                params={"f": str(path), "v": value},
            ).fetchall()[0]
            if differing:
                return path, own[norm], f"{key}={value}"
    return None


def first_file_with(
    con: duckdb.DuckDBPyConnection, files: list[Path], column: str, accepted
) -> Path | None:
    """The first part whose own type for `column` the contract does not accept: the file to name
    when parts disagree on a type (the reader widens them all to text)."""
    if len(files) < 2:
        return None
    for path in files:
        own = file_types(con, path)
        if column in own and not accepted(own[column]):
            return path
    return None
