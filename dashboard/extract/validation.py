"""Validate an export against the contract, into clean tables and rows set aside with their reasons.

Runs once per export fingerprint (see `export.py`) inside the cache database being built. Every check
comes from `contract.py`: identifiers in the generated SQL are the contract's own column names or a
file's column names quoted as identifiers, and file paths and dates are bound parameters.

Unusable input (a table that cannot be used at all) is kept apart from data errors (rows that break
the contract): the first stops the pages that need the table, the second sets rows aside and reports
them, and everything else runs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from dashboard.core.contract import (
    BOOL,
    DATE,
    FLOAT,
    INT,
    LOCAL_TIME_ZONE,
    STRING,
    TABLES,
    Column,
    Table,
    create_table_sql,
    looks_personal,
    normalise_column_name,
)
from dashboard.core.strings import t
from dashboard.extract.areas import check_geometry
from dashboard.extract.parts import (
    both_forms,
    file_problem,
    first_file_with,
    hive_conflict,
    short,
    table_files,
)
from dashboard.extract.rules import quote, row_checks

EXAMPLES = 5
INT_TYPES = {
    "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT",
    "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT",
}  # fmt: skip
ACCEPTED = {
    STRING: lambda t: t == "VARCHAR",
    INT: lambda t: t in INT_TYPES,
    FLOAT: lambda t: t in INT_TYPES or t in ("FLOAT", "DOUBLE") or t.startswith("DECIMAL"),
    DATE: lambda t: t == "DATE" or t.startswith("TIMESTAMP"),
    BOOL: lambda t: t == "BOOLEAN",
}
# Event dates are checked against the extract date; planned dates may lie after it.
ORDER = (
    "areas", "providers", "home_care_lots", "people", "support_plans", "personal_outcomes",
    "outcome_reviews", "budget_spend", "home_care_requests", "handbacks",
    "area_populations",
)  # fmt: skip


@dataclass
class DataError:
    table: str
    column: str
    kind: str
    count: int
    examples: list[str]
    detail: str = ""


@dataclass
class Unusable:
    table: str
    column: str | None
    kind: str
    file: str
    message: str


@dataclass
class TableSummary:
    rows: int = 0
    set_aside: int = 0


@dataclass
class Report:
    data: str
    extract_date: str
    extract_date_source: str
    tables: dict[str, TableSummary] = field(default_factory=dict)
    errors: list[DataError] = field(default_factory=list)
    unusable: list[Unusable] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 2 if self.unusable else 1 if self.errors else 0

    @property
    def unusable_tables(self) -> set[str]:
        return {u.table for u in self.unusable}

    def to_json(self) -> dict:
        return {
            "data": self.data,
            "extract_date": self.extract_date,
            "extract_date_source": self.extract_date_source,
            "tables": {k: asdict(v) for k, v in self.tables.items()},
            "errors": [asdict(e) for e in self.errors],
            "unusable": [asdict(u) for u in self.unusable],
            "absent": list(self.absent),
        }

    @classmethod
    def from_json(cls, raw: dict) -> Report:
        return cls(
            data=raw["data"],
            extract_date=raw["extract_date"],
            extract_date_source=raw["extract_date_source"],
            tables={k: TableSummary(**v) for k, v in raw["tables"].items()},
            errors=[DataError(**e) for e in raw["errors"]],
            unusable=[Unusable(**u) for u in raw["unusable"]],
            absent=list(raw["absent"]),
        )


# Every file of a table, with each row's file and position so rows keep a stable order (`_row`).
SCAN = (
    "SELECT * FROM read_parquet($f, union_by_name=true, hive_partitioning=true, filename=true, "
    "file_row_number=true)"
)


def staged(table: Table) -> str:
    return f"staging.{quote(table.name)}"


def _staging_select(selects: list[str]) -> str:
    return (
        "SELECT row_number() OVER (ORDER BY filename, file_row_number) AS _row, "
        f"{', '.join(selects)} FROM ({SCAN})"
    )


def _staging_sql(table: Table, selects: list[str]) -> str:
    return f"CREATE TABLE {staged(table)} AS {_staging_select(selects)}"


class _Staging:
    """Reads one table's files into `staging.<table>` with contract names and types, or says why
    not. The staging schema is dropped whole once validation is done."""

    def __init__(self, con: duckdb.DuckDBPyConnection, folder: Path, report: Report):
        self.con = con
        self.folder = folder
        self.report = report

    def load(self, table: Table, files: list[Path]) -> bool:
        rel = self._rel(files)
        if not files:
            return self._unusable(
                table, None, "empty_folder", self.folder / table.name, t("export.empty_folder")
            )
        if files and (problem := file_problem(self.con, files)):
            path, message = problem
            return self._unusable(table, None, "unreadable_file", path, message)
        if files and (clash := hive_conflict(self.con, self.folder / table.name, files)):
            path, column, folder_value = clash
            return self._unusable(
                table, column, "hive_conflict", path,
                t("export.hive_conflict", folder=folder_value, column=column),
            )  # fmt: skip
        try:
            scanned = self.con.sql(SCAN, params={"f": rel})
            source_types = {c: str(t) for c, t in zip(scanned.columns, scanned.types, strict=True)}
        except duckdb.Error as exc:
            return self._unusable(table, None, "unreadable_file", files[0], short(exc))
        by_norm = {normalise_column_name(c): c for c in source_types}
        for original in source_types:
            if looks_personal(original, table.name):
                return self._unusable(
                    table, original, "pii_column", files[0],
                    f"column '{original}' looks like personal data; exports must hold "
                    "pseudonymised identifiers only, so the table was not loaded",
                )  # fmt: skip
        selects = []
        for col in table.columns:
            source = by_norm.get(col.name)
            if source is None:
                if col.optional:
                    selects.append(f"NULL::{_duck(col)} AS {quote(col.name)}")
                    continue
                return self._unusable(
                    table, col.name, "missing_column", files[0],
                    f"required column '{col.name}' is missing",
                )  # fmt: skip
            source_type = source_types[source]
            if source_type != '"NULL"' and not ACCEPTED[col.type](source_type):
                culprit = first_file_with(self.con, files, source, ACCEPTED[col.type])
                return self._unusable(
                    table, col.name, "wrong_type", culprit or files[0],
                    f"column '{source}' is {source_type}; the contract needs {col.type}",
                )  # fmt: skip
            selects.append(f"{_cast(quote(source), col, source_type)} AS {quote(col.name)}")
        try:
            self.con.sql(_staging_sql(table, selects), params={"f": rel})
        except duckdb.Error as exc:
            if "UTF8" not in str(exc) and "UTF-8" not in str(exc):
                return self._unusable(table, None, "unreadable_file", files[0], short(exc))
            self._load_with_invalid_utf8(table, files, by_norm, selects)
        return True

    def _rel(self, files: list[Path]) -> list[str]:
        return [str(p) for p in files]

    def _unusable(
        self, table: Table, column: str | None, kind: str, path: Path, message: str
    ) -> bool:
        rel = str(path.relative_to(self.folder)) if path.is_relative_to(self.folder) else str(path)
        self.report.unusable.append(Unusable(table.name, column, kind, rel, f"{rel}: {message}."))
        return False

    def _load_with_invalid_utf8(
        self, table: Table, files: list[Path], by_norm: dict[str, str], selects: list[str]
    ) -> None:
        """Text that is not valid UTF-8: those values become NULL and the rows are set aside."""
        strings = [c for c in table.columns if c.type == STRING and c.name in by_norm]
        fixed_cols = {}
        for col in strings:
            values: list[str | None] = []
            invalid: list[bool] = []
            for path in files:
                column = pq.read_table(path, columns=[by_norm[col.name]]).column(0)
                for raw in column.cast(pa.binary()).to_pylist():
                    try:
                        values.append(None if raw is None else raw.decode("utf-8"))
                        invalid.append(False)
                    except UnicodeDecodeError:
                        values.append(None)
                        invalid.append(True)
            fixed_cols[col.name] = (values, invalid)
        placeholders = [
            f"NULL::VARCHAR AS {quote(name)}" if name in fixed_cols else select
            for name, select in zip(table.column_names, selects, strict=True)
        ]
        # Files are read in sorted order by both readers, so positions line up with _row.
        columns: dict[str, list] = {
            "_row": list(range(1, len(next(iter(fixed_cols.values()))[0]) + 1))
        }
        for name, (values, invalid) in fixed_cols.items():
            columns[name], columns[f"_bad_{name}"] = values, invalid
        patch = pa.table(columns)  # noqa: F841 - read by DuckDB's replacement scan
        fixed = ", ".join(quote(n) for n in fixed_cols)
        patched = ", ".join(f"patch.{quote(c)}" for c in columns if c != "_row")
        self.con.sql(
            f"CREATE TABLE {staged(table)} AS SELECT s.* EXCLUDE ({fixed}), {patched} "
            f"FROM ({_staging_select(placeholders)}) s JOIN patch USING (_row)",
            params={"f": self._rel(files)},
        )


def _cast(source: str, col: Column, source_type: str) -> str:
    """The file's column as the contract's type. A time-zoned timestamp is read as its local date
    in Scotland (v1.2): 00:30 on 1 April British Summer Time is 31 March in UTC, and cutting the
    UTC instant to a date would move a plan into the previous financial year."""
    if col.type == DATE and source_type == "TIMESTAMP WITH TIME ZONE":
        return f"CAST(timezone('{LOCAL_TIME_ZONE}', {source}) AS DATE)"
    return f"CAST({source} AS {_duck(col)})"


def _duck(col: Column) -> str:
    return {STRING: "VARCHAR", INT: "BIGINT", FLOAT: "DOUBLE", DATE: "DATE", BOOL: "BOOLEAN"}[
        col.type
    ]


def _key_expr(table: Table) -> str:
    parts = [f"COALESCE(CAST({quote(k)} AS VARCHAR), 'row ' || _row)" for k in table.key]
    return " || '|' || ".join(parts)


def validate_into(
    con: duckdb.DuckDBPyConnection,
    folder: Path,
    extract_date: date,
    extract_source: str,
    progress: Callable[[str, int, int], None] | None = None,
) -> Report:
    """Validate the export in `folder`, leaving clean tables and `set_aside` in `con`;
    `progress(table, n, total)` is told which table is being checked (extract/progress.py)."""
    report = Report(str(folder), extract_date.isoformat(), extract_source)
    staging = _Staging(con, folder, report)
    con.sql("CREATE SCHEMA staging")
    con.sql(
        "CREATE TABLE set_aside (tbl VARCHAR, _row BIGINT, row_key VARCHAR, col VARCHAR, "
        "kind VARCHAR, detail VARCHAR)"
    )
    loaded: set[str] = set()
    shape_errors: list[DataError] = []
    for number, name in enumerate(ORDER, start=1):
        if progress is not None:
            progress(name, number, len(ORDER))
        table = TABLES[name]
        files = table_files(folder, name)
        if not files and not (folder / name).is_dir():
            if table.required:
                report.unusable.append(
                    Unusable(name, None, "missing_table", f"{name}.parquet",
                             f"{name}.parquet: the required table '{name}' is missing.")
                )  # fmt: skip
            else:
                report.absent.append(name)
        elif both_forms(folder, name):
            message = f"{name}/: {t('export.ambiguous_table', table=name)}"
            report.unusable.append(Unusable(name, None, "ambiguous_table", f"{name}/", message))
        elif staging.load(table, files):
            loaded.add(name)
        con.sql(create_table_sql(table))
        if name in loaded:
            if name == "areas":  # polygons repaired or dropped, each reported (extract/areas.py)
                shape_errors = [DataError("areas", "geometry_wkt", p.kind, len(p.areas),
                                          p.areas[:EXAMPLES], p.detail)
                                for p in check_geometry(con)]  # fmt: skip
            _check_and_clean(con, table, extract_date, loaded)
        if name not in report.absent:
            report.tables[name] = _summary(con, name, name in loaded)
    report.errors = _collect_errors(con) + shape_errors
    con.sql("DROP SCHEMA staging CASCADE")
    return report


def _check_and_clean(
    con: duckdb.DuckDBPyConnection, table: Table, extract_date: date, loaded: set[str]
) -> None:
    raw = staged(table)
    raw_columns = set(con.table(f"staging.{table.name}").columns)
    key = _key_expr(table)
    for column, kind, condition, detail in row_checks(table, raw_columns):
        params = {"extract_date": extract_date} if "$extract_date" in condition else {}
        con.sql(
            f"INSERT INTO set_aside SELECT '{table.name}', _row, {key}, '{column}', '{kind}', "
            f"'{detail}' FROM {raw} WHERE {condition}",
            params=params,
        )
    keys = ", ".join(quote(k) for k in table.key)
    not_null_keys = " AND ".join(f"{quote(k)} IS NOT NULL" for k in table.key)
    con.sql(
        f"INSERT INTO set_aside SELECT '{table.name}', _row, {key}, '{'+'.join(table.key)}', "
        f"'duplicate_key', 'the key appears more than once' FROM {raw} "
        f"WHERE {not_null_keys} QUALIFY count(*) OVER (PARTITION BY {keys}) > 1"
    )
    for col in table.columns:
        if not col.references or col.references[0] not in loaded:
            continue
        ref_table, ref_col = col.references
        q = quote(col.name)
        # The referenced table is already clean, so this also catches references to rows set aside.
        con.sql(
            f"INSERT INTO set_aside SELECT '{table.name}', r._row, {key}, '{col.name}', "
            "'dangling_reference', CASE WHEN EXISTS (SELECT 1 FROM set_aside s "
            f"WHERE s.tbl = '{ref_table}' AND s.row_key = CAST(r.{q} AS VARCHAR)) "
            f"THEN 'refers to a row of {ref_table} that was set aside' "
            f"ELSE 'refers to a row of {ref_table} that does not exist' END "
            f"FROM {raw} r WHERE r.{q} IS NOT NULL AND r.{q} NOT IN "
            f"(SELECT {quote(ref_col)} FROM {quote(ref_table)} WHERE {quote(ref_col)} IS NOT NULL)"
        )
    cols = ", ".join(quote(c.name) for c in table.columns)
    con.sql(
        f"INSERT INTO {quote(table.name)} SELECT {cols} FROM {raw} WHERE _row NOT IN "
        f"(SELECT _row FROM set_aside WHERE tbl = '{table.name}') ORDER BY _row"
    )


def _summary(con: duckdb.DuckDBPyConnection, name: str, loaded: bool) -> TableSummary:
    if not loaded:
        return TableSummary()
    (clean,) = con.table(name).count("*").fetchall()[0]
    (aside,) = con.sql(
        "SELECT count(DISTINCT _row) FROM set_aside WHERE tbl = $t", params={"t": name}
    ).fetchall()[0]
    return TableSummary(rows=clean + aside, set_aside=aside)


def _collect_errors(con: duckdb.DuckDBPyConnection) -> list[DataError]:
    rows = con.sql(
        """
        SELECT tbl, col, kind, detail, count(*) AS n,
               list(DISTINCT row_key ORDER BY row_key)[1:$k] AS examples
        FROM set_aside GROUP BY ALL ORDER BY tbl, col, kind, detail
        """,
        params={"k": EXAMPLES},
    ).fetchall()
    return [DataError(t, c, k, n, list(ex), d) for t, c, k, d, n, ex in rows]
