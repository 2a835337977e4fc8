"""The bench's simultaneous sessions drive the running app over Streamlit's own protocol.

Not a timed test: it asserts that every filter change of every session was answered by a finished
rerun with no error shown, so the bench's latencies are the app's and not a broken client's.
"""

from __future__ import annotations

import pytest

from bench.sessions import run_sessions
from dashboard.core.settings import SAMPLE_DIR, Settings
from dashboard.extract.export import open_export
from dashboard.extract.filters import filter_options
from dashboard.sample import generate

# It starts the app as the browser tests do, so it does not run beside them.
pytestmark = pytest.mark.xdist_group("browser")


def test_two_sessions_each_change_the_locality_twice(tmp_path):
    export = SAMPLE_DIR if (SAMPLE_DIR / "manifest.json").is_file() else tmp_path / "export"
    if export != SAMPLE_DIR:
        generate(export)
    cache = tmp_path / "cache"
    settings_file = tmp_path / "settings.toml"
    settings_file.write_text(f'[data]\npath = "{export}"\ncache_dir = "{cache}"\n')
    settings = Settings(data=export, cache_dir=cache)
    opened = open_export(export, settings)
    options = filter_options(opened, settings)
    localities = options.for_partnership(options.home).localities
    opened.close()

    found = run_sessions(settings_file, localities, sessions=2, iterations=2, think_s=0)

    assert found.errors == []
    assert len(found.latencies) == 4
    assert all(seconds > 0 for seconds in found.latencies)
