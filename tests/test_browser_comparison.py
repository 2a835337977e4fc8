"""The funnel plots and the spine chart in headless Chromium, on the embedded sample."""

from __future__ import annotations

import pytest

from tests.browser import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, sample_settings, serve, wait_for_app

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
playwright = pytest.importorskip("playwright.sync_api")
CHART = '[data-testid="stPlotlyChart"]'


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    settings = sample_settings(tmp_path_factory, "browser-comparison")
    with serve(settings) as url, playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield url, browser
        browser.close()


def _open(pages, path: str):
    url, browser = pages
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    page.goto(f"{url}/{path}")
    page.wait_for_selector(CHART, timeout=90_000)
    wait_for_app(page, 90_000)
    return page


def test_funnels_of_localities_and_partnerships(pages):
    page = _open(pages, "fair_comparison")
    main = page.locator('[data-testid="stMain"]')
    # two funnels on the first tab: outcomes met and review coverage by locality
    assert main.locator(f'[data-testid="stTabPanel"]:visible {CHART}').count() == 2
    assert "Review coverage by locality, beyond the 99.8% limits" in main.inner_text()
    assert main.locator(".legendtext").filter(has_text="99.8% limits").count() >= 1
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    main.locator(CHART).nth(1).screenshot(path=str(SCREENSHOTS / "fair_comparison_localities.png"))
    page.get_by_role("tab", name="Partnerships").click()
    page.get_by_text("Personal outcomes met (national outcome 1)").first.wait_for(timeout=30_000)
    panel = main.locator('[data-testid="stTabPanel"]:visible')
    assert panel.locator(CHART).count() == 1
    assert panel.locator(".textpoint").filter(has_text="Abbeyglen").count() == 1
    panel.locator(CHART).screenshot(path=str(SCREENSHOTS / "fair_comparison_partnerships.png"))
    assert page.locator('[data-testid="stException"]').count() == 0
    page.close()


def test_spine_chart_below_the_national_outcomes_table(pages):
    page = _open(pages, "national_outcomes")
    heading = page.get_by_text("How we compare: the spine chart")
    heading.wait_for(timeout=60_000)
    heading.scroll_into_view_if_needed()
    spine = page.locator(CHART).last
    spine.wait_for(timeout=30_000)
    # one bar pair per indicator with comparators (13 in the sample: peers are in the export)
    assert spine.locator(".barlayer .trace").count() == 2
    assert spine.locator(".xtick").filter(has_text="Better").count() == 1
    spine.screenshot(path=str(SCREENSHOTS / "national_outcomes_spine.png"))
    assert page.locator('[data-testid="stException"]').count() == 0
    page.close()
