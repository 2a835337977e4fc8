"""Run the named SQL files of `queries/` with bound parameters, returning Polars frames.

Every figure's SQL lives in `queries/<name>.sql`, one query a file, its grain stated at the top. Values
reach DuckDB only as bound `$name` parameters, never spliced into the text.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from dashboard.core.errors import QueryError

QUERIES_DIR = Path(__file__).resolve().parents[2] / "queries"
_PARAM = re.compile(r"(?<![:$\w])\$([A-Za-z_]\w*)")


@cache
def sql_text(name: str) -> str:
    path = QUERIES_DIR / f"{name}.sql"
    if not path.is_file():
        raise QueryError(name, f"no file {path}")
    return path.read_text(encoding="utf-8")


def parameter_names(sql: str) -> set[str]:
    """The `$name` parameters a query text uses (comments and strings are not special-cased)."""
    return set(_PARAM.findall(sql))


def run(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> pl.DataFrame:
    """Run `queries/<name>.sql` with exactly the parameters it names; extra ones are an error."""
    sql = sql_text(name)
    wanted = parameter_names(sql)
    missing = wanted - params.keys()
    extra = params.keys() - wanted
    if missing or extra:
        raise QueryError(name, f"missing parameters {sorted(missing)}, unexpected {sorted(extra)}")
    try:
        return con.sql(sql, params={k: params[k] for k in wanted}).pl()
    except duckdb.Error as exc:
        raise QueryError(name, str(exc)) from exc
