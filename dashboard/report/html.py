"""The board pack as one self-contained HTML document, and that document printed to a tagged PDF.

One route for both formats: the HTML carries plotly.js inline (once) and each chart's figure as
JSON, so the charts are the app's own Plotly charts and nothing is fetched from the network; the
PDF is that page printed by Debian's headless Chromium (the browser the browser tests already
need) through Playwright, with the partnership, period, extract date, generation date and page
numbers in every page's header and footer. Why this route: docs/board-pack.md.
"""

from __future__ import annotations

import concurrent.futures
from html import escape
from pathlib import Path

import jinja2
from markupsafe import Markup
from plotly.offline import get_plotlyjs

from dashboard.core.strings import t
from dashboard.report.content import BoardPack
from dashboard.spc.icons import svg

TEMPLATES = Path(__file__).resolve().parent / "templates"
TEMPLATE = "board_pack.html.j2"
CHROMIUM = "/usr/bin/chromium"
# The pack is printed from a document held in memory, so Chromium needs no network at all; left to
# itself it still calls Google (component updates at update.googleapis.com, the signed-in accounts
# at accounts.google.com, the network time at clients2.google.com). The flags stop what they can;
# the resolver rule and a proxy at a closed loopback port stop the rest before it leaves the
# machine (tests/test_hostile_output.py reads Chromium's network log).
CHROMIUM_ARGS = (
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-extensions", "--disable-component-extensions-with-background-pages",
    "--disable-default-apps", "--disable-domain-reliability", "--disable-breakpad",
    "--disable-client-side-phishing-detection", "--no-default-browser-check", "--no-pings",
    "--metrics-recording-only", "--allow-browser-signin=false",
    "--disable-features=OptimizationHints,MediaRouter,Translate,AutofillServerCommunication,"
    "CertificateTransparencyComponentUpdater,NetworkTimeServiceQuerying",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
    "--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
)  # fmt: skip
PAPER = "A4"
MARGIN = {"top": "20mm", "bottom": "18mm", "left": "14mm", "right": "14mm"}
DEFAULT_PRINT_TIMEOUT_MS = 60_000  # longest the charts may take to draw before printing
READY_FLAG = "boardPackReady"  # set by the document once every chart has drawn
ERROR_FLAG = "boardPackError"


def chart_json(figure) -> str:
    """A figure as JSON safe inside <script>: every "<" escaped, so no text in the data (a
    locality name, say) can close the script element."""
    return figure.to_json().replace("<", "\\u003c")


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["t"] = t
    env.globals["icon"] = lambda name: Markup(svg(name, size=32))  # our own SVG, never data
    return env


def render_html(pack: BoardPack) -> str:
    """The whole pack as one HTML document: real tables, figures with text alternatives, plotly.js
    inlined once, no external resource."""
    charts = []
    sections = []
    for section in pack.sections:
        ids = []
        for chart in section.charts:
            chart_id = f"chart-{len(charts) + 1}"
            charts.append((chart_id, chart_json(chart.figure)))
            ids.append(chart_id)
        sections.append((section, ids))
    return (
        _environment()
        .get_template(TEMPLATE)
        .render(
            pack=pack,
            sections=sections,
            charts=charts,
            threshold=pack.threshold,
            plotly_js=get_plotlyjs(),
            ready_flag=READY_FLAG,
            error_flag=ERROR_FLAG,
        )
    )


def header_template(pack: BoardPack) -> str:
    """Chromium's print header: which partnership, period and extract every page is about.
    (Header and footer templates see no page styles, so the font size is set inline.)"""
    text = t("board_pack.running_header", partnership=pack.partnership, period=pack.period,
             extract=pack.extract_date.isoformat())  # fmt: skip
    return f'<div style="font-size:8px;width:100%;margin:0 14mm;">{escape(text)}</div>'


def footer_template(pack: BoardPack) -> str:
    generated = escape(t("board_pack.running_footer", generated=pack.generated_on.isoformat()))
    pages = t(
        "board_pack.page_of",
        page='<span class="pageNumber"></span>',
        pages='<span class="totalPages"></span>',
    )
    return (
        '<div style="font-size:8px;width:100%;margin:0 14mm;display:flex;'
        f'justify-content:space-between;"><span>{generated}</span><span>{pages}</span></div>'
    )


def _print(html: str, out: Path, header: str, footer: str, chromium: str, timeout_ms: int) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=list(CHROMIUM_ARGS))
        try:
            page = browser.new_page()
            page.route("**/*", lambda route: route.abort())  # offline: the document is whole
            page.set_content(html, wait_until="load", timeout=timeout_ms)
            page.wait_for_function(
                f"() => window.{READY_FLAG} === true || window.{ERROR_FLAG} !== undefined",
                timeout=timeout_ms,
            )
            failed = page.evaluate(f"() => window.{ERROR_FLAG} || null")
            if failed:
                raise RuntimeError(f"a board pack chart failed to draw: {failed}")
            page.emulate_media(media="print")
            page.pdf(
                path=str(out), format=PAPER, margin=MARGIN, print_background=True,
                display_header_footer=True, header_template=header, footer_template=footer,
                tagged=True, outline=True,
            )  # fmt: skip
        finally:
            browser.close()


def print_pdf(
    html: str,
    out: Path,
    pack: BoardPack,
    *,
    chromium: str = CHROMIUM,
    timeout_ms: int = DEFAULT_PRINT_TIMEOUT_MS,
) -> Path:
    """Print the document to `out` as a tagged PDF with an outline (bookmarks from the headings).

    Playwright's sync API refuses to run in a thread with an asyncio loop (Streamlit's server has
    one), so printing always happens in a worker thread of its own."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(
            _print, html, out, header_template(pack), footer_template(pack), chromium, timeout_ms
        ).result()
    return out
