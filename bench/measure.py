"""Everything timed at one scale, run in its own process so its peak memory is its own.

Two phases, each a child process of `bench/run.py`: `generate` (the export, generated once and
cached, then timed again into a scratch folder) and `measure` (first open and reopen, every page's
figures cold and warm, `dashboard figures`, a zone design, emerging needs, the board pack, and each
headline figure against its DuckDB floor and a pandas version). Each returns a JSON-ready dict.
"""

from __future__ import annotations

import inspect
import itertools
import logging
import resource
import shutil
import traceback
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date
from importlib import import_module
from pathlib import Path
from typing import Any

from bench import floors
from bench.scales import Scale, bench_settings, ensure_export
from bench.timing import Timing, overhead, repeat, timed
from dashboard.app import web
from dashboard.app.navigation import PAGE_NAMES, builder
from dashboard.core.contract import CLIENT_GROUPS
from dashboard.core.page import Filters, View, policy_for
from dashboard.core.settings import Settings
from dashboard.extract.export import Export, open_export
from dashboard.extract.filters import filter_options
from dashboard.outcomes.figures_json import figures_json
from dashboard.sample import generate
from dashboard.zones import design
from dashboard.zones import figures as zones
from dashboard.zones.links import zone_links

DESIGN_ZONES = 8  # K for the zone design, as issue 13 asks
# Outside `streamlit run` the page cache warns that it has no runtime; it works the same.
logging.getLogger("streamlit.runtime.caching.cache_data_api").setLevel(logging.ERROR)


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    """Peak resident memory so far (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(who).ru_maxrss / 1024


def _outcome(fn: Callable[[], Any], repeats: int) -> dict:
    """A step's timing, or why it could not be timed (a failing step is reported, not fatal)."""
    try:
        timing, _ = repeat(fn, repeats)
        return {"timing": timing.to_json()}
    except Exception as exc:  # noqa: BLE001 - any failure is a finding to report
        return {"error": _error(exc)}


def _error(exc: BaseException) -> str:
    last = traceback.extract_tb(exc.__traceback__)[-1]
    return f"{type(exc).__name__}: {exc} ({Path(last.filename).name}:{last.lineno})"[:300]


def generate_phase(scale: Scale, root: Path, repeats: int) -> dict:
    """The cached export (generated now if missing) and `repeats` fresh generations timed."""
    folder, record = ensure_export(scale, root)
    scratch = root / scale.name / "scratch-generate"
    seconds = []
    for _ in range(repeats):
        shutil.rmtree(scratch, ignore_errors=True)
        s, _ = timed(
            lambda: generate(
                scratch, people=scale.people, areas=scale.areas, partnerships=scale.partnerships
            )
        )
        seconds.append(s)
    shutil.rmtree(scratch, ignore_errors=True)
    timing = Timing.of(seconds or [record["generate_s"]])
    return {
        "export": str(folder),
        "rows": record["rows"],
        "generate": timing.to_json(),
        "generate_recorded": not seconds,
        "peak_rss_mb": peak_rss_mb(),
    }


def fresh_filters(localities: list[str]) -> Iterator[Filters]:
    """Filters never asked for before: each locality, then each locality × client group."""
    for group, locality in itertools.product((None, *CLIENT_GROUPS), localities or [None]):
        yield Filters(locality=locality, client_group=group)


def _cold_and_warm(fn: Callable, settings: Settings, export: Export, views: list[View]) -> dict:
    cold, warm = [], []
    for view in views:
        ctx = web.PageContext(settings, export, view)
        cold.append(timed(lambda ctx=ctx: web.page_data(fn, ctx))[0])
        warm.append(timed(lambda ctx=ctx: web.page_data(fn, ctx))[0])
    return {"cold": Timing.of(cold).to_json(), "warm": Timing.of(warm).to_json()}


def page_timings(export: Export, settings: Settings, view: View, repeats: int) -> dict:
    """Each registered page, through the app's own cache (`web.page_data`): cold is the first
    call with a new locality filter, warm the same call again (a cache hit, copy included)."""
    localities = filter_options(export, settings).for_partnership(view.partnership).localities
    views = [
        replace(view, filters=f)
        for f, _ in zip(fresh_filters(localities), range(repeats), strict=False)
    ]
    results = {}
    for name in PAGE_NAMES:  # read now: pages are still being added
        try:
            fn = builder(name)  # imported before timing: once per server, not a view
            results[name] = _cold_and_warm(fn, settings, export, views)
        except Exception as exc:  # noqa: BLE001 - a failing page is a finding to report
            results[name] = {"error": _error(exc)}
    return results


def board_pack_step(export: Export, settings: Settings, view: View, out: Path) -> Callable | None:
    """A call building the board pack, or None when dashboard.board_pack is not there yet."""
    try:
        build = import_module("dashboard.report.board_pack").build_board_pack
    except (ImportError, AttributeError):
        return None
    wanted = inspect.signature(build).parameters.get("period")
    as_label = wanted is not None and "str" in str(wanted.annotation)
    period = view.period if as_label else view.p
    return lambda: build(export, settings, partnership=view.partnership, period=period, out=out)


def floor_rows(export: Export, view: View, as_at: date, repeats: int) -> list[dict]:
    rows = []
    con = export.cursor()
    for figure in floors.figures(export, view.partnership, view.p, as_at):
        library_t, library_v = repeat(figure.library, repeats)
        floor_t, floor_v = repeat(
            lambda f=figure: floors.floor_value(con, f.floor, **f.params), repeats
        )
        kind, amount = overhead(library_t.median, floor_t.median)
        rows.append({
            "figure": figure.name, "library_call": figure.library_call,
            "library": library_t.to_json(), "floor": floor_t.to_json(),
            "library_value": library_v, "floor_value": floor_v,
            "same": floors.same(library_v, floor_v), "kind": kind, "amount": amount,
        })  # fmt: skip
    return rows


def pandas_row(export: Export, view: View, repeats: int, library_value: float | None) -> dict:
    timing, value = repeat(
        lambda: floors.pandas_attainment(export.folder, view.partnership, view.p), repeats
    )
    return {"timing": timing.to_json(), "value": value, "same": floors.same(value, library_value)}


def load_floor(folder: Path, target: Path, settings: Settings) -> dict[str, int]:
    """First open's floor: every table of the export loaded into a new DuckDB database as it is,
    with DuckDB set as the app sets it and no check at all; rows loaded per table."""
    import duckdb

    from dashboard.extract.export import _configure
    from dashboard.extract.parts import table_files
    from dashboard.extract.validation import ORDER

    con = duckdb.connect(str(target))
    try:
        _configure(con, settings, target.parent / "tmp")
        rows = {}
        for name in ORDER:
            files = [str(p) for p in table_files(folder, name)]
            if files:
                # table names are the contract's, not input
                con.sql(f'CREATE TABLE "{name}" AS SELECT * FROM read_parquet($f)',  # noqa: S608
                        params={"f": files})  # fmt: skip
                rows[name] = con.execute(f'SELECT count(*) FROM "{name}"').fetchall()[0][0]  # noqa: S608
        con.sql("CHECKPOINT")
        return rows
    finally:
        con.close()


def first_open_and_floor(folder: Path, work: Path, slow: int) -> dict:
    """First open into an empty cache folder and its floor, interleaved `slow` times, so both
    meet the same machine; the peak memory of the floor is not the app's."""
    opened, floor, rows = [], [], {}
    for n in range(slow):
        scratch = work / f"scratch-open-{n}"
        for runs, fn in ((floor, "floor"), (opened, "open")):
            shutil.rmtree(scratch, ignore_errors=True)
            scratch.mkdir(parents=True)
            settings = bench_settings(folder, scratch)
            if fn == "floor":
                s, rows = timed(
                    lambda st=settings, d=scratch: load_floor(folder, d / "floor.duckdb", st)
                )
            else:
                s, export = timed(lambda st=settings: open_export(folder, st))
                export.close()
            runs.append(s)
        shutil.rmtree(scratch, ignore_errors=True)
    return {"first_open": Timing.of(opened).to_json(), "load_floor": Timing.of(floor).to_json(),
            "load_floor_rows": rows}  # fmt: skip


def measure_phase(folder: Path, root: Path, scale: Scale, repeats: int, slow: int) -> dict:
    """Every step the issue names, on the export at `folder`."""
    work = root / scale.name
    cache_dir = work / "cache"
    result: dict[str, Any] = {}
    # First open: validate and build the cache into an empty cache folder each time; and its
    # floor, every table loaded with no check, in the same run.
    result |= first_open_and_floor(folder, work, slow)
    settings = bench_settings(folder, cache_dir)
    open_export(folder, settings).close()  # the cache the reopen and the app use
    result["reopen"] = _outcome(lambda: open_export(folder, settings).close(), repeats)
    export = open_export(folder, settings)
    options = filter_options(export, settings)
    view = View(options.home, options.default_period)
    as_at = view.p.end
    result |= {"partnership": view.partnership, "period": view.period,
               "localities": len(options.for_partnership(view.partnership).localities)}  # fmt: skip
    result["pages"] = page_timings(export, settings, view, repeats)
    policy = policy_for(settings)
    result["figures"] = _outcome(
        lambda: figures_json(export.cursor(), partnership=view.partnership, period=view.p,
                             policy=policy, extract_date=export.extract_date),
        repeats,
    )  # fmt: skip
    result["zone_design"] = _outcome(lambda: _design(export, settings, view.partnership, as_at),
                                     slow)  # fmt: skip
    emerging = getattr(import_module("dashboard.emerging.signals"), "emerging_json", None)
    result["emerging"] = (
        _outcome(lambda: emerging(export.cursor(), partnership=view.partnership,
                                  as_at=export.extract_date, policy=policy), slow)
        if emerging else {"error": "not available"}
    )  # fmt: skip
    build = board_pack_step(export, settings, view, work / "board-pack.html")
    result["board_pack"] = _outcome(build, slow) if build else {"error": "not available"}
    result["peak_rss_app_mb"] = peak_rss_mb()
    result["floors"] = floor_rows(export, view, as_at, repeats)
    library_rate = next((r["library_value"] for r in result["floors"]
                         if r["figure"] == "attainment rate"), None)  # fmt: skip
    result["pandas"] = pandas_row(export, view, slow, library_rate)
    export.close()
    result["peak_rss_mb"] = peak_rss_mb()
    return result


def _design(export: Export, settings: Settings, partnership: str, as_at: date) -> Any:
    con = export.cursor()
    demand = zones.area_demand(con, partnership, as_at)
    links = zone_links(export, settings)
    graph = zones.area_graph(demand, links=links, k=settings.zone_nearest_centroids)
    return design.design(
        demand, graph, k=DESIGN_ZONES,
        weights=(settings.zone_balance_weight, settings.zone_travel_weight),
        time_limit=settings.zone_design_time_limit_s,
    )  # fmt: skip
