"""Opening an export: one defect per test, the exact report, and good rows kept.

The base export is tiny and valid: 2 areas, 3 people, 3 plans, 2 outcomes, 2 reviews, 2 spend lines,
and every optional table. Each test breaks one thing and checks the report names the table, column,
kind, count and examples, and that the other rows load.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
from datetime import date, datetime
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dashboard.cli import main
from dashboard.core.settings import Settings
from dashboard.extract.export import fingerprint, open_export
from tests.builders import frame, write_export
from tests.tiny import AREA, BASE, EXTRACT, PERSON, PLAN, tables


def open_tables(tmp_path: Path, data: dict, extract=EXTRACT):
    folder = write_export(tmp_path / "export", data, extract)
    return open_export(folder, Settings(cache_dir=tmp_path / "cache"))


def error_list(export) -> list[tuple]:
    return [(e.table, e.column, e.kind, e.count, e.examples) for e in export.report.errors]


def count(export, table: str) -> int:
    return export.cursor().sql(f'SELECT count(*) FROM "{table}"').fetchall()[0][0]


def test_valid_export_loads_everything(tmp_path):
    export = open_tables(tmp_path, tables())
    assert export.report.errors == [] and export.report.unusable == []
    assert export.report.absent == []
    assert export.report.exit_code == 0
    assert {t: count(export, t) for t in BASE} == {t: len(rows) for t, rows in BASE.items()}
    assert export.extract_date == EXTRACT


def test_extract_date_without_manifest_is_the_day_opened(tmp_path):
    folder = write_export(tmp_path / "export", tables())
    export = open_export(folder, Settings(cache_dir=tmp_path / "cache"), today=date(2026, 4, 2))
    assert export.extract_date == date(2026, 4, 2)
    assert export.report.extract_date_source == "opened"


def plans_with(**row) -> list[dict]:
    return BASE["support_plans"] + [dict(PLAN, plan_id="S9", person_id="P1") | row]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(
            tables(support_plans=plans_with(sds_option=None)),
            ("support_plans", "sds_option", "not_null", 1, ["S9"]),
            id="not_null",
        ),
        pytest.param(
            tables(support_plans=plans_with(service_type="home care")),
            ("support_plans", "service_type", "unknown_code", 1, ["S9"]),
            id="unknown_code",
        ),
        pytest.param(
            tables(support_plans=plans_with(sds_option=5)),
            ("support_plans", "sds_option", "out_of_range", 1, ["S9"]),
            id="out_of_range",
        ),
        pytest.param(
            tables(support_plans=plans_with(person_id="NOBODY")),
            ("support_plans", "person_id", "dangling_reference", 1, ["S9"]),
            id="dangling_reference",
        ),
        pytest.param(
            tables(support_plans=plans_with(end_date=date(2024, 12, 31))),
            ("support_plans", "end_date", "end_before_start", 1, ["S9"]),
            id="end_before_start",
        ),
        pytest.param(
            tables(support_plans=plans_with(start_date=date(2026, 4, 1))),
            ("support_plans", "start_date", "future_date", 1, ["S9"]),
            id="future_date",
        ),
        pytest.param(
            tables(support_plans=plans_with(weekly_hours=-1.0)),
            ("support_plans", "weekly_hours", "negative_value", 1, ["S9"]),
            id="negative_value",
        ),
        pytest.param(
            tables(areas=BASE["areas"] + [dict(AREA, area_code="A9", centroid_lon=12.0)]),
            ("areas", "centroid_lon", "out_of_range", 1, ["A9"]),
            id="centroid_outside_uk",
        ),
        pytest.param(
            tables(home_care_requests=BASE["home_care_requests"]
                   + [dict(BASE["home_care_requests"][0], request_id="Q2",
                           assessed_date=date(2026, 4, 1))]),
            ("home_care_requests", "assessed_date", "future_date", 1, ["Q2"]),
            id="future_assessed_date",
        ),
        pytest.param(
            tables(area_populations=BASE["area_populations"]
                   + [dict(BASE["area_populations"][0], year=2026, population=-1)]),
            ("area_populations", "population", "negative_value", 1, ["A1|2026"]),
            id="negative_population",
        ),
        pytest.param(
            tables(area_populations=BASE["area_populations"]
                   + [dict(BASE["area_populations"][0], area_code="A9")]),
            ("area_populations", "area_code", "dangling_reference", 1, ["A9|2025"]),
            id="population_of_an_unknown_area",
        ),
        pytest.param(
            tables(area_populations=BASE["area_populations"]
                   + [dict(BASE["area_populations"][0], year=1066)]),
            ("area_populations", "year", "out_of_range", 1, ["A1|1066"]),
            id="population_year_out_of_range",
        ),
    ],
)  # fmt: skip
def test_each_data_error_is_reported_and_set_aside(tmp_path, data, expected):
    export = open_tables(tmp_path, data)
    assert error_list(export) == [expected]
    table = expected[0]
    assert export.report.tables[table].set_aside == 1
    assert count(export, table) == len(data[table]) - 1  # the good rows are all kept
    assert export.report.exit_code == 1


def test_duplicate_keys_set_aside_every_copy_and_cascade(tmp_path):
    # Two rows for P2: both set aside. S2 (P2's plan) then points at a set-aside row, and so do
    # O2, R1/O2 and H1 through S2: each reported under its own table as a dangling reference.
    people = BASE["people"] + [dict(PERSON, person_id="P2", area_code="A1")]
    export = open_tables(tmp_path, tables(people=people))
    assert error_list(export) == [
        ("handbacks", "plan_id", "dangling_reference", 1, ["H1"]),
        ("outcome_reviews", "outcome_id", "dangling_reference", 1, ["R1|O2"]),
        ("outcome_reviews", "person_id", "dangling_reference", 1, ["R1|O2"]),
        ("outcome_reviews", "plan_id", "dangling_reference", 1, ["R1|O2"]),
        ("people", "person_id", "duplicate_key", 2, ["P2"]),
        ("personal_outcomes", "person_id", "dangling_reference", 1, ["O2"]),
        ("personal_outcomes", "plan_id", "dangling_reference", 1, ["O2"]),
        ("support_plans", "person_id", "dangling_reference", 1, ["S2"]),
    ]
    details = {e.detail for e in export.report.errors if e.kind == "dangling_reference"}
    assert details == {
        "refers to a row of people that was set aside",
        "refers to a row of support_plans that was set aside",
        "refers to a row of personal_outcomes that was set aside",
    }
    assert count(export, "people") == 2 and count(export, "support_plans") == 2
    assert count(export, "outcome_reviews") == 1 and count(export, "handbacks") == 0
    # A row with several errors is set aside once.
    assert export.report.tables["outcome_reviews"].set_aside == 1


def test_planned_dates_may_be_after_the_extract(tmp_path):
    plans = plans_with(end_date=date(2027, 1, 1))
    spend = BASE["budget_spend"] + [
        dict(BASE["budget_spend"][0], spend_id="B9", period_start=date(2026, 3, 30),
             period_end=date(2026, 4, 5))
    ]  # fmt: skip
    export = open_tables(tmp_path, tables(support_plans=plans, budget_spend=spend))
    assert export.report.errors == []


def test_examples_are_at_most_five_and_sorted(tmp_path):
    plans = BASE["support_plans"] + [
        dict(PLAN, plan_id=f"S{n:02d}", person_id="P1", sds_option=9) for n in range(10, 17)
    ]
    export = open_tables(tmp_path, tables(support_plans=plans))
    [(table, column, kind, n, examples)] = error_list(export)
    assert (kind, n, examples) == ("out_of_range", 7, ["S10", "S11", "S12", "S13", "S14"])


def test_invalid_utf8_is_a_data_error(tmp_path):
    folder = write_export(tmp_path / "export", tables(), EXTRACT)
    df = frame("personal_outcomes", BASE["personal_outcomes"]).to_arrow()
    texts = pa.array([b"I want to see my friends", b"caf\xe9 \xff"], pa.binary()).view(pa.utf8())
    df = df.set_column(df.schema.get_field_index("outcome_text"), "outcome_text", texts)
    pq.write_table(df, folder / "personal_outcomes.parquet")
    export = open_export(folder, Settings(cache_dir=tmp_path / "cache"))
    assert ("personal_outcomes", "outcome_text", "invalid_utf8", 1, ["O2"]) in error_list(export)
    assert count(export, "personal_outcomes") == 1


# Unusable input: the table is refused with a message naming the file, column and problem.


def unusable(export) -> list[tuple]:
    return [(u.table, u.column, u.kind, u.file) for u in export.report.unusable]


def test_missing_required_table(tmp_path):
    data = tables()
    del data["budget_spend"]
    export = open_tables(tmp_path, data)
    assert unusable(export) == [("budget_spend", None, "missing_table", "budget_spend.parquet")]
    assert export.report.exit_code == 2
    assert count(export, "people") == 3  # the rest still loads


def test_absent_optional_tables_are_listed_not_errors(tmp_path):
    data = tables()
    for name in ("providers", "home_care_lots", "home_care_requests", "handbacks"):
        del data[name]
    export = open_tables(tmp_path, data)
    assert export.report.absent == [
        "providers",
        "home_care_lots",
        "home_care_requests",
        "handbacks",
    ]
    assert export.report.errors == [] and export.report.exit_code == 0


@pytest.mark.parametrize(
    ("column", "expected"),
    [("postcode", "postcode"), ("CHI Number", "CHI Number"), ("date-of-birth", "date-of-birth"),
     ("Name", "Name")],
)  # fmt: skip
def test_pii_columns_refuse_the_table(tmp_path, column, expected):
    folder = write_export(tmp_path / "export", tables(), EXTRACT)
    people = frame("people", BASE["people"]).with_columns(pl.lit("x").alias(column))
    people.write_parquet(folder / "people.parquet")
    export = open_export(folder, Settings(cache_dir=tmp_path / "cache"))
    [u] = export.report.unusable
    assert (u.table, u.column, u.kind, u.file) == (
        "people",
        expected,
        "pii_column",
        "people.parquet",
    )
    assert expected in u.message
    assert count(export, "people") == 0


def test_name_is_allowed_outside_people(tmp_path):
    providers = frame("providers", BASE["providers"]).with_columns(pl.lit("x").alias("name"))
    export = open_tables(tmp_path, tables(providers=providers))
    assert export.report.unusable == []


def test_missing_column_and_wrong_type(tmp_path):
    folder = write_export(tmp_path / "export", tables(), EXTRACT)
    frame("areas", BASE["areas"]).drop("population").write_parquet(folder / "areas.parquet")
    plans = frame("support_plans", BASE["support_plans"])
    plans.with_columns(pl.col("sds_option").cast(pl.Utf8)).write_parquet(
        folder / "support_plans.parquet"
    )
    export = open_export(folder, Settings(cache_dir=tmp_path / "cache"))
    assert unusable(export) == [
        ("areas", "population", "missing_column", "areas.parquet"),
        ("support_plans", "sds_option", "wrong_type", "support_plans.parquet"),
    ]
    assert "VARCHAR" in export.report.unusable[1].message


@pytest.mark.parametrize("content", [b"", b"PAR1 this is not parquet"], ids=["empty", "truncated"])
def test_unreadable_files(tmp_path, content):
    folder = write_export(tmp_path / "export", tables(), EXTRACT)
    (folder / "handbacks.parquet").write_bytes(content)
    export = open_export(folder, Settings(cache_dir=tmp_path / "cache"))
    assert unusable(export) == [("handbacks", None, "unreadable_file", "handbacks.parquet")]
    assert count(export, "support_plans") == 3


def test_truncated_part_in_a_folder_is_named(tmp_path):
    folder = write_export(tmp_path / "export", tables(), EXTRACT)
    spend = frame("budget_spend", BASE["budget_spend"])
    (folder / "budget_spend.parquet").unlink()
    (folder / "budget_spend").mkdir()
    spend.write_parquet(folder / "budget_spend" / "part-1.parquet")
    good = (folder / "budget_spend" / "part-1.parquet").read_bytes()
    (folder / "budget_spend" / "part-2.parquet").write_bytes(good[: len(good) // 2])
    export = open_export(folder, Settings(cache_dir=tmp_path / "cache"))
    assert unusable(export) == [
        ("budget_spend", None, "unreadable_file", "budget_spend/part-2.parquet")
    ]


# Valid variants: each must load with no error.


def test_hive_partitioned_folder_of_parts(tmp_path):
    folder = write_export(tmp_path / "export", tables(), EXTRACT)
    spend = frame("budget_spend", BASE["budget_spend"])
    (folder / "budget_spend.parquet").unlink()
    for year, part in ((2024, spend[:1]), (2025, spend[1:])):
        (folder / "budget_spend" / f"year={year}").mkdir(parents=True)
        part.write_parquet(folder / "budget_spend" / f"year={year}" / "data.parquet")
    export = open_export(folder, Settings(cache_dir=tmp_path / "cache"))
    assert export.report.errors == [] and export.report.unusable == []
    assert count(export, "budget_spend") == 2


def test_timestamps_extra_columns_and_integer_widths(tmp_path):
    folder = write_export(tmp_path / "export", tables(), EXTRACT)
    plans = frame("support_plans", BASE["support_plans"]).with_columns(
        pl.col("start_date").cast(pl.Datetime("us")) + pl.duration(hours=13),
        pl.col("sds_option").cast(pl.Int8),
        pl.lit("ignored").alias("team_name"),
    )
    plans.write_parquet(folder / "support_plans.parquet")
    areas = frame("areas", BASE["areas"]).with_columns(
        pl.col("population").cast(pl.UInt16), pl.col("deprivation_decile").cast(pl.Int32)
    )
    areas.write_parquet(folder / "areas.parquet")
    export = open_export(folder, Settings(cache_dir=tmp_path / "cache"))
    assert export.report.errors == [] and export.report.unusable == []
    starts = export.cursor().sql("SELECT DISTINCT start_date FROM support_plans").fetchall()
    assert starts == [(date(2025, 1, 1),)]  # 13:00 truncated to the day


def test_empty_table_is_not_an_error(tmp_path):
    export = open_tables(tmp_path, tables(handbacks=[], home_care_requests=[]))
    assert export.report.errors == [] and export.report.unusable == []
    assert export.report.tables["handbacks"].rows == 0


def test_optional_columns_may_be_absent(tmp_path):
    export = open_tables(tmp_path, tables())
    cols = [r[0] for r in export.cursor().sql("DESCRIBE outcome_reviews").fetchall()]
    assert "review_source" in cols and "score_tool" in cols


# The cache: outside the export, reused while unchanged, rebuilt when a file changes.


def file_hashes(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_read_only_export_is_never_written(tmp_path):
    folder = write_export(tmp_path / "export", tables(), EXTRACT)
    before = file_hashes(folder)
    for path in [folder, *folder.rglob("*")]:
        path.chmod(path.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    try:
        export = open_export(folder, Settings(cache_dir=tmp_path / "cache"))
        assert export.report.exit_code == 0
        assert file_hashes(folder) == before
        assert sorted(os.listdir(folder)) == sorted(before)
    finally:
        for path in [folder, *folder.rglob("*")]:
            path.chmod(path.stat().st_mode | stat.S_IWUSR)


def test_cache_reused_and_refreshed_by_fingerprint(tmp_path):
    folder = write_export(tmp_path / "export", tables(), EXTRACT)
    settings = Settings(cache_dir=tmp_path / "cache")
    first = open_export(folder, settings)
    again = open_export(folder, settings)
    assert again.path == first.path
    frame("handbacks", []).write_parquet(folder / "handbacks.parquet")
    os.utime(folder / "handbacks.parquet", ns=(1, 1))
    refreshed = open_export(folder, settings)
    assert refreshed.fingerprint == fingerprint(folder) != first.fingerprint
    assert count(refreshed, "handbacks") == 0 and count(first, "handbacks") == 1


def test_cache_inside_export_is_refused(tmp_path):
    folder = write_export(tmp_path / "export", tables(), EXTRACT)
    with pytest.raises(Exception, match="inside the export folder"):
        open_export(folder, Settings(cache_dir=folder / "cache"))


# The command line: JSON shape and exit codes of spec/cli.md.


def run_cli(args: list[str], tmp_path: Path, capsys) -> tuple[int, str, str]:
    env = {"XDG_CACHE_HOME": str(tmp_path / "xdg"), "DASHBOARD_SETTINGS": str(tmp_path / "s.toml")}
    (tmp_path / "s.toml").write_text(f'[data]\ncache_dir = "{tmp_path / "cli-cache"}"\n')
    code = main(args, env)
    out, err = capsys.readouterr()
    return code, out, err


def test_validate_json_and_exit_codes(tmp_path, capsys):
    folder = write_export(
        tmp_path / "export", tables(support_plans=plans_with(sds_option=7)), EXTRACT
    )
    code, out, _ = run_cli(["validate", "--data", str(folder), "--json"], tmp_path, capsys)
    report = json.loads(out)
    assert code == 1
    assert report["errors"] == [
        {"table": "support_plans", "column": "sds_option", "kind": "out_of_range", "count": 1,
         "examples": ["S9"], "detail": "outside 1–4"}
    ]  # fmt: skip
    assert report["tables"]["support_plans"] == {"rows": 4, "set_aside": 1}
    assert report["unusable"] == [] and report["absent"] == []

    (folder / "people.parquet").unlink()
    code, out, _ = run_cli(["validate", "--data", str(folder), "--json"], tmp_path, capsys)
    assert code == 2
    assert json.loads(out)["unusable"][0]["kind"] == "missing_table"


def test_bad_option_and_missing_folder_exit_2_with_a_message(tmp_path, capsys):
    code, _, err = run_cli(["validate", "--data", str(tmp_path / "nope")], tmp_path, capsys)
    assert code == 2 and "does not exist" in err
    code, _, err = run_cli(["figures", "--period"], tmp_path, capsys)
    assert code == 2 and "--period" in err


def test_timestamps_in_manifest_are_rejected_clearly(tmp_path):
    folder = write_export(tmp_path / "export", tables())
    (folder / "manifest.json").write_text(json.dumps({"extract_date": str(datetime(2026, 1, 1))}))
    with pytest.raises(Exception, match="manifest.json"):
        open_export(folder, Settings(cache_dir=tmp_path / "cache"))
    shutil.rmtree(folder)


# --- area polygons (issue 27): checked once here, so no broken shape reaches a map or the designer


def sq_wkt(x: float, y: float, d: float = 0.01) -> str:
    return f"POLYGON(({x} {y},{x + d} {y},{x + d} {y + d},{x} {y + d},{x} {y}))"


BOWTIE = "POLYGON((-3.5 56.5,-3.49 56.51,-3.49 56.5,-3.5 56.51,-3.5 56.5))"  # crosses itself


def polygons(export) -> dict[str, str | None]:
    rows = export.cursor().sql("SELECT area_code, geometry_wkt FROM areas").fetchall()
    return dict(rows)


def test_self_intersecting_polygon_is_repaired_and_reported(tmp_path):
    import shapely

    areas = [dict(AREA, area_code="A1", geometry_wkt=BOWTIE),
             dict(AREA, area_code="A2", urban_rural=6, geometry_wkt=sq_wkt(-3.49, 56.5))]  # fmt: skip
    export = open_tables(tmp_path, tables(areas=areas))
    (error,) = export.report.errors
    assert (error.table, error.column, error.kind, error.count, error.examples) == (
        "areas", "geometry_wkt", "invalid_geometry", 1, ["A1"])  # fmt: skip
    assert "repaired" in error.detail
    assert export.report.tables["areas"].set_aside == 0 and count(export, "people") == 3
    kept = shapely.from_wkt(polygons(export)["A1"])
    # make_valid splits the bow tie at its crossing into two triangles of 0.01² / 4 each
    assert kept.is_valid and kept.geom_type == "MultiPolygon"
    assert kept.area == pytest.approx(0.01**2 / 2)
    assert polygons(export)["A2"] == sq_wkt(-3.49, 56.5)  # a good polygon is left as it was


@pytest.mark.parametrize(
    ("wkt", "kind", "words"),
    [
        ("POLYGON((-3.5 56.5,-3.49 56.5,-3.49", "invalid_geometry", "not readable as WKT"),
        ("POINT(-3.5 56.5)", "invalid_geometry", "a POINT, not a POLYGON"),
        ("LINESTRING(-3.5 56.5,-3.4 56.6)", "invalid_geometry", "a LINESTRING"),
        ("POLYGON((-3.5 56.5,-3.4 56.5,-3.5 56.5,-3.5 56.5))", "invalid_geometry",
         "cannot be repaired"),
        (sq_wkt(2.0, 56.5), "out_of_range", "outside the UK"),
    ],
    ids=["truncated_wkt", "point", "line", "flat_polygon", "polygon_outside_uk"],
)  # fmt: skip
def test_unusable_polygon_is_a_data_error_and_the_area_keeps_no_polygon(tmp_path, wkt, kind, words):
    areas = [dict(AREA, area_code="A1", geometry_wkt=wkt), dict(AREA, area_code="A2")]
    export = open_tables(tmp_path, tables(areas=areas))
    assert error_list(export) == [("areas", "geometry_wkt", kind, 1, ["A1"])]
    assert words in export.report.errors[0].detail
    assert polygons(export) == {"A1": None, "A2": None}  # kept, without a polygon
    assert count(export, "people") == 3 and export.report.exit_code == 1


def test_broken_polygons_reach_neither_validate_as_a_traceback_nor_zones(tmp_path, capsys):
    areas = [dict(AREA, area_code="A1", geometry_wkt="POLYGON((-3.5 56.5,-3.49"),
             dict(AREA, area_code="A2", urban_rural=6, geometry_wkt=BOWTIE)]  # fmt: skip
    folder = write_export(tmp_path / "export", tables(areas=areas), EXTRACT)
    code, out, _ = run_cli(["validate", "--data", str(folder), "--json"], tmp_path, capsys)
    assert code == 1
    assert [(e["kind"], e["examples"]) for e in json.loads(out)["errors"]] == [
        ("invalid_geometry", ["A2"]),
        ("invalid_geometry", ["A1"]),
    ]  # repaired, then unreadable
    code, out, err = run_cli(["zones", "summary", "--data", str(folder), "--as-at", "2026-03-31",
                              "--json"], tmp_path, capsys)  # fmt: skip
    assert code == 1 and "Traceback" not in err
    assert json.loads(out)["option"]["neighbours"] in ("mixed", "centroids")
    code, _, err = run_cli(["zones", "design", "--data", str(folder), "--as-at", "2026-03-31",
                            "--zones", "2", "--floor", "0", "--out", str(tmp_path / "o.csv")],
                           tmp_path, capsys)  # fmt: skip
    assert code == 0 and "Traceback" not in err
