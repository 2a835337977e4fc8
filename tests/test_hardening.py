"""Hardening: hostile input, several users at once, and no calls to the outside world."""

from __future__ import annotations

import copy
import socket
import threading
import tomllib
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.core.contract import TABLES
from dashboard.core.settings import Settings
from dashboard.extract.export import open_export
from tests.builders import write_export
from tests.tiny import BASE, EXTRACT, tables

ROOT = Path(__file__).resolve().parent.parent

# One defect, applied to one row: (kind, table, column, new value or None for "duplicate the key").
DEFECTS = [
    ("not_null", "people", "sex", None),
    ("not_null", "support_plans", "start_date", None),
    ("unknown_code", "people", "client_group", "pensioner"),
    ("unknown_code", "outcome_reviews", "status", "done"),
    ("unknown_code", "personal_outcomes", "domain", "carer_cared_for_quality_of_life_x"),
    ("out_of_range", "areas", "deprivation_decile", 11),
    ("out_of_range", "outcome_reviews", "score", 0),
    ("out_of_range", "areas", "centroid_lat", 10.0),
    ("negative_value", "support_plans", "weekly_budget_gbp", -5.0),
    ("negative_value", "home_care_requests", "hours_requested_week", -1.0),
    ("future_date", "outcome_reviews", "review_date", date(2027, 1, 1)),
    ("future_date", "handbacks", "handback_date", date(2026, 4, 1)),
    ("end_before_start", "budget_spend", "period_end", date(2024, 1, 1)),
    ("dangling_reference", "budget_spend", "plan_id", "NO-SUCH-PLAN"),
    ("dangling_reference", "handbacks", "provider_id", "NO-SUCH-PROVIDER"),
    ("duplicate_key", "providers", "provider_id", "DUP"),
    ("duplicate_key", "personal_outcomes", "outcome_id", "DUP"),
]


def apply(data: dict, defect: tuple, row_index: int) -> None:
    kind, table, column, value = defect
    rows = data[table]
    i = row_index % len(rows)
    if kind == "duplicate_key":
        rows.append(copy.deepcopy(rows[i]))
    else:
        rows[i][column] = value


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(defects=st.lists(st.sampled_from(DEFECTS), min_size=1, max_size=3, unique=True),
       row=st.integers(0, 5))  # fmt: skip
def test_random_defects_are_each_named_and_nothing_is_lost(tmp_path_factory, defects, row):
    data = copy.deepcopy(BASE)
    for defect in defects:
        apply(data, defect, row)
    root = tmp_path_factory.mktemp("fuzz")
    export = open_export(
        write_export(root / "export", data, EXTRACT), Settings(cache_dir=root / "c")
    )
    found = {(e.table, e.column, e.kind) for e in export.report.errors}
    for kind, table, column, _ in defects:
        key_column = TABLES[table].key[0]
        assert (table, column if kind != "duplicate_key" else key_column, kind) in found
    for name, summary in export.report.tables.items():
        clean = export.cursor().sql(f'SELECT count(*) FROM "{name}"').fetchall()[0][0]
        assert clean + summary.set_aside == summary.rows == len(data.get(name, []))
    export.close()


def test_many_threads_share_one_export_without_mixing_results(tmp_path):
    """Each session reads through its own cursor; concurrent queries give the serial answers."""
    export = open_export(
        write_export(tmp_path / "e", tables(), EXTRACT), Settings(cache_dir=tmp_path / "c")
    )
    questions = [
        ("SELECT count(*) FROM people p JOIN areas a USING (area_code) WHERE a.urban_rural = $v", v)
        for v in (2, 6)
    ] + [("SELECT count(*) FROM support_plans WHERE sds_option = $v", v) for v in (1, 3)]
    expected = [export.cursor().sql(q, params={"v": v}).fetchall()[0][0] for q, v in questions]
    results: dict[tuple[int, int], int] = {}
    errors: list[Exception] = []

    def worker(n: int) -> None:
        cursor = export.cursor()
        try:
            for rep in range(50):
                k = (n + rep) % len(questions)
                q, v = questions[k]
                results[(n, rep)] = (k, cursor.sql(q, params={"v": v}).fetchall()[0][0])
        except Exception as exc:  # noqa: BLE001 - any failure fails the test below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=60)
    assert errors == []
    assert len(results) == 8 * 50
    assert all(value == expected[k] for k, value in results.values())


def test_usage_statistics_are_off_and_no_basemap_by_default():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["browser"]["gatherUsageStats"] is False
    assert Settings().basemap_url is None


@pytest.fixture
def no_network(monkeypatch):
    """Any connection to an address other than this machine fails the test."""
    attempts: list[object] = []
    real_connect = socket.socket.connect

    def guarded(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and (host.startswith("127.") or host in ("localhost", "::1")):
            return real_connect(self, address)
        attempts.append(address)
        raise OSError(f"blocked network call to {address!r}")

    monkeypatch.setattr(socket.socket, "connect", guarded)
    yield attempts
    assert attempts == []


def test_command_line_makes_no_network_calls(no_network, tmp_path, capsys):
    from dashboard.cli import main

    folder = write_export(tmp_path / "e", tables(), EXTRACT)
    settings_file = tmp_path / "s.toml"
    settings_file.write_text(f'[data]\ncache_dir = "{tmp_path / "c"}"\n')
    env = {"DASHBOARD_SETTINGS": str(settings_file)}
    for args in (
        ["validate"],
        ["figures", "--period", "2025/26"],
        ["zones", "summary", "--as-at", "2026-03-31"],
    ):
        assert main([*args, "--data", str(folder), "--json"], env) in (0, 1)
    capsys.readouterr()


# The running app: hostile links and text, and a new extract arriving mid-session.

HOSTILE = [
    "x' OR '1'='1",
    "'; DROP TABLE people; --",
    '<script>alert("x")</script>',
    '"><img src=x onerror=alert(1)>',
    "A" * 5000,
]
SCRIPT_TEXT = '<script>document.title="pwned"</script><b>bold?</b> I want to see my friends'


def _run(script: str, params: dict | None = None):
    from streamlit.testing.v1 import AppTest

    if params:  # AppTest drops the link's parameters on switch_page, so open the page itself
        app = AppTest.from_file(str(ROOT / "pages" / script), default_timeout=90)
        app.query_params.update(params)
        return app.run()
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    if script != "overview.py":
        app.switch_page(f"pages/{script}").run()
    return app


def _all_text(app) -> str:
    parts = [e.value for kind in ("markdown", "caption", "warning", "error", "info", "success")
             for e in getattr(app, kind)]  # fmt: skip
    parts += [str(df.value.to_dict()) for df in app.dataframe]
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize("value", HOSTILE, ids=["quote", "sql", "script", "html", "long"])
def test_hostile_url_parameters_are_refused_with_a_message(tmp_path, point_app, value):
    point_app(write_export(tmp_path / "e", tables(), EXTRACT))
    params = {"period": value, "locality": value, "client_group": value, "partnership": value}
    for script in ("overview.py", "national_outcomes.py", "data_quality.py"):
        app = _run(script, params)
        assert not app.exception, (script, app.exception)
        assert app.warning  # the unknown value is named, not used
        assert app.selectbox(key="locality").value == "All"


def test_outcome_text_with_markup_is_never_rendered(tmp_path, point_app):
    from dashboard.app.navigation import PAGE_ENTRIES

    data = tables()
    data["personal_outcomes"][0]["outcome_text"] = SCRIPT_TEXT
    point_app(write_export(tmp_path / "e", data, EXTRACT), disclosure={"audience": "internal"})
    for entry in PAGE_ENTRIES:
        if entry.script == "board_pack.py":
            continue  # its own test renders the pack and searches it for outcome texts
        app = _run(entry.script)
        assert not app.exception, (entry.script, app.exception)
        assert "pwned" not in _all_text(app) and "<script" not in _all_text(app), entry.script


def test_new_extract_mid_session_is_opened_cleanly(tmp_path, point_app):
    folder = write_export(tmp_path / "e", tables(), EXTRACT)
    point_app(folder)
    first = _run("data_quality.py")
    assert not first.exception and not first.error
    # The extract is replaced under the running app: handbacks vanish, people is truncated.
    (folder / "handbacks.parquet").unlink()
    people = (folder / "people.parquet").read_bytes()
    (folder / "people.parquet").write_bytes(people[: len(people) // 2])
    after = _run("data_quality.py")
    assert not after.exception
    messages = " ".join(e.value for e in after.error)
    assert "people.parquet" in messages  # the page names the file and the problem
    shown = after.dataframe[0].value  # the tables table: handbacks now absent
    assert (
        dict(zip(shown["table"], shown["status"], strict=True))["handbacks"] == "not in the export"
    )
    trends = _run("national_outcomes.py")  # a page that needs people says so, and does not crash
    assert not trends.exception
