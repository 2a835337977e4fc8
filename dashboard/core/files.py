"""File names made from untrusted text (a user's upload, an option's name, a partnership's name)."""

from __future__ import annotations

import re

UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


def safe_stem(text: str) -> str:
    """`text` with each run of characters other than letters, digits, `_` and `-` replaced by one
    `-`: no path separators, dots or control characters reach a file name or a download."""
    return UNSAFE.sub("-", text)
