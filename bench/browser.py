"""What a person waits for: every page timed in Debian's Chromium, from navigation to the last
figure drawn, and from a filter change to the redrawn figures.

The server times (bench/measure.py, bench/sessions.py) stop when the server has sent a page; a
person waits until their browser has drawn it. Here one headless Chromium (tests/browser.py's
flags) opens each page of the served app on a server that has warmed its page cache, as a meeting
meets it, then changes the Locality box.

"Drawn" means: the page's script run has finished (the server's `script_finished` message, read
from the tab's websocket), every visible Plotly chart has its SVG, every visible map and table its
canvas, no placeholder is left, and the page has not changed for `QUIET_MS`. The time reported is
that of the page's last change, so the quiet wait is not counted: from the navigation's start
(`performance.now()` of the new document) or from the key press that chose the new locality.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from pathlib import Path

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench.sessions import wait_until_idle
from dashboard.app.navigation import PAGE_ENTRIES
from dashboard.core.strings import t
from tests.browser import CHROMIUM, CHROMIUM_ARGS, serve

RUNS = 5  # openings and filter changes per page
QUIET_MS = 600  # no change to the page for this long: it is drawn
TIMEOUT_MS = 120_000
VIEWPORT = {"width": 1366, "height": 768}

# Every change to the document moves window.__lastChange: the time of the last one is when the
# page was last drawn (Plotly draws in SVG; maps and tables mount their canvases).
OBSERVER = """
window.__lastChange = performance.now();
new MutationObserver(() => { window.__lastChange = performance.now(); }).observe(document, {
  subtree: true, childList: true, attributes: true, characterData: true });
"""
DRAWN = """
(quietMs) => {
  const shown = (el) => el.checkVisibility();  // not in a closed expander or hidden tab
  const all = (sel) => Array.from(document.querySelectorAll(sel)).filter(shown);
  if (!document.querySelector('h1')) return false;
  if (document.querySelector('[data-testid="stStatusWidget"]')) return false;
  if (all('[data-testid="stSkeleton"]').length) return false;
  if (all('[data-testid="stPlotlyChart"]').some((c) => !c.querySelector('.main-svg')))
    return false;
  if (all('[data-testid="stDeckGlJsonChart"], [data-testid="stDataFrame"]')
      .some((c) => !c.querySelector('canvas'))) return false;
  return performance.now() - window.__lastChange > quietMs;
}
"""
COUNT = """
() => ({
  charts: document.querySelectorAll('[data-testid="stPlotlyChart"]').length,
  maps: document.querySelectorAll('[data-testid="stDeckGlJsonChart"]').length,
  tables: document.querySelectorAll('[data-testid="stDataFrame"]').length,
  elements: document.querySelectorAll('[data-testid="stElementContainer"]').length,
})
"""


@dataclass
class PageTimes:
    """One page's openings and filter changes, in ms, and what its first opening held."""

    open_ms: list[float] = field(default_factory=list)
    change_ms: list[float] = field(default_factory=list)
    received_kb: float = 0.0  # what the server sent for the first opening
    counts: dict = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"open": _summary(self.open_ms), "change": _summary(self.change_ms),
                "received_kb": self.received_kb, "counts": self.counts,
                "errors": self.errors}  # fmt: skip


def _summary(values: list[float]) -> dict | None:
    if not values:
        return None
    return {"median": statistics.median(values) / 1000, "low": min(values) / 1000,
            "high": max(values) / 1000, "n": len(values)}  # fmt: skip


class Wire:
    """What a tab's websocket has received: finished script runs and bytes."""

    def __init__(self, page) -> None:
        self.finished = 0
        self.bytes = 0
        page.on("websocket", lambda ws: ws.on("framereceived", self._frame))

    def _frame(self, payload) -> None:
        if not isinstance(payload, bytes):
            return
        self.bytes += len(payload)
        msg = ForwardMsg.FromString(payload)
        if (
            msg.WhichOneof("type") == "script_finished"
            and msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN
        ):
            self.finished += 1


def _until_drawn(page, wire: Wire, runs_before: int) -> float:
    """performance.now() of the page's last change once a new run has finished and all is drawn."""
    deadline_polls = TIMEOUT_MS // 100
    for _ in range(deadline_polls):  # the websocket callbacks run while Playwright waits
        if wire.finished > runs_before:
            break
        page.wait_for_timeout(100)
    else:
        raise TimeoutError(f"no finished script run within {TIMEOUT_MS / 1000:.0f} s")
    page.wait_for_function(DRAWN, arg=QUIET_MS, timeout=TIMEOUT_MS, polling=100)
    return page.evaluate("() => window.__lastChange")


def _choose_locality(page, wire: Wire, value: str) -> float:
    """Pick `value` in the Locality box as a person does; ms from the key press to redrawn."""
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text=t("web.locality"))
    for attempt in range(4):  # a click landing while the box is redrawn is lost: try again
        box.click()
        try:
            page.locator('[role="listbox"]').wait_for(timeout=5_000)
            break
        except Exception:  # noqa: BLE001 - Playwright's timeout
            if attempt == 3:
                raise
            page.keyboard.press("Escape")
    page.keyboard.type(value)
    before = wire.finished
    pressed = page.evaluate("() => performance.now()")
    page.keyboard.press("Enter")
    return _until_drawn(page, wire, before) - pressed


def time_page(context, url: str, path: str, localities: list[str], runs: int) -> PageTimes:
    """Open page `path` `runs` times, each in a new tab, and change its locality once in each."""
    out = PageTimes()
    for n in range(runs):
        page = context.new_page()
        page.add_init_script(OBSERVER)
        wire = Wire(page)
        try:
            page.goto(f"{url}/{path}", wait_until="commit")
            out.open_ms.append(_until_drawn(page, wire, 0))
            if n == 0:
                out.received_kb = wire.bytes / 1024
                out.counts = page.evaluate(COUNT)
            has_box = page.locator('[data-testid="stSelectbox"]').filter(has_text=t("web.locality"))
            if localities and has_box.count():
                out.change_ms.append(_choose_locality(page, wire, localities[n % len(localities)]))
        except Exception as exc:  # noqa: BLE001 - a page that fails is a finding to report
            out.errors.append(f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}")
        finally:
            page.close()
    return out


def run_browser(settings_file: Path, localities: list[str], runs: int = RUNS) -> dict:
    """Serve the app with `settings_file`, wait until it has warmed its page cache, then time
    every page in Chromium; a JSON-ready dict by page path."""
    from playwright.sync_api import sync_playwright

    results: dict = {"runs": runs, "pages": {}}
    with serve(settings_file) as url:
        results["warm_s"] = wait_until_idle(url.pid)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = browser.new_context(viewport=VIEWPORT)
            time_page(context, url, "", [], 1)  # the app's own scripts into the browser's cache
            for entry in PAGE_ENTRIES:
                path = "" if entry is PAGE_ENTRIES[0] else entry.url_path
                results["pages"][entry.name] = time_page(
                    context, url, path, localities, runs
                ).to_json()
            browser.close()
    return results
