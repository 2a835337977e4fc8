"""The running app in headless Chromium: every page opens with no exception and draws its figures."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from dashboard.app.navigation import PAGE_ENTRIES
from tests.browser import (
    SCREENSHOTS,
    choose,
    sample_settings,
    serve,
    wait_for_app,
)

FIGURES = (
    '[data-testid="stPlotlyChart"], [data-testid="stDeckGlJsonChart"], [data-testid="stDataFrame"], '
    ".cover-table"
)
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
playwright = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    """The app on the embedded sample, as `make run` shows it (made here if `make` has not)."""
    with serve(sample_settings(tmp_path_factory, "browser")) as url:
        yield url


# The landing page and the board pack page show sentences and buttons, not figures.
DOCUMENT_PAGES = {"board_pack"}


def link(entry) -> str:
    """The default page lives at the app's root."""
    return "" if entry is PAGE_ENTRIES[0] else entry.url_path


# Last page first: the first visitor after a start follows a link straight to a page, not the home
# page, which is the case that needs dashboard.app.serve's fix.
@pytest.mark.parametrize("entry", PAGE_ENTRIES[::-1], ids=lambda e: e.url_path)
def test_page_opens_without_exception(app_url, browser, entry):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    requested: list[str] = []  # every request the page makes, to any host (issue 21)
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{app_url}/{link(entry)}")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    try:
        wait_for_app(page)
        if entry.url_path not in DOCUMENT_PAGES:  # the others draw at least one chart, map or table
            page.wait_for_selector(FIGURES, timeout=60_000)
            wait_for_app(page)
        # the navigation groups pages for their users (st.navigation, not the file list)
        nav = page.locator('[data-testid="stSidebarNav"]')
        nav.get_by_text("For the board").wait_for(timeout=30_000)
    finally:
        page.screenshot(path=str(SCREENSHOTS / f"{entry.url_path}.png"), full_page=True)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.get_by_text("Page not found").count() == 0
    if (
        entry.url_path == "national_outcomes"
    ):  # the Making Data Count icons are drawn, one or two each
        assert page.locator('[data-testid="stMain"] img.mdc-icon[alt]').count() >= 13
    assert page.locator("h1").count() >= 1
    assert errors == []
    assert elsewhere(requested, app_url) == []  # no basemap, font or script from anywhere else
    page.close()


def elsewhere(urls: list[str], app_url: str) -> list[str]:
    """The requests not to the app's own server (data: and blob: URLs stay in the browser)."""
    own = urlsplit(app_url).netloc
    return [u for u in urls if urlsplit(u).scheme not in ("data", "blob")
            and urlsplit(u).netloc != own]  # fmt: skip


def test_filter_change_updates_the_url(app_url, browser):
    page = browser.new_page()
    page.goto(f"{app_url}/data_quality")
    wait_for_app(page)
    choose(page, "Period", "2024/25")
    page.wait_for_url("**period=2024%2F25**", timeout=30_000)
    wait_for_app(page)
    assert page.get_by_text("Page not found").count() == 0
    page.close()


def test_board_pack_button_makes_a_pdf(app_url, browser):
    page = browser.new_page()
    page.goto(f"{app_url}/board_pack")
    wait_for_app(page)
    page.get_by_role("button", name="Prepare the board pack").click()
    download = page.get_by_role("button", name="Download the board pack")
    download.wait_for(timeout=180_000)
    with page.expect_download() as info:
        download.click()
    path = info.value.path()
    assert path is not None and open(path, "rb").read(5) == b"%PDF-"
    page.close()


def test_three_sessions_at_once_keep_their_own_views(app_url, browser):
    """Three people in the app together, each changing the period: nobody's view leaks to another."""
    periods = ["2024/25", "2023/24", "2022/23"]
    contexts = [browser.new_context() for _ in periods]
    pages = [c.new_page() for c in contexts]
    for page in pages:
        page.goto(f"{app_url}/")  # the overview names the period in its text
    for page in pages:
        wait_for_app(page)
    for page, period in zip(pages, periods, strict=True):  # all three change before any settles
        choose(page, "Period", period)
    for page, period in zip(pages, periods, strict=True):
        page.wait_for_url(f"**period={period.replace('/', '%2F')}**", timeout=60_000)
        wait_for_app(page)
        # its own figures: the rerun may start after the URL changed, so wait for them to show
        playwright.expect(page.locator('[data-testid="stMain"]')).to_contain_text(
            period, timeout=60_000
        )
        assert page.locator('[data-testid="stException"]').count() == 0
    for context in contexts:
        context.close()
