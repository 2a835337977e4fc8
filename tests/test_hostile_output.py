"""Hostile and careless cases on the output side (issue 26): what a board receives, what a download
holds, what Markdown renders, what the export folder suffers. One test per thing tried, named after
it; add the next case here."""

from __future__ import annotations

import contextlib
import io
import itertools
import json
import os
from pathlib import Path

import polars as pl
import pytest

from dashboard.app.navigation import PAGE_NAMES
from dashboard.cli import main
from dashboard.core.disclosure import Policy, flag, protect, series_grain, shown_count

BOARD = Policy(audience="board")
ROUND5 = Policy(audience="board", method="round5")

# --- item 3: no small count a board can read or work out --------------------------------------


def test_not_met_of_two_left_by_met_and_partly_met_is_not_recoverable():
    # 20 − 10 − 8 = 2 not met: met or partly met must go, then their rates
    df = pl.DataFrame({"met": [10, 30], "partly_met": [8, 10], "denominator": [20, 50]})
    out = protect(
        df.with_columns(rate=pl.col("met") / pl.col("denominator")), BOARD,
        counts=["met", "partly_met", "denominator"], rates={"rate": ("met", "denominator")},
        remainders={"denominator": ["met", "partly_met"]})  # fmt: skip
    first = out.row(0, named=True)
    assert first[flag("partly_met")] and not first[flag("met")]  # the smaller part, 8, goes
    assert first["partly_met"] is None and first["denominator"] == 20
    assert out.row(1, named=True)["partly_met"] == 10  # 50 − 30 − 10 = 10 not met: all shown


def test_hidden_rows_adding_to_three_under_a_shown_total_are_not_left_that_small():
    # total 40 = 30 + 7 + 2 + 1: primaries 2 and 1 sum to 3, so the total minus 30 and 7 reads 3
    df = pl.DataFrame({"n": [30, 7, 2, 1, 40], "is_total": [False, False, False, False, True]})
    out = protect(df, BOARD, counts=["n"], total_flag="is_total")
    assert out["n"].to_list() == [30, None, None, None, 40]  # 7 goes too: the hidden sum is 10


def test_data_gap_of_three_plans_is_hidden_from_a_board_in_figures_json():
    assert shown_count(3, BOARD) is None
    assert shown_count(0, BOARD) == 0 and shown_count(5, BOARD) == 5
    assert shown_count(3, Policy(audience="internal")) == 3


@pytest.mark.parametrize(("exact", "rounded"), [(1, 0), (2, 0), (3, 5), (4, 5), (7, 5), (8, 10)])
def test_round5_rounds_a_count_outside_any_table(exact, rounded):
    assert shown_count(exact, ROUND5) == rounded


def test_met_and_partly_met_series_leaving_two_not_met_are_drawn_by_quarter():
    monthly = pl.DataFrame({"met": [10, 12], "partly_met": [8, 8], "denominator": [20, 30]})
    quarterly = pl.DataFrame({"met": [22], "partly_met": [16], "denominator": [50]})
    grain, _, _ = series_grain(monthly, quarterly, BOARD, denominator="denominator",
                               numerator=("met", "partly_met"))  # fmt: skip
    assert grain == "quarter"  # month 1: 20 − 10 − 8 = 2
    grain, _, _ = series_grain(monthly, quarterly, BOARD, denominator="denominator",
                               numerator="met")  # fmt: skip
    assert grain == "month"  # one series alone gives nothing away


# --- the walk: every page's JSON, every locality, both methods ------------------------------------

# Integer fields that are codes, years or sizes of places, not counts of people or records.
NOT_COUNTS = {
    "national_outcome", "sds_option", "deprivation_decile", "urban_rural", "year", "p",
    "population", "population_65plus", "areas", "zones", "quarter", "month", "providers",
    "quality_grade", "rank", "segment", "index", "order", "zones_below_floor", "non_contiguous",
    "areas_in_no_zone", "peer_count", "fewest_providers",
}  # fmt: skip
# total − parts a reader can take within one record (or one period across a page's tables).
DIFFERENCES = (
    ("denominator", ("met",)), ("denominator", ("partly_met",)),
    ("denominator", ("met", "partly_met")), ("due", ("reviewed",)),
)  # fmt: skip
KEYS = ("period", "breakdown", "group", "unit", "domain", "zone", "area_code")


def _counts(record: dict) -> dict[str, int]:
    return {
        k: v for k, v in record.items()
        if isinstance(v, int) and not isinstance(v, bool) and k not in NOT_COUNTS
    }  # fmt: skip


def _record_leaks(where: str, record: dict) -> list[str]:
    counts = _counts(record)
    found = [f"{where}.{k} = {v}" for k, v in counts.items() if 0 < v < 5]
    for total, parts in DIFFERENCES:
        if total in counts and all(p in counts for p in parts):
            left = counts[total] - sum(counts[p] for p in parts)
            if 0 < left < 5:
                found.append(f"{where}: {total} − {' − '.join(parts)} = {left}")
    return found


def _total_leaks(where: str, rows: list[dict]) -> list[str]:
    """Total minus the shown rows: one hidden row given away, or hidden rows adding to 1–4."""
    totals = [r for r in rows if r.get("is_total")]
    if len(totals) != 1:
        return []
    found = []
    others = [r for r in rows if not r.get("is_total")]
    for column, total in _counts(totals[0]).items():
        values = [r.get(column) for r in others]
        hidden = [v for v in values if v is None]
        left = total - sum(v for v in values if v is not None)
        if hidden and (0 < left < 5 or (len(hidden) == 1 and left > 0)):
            found.append(f"{where}: total {column} − shown rows = {left} ({len(hidden)} hidden)")
    return found


def leaks(where: str, obj: object) -> list[str]:
    """Every count 1–4 and every small difference a reader can take in a JSON document."""
    found: list[str] = []
    if isinstance(obj, dict):
        found += _record_leaks(where, obj)
        tables = obj.get("tables")
        if isinstance(tables, dict):  # one period (or group) across a page's tables
            merged: dict[tuple, dict] = {}
            for rows in tables.values():
                for r in rows:
                    key = tuple((k, r[k]) for k in KEYS if k in r)
                    if key:
                        merged.setdefault(key, {}).update(
                            {k: v for k, v in r.items() if v is not None}
                        )
            for key, record in merged.items():
                found += _record_leaks(f"{where}{list(key)}", record)
        for k, v in obj.items():
            found += leaks(f"{where}.{k}", v)
    elif isinstance(obj, list):
        if obj and all(isinstance(r, dict) for r in obj):
            found += _total_leaks(where, obj)
        for i, v in enumerate(obj):
            found += leaks(f"{where}[{i}]", v)
    return found


def test_the_walker_finds_a_not_met_of_two_and_a_total_giving_a_row_away():
    assert leaks("t", {"met": 10, "partly_met": 8, "denominator": 20}) == [
        "t: denominator − met − partly_met = 2"
    ]
    rows = [{"n": 30, "is_total": False}, {"n": None, "is_total": False},
            {"n": 37, "is_total": True}]  # fmt: skip
    assert leaks("t", rows) == ["t: total n − shown rows = 7 (1 hidden)"]
    assert leaks("t", {"tables": {"a": [{"period": "m1", "met": 9, "denominator": 20}],
                                  "b": [{"period": "m1", "partly_met": 8, "denominator": 20}]}})  # fmt: skip


def _run(argv: list[str], environ: dict) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(argv, environ)
    return code, out.getvalue()


@pytest.fixture(scope="module")
def small_export(tmp_path_factory):
    """A small synthetic export (a few hundred people): many cells fall under the threshold."""
    root = tmp_path_factory.mktemp("hostile_walk")
    export = root / "export"
    code, _ = _run(["sample", "--out", str(export), "--people", "300", "--areas", "20",
                    "--partnerships", "1"], {})  # fmt: skip
    assert code == 0
    localities = sorted(pl.read_parquet(export / "areas.parquet")["locality"].unique())
    environs = {}
    for method in ("suppress", "round5"):
        settings = root / f"{method}.toml"
        settings.write_text(f'[data]\npath = "{export}"\ncache_dir = "{root / "cache"}"\n'
                            f'[disclosure]\nmethod = "{method}"\n')  # fmt: skip
        environs[method] = {"DASHBOARD_SETTINGS": str(settings)}
    return export, localities, environs


@pytest.mark.parametrize("name", list(PAGE_NAMES))
def test_board_page_json_for_every_locality_shows_no_count_a_reader_can_work_out(
    small_export, name
):
    _, localities, environs = small_export
    found = []
    for (method, environ), locality in itertools.product(environs.items(), [None, *localities]):
        argv = ["page", name, "--period", "2025/26", "--json", "--audience", "board"]
        argv += ["--locality", locality] if locality else []
        code, text = _run(argv, environ)
        assert code == 0, (method, locality)
        found += leaks(f"{method}/{locality or 'all'}", json.loads(text))
    assert not found, "\n".join(found[:20])


@pytest.mark.parametrize("command", [["figures", "--period", "2025/26"],
                                     ["review", "--period", "2025/26", "--by", "provider"],
                                     ["review", "--period", "2025/26", "--by", "lot"]],
                         ids=lambda c: "-".join(c[::2]))  # fmt: skip
def test_board_command_json_for_every_locality_shows_no_count_a_reader_can_work_out(
    small_export, command
):
    _, localities, environs = small_export
    places = [None, *localities] if command[0] == "figures" else [None]
    found = []
    for (method, environ), locality in itertools.product(environs.items(), places):
        argv = [*command, "--json", "--audience", "board"]
        argv += ["--locality", locality] if locality else []
        code, text = _run(argv, environ)
        assert code == 0, (method, locality)
        # met and not met of one outcome are siblings, not a total and a part: only the walk's
        # declared differences count
        found += leaks(f"{method}/{locality or 'all'}", json.loads(text))
    assert not found, "\n".join(found[:20])


# --- item 5: formulas in downloads ---------------------------------------------------------------

HOSTILE_NAMES = ["=HYPERLINK(\"http://x.example/?\"&A1,\"Click\")", "+1+1", "-2+3", "@SUM(A1)",
                 "\tTab", "\rReturn", "Plain"]  # fmt: skip


def _named_frame(policy: Policy) -> pl.DataFrame:
    df = pl.DataFrame({"locality": HOSTILE_NAMES, "people": [10] * 7, "spend": [-20.5] * 7})
    return protect(df, policy, counts=["people"])


def test_locality_named_as_a_formula_is_plain_text_in_the_csv():
    from dashboard.app.downloads import csv_bytes

    rows = pl.read_csv(io.BytesIO(csv_bytes(_named_frame(BOARD), BOARD)))
    assert rows["locality"].to_list() == [f"'{n}" for n in HOSTILE_NAMES[:6]] + ["Plain"]
    assert rows["spend"].to_list() == [-20.5] * 7  # a negative amount is a number, not a formula


def test_locality_named_as_a_formula_is_a_text_cell_in_excel():
    import zipfile

    from dashboard.app.downloads import excel_bytes
    from tests.test_downloads import sheet_cells

    xlsx = excel_bytes({"t": _named_frame(BOARD)}, BOARD, [])
    with zipfile.ZipFile(io.BytesIO(xlsx)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet  # no formula cell at all
    cells = sheet_cells(xlsx, 1)
    written = [cells[f"A{i}"].replace("_x000D_", "\r") for i in range(2, 9)]  # Excel's CR
    assert written == [f"'{n}" for n in HOSTILE_NAMES[:6]] + ["Plain"]


def test_page_csv_from_the_command_line_neutralises_formulas(tmp_path):
    from dashboard.core.disclosure import to_csv_bytes

    text = to_csv_bytes(_named_frame(BOARD)).decode()
    assert "\n=HYPERLINK" not in text and "'=HYPERLINK" in text


# --- item 6: Markdown -----------------------------------------------------------------------------


def test_link_and_image_markdown_in_a_name_render_as_text():
    from dashboard.core.escape import markdown_text

    assert markdown_text("[x](https://evil.example)") == r"\[x\](https\://evil.example)"
    assert markdown_text("![](https://evil.example/i.png)") == r"!\[\](https\://evil.example/i.png)"
    assert markdown_text("# Heading\n<script>") == r"\# Heading \<script\>"
    assert markdown_text("Glen_Muir *bold* $x$") == r"Glen\_Muir \*bold\* \$x\$"
    assert markdown_text("see www.evil.example") == r"see www\.evil.example"  # no autolink
    assert markdown_text("1. Glen") == r"1\. Glen" and markdown_text("- Glen") == r"\- Glen"
    plain = "In 2025/26, 51.1% were met (141 of 276): a sentence reads as it did."
    assert markdown_text(plain) == plain


def test_link_and_image_markdown_in_a_url_parameter_is_echoed_as_text(tmp_path, point_app):
    from tests.builders import write_export
    from tests.test_app import run_page
    from tests.tiny import EXTRACT, tables

    point_app(write_export(tmp_path / "export", tables(), EXTRACT))
    app = run_page(
        "overview.py", locality="[x](https://evil.example)![i](https://evil.example/i.png)"
    )
    assert not app.exception
    warning = " ".join(w.value for w in app.warning)
    assert r"\[x\](https\://evil.example)" in warning
    assert "[x](" not in warning and "![i](" not in warning  # no live link, no fetched image


# --- item 7: nothing beyond loopback (the app's server, the browser, the pack printer) ------------

# Loaded into the served app's Python (as sitecustomize), it writes down every host the server
# looks up or connects to beyond loopback. A UDP connect sends nothing (Streamlit's way to find
# the machine's own address), so only a UDP send counts.
SERVER_WATCH = """
import os, socket, sys
LOG = os.environ["HOSTILE_NETWORK_LOG"]
def local(host):
    host = host.decode() if isinstance(host, bytes) else str(host or "")
    return host in ("", "localhost", "::1", "0.0.0.0", "::") or host.startswith("127.")
def hook(event, args):
    if event == "socket.getaddrinfo":
        host = args[0]
    elif event == "socket.connect" and isinstance(args[1], tuple):
        if args[0].type == socket.SOCK_DGRAM:
            return
        host = args[1][0]
    elif event == "socket.sendto" and isinstance(args[1], tuple):
        host = args[1][0]
    else:
        return
    if not local(host):
        with open(LOG, "a") as fh:
            fh.write(f"{event} {host}\\n")
sys.addaudithook(hook)
"""


def _outside(url: str, app: str) -> bool:
    return not (url.startswith(app) or url.startswith(("data:", "blob:", "about:")))


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
def test_every_page_and_the_server_stay_on_loopback(small_export, tmp_path):
    playwright = pytest.importorskip("playwright.sync_api")
    from dashboard.app.navigation import PAGE_ENTRIES
    from tests.browser import CHROMIUM, CHROMIUM_ARGS, serve, wait_for_app

    export, _, _ = small_export
    watch = tmp_path / "watch"
    watch.mkdir()
    (watch / "sitecustomize.py").write_text(SERVER_WATCH)
    log = tmp_path / "server-network.log"
    log.touch()
    settings = tmp_path / "settings.toml"
    settings.write_text(f'[data]\npath = "{export}"\ncache_dir = "{tmp_path / "cache"}"\n')
    env = {"HOSTILE_NETWORK_LOG": str(log),
           "PYTHONPATH": os.pathsep.join([str(watch), os.environ.get("PYTHONPATH", "")])}  # fmt: skip
    requests: list[str] = []
    # no --server.address: Streamlit listens as `make run` starts it, where it would look up its
    # public address at start
    with serve(settings, address=None, extra_env=env) as url, playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for entry in PAGE_ENTRIES:
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.on("request", lambda r: requests.append(r.url))
                link = "" if entry is PAGE_ENTRIES[0] else entry.url_path
                page.goto(f"{url}/{link}")
                wait_for_app(page)
                page.wait_for_timeout(1500)  # maps fetch their tiles once drawn
                page.close()
        finally:
            browser.close()
    assert requests, "the pages made no request at all: the log is not working"
    outside = sorted({r for r in requests if _outside(r, url)})
    assert not outside, outside
    assert log.read_text() == "", log.read_text()


def _chromium_connections(net_log: Path) -> list[str]:
    """Every address Chromium opened a TCP connection to or sent UDP to, and every host it asked
    its resolver for (the resolver rule answers ~NOTFOUND without asking DNS), from its log."""
    data = json.loads(net_log.read_text())
    kinds = {v: k for k, v in data["constants"]["logEventTypes"].items()}
    udp_target: dict[int, str] = {}
    found = []
    for event in data["events"]:
        kind, params = kinds[event["type"]], event.get("params", {})
        source = event.get("source", {}).get("id")
        if kind == "HOST_RESOLVER_MANAGER_REQUEST" and "~notfound" not in params.get("host", ""):
            found.append(params.get("host", ""))
        elif kind == "TCP_CONNECT_ATTEMPT" and "address" in params:
            found.append(params["address"])
        elif kind == "UDP_CONNECT" and "address" in params:
            udp_target[source] = params["address"]
        elif kind == "UDP_BYTES_SENT" and source in udp_target:
            found.append(udp_target[source])
    return found


@pytest.mark.browser
def test_board_pack_printer_opens_no_connection_beyond_loopback(
    small_export, tmp_path, monkeypatch
):
    pytest.importorskip("playwright.sync_api")
    from dashboard.report import html

    net_log = tmp_path / "net-log.json"
    monkeypatch.setattr(html, "CHROMIUM_ARGS", (*html.CHROMIUM_ARGS, f"--log-net-log={net_log}"))
    _, _, environs = small_export
    code, _ = _run(["board-pack", "--period", "2025/26", "--out", str(tmp_path / "pack.pdf")],
                   environs["suppress"])  # fmt: skip
    assert code == 0 and (tmp_path / "pack.pdf").stat().st_size > 0
    connections = _chromium_connections(net_log)
    loopback = ("127.", "[::1]", "http://127.", "https://127.", "http://localhost")
    outside = [a for a in connections if a and not a.startswith(loopback)]
    assert not outside, outside


# --- item 10: no command writes into the export folder -------------------------------------------


def _real_export(tmp_path: Path) -> tuple[Path, dict[str, bytes]]:
    """A small export not written by `dashboard sample`, and its files' bytes to compare after."""
    from tests.builders import write_export
    from tests.tiny import EXTRACT, tables

    folder = write_export(tmp_path / "export", tables(), EXTRACT)
    return folder, {p.name: p.read_bytes() for p in folder.iterdir()}


def _unchanged(folder: Path, before: dict[str, bytes]) -> bool:
    return {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_sample_out_inside_the_configured_export_is_refused(tmp_path):
    folder, before = _real_export(tmp_path)
    code, _ = _run(["sample", "--out", str(folder / "new"), "--people", "300", "--areas", "20",
                    "--partnerships", "1"], {"DASHBOARD_DATA": str(folder)})  # fmt: skip
    assert code == 2 and _unchanged(folder, before)


def test_sample_out_over_a_real_export_is_refused(tmp_path):
    folder, before = _real_export(tmp_path)
    code, _ = _run(["sample", "--out", str(folder), "--people", "300", "--areas", "20",
                    "--partnerships", "1"], {})  # fmt: skip
    assert code == 2 and _unchanged(folder, before)


def test_sample_out_over_an_earlier_sample_is_allowed(tmp_path):
    out = tmp_path / "again"
    args = ["--people", "300", "--areas", "20", "--partnerships", "1"]
    assert _run(["sample", "--out", str(out), *args], {})[0] == 0
    assert _run(["sample", "--out", str(out), "--seed", "7", *args], {})[0] == 0  # as `make` does


def test_sample_out_into_the_configured_folder_before_any_export_is_there_is_allowed(tmp_path):
    # `make` on a fresh clone: the settings point at the embedded sample's folder, not there yet
    out = tmp_path / "sample"
    args = ["--people", "300", "--areas", "20", "--partnerships", "1"]
    assert _run(["sample", "--out", str(out), *args], {"DASHBOARD_DATA": str(out)})[0] == 0
    assert (out / "manifest.json").is_file()


def test_zones_design_out_inside_the_export_is_refused(tmp_path):
    folder, before = _real_export(tmp_path)
    for out in (folder / "option.csv", folder / "sub" / "option.csv"):
        code, _ = _run(["zones", "design", "--data", str(folder), "--as-at", "2026-03-31",
                        "--zones", "1", "--floor", "0", "--out", str(out)], {})  # fmt: skip
        assert code == 2 and _unchanged(folder, before)
