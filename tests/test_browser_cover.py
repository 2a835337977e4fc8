"""The board's cover in headless Chromium at 1366×768 on the sample (issue 20): the Overview shows
its tiles and the icon summary table with no sideways scrolling, the national outcomes page leads
with the same table, and a keyboard user reaches every page's main control with Tab."""

from __future__ import annotations

import pytest

from dashboard.app.navigation import PAGE_ENTRIES
from tests.browser import SCREENSHOTS, wait_for_app
from tests.test_browser import app_url, link  # noqa: F401 - the served sample, shared

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
playwright = pytest.importorskip("playwright.sync_api")

VIEWPORT = {"width": 1366, "height": 768}
# Presses of Tab from the page's top to its first control in the main area: the side bar's page
# links and filters come first (about 20). Measured on the sample: 21 to 31.
FIRST_CONTROL_PRESSES = 35
# A page's main control by its accessible name, where it has one, and the presses it may take.
MAIN_CONTROLS = {
    "overview": ("More on outcomes met", 25),
    "zone_map": ("Design zones", 60),  # about 80 before its option table was folded (issue 20)
    "board_pack": ("Prepare the board pack", 35),
}
# Tab goes round the whole page and back to where it began: no table holds the focus for good.
CYCLE_PRESSES = 130

FOCUSED = """() => { const e = document.activeElement;
  if (!e || e === document.body) return {main: false, name: '', key: 'body'};
  const anchor = !!e.closest('[data-testid="stHeaderActionElements"]');
  const main = !!e.closest('[data-testid="stMain"]') && e.tagName !== 'MAIN' && !anchor;
  const name = (e.getAttribute('aria-label') || e.innerText || '').trim();
  return {main, name, key: e.outerHTML.slice(0, 200)}; }"""


def _open(browser, url: str, ready: str):
    page = browser.new_page(viewport=VIEWPORT)
    page.goto(url)
    wait_for_app(page, 120_000)
    page.wait_for_selector(f'{ready}, [data-testid="stException"]', timeout=120_000)
    wait_for_app(page, 120_000)
    return page


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.evaluate("window.innerWidth"), width
    # the table fits its column too (a wider table would overflow without a scroll bar)
    table = page.evaluate("document.querySelector('.cover-table').getBoundingClientRect().right")
    block = page.evaluate(
        "document.querySelector('[data-testid=stMainBlockContainer]').getBoundingClientRect().right"
    )
    assert table <= block + 1, (table, block)


def test_overview_shows_tiles_and_icon_table_without_sideways_scroll(app_url, browser):  # noqa: F811
    page = _open(browser, app_url, ".cover-table")
    try:
        assert page.locator('[data-testid="stException"]').count() == 0
        tiles = page.locator(".cover-tile")
        assert tiles.count() >= 4
        assert "Outcomes met" in tiles.first.inner_text()
        assert page.locator(".cover-table tbody tr").count() == 13
        # every Making Data Count icon is an image with its meaning as a text alternative
        icons = page.locator("img.mdc-icon")
        assert icons.count() >= 13
        assert all(icons.nth(i).get_attribute("alt") for i in range(icons.count()))
        # the sample's illustrative targets make the assurance icons show
        assert page.locator('.cover-table img.mdc-icon[alt^="Assurance"]').count() >= 5
        assert page.get_by_text("(a band)").count() == 1  # budget utilisation, judged on a band
        _no_sideways_scroll(page)
        # the tiles and the table's first rows are on the first screen
        top = page.evaluate("document.querySelector('.cover-table').getBoundingClientRect().top")
        assert top < VIEWPORT["height"]
    finally:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "cover_overview_1366.png"))
        page.close()


def test_national_outcomes_leads_with_the_table_without_sideways_scroll(app_url, browser):  # noqa: F811
    page = _open(browser, f"{app_url}/national_outcomes", ".cover-table")
    try:
        assert page.locator(".cover-table tbody tr").count() == 13
        # the table comes before the outcome-by-outcome detail
        table = page.evaluate("document.querySelector('.cover-table').getBoundingClientRect().top")
        first_h3 = page.evaluate(
            "[...document.querySelectorAll('[data-testid=stMain] h3')]"
            ".map(h => h.getBoundingClientRect().top).sort((a, b) => a - b)[0]"
        )
        assert table < first_h3
        _no_sideways_scroll(page)
    finally:
        page.close()


def _tab_walk(page, limit: int) -> list[dict]:
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        seen.append(page.evaluate(FOCUSED))
    return seen


@pytest.mark.parametrize("entry", PAGE_ENTRIES, ids=lambda e: e.url_path)
def test_keyboard_reaches_the_main_control(app_url, browser, entry):  # noqa: F811
    # the filters are drawn once the export is open, then the page's own figures
    page = _open(
        browser, f"{app_url}/{link(entry)}", '[data-testid="stSidebar"] [data-testid="stSelectbox"]'
    )
    try:
        page.wait_for_selector(
            '[data-testid="stMain"] :is(button, input, summary, [data-testid="stPageLink"])',
            timeout=120_000,
        )
        wait_for_app(page, 120_000)
        page.wait_for_timeout(1500)  # charts and tables draw after the script ends
        walk = _tab_walk(page, CYCLE_PRESSES + 1)
        first = next((n for n, f in enumerate(walk, start=1) if f["main"]), None)
        assert first is not None and first <= FIRST_CONTROL_PRESSES, first
        if entry.url_path in MAIN_CONTROLS:
            name, bound = MAIN_CONTROLS[entry.url_path]
            at = next((n for n, f in enumerate(walk, start=1) if name in f["name"]), None)
            assert at is not None and at <= bound, (name, at)
        # back where it began within the bound: Tab is never held by a table
        start = next(n for n, f in enumerate(walk) if f["key"] != "body")
        assert any(f["key"] == walk[start]["key"] for f in walk[start + 1 :]), entry.url_path
    finally:
        page.close()
