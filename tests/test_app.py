"""Every page of the app runs with no exception, on good data, broken rows and missing tables.

AppTest runs the real app script in-process. Settings and the opened export are cached resources,
so each test clears Streamlit's caches and points the app at its own export through the environment.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.app.navigation import PAGE_ENTRIES, builder
from dashboard.core.page import View
from dashboard.core.settings import Settings
from dashboard.extract.export import open_export
from tests.builders import write_export
from tests.tiny import BASE, EXTRACT, PLAN, tables

ROOT = Path(__file__).resolve().parent.parent
PAGE_SCRIPTS = [e.script for e in PAGE_ENTRIES]


@pytest.fixture
def app_env(tmp_path, point_app):
    """Point the app at an export of the given tables; returns the export folder."""

    def use(data: dict) -> Path:
        folder = write_export(tmp_path / "export", data, EXTRACT)
        point_app(folder)
        return folder

    return use


def run_page(script: str, **params: str) -> AppTest:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    app.query_params.update(params)
    app.run()
    if script != PAGE_SCRIPTS[0]:
        app.switch_page(f"pages/{script}").run()
    return app


@pytest.mark.parametrize("script", PAGE_SCRIPTS)
def test_every_page_runs_on_good_data(app_env, script):
    app_env(tables())
    app = run_page(script)
    assert not app.exception, app.exception
    assert app.title[0].value


def test_pages_run_with_broken_rows_and_missing_optional_tables(app_env):
    broken = tables(support_plans=BASE["support_plans"] + [dict(PLAN, plan_id="S9", person_id="X")])
    for name in ("providers", "home_care_lots", "home_care_requests", "handbacks"):
        del broken[name]
    app_env(broken)
    for script in PAGE_SCRIPTS:
        app = run_page(script)
        assert not app.exception, (script, app.exception)


def test_data_quality_page_shows_the_library_figures(app_env, tmp_path):
    folder = app_env(
        tables(support_plans=BASE["support_plans"] + [dict(PLAN, plan_id="S9", person_id="X")])
    )
    app = run_page("data_quality.py")
    export = open_export(folder, Settings(cache_dir=tmp_path / "cache"))
    page = builder("data-quality")(export, Settings(), View("Home", "2025/26"))
    shown = app.dataframe[1].value  # the errors table
    assert (
        list(shown["problem"]) == list(page.tables["errors"]["problem"]) == ["dangling_reference"]
    )
    # one row set aside: a count under 5, so a board sees "<5", never the 1
    assert list(shown["rows"]) == ["<5"]
    assert "examples" not in shown.columns


def test_unknown_url_value_gets_a_message_not_an_exception(app_env):
    app_env(tables())
    app = run_page("overview.py", locality="Nowhere'; DROP TABLE areas; --", period="1999/00")
    assert not app.exception
    warnings = " ".join(w.value for w in app.warning)
    assert "Nowhere" in warnings and "1999/00" in warnings


def test_url_parameters_choose_the_view(app_env):
    app_env(tables())
    app = run_page("overview.py", period="2024/25", locality="North")
    assert app.selectbox(key="period").value == "2024/25"
    assert app.selectbox(key="locality").value == "North"
    assert any("2024/25" in m.value for m in [*app.markdown, *app.html])  # the Overview: html


def test_review_completeness_by_month(tmp_path):
    # tiny: outcomes O1 and O2, set 2025-01-05 on plans active from 2025-01-01, both reviewed on
    # 2025-07-01 (met, partly met). Each month from January 2025 both are due; only July has reviews.
    folder = write_export(tmp_path / "export", tables(), EXTRACT)
    export = open_export(folder, Settings(cache_dir=tmp_path / "cache"))
    page = builder("data-quality")(export, Settings(audience="internal"), View("Home", "2025/26"))
    months = page.tables["review_completeness"]
    assert months.height == 24 and months["period"][-1] == "2026-03"
    july = months.filter(months["period"] == "2025-07").row(0, named=True)
    august = months.filter(months["period"] == "2025-08").row(0, named=True)
    assert (july["due"], july["reviewed"], july["coverage"]) == (2, 2, 1.0)
    assert (august["due"], august["reviewed"], august["coverage"]) == (2, 0, 0.0)
    # 2024-04: before any outcome was set, nothing is due and coverage is undefined
    april = months.filter(months["period"] == "2024-04").row(0, named=True)
    assert (april["due"], april["coverage"]) == (0, None)


def test_sign_in_required_shows_only_the_sign_in(tmp_path, point_app):
    folder = write_export(tmp_path / "export", tables(), EXTRACT)
    point_app(folder, access={"sign_in_required": True})
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not app.exception
    assert [b.label for b in app.button] == ["Sign in"]
    assert not app.dataframe and not app.selectbox  # nothing of the data before signing in
