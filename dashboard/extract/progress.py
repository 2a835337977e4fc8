"""What an export being opened is doing now, so the first visitor after a start or a new extract
reads what is being prepared instead of a page of grey placeholders.

Opening an export (validating every table into the cache, then building the base tables) can take
minutes at the national scale. `extract/export.build_cache` notes each step here under the
export's fingerprint; `app/web.py` shows the latest one while it waits. A plain dict behind a lock:
the opening runs in one thread, the pages read it from theirs.
"""

from __future__ import annotations

import threading

_LOCK = threading.Lock()
_STEPS: dict[str, str] = {}


def note(fp: str, step: str) -> None:
    """Export `fp` is now doing `step` (a sentence from the strings file)."""
    with _LOCK:
        _STEPS[fp] = step


def current(fp: str) -> str | None:
    """The step export `fp` is doing, or None when it is not being prepared."""
    with _LOCK:
        return _STEPS.get(fp)


def done(fp: str) -> None:
    with _LOCK:
        _STEPS.pop(fp, None)
