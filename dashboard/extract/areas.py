"""The areas' polygons checked once, when the export is validated, so no broken shape reaches a map
or the zone designer (export-contract.md: `geometry_wkt` is a WGS84 POLYGON or MULTIPOLYGON).

A polygon that is not valid (a ring crossing itself, say) is repaired with shapely's `make_valid`
when the repair is still polygonal, and the repair is reported. WKT that cannot be read, a shape
that is not a polygon (a POINT, a line) and a polygon reaching outside the UK are data errors
naming the area: the area is kept, without its polygon, so maps and zones fall back to its centroid
(as for an area that never had one) and nobody living there is set aside.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pyarrow as pa
import shapely

from dashboard.core.contract import UK_LAT, UK_LON

POLYGONAL = ("Polygon", "MultiPolygon")


@dataclass(frozen=True)
class ShapeProblem:
    """One kind of problem found in the areas' polygons: the areas, and what was done."""

    kind: str  # invalid_geometry or out_of_range (cli.md's kinds)
    detail: str
    areas: list[str]


def _polygonal(shape: shapely.Geometry) -> shapely.Geometry | None:
    """The polygonal part of a repaired shape (a repair may leave stray lines beside it)."""
    parts = [p for p in shapely.get_parts(shape) if p.geom_type in POLYGONAL]
    merged = shapely.union_all(parts) if parts else None
    return merged if merged is not None and merged.geom_type in POLYGONAL else None


def check_shapes(
    wkts: list[str | None],
) -> tuple[list[str | None], dict[tuple[str, str], list[int]]]:
    """Each WKT as it should be kept (repaired, or None when unusable) and the positions of the
    problems by (kind, detail). Pure, so the rules are tested without an export."""
    kept: list[str | None] = list(wkts)
    problems: dict[tuple[str, str], list[int]] = {}
    given = [(i, w) for i, w in enumerate(wkts) if w is not None and w.strip()]
    if not given:
        return kept, problems
    shapes = shapely.from_wkt(np.array([w for _, w in given], dtype=object), on_invalid="ignore")

    def problem(i: int, kind: str, detail: str) -> None:
        problems.setdefault((kind, detail), []).append(i)
        kept[i] = None

    for (i, _), shape in zip(given, shapes, strict=True):
        if shape is None:
            problem(
                i, "invalid_geometry", "not readable as WKT; the area is kept without a polygon"
            )
            continue
        if shape.geom_type not in POLYGONAL or shape.is_empty:
            problem(i, "invalid_geometry", f"a {shape.geom_type.upper()}, not a POLYGON or "
                    "MULTIPOLYGON; the area is kept without a polygon")  # fmt: skip
            continue
        if not shape.is_valid:
            repaired = _polygonal(shapely.make_valid(shape))
            if repaired is None or repaired.area <= 0:
                problem(i, "invalid_geometry", "an invalid polygon that cannot be repaired as a "
                        "polygon; the area is kept without a polygon")  # fmt: skip
                continue
            problems.setdefault(("invalid_geometry", "an invalid polygon (e.g. a ring crossing "
                                 "itself), repaired with make_valid"), []).append(i)  # fmt: skip
            shape = repaired
            kept[i] = shapely.to_wkt(repaired, rounding_precision=-1)
        lon0, lat0, lon1, lat1 = shape.bounds
        if lat0 < UK_LAT[0] or lat1 > UK_LAT[1] or lon0 < UK_LON[0] or lon1 > UK_LON[1]:
            problem(i, "out_of_range", "polygon outside the UK; the area is kept without a polygon")
    return kept, problems


def check_geometry(con: duckdb.DuckDBPyConnection) -> list[ShapeProblem]:
    """Check the polygons of the staged areas table (`staging.areas`, before its rows are checked
    and copied), writing back what is kept; the problems found."""
    rows = con.sql('SELECT _row, area_code, geometry_wkt FROM staging."areas" ORDER BY _row')
    rows = rows.fetchall()
    kept, problems = check_shapes([r[2] for r in rows])
    changed = [(r[0], k) for r, k in zip(rows, kept, strict=True) if k != r[2]]
    if changed:
        fixes = pa.table({"_row": [c[0] for c in changed], "wkt": [c[1] for c in changed]})  # noqa: F841 - read by DuckDB
        con.sql(
            'UPDATE staging."areas" s SET geometry_wkt = fixes.wkt FROM fixes '
            "WHERE s._row = fixes._row"
        )
    return [
        ShapeProblem(kind, detail, sorted(str(rows[i][1]) for i in where))
        for (kind, detail), where in sorted(problems.items())
    ]
