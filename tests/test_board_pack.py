"""The board pack: the PDF and HTML say what the library says, hide what disclosure control hides,
carry the running header and footer on every page, and fetch nothing from the network.

One sample export (1,500 people, 40 areas a partnership) is generated, opened and printed once for
the module; the small pieces of the pack's own arithmetic are checked by hand on tiny inputs.
"""

from __future__ import annotations

import dataclasses
import re
import subprocess
from datetime import date
from html.parser import HTMLParser
from itertools import pairwise
from pathlib import Path
from types import SimpleNamespace

import plotly.graph_objects as go
import polars as pl
import pytest
from plotly.offline import get_plotlyjs
from streamlit.testing.v1 import AppTest

from dashboard.app.navigation import builder
from dashboard.core import disclosure
from dashboard.core.disclosure import Policy
from dashboard.core.errors import UserError
from dashboard.core.page import View
from dashboard.core.settings import Settings
from dashboard.extract.export import open_export
from dashboard.extract.validation import Report, TableSummary, Unusable
from dashboard.report.board_pack import build_board_pack
from dashboard.report.charts import _lat_stretch, zone_map
from dashboard.report.content import table
from dashboard.report.html import render_html
from dashboard.report.pack import board_pack
from dashboard.report.trust import section_trust
from dashboard.sample import generate

ROOT = Path(__file__).resolve().parent.parent
PARTNERSHIP = "Abbeyglen"  # the sample's home partnership
PERIOD = "2025/26"
GENERATED = date(2026, 7, 2)


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    root = tmp_path_factory.mktemp("pack")
    folder = root / "export"
    generate(folder, people=1500, areas=40)
    settings = Settings(cache_dir=root / "cache", options_dir=root / "options")
    export = open_export(folder, settings)
    areas = (
        export.cursor()
        .sql(
            "SELECT area_code FROM areas WHERE partnership = $p ORDER BY 1",
            params={"p": PARTNERSHIP},
        )
        .pl()["area_code"]
        .to_list()
    )
    option = root / "two-zones.csv"
    half = len(areas) // 2
    option.write_text(
        "area_code,zone\n"
        + "".join(f"{a},{'North' if i < half else 'South'}\n" for i, a in enumerate(areas))
    )
    pack = board_pack(export, settings, partnership=PARTNERSHIP, period=PERIOD, option=option,
                      generated_on=GENERATED)  # fmt: skip
    html_file = build_board_pack(export, settings, partnership=PARTNERSHIP, period=PERIOD,
                                 option=option, out=root / "pack.html", generated_on=GENERATED)  # fmt: skip
    pdf_file = build_board_pack(export, settings, partnership=PARTNERSHIP, period=PERIOD,
                                option=option, out=root / "pack.pdf", generated_on=GENERATED)  # fmt: skip
    pdf_pages = subprocess.run(
        ["pdftotext", "-layout", str(pdf_file), "-"], capture_output=True, text=True, check=True
    ).stdout.split("\f")
    return SimpleNamespace(
        root=root, folder=folder, settings=settings, export=export, option=option, pack=pack,
        html=html_file.read_text(encoding="utf-8"), pdf=pdf_file,
        pages=[p for p in pdf_pages if p.strip()],
    )  # fmt: skip


def flat(text: str) -> str:
    """Text with every run of white space as one space: pdftotext breaks lines where it wraps."""
    return " ".join(text.split())


# --- the pack's own arithmetic, by hand ----------------------------------------------------------


def test_section_trust_judges_by_the_tables_a_section_rests_on():
    report = Report("x", "2026-06-30", "manifest", tables={
        "people": TableSummary(rows=1000, set_aside=5),  # 0.5% set aside
        "support_plans": TableSummary(rows=1000, set_aside=25),  # 2.5% set aside
        "handbacks": TableSummary(rows=10, set_aside=0),
    }, absent=["home_care_requests"],
        unusable=[Unusable("providers", None, "missing_table", "providers.parquet", "gone")])  # fmt: skip
    # people alone: 5 of 1,000 = 0.5%, under the 1% caution share
    assert section_trust(report, ["people"]) == {
        "judgement": "good", "rows": 1000, "set_aside": 5, "missing": ""}  # fmt: skip
    # people and plans: (5 + 25) of 2,000 = 1.5% > 1%
    assert section_trust(report, ["people", "support_plans"])["judgement"] == "caution"
    # ... but at a 2% caution share it is fine
    assert section_trust(report, ["people", "support_plans"], 0.02)["judgement"] == "good"
    # an absent optional table makes it partial; an unusable one beats that
    assert (
        section_trust(report, ["people", "home_care_requests"])["missing"] == "home_care_requests"
    )
    assert section_trust(report, ["people", "home_care_requests"])["judgement"] == "partial"
    assert section_trust(report, ["providers", "home_care_requests"])["judgement"] == "unusable"


def test_table_prints_a_hidden_count_as_under_the_threshold():
    # met 3 of 40: 3 is under 5, so it is hidden and so is the rate built on it (3 / 40 = 7.5%)
    frame = pl.DataFrame({"group": ["A", "B"], "met": [3, 20], "den": [40, 40]}).with_columns(
        rate=pl.col("met") / pl.col("den")
    )
    policy = Policy()
    protected = disclosure.protect(frame, policy, counts=["met", "den"],
                                   rates={"rate": ("met", "den")})  # fmt: skip
    printed = table(protected, policy, {"group": "Group", "met": "Met", "rate": "Rate"}, "cap")
    assert printed.header == ("Group", "Met", "Rate")
    # the rate reads "hidden", as on screen: "<5" where a percentage stands reads "under 5%"
    assert printed.rows == (("A", "<5", "hidden"), ("B", "20", "50.0%"))  # 20 / 40 = 50.0%


def test_lat_stretch_keeps_shapes_in_proportion():
    # at 60° north a degree of longitude is cos 60° = half a degree of latitude long
    assert _lat_stretch([59.0, 61.0]) == pytest.approx(2.0)
    assert _lat_stretch([0.0]) == pytest.approx(1.0)


def test_zone_map_fills_each_zone_with_a_label_and_says_so():
    square = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}
    outlines = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"zone": "A", "areas": 3}, "geometry": square},
        {"type": "Feature", "properties": {"zone": "B", "areas": 2}, "geometry": None},
    ]}  # fmt: skip
    chart = zone_map(outlines, "opt")
    fills = [tr for tr in chart.figure.data if tr.fill == "toself"]
    assert [tr.name for tr in fills] == ["A"]
    assert fills[0].fillpattern.shape == ""  # the first zone's pattern; the next has "/"
    labels = [tr for tr in chart.figure.data if tr.mode == "text"]
    assert labels[0].text == ("<b>A</b>",)
    assert chart.title == "Option opt: 2 zones"
    assert "A (3 areas)" in chart.alt and "B" in chart.notes[0]


# --- the printed pack ----------------------------------------------------------------------------


def test_pdf_shows_the_library_headline_figures(sample):
    board = dataclasses.replace(sample.settings, audience="board")
    view = View(PARTNERSHIP, PERIOD)
    trends = builder("outcome-trends")(sample.export, board, view)
    text = flat(" ".join(sample.pages))
    # overall attainment, exactly as the outcome trends page words it ("… were met (141 of 276).")
    assert trends.sentences[0] in text
    national = builder("national-outcomes")(sample.export, board, view)
    shown = disclosure.display(national.tables["indicators"], Policy())
    label = "People with intensive needs supported at home"  # the id, labelled on screen
    row = shown.filter(pl.col("indicator_id") == label).row(0, named=True)
    start = text.index("The nine national outcomes How far")
    section = text[start : text.index("Trends judged with statistical process control", start)]
    assert re.search(r"\d", row["value"]) and row["value"] in section
    assert f"{row['value']} {row['year_earlier']} {row['peer_average']}" in section


def test_no_small_count_is_shown_and_hidden_ones_are_marked(sample):
    threshold = sample.pack.threshold
    checked = 0
    for section in sample.pack.sections:
        for printed in section.tables:
            df = printed.source
            for column in disclosure.protected_columns(df):
                if df.schema[column].is_integer():
                    small = df.filter(pl.col(column).is_between(1, threshold - 1))
                    assert small.is_empty(), (section.key, printed.caption, column)
                    checked += 1
    assert checked > 10
    assert f"<{threshold}" in " ".join(sample.pages)
    assert "<5" in sample.html


def test_no_persons_own_words_appear(sample):
    texts = pl.read_parquet(sample.folder / "personal_outcomes.parquet")["outcome_text"]
    pdf_text = flat(" ".join(sample.pages))
    for words in texts.drop_nulls().unique():
        assert words not in sample.html and words not in pdf_text, words


def test_every_page_carries_partnership_period_extract_and_page_number(sample):
    n = len(sample.pages)
    assert n > 5
    extract = sample.export.extract_date.isoformat()
    for i, page in enumerate(sample.pages, start=1):
        assert PARTNERSHIP in page and PERIOD in page and extract in page, i
        assert GENERATED.isoformat() in page, i
        assert f"Page {i} of {n}" in page, i


def test_pdf_is_tagged_and_has_the_zoning_option(sample):
    info = subprocess.run(["pdfinfo", str(sample.pdf)], capture_output=True, text=True).stdout
    assert re.search(r"Tagged:\s+yes", info)
    text = flat(" ".join(sample.pages))
    assert "Home care zoning option: two-zones" in text
    assert "Option two-zones: 2 zones" in text  # the map's title, printed as its heading


class _Resources(HTMLParser):
    """Every URL-valued attribute of every tag, and how tables are built."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        self.urls += [v for k, v in attrs.items() if k in ("src", "href", "data") and v]


def test_html_is_self_contained_and_accessible(sample):
    parser = _Resources()
    parser.feed(sample.html)
    external = [u for u in parser.urls if re.match(r"(https?:)?//", u)]
    assert external == []
    assert not any(tag == "link" for tag, _ in parser.tags)
    assert not any(tag == "script" and "src" in attrs for tag, attrs in parser.tags)
    assert sample.html.count(get_plotlyjs()[:300]) == 1  # plotly.js inlined once
    assert '<html lang="en">' in sample.html
    tables = sample.html.count("<table>")
    assert tables > 5 and sample.html.count("<caption>") == tables
    assert 'scope="col"' in sample.html and 'scope="row"' in sample.html
    figures = [attrs for tag, attrs in parser.tags if tag == "div" and attrs.get("role") == "img"]
    assert len(figures) == sum(len(s.charts) for s in sample.pack.sections) >= 4
    assert all(len(f["aria-label"]) > 40 for f in figures)
    headings = [int(tag[1]) for tag, _ in parser.tags if re.fullmatch(r"h[1-6]", tag)]
    assert headings[0] == 1 and all(b - a <= 1 for a, b in pairwise(headings))


def test_the_pack_is_always_for_a_board(sample):
    internal = dataclasses.replace(sample.settings, audience="internal")
    pack = board_pack(sample.export, internal, partnership=PARTNERSHIP, period=PERIOD,
                      generated_on=GENERATED)  # fmt: skip
    assert pack.summary == [s for s in sample.pack.summary if "two-zones" not in s]
    coverage = next(s for s in pack.sections if s.key == "coverage").tables[0]
    assert any("<5" in row for row in coverage.rows)


def test_other_file_types_are_refused(sample):
    with pytest.raises(UserError, match=r"\.docx"):
        build_board_pack(sample.export, sample.settings, partnership=PARTNERSHIP, period=PERIOD,
                         out=sample.root / "pack.docx")  # fmt: skip


def test_chart_text_cannot_close_its_script(sample):
    chart = sample.pack.sections[1].charts[0]
    hostile = go.Figure(chart.figure).update_layout(title={"text": "</script><script>x()</script>"})
    section = dataclasses.replace(
        sample.pack.sections[1], charts=[dataclasses.replace(chart, figure=hostile)]
    )
    html = render_html(dataclasses.replace(sample.pack, sections=[section]))
    assert "x()" in html and "</script><script>x()" not in html


# --- the page ------------------------------------------------------------------------------------


def test_page_runs_and_makes_the_file(sample, tmp_path, point_app):
    point_app(
        sample.folder,
        data={"cache_dir": sample.root / "cache", "options_dir": tmp_path / "options"},
        partnership={"name": PARTNERSHIP},
    )
    app = AppTest.from_file(str(ROOT / "pages" / "board_pack.py"), default_timeout=120)
    app.query_params.update({"period": PERIOD, "pack_format": "html"})
    app.run()
    assert not app.exception, app.exception
    shown = [m.value for m in app.markdown]
    board = dataclasses.replace(sample.settings, audience="board")
    trends = builder("outcome-trends")(sample.export, board, View(PARTNERSHIP, PERIOD))
    assert trends.sentences[0] in shown
    app.button(key="pack_build").click().run()
    assert not app.exception, app.exception
    assert app.download_button(key="pack_download").label == "Download the board pack"


def test_the_pack_compares_with_a_spine_chart_and_funnels_of_partnerships(sample):
    section = next(s for s in sample.pack.sections if s.key == "comparison")
    spine, funnels = section.charts
    # the sample's peers are in the export: every indicator has two comparators, so a bar each
    bars = [trace for trace in spine.figure.data if trace.type == "bar"]
    assert (
        len(bars) == 2
        and len(bars[0].y) == section.tables[0].source.filter(pl.col("lowest").is_not_null()).height
    )
    panels = [a.text for a in funnels.figure.layout.annotations]
    assert "Personal outcomes met (national outcome 7)" in panels
    assert "How we compare with Scotland and similar partnerships" in flat(" ".join(sample.pages))
    # the spine table prints the partnership's own figure as the national outcomes table does
    printed = dict((r[0], r[1]) for r in section.tables[0].rows)
    assert printed["People with intensive needs supported at home"].endswith("%")
