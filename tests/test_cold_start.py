"""A cold start says what is being prepared (issue 25): the first visitor after a start or a new
extract reads the step the export is at, never a page of grey placeholders with no word."""

from __future__ import annotations

import threading

from dashboard.app import web
from dashboard.core.settings import Settings
from dashboard.extract import progress
from dashboard.extract.export import fingerprint, open_export
from tests import tiny
from tests.builders import write_export


def test_opening_an_export_notes_each_table_checked_and_each_summary_table_built(
    tmp_path, monkeypatch
):
    folder = write_export(tmp_path / "export", tiny.tables())
    fp = fingerprint(folder)
    noted: list[tuple[str, str]] = []
    monkeypatch.setattr(progress, "note", lambda key, step: noted.append((key, step)))
    open_export(folder, Settings(data=folder, cache_dir=tmp_path / "cache")).close()
    steps = [step for key, step in noted if key == fp]
    # eleven tables in validation's order (area_populations last), then the seven base tables
    assert steps[0] == "checking the export's areas table (1 of 11)."
    assert steps[7] == "checking the export's budget_spend table (8 of 11)."
    assert steps[10] == "checking the export's area_populations table (11 of 11)."
    assert steps[11] == "building the summary tables the figures are counted from (1 of 7)."
    assert steps[-1] == "building the summary tables the figures are counted from (7 of 7)."
    assert len(steps) == 18
    assert progress.current(fp) is None  # done: nothing left to say
    noted.clear()
    open_export(folder, Settings(data=folder, cache_dir=tmp_path / "cache")).close()
    assert noted == []  # reopened from the cache: nothing is prepared


class Shown:
    """What st.empty() shows, recorded."""

    def __init__(self) -> None:
        self.messages: list[str] = []
        self.cleared = False

    def info(self, text: str, icon: str | None = None) -> None:
        self.messages.append(text)

    def empty(self) -> None:
        self.cleared = True


def test_a_page_waiting_for_the_export_names_the_step_then_clears_the_message(monkeypatch):
    shown = Shown()
    monkeypatch.setattr(web.st, "empty", lambda: shown)
    release = threading.Event()
    progress.note("fp-test", "checking the export's budget_spend table (8 of 10).")
    thread = threading.Thread(target=release.wait, args=(5,), daemon=True)
    thread.start()
    threading.Timer(1.2, release.set).start()
    try:
        web._wait_saying_what(thread, "fp-test")
    finally:
        progress.done("fp-test")
    assert shown.messages[0] == (
        "Preparing the data for its first use after a start or a new extract: checking the "
        "export's budget_spend table (8 of 10). This happens once; the page appears when it is "
        "ready."
    )
    assert len(shown.messages) >= 2  # said again every half second while it waits
    assert shown.cleared and not thread.is_alive()


def test_a_ready_export_shows_no_message(monkeypatch):
    shown = Shown()
    monkeypatch.setattr(web.st, "empty", lambda: shown)
    done = threading.Thread(target=lambda: None)
    done.start()
    done.join()
    web._wait_saying_what(done, "fp-ready")
    assert shown.messages == []
