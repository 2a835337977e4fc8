"""Tables built once per export in its cache database, so the pages' queries start from rows already
joined to the attributes they filter and group by, instead of joining the raw tables on every filter
change. `build` runs right after validation (export.build_cache) on the clean tables."""

from __future__ import annotations

import duckdb


def build(con: duckdb.DuckDBPyConnection) -> None:
    """Nothing is precomputed yet; each query still reads the clean contract tables directly."""
