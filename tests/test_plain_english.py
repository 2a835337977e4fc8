"""Every page in plain English (issue 20): on a generated sample, no page's rendered text (AppTest)
and no sentence of `dashboard page NAME --json` shows a raw code of the export or the framework,
money as a bare number (4,142,662.1) or a bare year-month stamp (2026-03, 2026-03-31)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.app.navigation import PAGE_NAMES
from dashboard.app.render import column_label
from dashboard.cli import main
from dashboard.core import contract
from dashboard.core.framework import load_framework
from dashboard.sample import generate

ROOT = Path(__file__).resolve().parent.parent
PERIOD = "2025/26"
CODES = sorted(
    {
        c
        for c in (
            *contract.CLIENT_GROUPS, *contract.SERVICE_TYPES, *contract.DOMAINS,
            *contract.LOT_MODELS, *contract.PROVIDER_TYPES, *contract.SEXES,
            *contract.REVIEW_STATUSES, *(i.id for i in load_framework().indicators),
        )
        if "_" in c
    }
)  # fmt: skip
RAW_CODE = re.compile(r"(?<![\w/.])(" + "|".join(map(re.escape, CODES)) + r")(?![\w/.])")
BARE_MONEY = re.compile(r"\d{1,3}(?:,\d{3})+\.\d|£\d{1,3}(?:,\d{3}){2,}(?!\d)")
YEAR_MONTH = re.compile(r"(?<![\w/-])\d{4}-\d{2}(?:-\d{2})?(?![\w/-])")


def problems(text: str) -> list[str]:
    """What in `text` a board member should never read."""
    found = [f"code {m}" for m in RAW_CODE.findall(text)]
    found += [f"money {m.group(0)}" for m in BARE_MONEY.finditer(text)]
    found += [f"stamp {m.group(0)}" for m in YEAR_MONTH.finditer(text)]
    return found


def test_the_scan_catches_what_it_is_for():
    assert problems("spend in £ (4,142,662.1 latest)") == ["money 4,142,662.1"]
    assert problems("by sex: 58.8% for other against 43.4% for not_known") == ["code not_known"]
    assert problems("Extracted 2026-03-31; latest 2026-03") == ["stamp 2026-03-31", "stamp 2026-03"]
    assert problems("Home care: £4.1m in March 2026, 2025/26 Q1, home_care_requests.parquet") == []


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("plain") / "sample"
    generate(folder, people=2000, areas=60, partnerships=1)
    return folder


def _json(name: str, sample: Path, capsys) -> dict:
    settings = sample.parent / "settings.toml"
    settings.write_text(f'[data]\npath = "{sample}"\ncache_dir = "{sample.parent / "cache"}"\n')
    code = main(["page", name, "--period", PERIOD, "--json"], {"DASHBOARD_SETTINGS": str(settings)})
    out = capsys.readouterr().out
    assert code == 0, out
    return json.loads(out)


@pytest.mark.parametrize("name", list(PAGE_NAMES))
def test_json_sentences_are_plain_english(name, sample, capsys):
    page = _json(name, sample, capsys)
    found = [(s, problems(s)) for s in page.get("sentences", []) if problems(s)]
    assert not found, found


def _rendered(app: AppTest) -> list[str]:
    """The text a reader sees: headings, paragraphs, captions, tables' cells and headings, and
    charts' titles, axis titles, ticks, legends and hover text."""
    texts = [e.value for kind in ("title", "header", "subheader", "markdown", "caption", "info",
                                  "warning", "success", "error") for e in getattr(app, kind)]  # fmt: skip
    for frame in app.dataframe:
        df = frame.value
        texts += [column_label(str(c)) for c in df.columns]  # the heading a reader sees
        texts += [str(v) for col in df.columns for v in df[col].tolist()]
    for chart in app.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        texts += list(_chart_words(spec))
    return [str(t) for t in texts if t]


def _chart_words(spec: dict):
    layout = spec.get("layout", {})
    for key in ("title", "xaxis", "yaxis"):
        part = layout.get(key) or {}
        title = part.get("title", part) if key != "title" else part
        if isinstance(title, dict):
            yield title.get("text", "")
        elif isinstance(title, str):
            yield title
        yield from (str(v) for v in part.get("ticktext", []) or [])
    for note in layout.get("annotations", []):
        yield note.get("text", "")
    # a date axis's data are positions (its ticks, drawn by tickformat, are what a reader sees)
    dated = {
        k[0] for k in ("xaxis", "yaxis") if "%" in str((layout.get(k) or {}).get("tickformat"))
    }
    for trace in spec.get("data", []):
        yield trace.get("name", "") or ""
        for key in ({"x", "y"} - dated) | {"text", "hovertext"}:
            values = trace.get(key)
            if isinstance(values, list):
                yield from (v for v in values if isinstance(v, str))
            elif isinstance(values, str):
                yield values


@pytest.mark.parametrize("name", list(PAGE_NAMES))
def test_every_page_reads_in_plain_english(name, sample, point_app):
    point_app(sample)
    script = ROOT / "pages" / f"{name.replace('-', '_')}.py"
    app = AppTest.from_file(str(script), default_timeout=240)
    app.query_params["period"] = PERIOD
    app.run()
    assert not app.exception, app.exception
    found = [(t[:120], problems(t)) for t in _rendered(app) if problems(t)]
    assert not found, found
