"""The contract review's learning log: notes the team writes in the app, carried into the review.

The notes are the team's own words about a lot or provider ("what was learned, what should change")
and must outlive any one extract, so they are kept in the notes folder of the settings, never in the
export folder (which is only ever read). One JSON-lines file per partnership, only ever appended to
under an exclusive lock, so two sessions saving at once cannot interleave or lose a note.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import re
from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path

from dashboard.core.errors import UserError
from dashboard.core.periods import Period, parse_period
from dashboard.core.strings import t

UNIT_KINDS = ("lot", "provider")
DEFAULT_MAX_NOTE_CHARS = 4000  # a note is a paragraph or two for a review, not a document
_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class Note:
    date: date  # the day the note is about (the day it was written unless given)
    by: str  # "lot" or "provider"
    unit: str  # the lot_id or provider_id
    period: str  # the review period the note was written for, e.g. "2025/26" or "2025/26 Q3"
    note: str
    written_at: str  # ISO timestamp of saving: orders notes written on the same day

    def to_json(self) -> dict:
        return {**asdict(self), "date": self.date.isoformat()}


def notes_file(notes_dir: Path, partnership: str) -> Path:
    """The partnership's file: a readable slug plus a short hash, so names differing only in
    punctuation or case never share a file."""
    slug = _SLUG.sub("-", partnership.lower()).strip("-") or "partnership"
    digest = hashlib.sha256(partnership.encode("utf-8")).hexdigest()[:8]
    return notes_dir / f"learning-{slug}-{digest}.jsonl"


def check_outside_export(notes_dir: Path, export_folder: Path) -> None:
    """The export folder is read-only to the dashboard, and a new extract replaces it."""
    notes_r, export_r = notes_dir.resolve(), export_folder.resolve()
    if notes_r == export_r or notes_r.is_relative_to(export_r):
        raise UserError(t("evaluation.notes_inside_export", notes=notes_dir, export=export_folder))


def add_note(
    notes_dir: Path,
    partnership: str,
    *,
    export_folder: Path,
    by: str,
    unit: str,
    period: str,
    note: str,
    on: date | None = None,
    now: datetime | None = None,
    max_chars: int = DEFAULT_MAX_NOTE_CHARS,
) -> Note:
    """Append one note to the partnership's log and return it."""
    check_outside_export(notes_dir, export_folder)
    text = note.strip()
    if by not in UNIT_KINDS:
        raise UserError(t("evaluation.bad_by", by=by))
    if not text:
        raise UserError(t("evaluation.note_empty"))
    if len(text) > max_chars:
        raise UserError(t("evaluation.note_too_long", chars=len(text), limit=max_chars))
    parse_period(period)  # a typo is refused here rather than lost from every review
    stamp = now or datetime.now()
    entry = Note(on or stamp.date(), by, unit, period, text, stamp.isoformat(timespec="seconds"))
    notes_dir.mkdir(parents=True, exist_ok=True)
    line = json.dumps(entry.to_json(), ensure_ascii=False) + "\n"
    with notes_file(notes_dir, partnership).open("a", encoding="utf-8") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            fh.write(line)
            fh.flush()
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
    return entry


def _parse(line: str, path: Path, number: int) -> Note:
    try:
        raw = json.loads(line)
        return Note(
            date.fromisoformat(raw["date"]), raw["by"], raw["unit"], raw["period"], raw["note"],
            raw["written_at"],
        )  # fmt: skip
    except (ValueError, KeyError, TypeError) as exc:
        raise UserError(t("evaluation.notes_unreadable", file=path, line=number)) from exc


def _within(note_period: str, period: Period) -> bool:
    p = parse_period(note_period)
    return period.start <= p.start and p.end <= period.end


def read_notes(
    notes_dir: Path,
    partnership: str,
    *,
    by: str | None = None,
    unit: str | None = None,
    within: Period | None = None,
) -> list[Note]:
    """The partnership's notes, newest first; optionally of one kind, one unit, and written for
    `within` or a part of it (a quarter's note belongs in the year's review too)."""
    path = notes_file(notes_dir, partnership)
    if not path.is_file():
        return []
    with path.open(encoding="utf-8") as fh:
        fcntl.flock(fh, fcntl.LOCK_SH)
        try:
            lines = fh.read().splitlines()
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
    notes = [_parse(line, path, n) for n, line in enumerate(lines, start=1) if line.strip()]
    chosen = [
        n
        for n in notes
        if (by is None or n.by == by)
        and (unit is None or n.unit == unit)
        and (within is None or _within(n.period, within))
    ]
    # reversed first: of notes saved in the same second, the later line is the newer
    return sorted(reversed(chosen), key=lambda n: (n.date, n.written_at), reverse=True)
