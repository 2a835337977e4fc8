"""Hostile and careless exports (issue 26, the data side): each test is named after what it tries.

Every case starts from the tiny valid export of `tests/tiny.py`, breaks one thing the way a real
system or a tired analyst would, and checks the exact report (table, column, kind, count, example
keys), that the good rows still load, and that nothing reaches a person as a traceback. To add a
case: copy the nearest test, break one more thing, name the test after the attempt.
"""

from __future__ import annotations

import json
import math
import os
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl
import pytest

from dashboard.cli import main
from dashboard.core.settings import Settings
from dashboard.extract.export import fingerprint, open_export
from dashboard.extract.filters import filter_options
from tests.builders import frame, write_export
from tests.tiny import BASE, EXTRACT, PLAN, tables


def open_folder(tmp_path: Path, folder: Path):
    return open_export(folder, Settings(cache_dir=tmp_path / "cache"))


def open_tables(tmp_path: Path, data: dict):
    return open_folder(tmp_path, write_export(tmp_path / "export", data, EXTRACT))


def errors(export) -> list[tuple]:
    return [(e.table, e.column, e.kind, e.count, e.examples) for e in export.report.errors]


def unusable(export) -> list[tuple]:
    return [(u.table, u.column, u.kind, u.file) for u in export.report.unusable]


def count(export, table: str) -> int:
    return export.cursor().sql(f'SELECT count(*) FROM "{table}"').fetchall()[0][0]


def cli(tmp_path: Path, capsys, *args: str) -> tuple[int, str, str]:
    settings = tmp_path / "cli.toml"
    settings.write_text(f'[data]\ncache_dir = "{tmp_path / "cli-cache"}"\n')
    code = main(list(args), {"DASHBOARD_SETTINGS": str(settings)})
    out, err = capsys.readouterr()
    return code, out, err


def strict_json(text: str):
    """JSON as the standard has it: a bare NaN or Infinity is not JSON."""

    def refuse(name: str):
        raise ValueError(f"not JSON: {name}")

    return json.loads(text, parse_constant=refuse)


def plans_plus(**row) -> list[dict]:
    return BASE["support_plans"] + [dict(PLAN, plan_id="S9", person_id="P1") | row]


# 1. Dates before 1900: a system's "unknown" must not stretch the periods back to year 0.


def test_plan_starting_on_dotnet_min_value_is_set_aside_and_periods_start_with_the_data(
    tmp_path, capsys
):
    export = open_tables(tmp_path, tables(support_plans=plans_plus(start_date=date(1, 1, 1))))
    assert errors(export) == [("support_plans", "start_date", "out_of_range", 1, ["S9"])]
    assert export.report.errors[0].detail == "before 1900-01-01"
    assert count(export, "support_plans") == 3
    options = filter_options(export, Settings(cache_dir=tmp_path / "cache"))
    # The tiny plans start in January 2025: financial year 2024/25 is the earliest on offer.
    assert options.years == ["2025/26", "2024/25"] and options.default_period == "2025/26"
    code, out, err = cli(
        tmp_path, capsys, "page", "outcome-trends", "--period", "2025/26", "--json",
        "--data", str(export.folder),
    )  # fmt: skip
    assert (code, err) == (1, "") and strict_json(out)["page"] == "outcome-trends"


@pytest.mark.parametrize(
    ("table", "column", "key"),
    [("personal_outcomes", "set_date", "O1"), ("outcome_reviews", "review_date", "R1|O1"),
     ("handbacks", "handback_date", "H1"), ("home_care_requests", "package_start_date", "Q1")],
)  # fmt: skip
def test_placeholder_date_1899_in_any_date_column_is_out_of_range(tmp_path, table, column, key):
    data = tables()
    data[table][0][column] = date(1899, 12, 31)
    export = open_tables(tmp_path, data)
    found = [e for e in errors(export) if e[1] == column]
    assert found == [(table, column, "out_of_range", 1, [key])]


def test_date_of_1900_01_01_itself_is_kept(tmp_path):
    data = tables()
    data["home_care_requests"][0]["package_start_date"] = date(1900, 1, 1)
    export = open_tables(tmp_path, data)
    assert errors(export) == []


# 2. NaN and infinities: out of range, never summed into a figure or printed as bare NaN.


@pytest.mark.parametrize(
    ("table", "column", "value", "key"),
    [("budget_spend", "amount_gbp", math.nan, "B1"),
     ("budget_spend", "amount_gbp", -math.inf, "B2"),
     ("support_plans", "weekly_budget_gbp", math.inf, "S1"),
     ("support_plans", "weekly_hours", math.nan, "S2"),
     ("areas", "centroid_lon", math.nan, "A1")],
    ids=["nan-amount", "minus-inf-refund", "inf-budget", "nan-hours", "nan-centroid"],
)  # fmt: skip
def test_nan_or_infinite_number_is_set_aside(tmp_path, table, column, value, key):
    data = tables()
    row = next(r for r in data[table] if key in (r.get("spend_id"), r.get("plan_id"),
                                                 r.get("area_code")))  # fmt: skip
    row[column] = value
    export = open_tables(tmp_path, data)
    found = [e for e in export.report.errors if (e.table, e.column) == (table, column)]
    kinds = {(e.kind, e.detail, tuple(e.examples)) for e in found}
    assert ("out_of_range", "not a finite number (NaN or infinity)", (key,)) in kinds
    (bad,) = (
        export.cursor()
        .sql(f'SELECT count(*) FROM "{table}" WHERE NOT isfinite("{column}")')
        .fetchall()[0]
    )
    assert bad == 0


def test_infinite_budget_and_nan_spend_leave_figures_json_strict(tmp_path, capsys):
    data = tables()
    data["support_plans"][0]["weekly_budget_gbp"] = math.inf
    data["budget_spend"][1]["amount_gbp"] = math.nan
    folder = write_export(tmp_path / "export", data, EXTRACT)
    for args in (["figures", "--period", "2024/25"], ["page", "spend", "--period", "2024/25"],
                 ["page", "national-outcomes", "--period", "2024/25"]):  # fmt: skip
        code, out, err = cli(tmp_path, capsys, *args, "--json", "--data", str(folder))
        assert code == 1 and err == "", args
        strict_json(out)  # no bare NaN or Infinity anywhere
    code, out, _ = cli(tmp_path, capsys, "page", "spend", "--period", "2024/25", "--json",
                       "--data", str(folder))  # fmt: skip
    spend = strict_json(out)
    assert "0.000" not in json.dumps(spend)


# 4. A table cut short after the cache was built: the file is named, no empty figures.


def test_table_cut_short_mid_meeting_is_named_by_page_json(tmp_path, capsys):
    folder = write_export(tmp_path / "export", tables(), EXTRACT)
    code, out, _ = cli(tmp_path, capsys, "page", "outcome-trends", "--period", "2025/26",
                       "--json", "--data", str(folder))  # fmt: skip
    assert code == 0
    good = (folder / "outcome_reviews.parquet").read_bytes()
    (folder / "outcome_reviews.parquet").write_bytes(good[: len(good) // 2])
    code, out, err = cli(tmp_path, capsys, "page", "outcome-trends", "--period", "2025/26",
                         "--json", "--data", str(folder))  # fmt: skip
    assert code == 2 and out == ""
    assert "outcome_reviews.parquet" in err and "cannot be read as Parquet" in err
    # A page that does not need the table still runs.
    code, out, err = cli(tmp_path, capsys, "page", "zone-map", "--period", "2025/26", "--json",
                         "--data", str(folder))  # fmt: skip
    assert code == 0 and strict_json(out)["page"] == "zone-map"


# 8. A timestamp with a time zone is its date in Scotland, never the UTC date.


def test_time_zoned_start_at_half_past_midnight_on_1_april_stays_in_the_new_year(tmp_path):
    london, new_york = ZoneInfo("Europe/London"), ZoneInfo("America/New_York")
    starts = [
        datetime(2025, 4, 1, 0, 30, tzinfo=london),  # 31 March 23:30 in UTC
        datetime(2025, 1, 15, 0, 30, tzinfo=london),  # GMT: UTC and local agree
        datetime(2025, 3, 31, 22, 0, tzinfo=new_york),  # 1 April 03:00 in Scotland
    ]
    plans = frame("support_plans", BASE["support_plans"]).with_columns(
        pl.Series("start_date", starts, dtype=pl.Datetime("us", "UTC"))
    )
    export = open_tables(tmp_path, tables(support_plans=plans))
    assert errors(export) == [] and unusable(export) == []
    got = export.cursor().sql("SELECT plan_id, start_date FROM support_plans ORDER BY 1").fetchall()
    assert got == [("S1", date(2025, 4, 1)), ("S2", date(2025, 1, 15)), ("S3", date(2025, 4, 1))]


def test_timestamp_without_time_zone_is_cut_to_its_own_date(tmp_path):
    plans = frame("support_plans", BASE["support_plans"]).with_columns(
        pl.lit(datetime(2025, 3, 31, 23, 30)).alias("start_date")
    )
    export = open_tables(tmp_path, tables(support_plans=plans))
    got = export.cursor().sql("SELECT DISTINCT start_date FROM support_plans").fetchall()
    assert got == [(date(2025, 3, 31),)]


# 9. A table folder that is a link: read, and fingerprinted inside.


def test_linked_table_folder_change_is_noticed(tmp_path):
    folder = write_export(tmp_path / "export", tables(), EXTRACT)
    (folder / "budget_spend.parquet").unlink()
    elsewhere = tmp_path / "other-disk" / "spend"
    elsewhere.mkdir(parents=True)
    frame("budget_spend", BASE["budget_spend"]).write_parquet(elsewhere / "part-1.parquet")
    (folder / "budget_spend").symlink_to(elsewhere, target_is_directory=True)
    first = open_folder(tmp_path, folder)
    assert count(first, "budget_spend") == 2
    before = fingerprint(folder)
    frame("budget_spend", BASE["budget_spend"][:1]).write_parquet(elsewhere / "part-1.parquet")
    os.utime(elsewhere / "part-1.parquet", ns=(10**18, 10**18))
    assert fingerprint(folder) != before
    assert count(open_folder(tmp_path, folder), "budget_spend") == 1


def test_linked_folder_loop_inside_a_table_is_walked_once(tmp_path):
    folder = write_export(tmp_path / "export", tables(), EXTRACT)
    (folder / "handbacks.parquet").unlink()
    (folder / "handbacks").mkdir()
    frame("handbacks", BASE["handbacks"]).write_parquet(folder / "handbacks" / "p.parquet")
    (folder / "handbacks" / "loop").symlink_to(folder / "handbacks", target_is_directory=True)
    export = open_folder(tmp_path, folder)
    assert count(export, "handbacks") == 1 and errors(export) == []


# 11. Personal data by meaning, not by one spelling.


@pytest.mark.parametrize(
    ("table", "column"),
    [("providers", "CHINumber"), ("budget_spend", "CHI.Number"), ("people", "chi_no"),
     ("support_plans", "NHSNumber"), ("outcome_reviews", "nhs_no"), ("areas", "birth_date"),
     ("people", "first_name"), ("people", "Last Name"), ("people", "full-name"),
     ("people", "post_code"), ("handbacks", "Address_Line_1")],
)  # fmt: skip
def test_personal_data_column_under_another_spelling_is_refused(tmp_path, table, column):
    folder = write_export(tmp_path / "export", tables(), EXTRACT)
    frame(table, BASE[table]).with_columns(pl.lit("x").alias(column)).write_parquet(
        folder / f"{table}.parquet"
    )
    export = open_folder(tmp_path, folder)
    assert unusable(export) == [(table, column, "pii_column", f"{table}.parquet")]
    assert column in export.report.unusable[0].message and count(export, table) == 0


@pytest.mark.parametrize(
    ("table", "column"),
    [("home_care_lots", "first_name"), ("providers", "post_code"), ("people", "team_name"),
     ("people", "birth_year_band"), ("areas", "address_count")],
)  # fmt: skip
def test_names_that_are_not_personal_data_still_load(tmp_path, table, column):
    data = tables()
    data[table] = frame(table, BASE[table]).with_columns(pl.lit("x").alias(column))
    export = open_tables(tmp_path, data)
    assert unusable(export) == [] and errors(export) == []


# 12. The smaller cases, one test each.


@pytest.mark.parametrize(
    ("folder_name", "expected"),
    [("sex=other", [("people", "sex", "hive_conflict", "people/sex=other/p.parquet")]),
     ("sex=female", [])],
    ids=["hive-folder-overrides-column", "hive-folder-agrees-with-column"],
)  # fmt: skip
def test_hive_folder_sex_other_over_a_sex_column_is_refused(tmp_path, folder_name, expected):
    folder = write_export(tmp_path / "export", tables(), EXTRACT)
    (folder / "people.parquet").unlink()
    (folder / "people" / folder_name).mkdir(parents=True)
    frame("people", BASE["people"]).write_parquet(folder / "people" / folder_name / "p.parquet")
    export = open_folder(tmp_path, folder)
    assert unusable(export) == expected
    if expected:
        assert folder_name in export.report.unusable[0].message
    else:  # every female person kept, as the folder says
        assert count(export, "people") == 3


def test_megabyte_locality_name_is_set_aside_not_copied_into_every_row(tmp_path):
    data = tables()
    data["areas"][1]["locality"] = "L" * 1_000_000
    export = open_tables(tmp_path, data)
    assert ("areas", "locality", "out_of_range", 1, ["A2"]) in errors(export)
    assert export.report.errors[0].detail == "longer than 200 characters"
    (longest,) = export.cursor().sql("SELECT max(length(locality)) FROM areas").fetchall()[0]
    assert longest == len("North")


def test_long_outcome_text_is_free_text_and_kept(tmp_path):
    data = tables()
    data["personal_outcomes"][0]["outcome_text"] = "I want " * 1000
    export = open_tables(tmp_path, data)
    assert errors(export) == []


def test_parts_with_a_type_clash_name_the_part_that_differs(tmp_path):
    folder = write_export(tmp_path / "export", tables(), EXTRACT)
    plans = frame("support_plans", BASE["support_plans"])
    (folder / "support_plans.parquet").unlink()
    for year, part in ((2024, plans[:2]), (2025, plans[2:])):
        (folder / "support_plans" / f"year={year}").mkdir(parents=True)
        if year == 2025:
            part = part.with_columns(pl.col("sds_option").cast(pl.Utf8))
        part.write_parquet(folder / "support_plans" / f"year={year}" / "data.parquet")
    export = open_folder(tmp_path, folder)
    assert unusable(export) == [
        ("support_plans", "sds_option", "wrong_type", "support_plans/year=2025/data.parquet")
    ]


def test_folder_beside_a_file_of_the_same_table_is_refused(tmp_path):
    folder = write_export(tmp_path / "export", tables(), EXTRACT)
    (folder / "people").mkdir()
    frame("people", BASE["people"][:1]).write_parquet(folder / "people" / "p.parquet")
    export = open_folder(tmp_path, folder)
    assert unusable(export) == [("people", None, "ambiguous_table", "people/")]
    assert "people.parquet" in export.report.unusable[0].message


def test_empty_table_folder_is_named_not_a_traceback(tmp_path, capsys):
    folder = write_export(tmp_path / "export", tables(), EXTRACT)
    (folder / "handbacks.parquet").unlink()
    (folder / "handbacks").mkdir()
    code, out, err = cli(tmp_path, capsys, "validate", "--json", "--data", str(folder))
    assert code == 2 and err == ""
    [problem] = strict_json(out)["unusable"]
    assert (problem["table"], problem["kind"], problem["file"]) == (
        "handbacks", "empty_folder", "handbacks",
    )  # fmt: skip


def test_manifest_with_a_byte_order_mark_is_read(tmp_path):
    folder = write_export(tmp_path / "export", tables())
    (folder / "manifest.json").write_bytes(b"\xef\xbb\xbf" + b'{"extract_date": "2026-03-31"}')
    export = open_folder(tmp_path, folder)
    assert export.extract_date == EXTRACT and export.report.extract_date_source == "manifest"


@pytest.mark.parametrize(
    ("content", "words"),
    [("[" * 100_000 + "]" * 100_000, "nested too deeply"),
     ('["extract_date", "2026-03-31"]', "not a JSON object"),
     ('{"extract_date": "0001-01-01"}', "before 1900-01-01")],
    ids=["deeply-nested", "a-list", "year-one"],
)  # fmt: skip
def test_hostile_manifest_exits_2_with_its_name(tmp_path, capsys, content, words):
    folder = write_export(tmp_path / "export", tables())
    (folder / "manifest.json").write_text(content)
    code, out, err = cli(tmp_path, capsys, "validate", "--data", str(folder))
    assert code == 2 and out == ""
    assert "manifest.json" in err and words in err and "Traceback" not in err


def test_duplicate_review_over_two_key_columns_is_named_by_both(tmp_path):
    reviews = BASE["outcome_reviews"] + [dict(BASE["outcome_reviews"][0], status="not_met")]
    export = open_tables(tmp_path, tables(outcome_reviews=reviews))
    assert errors(export) == [
        ("outcome_reviews", "review_id+outcome_id", "duplicate_key", 2, ["R1|O1"])
    ]


def _page(script: str):
    from streamlit.testing.v1 import AppTest

    return AppTest.from_file(str(Path(__file__).parent.parent / "pages" / script),
                             default_timeout=90).run()  # fmt: skip


def test_table_cut_short_mid_meeting_is_named_on_the_pages(tmp_path, point_app):
    folder = write_export(tmp_path / "e", tables(), EXTRACT)
    point_app(folder)
    before = _page("outcome_trends.py")
    assert not before.exception and not before.error
    good = (folder / "outcome_reviews.parquet").read_bytes()
    (folder / "outcome_reviews.parquet").write_bytes(good[: len(good) // 2])
    for script in ("outcome_trends.py", "national_outcomes.py", "board_pack.py"):
        app = _page(script)
        assert not app.exception, script
        [error] = [e.value for e in app.error]
        assert "outcome_reviews.parquet" in error and "cannot be read as Parquet" in error
        assert not app.selectbox  # no figures, no period picked for them
    zones = _page("zone_map.py")  # does not need the reviews: runs, and says what is missing
    assert not zones.exception and not zones.error
    assert any("outcome_reviews.parquet" in w.value for w in zones.warning)
