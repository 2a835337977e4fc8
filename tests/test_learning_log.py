"""The learning log: notes written, reread newest first, filtered by unit and period, and never
kept inside the export folder."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from dashboard.core.errors import UserError
from dashboard.core.periods import parse_period
from dashboard.review.learning_log import add_note, notes_file, read_notes


def _add(notes_dir, export, on, text, *, unit="L1", period="2025/26 Q1", by="lot", second=0):
    return add_note(
        notes_dir, "Home", export_folder=export, by=by, unit=unit, period=period, note=text,
        on=on, now=datetime(2025, 7, 1, 9, 0, second),
    )  # fmt: skip


def test_notes_written_reread_newest_first(tmp_path):
    export = tmp_path / "export"
    notes = tmp_path / "notes"
    _add(notes, export, date(2025, 5, 1), "first")
    _add(notes, export, date(2025, 6, 1), "  second  ")
    _add(notes, export, date(2025, 5, 1), "same day, saved later", second=5)
    _add(notes, export, date(2025, 6, 2), "another lot", unit="L2")
    _add(notes, export, date(2025, 8, 1), "next quarter", period="2025/26 Q2")
    _add(notes, export, date(2025, 6, 3), "a provider", by="provider", unit="L1")
    got = read_notes(notes, "Home", by="lot", unit="L1", within=parse_period("2025/26 Q1"))
    # by date, newest first; on 1 May the note saved at 09:00:05 before the one at 09:00:00;
    # text stripped; Q2's note, L2's and the provider's left out
    assert [n.note for n in got] == ["second", "same day, saved later", "first"]
    # the year's review carries its quarters' notes: all five lot notes
    year = read_notes(notes, "Home", by="lot", within=parse_period("2025/26"))
    assert [n.date for n in year] == [date(2025, 8, 1), date(2025, 6, 2), date(2025, 6, 1),
                                      date(2025, 5, 1), date(2025, 5, 1)]  # fmt: skip
    assert read_notes(notes, "Elsewhere") == []
    assert len(notes_file(notes, "Home").read_text().splitlines()) == 6  # appended, one a line


def test_notes_refused_inside_the_export_folder(tmp_path):
    export = tmp_path / "export"
    with pytest.raises(UserError, match="inside the export folder"):
        _add(export / "notes", export, date(2025, 5, 1), "x")
    with pytest.raises(UserError, match="inside the export folder"):
        _add(export, export, date(2025, 5, 1), "x")
    assert not (export / "notes").exists()


def test_empty_note_and_bad_period_refused(tmp_path):
    with pytest.raises(UserError, match="empty"):
        _add(tmp_path / "n", tmp_path / "e", date(2025, 5, 1), "   ")
    with pytest.raises(UserError, match="not recognised"):
        _add(tmp_path / "n", tmp_path / "e", date(2025, 5, 1), "x", period="2025")


def test_partnerships_keep_separate_files(tmp_path):
    assert notes_file(tmp_path, "Home") != notes_file(tmp_path, "home")
    assert notes_file(tmp_path, "Fife / North").name.startswith("learning-fife-north-")
