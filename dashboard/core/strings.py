"""Every user-facing sentence, looked up by key from one file per language.

Pages, reports and the command line take their text from here, so a translation (or a Welsh
council's own wording) is one file: `data/strings.<lang>.toml`, named by the `language` setting.
Keys are `section.name`; values are Python format strings.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

STRINGS_DIR = Path(__file__).resolve().parents[2] / "data"


@cache
def catalogue(language: str = "en") -> dict[str, str]:
    path = STRINGS_DIR / f"strings.{language}.toml"
    with path.open("rb") as fh:
        raw = tomllib.load(fh)
    flat: dict[str, str] = {}
    for section, entries in raw.items():
        for key, text in entries.items():
            flat[f"{section}.{key}"] = text
    return flat


def t(key: str, language: str = "en", **values: object) -> str:
    """The sentence for `key`, filled in; a missing key is a bug, so it raises KeyError."""
    return catalogue(language)[key].format(**values)
