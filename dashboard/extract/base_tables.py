"""Tables built once per export in its cache database, so the pages' queries start from rows already
joined to the attributes they filter and group by, instead of joining the raw tables on every filter
change. `build` runs right after validation (export.build_cache) on the clean tables, and
tests/builders.py runs it too, so tests exercise the same queries the app does.

Each table's SQL is a file `queries/base_<table>.sql`, with its grain at the top. The joins are inner
joins, exactly as each query made them before: a row whose person, area or plan is missing was never
counted and is not here either. Rows are ordered by partnership and date so DuckDB's zone maps skip
other partnerships' and periods' row groups.
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb

from dashboard.core.query import sql_text

# In the order they are built: the macros first, and review_facts after outcome_facts, which it reads.
BASE_QUERIES = (
    "base_days_active",
    "base_planned_budget",
    "base_plan_facts",
    "base_spend_facts",
    "base_spend_months",
    "base_outcome_facts",
    "base_review_facts",
)


def build(
    con: duckdb.DuckDBPyConnection, progress: Callable[[str, int, int], None] | None = None
) -> None:
    """Build every precomputed table (empty when its source tables are), and the macros the
    queries share; `progress(name, n, total)` is told which one is being built."""
    for number, name in enumerate(BASE_QUERIES, start=1):
        if progress is not None:
            progress(name, number, len(BASE_QUERIES))
        con.sql(sql_text(name))
