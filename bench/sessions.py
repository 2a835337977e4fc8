"""Many people in one meeting: simultaneous browser sessions on the running app changing filters.

Each session is a tab of one headless Chromium (Debian's, as the browser tests use) on one page of the
app, changing the Locality select box in a loop. A filter change is timed from the click on the new
value until Streamlit reports the rerun finished: the app's root element carries
`data-test-script-state`, and a MutationObserver counts its changes from running to notRunning, so a
rerun quicker than any polling interval is still seen. Bounded by iterations and by a deadline.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from pathlib import Path

from dashboard.navigation import PAGE_ENTRIES
from dashboard.strings import t
from tests.browser import CHROMIUM, CHROMIUM_ARGS, serve

SESSIONS = 20
ITERATIONS = 8  # filter changes per session
TIME_LIMIT_S = 600.0  # no new filter change starts after this
STEP_TIMEOUT_MS = 120_000  # one rerun taking longer than this counts as an error
COUNT_RUNS = """
window.__benchRuns = 0;
new MutationObserver((records) => {
  for (const r of records) {
    if (r.oldValue === 'running' && r.target.getAttribute('data-test-script-state') !== 'running') {
      window.__benchRuns += 1;
    }
  }
}).observe(document, {subtree: true, attributes: true, attributeOldValue: true,
                      attributeFilter: ['data-test-script-state']});
"""


@dataclass
class Results:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


async def _runs_done(page, more_than: int) -> None:
    await page.wait_for_function(
        f"() => window.__benchRuns > {more_than}", timeout=STEP_TIMEOUT_MS, polling=20
    )


async def _session(browser, url: str, path: str, localities: list[str], iterations: int,
                   deadline: float, out: Results) -> None:  # fmt: skip
    page = await browser.new_page(viewport={"width": 1400, "height": 1000})
    page.on("pageerror", lambda exc: out.errors.append(f"{path}: {exc}"))
    try:
        await page.add_init_script(COUNT_RUNS)
        await page.goto(f"{url}/{path}")
        await _runs_done(page, 0)
        box = page.locator('[data-testid="stSelectbox"]').filter(has_text=t("web.locality"))
        for i in range(iterations):
            if time.monotonic() > deadline:
                break
            before = await page.evaluate("window.__benchRuns")
            await box.click()
            option = page.get_by_role("option", name=localities[(i + 1) % len(localities)],
                                      exact=True)  # fmt: skip
            started = time.perf_counter()
            await option.click()
            await _runs_done(page, before)
            out.latencies.append(time.perf_counter() - started)
            if await page.locator('[data-testid="stException"]').count():
                out.errors.append(f"{path}: an exception is shown")
    except Exception as exc:  # noqa: BLE001 - a failed session is a finding, counted
        out.errors.append(f"{path}: {type(exc).__name__}: {str(exc)[:200]}")
    finally:
        await page.close()


async def _drive(url: str, paths: list[str], localities: list[str], sessions: int,
                 iterations: int, time_limit: float) -> Results:  # fmt: skip
    from playwright.async_api import async_playwright

    out = Results()
    deadline = time.monotonic() + time_limit
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            await asyncio.gather(*(
                _session(browser, url, paths[n % len(paths)], localities, iterations, deadline, out)
                for n in range(sessions)
            ))  # fmt: skip
        finally:
            await browser.close()
    return out


def run_sessions(
    settings_file: Path,
    localities: list[str],
    *,
    sessions: int = SESSIONS,
    iterations: int = ITERATIONS,
    time_limit: float = TIME_LIMIT_S,
) -> Results:
    """Serve the app with `settings_file` on loopback and drive `sessions` tabs at once, spread
    over every page but home, each changing the locality `iterations` times."""
    paths = [e.url_path for e in PAGE_ENTRIES if e.url_path != "home"] or ["home"]
    choices = [t("web.all"), *localities]
    with serve(settings_file) as url:
        return asyncio.run(_drive(url, paths, choices, sessions, iterations, time_limit))
