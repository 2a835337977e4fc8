"""Fixtures shared by the test files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import streamlit as st


def _toml_value(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else json.dumps(str(value))


@pytest.fixture
def point_app(tmp_path, monkeypatch):
    """Point the app (run by AppTest in this process) at an export folder with the given settings.

    Settings and the opened export are cached resources, so the caches are cleared before and after;
    the cache database goes in the test's own folder. Usage: `point_app(folder, disclosure={"audience":
    "internal"})`."""

    def use(folder: Path, **sections: dict) -> Path:
        data = {"path": folder, "cache_dir": tmp_path / "cache", **sections.pop("data", {})}
        # No background warming in a test process: tests/test_web.py tests it on its own.
        sections["app"] = {"warm_pages": False, **sections.get("app", {})}
        text = ""
        for name, values in {"data": data, **sections}.items():
            text += f"[{name}]\n" + "".join(f"{k} = {_toml_value(v)}\n" for k, v in values.items())
        settings_file = tmp_path / "settings.toml"
        settings_file.write_text(text)
        monkeypatch.setenv("DASHBOARD_SETTINGS", str(settings_file))
        monkeypatch.delenv("DASHBOARD_DATA", raising=False)
        st.cache_resource.clear()
        st.cache_data.clear()
        return settings_file

    yield use
    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium through Playwright, one per browser test module."""
    sync_api = pytest.importorskip("playwright.sync_api")
    from tests.browser import CHROMIUM, CHROMIUM_ARGS

    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()
