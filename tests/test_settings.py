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
