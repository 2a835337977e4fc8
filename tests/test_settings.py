"""Settings: every one declared once, documented in data/settings.toml, and a bad value named."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.core.errors import UserError
from dashboard.core.settings import (
    DEFAULT_SETTINGS_FILE,
    SAMPLE_DIR,
    SETTINGS,
    Settings,
    load_settings,
)


def load(tmp_path: Path, text: str, **env: str) -> Settings:
    path = tmp_path / "settings.toml"
    path.write_text(text)
    return load_settings({"DASHBOARD_SETTINGS": str(path), **env})


def test_every_setting_is_documented_in_the_settings_file():
    text = DEFAULT_SETTINGS_FILE.read_text()
    for key, field in SETTINGS.items():
        section, _, name = key.rpartition(".")
        if f"[{key}]" in text:  # a table of its own, such as [spc.annotations]
            continue
        if section:
            assert f"[{section}]" in text and f"# {name} = " in text, key
        else:  # a whole table, such as [targets]
            assert f"[{key}]" in text, key
        assert field.metadata["help"] in text, key


def test_the_shipped_settings_file_loads():
    settings = load_settings({})
    assert settings.audience == "board" and settings.disclosure_threshold == 5


def test_defaults_point_at_the_sample(tmp_path):
    settings = load(tmp_path, "")
    assert settings.data_dir == SAMPLE_DIR


def test_values_are_read_and_relative_paths_resolved(tmp_path):
    settings = load(
        tmp_path,
        '[data]\npath = "exports/june"\n[disclosure]\nthreshold = 10\naudience = "internal"\n'
        '[targets]\nno2_attainment = 0.75\n[zones]\nextra_links = [["A1", "A2"]]\n',
    )
    assert settings.data == tmp_path / "exports" / "june"
    assert settings.disclosure_threshold == 10 and settings.audience == "internal"
    assert settings.targets == {"no2_attainment": 0.75}
    assert settings.zone_links == (("A1", "A2"),)


def test_environment_overrides_the_export_folder(tmp_path):
    settings = load(tmp_path, '[data]\npath = "x"\n', DASHBOARD_DATA=str(tmp_path / "y"))
    assert settings.data == tmp_path / "y"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[disclosure]\naudience = "everyone"\n',
            "'disclosure.audience' should be one of board, internal",
        ),
        ('[disclosure]\nthreshold = "five"\n', "'disclosure.threshold' should be a whole number"),
        ("[disclosure]\nthreshold = -1\n", "'disclosure.threshold' should be a whole number"),
        (
            '[targets]\nno2_attainment = "high"\n',
            "'targets' should be a table of name = value numbers",
        ),
        ('[data]\ncolour = "blue"\n', "'data.colour' is not a setting"),
        ("[zones\n", "cannot be read"),
    ],
)
def test_bad_values_are_named_with_their_key(tmp_path, text, message):
    with pytest.raises(UserError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load(tmp_path, text)


def test_missing_settings_file_named_by_the_environment(tmp_path):
    with pytest.raises(UserError, match="does not exist"):
        load_settings({"DASHBOARD_SETTINGS": str(tmp_path / "none.toml")})


# Hostile values (issue 26): each was a traceback, a hang or suppression quietly turned off.
@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[disclosure]\nthreshold = 0\n", "'disclosure.threshold' should be from 5 to 100"),
        ("[disclosure]\nthreshold = 1\n", "'disclosure.threshold' should be from 5 to 100"),
        ("[duckdb]\nthreads = 0\n", "'duckdb.threads' should be from 1 to 256"),
        ("[duckdb]\nthreads = 100000\n", "'duckdb.threads' should be from 1 to 256"),
        ('[duckdb]\nmemory_limit = "lots"\n', "'duckdb.memory_limit' should be a size"),
        ('[duckdb]\nmemory_limit = "1KB"\n', "at least 100MB"),
        ("[spend]\nutilisation_band = [0.95]\n", "'spend.utilisation_band' should be two numbers"),
        ("[spend]\nutilisation_band = [1.05, 0.95]\n", "low < high"),
        ('[spend]\nutilisation_band = ["a", "b"]\n', "should be two numbers"),
        ('[spc]\nrebase_dates = ["2025-13-01"]\n', "'spc.rebase_dates' should hold dates"),
        ('[spc]\nrebase_dates = ["0001-01-01"]\n', "from 1900-01-01 on"),
        ('[spc.annotations]\n"last tuesday" = "new lots"\n', "'spc.annotations' should hold dates"),
        ("[outcomes]\nseries_months = 0\n", "'outcomes.series_months' should be from 1 to 240"),
        ("[zones]\nnearest_centroids = 0\n", "'zones.nearest_centroids' should be from 1 to 50"),
        ("[zones]\ndesign_time_limit_s = nan\n", "should be a finite number"),
        ("[zones]\nviability_floor_hours = -inf\n", "should be a finite number"),
        ('[zones]\nextra_links = [["A1"]]\n', "'zones.extra_links' should be a list of pairs"),
        ("[emerging]\nfalse_discovery_rate = 2.0\n", "should be from 0.001 to 0.5"),
        ("[targets]\nno2_attainment = inf\n", "'targets' should be a finite number"),
    ],
)
def test_hostile_setting_is_refused_by_name(tmp_path, text, message):
    test_bad_values_are_named_with_their_key(tmp_path, text, message)


def test_sensible_values_at_the_edges_are_kept(tmp_path):
    settings = load(
        tmp_path,
        '[disclosure]\nthreshold = 5\n[duckdb]\nthreads = 1\nmemory_limit = "512MB"\n'
        '[spend]\nutilisation_band = [0, 1.5]\n[spc]\nrebase_dates = ["2024-04-01"]\n',
    )
    assert settings.disclosure_threshold == 5 and settings.duckdb_threads == 1
    assert settings.duckdb_memory_limit == "512MB" and settings.budget_band == (0, 1.5)


def test_hostile_setting_exits_2_from_the_command_line(tmp_path, capsys):
    from dashboard.cli import main

    path = tmp_path / "settings.toml"
    path.write_text("[duckdb]\nthreads = 0\n")
    assert main(["validate"], {"DASHBOARD_SETTINGS": str(path)}) == 2
    err = capsys.readouterr().err
    assert "duckdb.threads" in err and "Traceback" not in err
