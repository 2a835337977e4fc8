"""bench/results.md from a run's results: the machine, each scale's tables and the goals."""

from __future__ import annotations

import numpy as np

from bench.timing import RATIO_ABOVE_S

# Issue 13's goals for this machine (seconds unless named otherwise).
REOPEN_GOAL = {"largest": 3.0, "national": 10.0}
PAGE_COLD_GOAL = {"largest": 0.300, "national": 2.0}
PAGE_WARM_GOAL = {"largest": 0.050}
SESSIONS_P95_GOAL = 2.0
PEAK_MEMORY_GOAL_MB = {"national": 4096}
FIRST_OPEN_FLOOR_GOAL = {
    "national": 2.0
}  # issue 25: first open within 2× of loading with no checks
RATIO_GOAL, OVERHEAD_GOAL_MS = 1.5, 30.0
BROWSER_OPEN_GOAL, BROWSER_CHANGE_GOAL = 1.5, 1.0  # issue 25, in Chromium (median)
STEPS = (
    ("figures", "`dashboard figures` (figures_json)"),
    ("zone_design", "zone design, K = 8"),
    ("emerging", "emerging needs (emerging_json)"),
    ("board_pack", "board pack (build_board_pack, HTML)"),
)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def spread(timing: dict) -> list[str]:
    return [ms(timing["median"]), ms(timing["low"]), ms(timing["high"]), str(timing["n"])]


def table(head: list[str], rows: list[list[str]]) -> list[str]:
    return [
        "| " + " | ".join(head) + " |",
        "|" + "|".join("---" for _ in head) + "|",
        *("| " + " | ".join(r) + " |" for r in rows),
        "",
    ]


def _step_row(label: str, step: dict) -> list[str]:
    if "timing" in step:
        return [label, *spread(step["timing"])]
    return [label, step.get("error", "not run"), "", "", ""]


def scale_section(name: str, run: dict) -> list[str]:
    scale, gen, m = run["scale"], run.get("generate", {}), run.get("measure", {})
    lines = [f"## {name}: {scale['label']}", ""]
    lines.append(f"`generate(people={scale['people']:,}, areas={scale['areas']} per partnership, "
                 f"partnerships={scale['partnerships']})`; home partnership {m.get('partnership')} "
                 f"({m.get('localities')} localities), period {m.get('period')}.")  # fmt: skip
    lines.append("")
    for phase in ("generate", "measure"):
        if "error" in run.get(phase, {}):
            lines += [f"**The {phase} phase failed:** {run[phase]['error']}", ""]
    if not m or "error" in m:
        return lines
    rows = [_step_row("generate the export" + (" (when cached)" if gen.get("generate_recorded")
                                               else ""), {"timing": gen["generate"]}),
            _step_row("first open (validate, build the cache)", {"timing": m["first_open"]}),
            *([_step_row("its floor: every table loaded into DuckDB, no checks",
                         {"timing": m["load_floor"]})] if "load_floor" in m else []),
            _step_row("reopen", m["reopen"])]  # fmt: skip
    rows += [_step_row(label, m[key]) for key, label in STEPS]
    lines += table(["step", "median", "min", "max", "runs"], rows)
    lines += [f"Peak memory (RSS): {m['peak_rss_app_mb']:,.0f} MB for opening the export and every "
              f"step above; {m['peak_rss_mb']:,.0f} MB after the floors and pandas; generating: "
              f"{gen.get('peak_rss_mb', 0):,.0f} MB.", ""]  # fmt: skip
    lines += ["Each page's figures through the app's cache (`web.page_data`): cold = first call "
              "with a new locality filter, warm = the same call again.", ""]  # fmt: skip
    page_rows = []
    for page, p in m["pages"].items():
        if "error" in p:
            page_rows.append([page, p["error"], "", ""])
            continue
        c, w = p["cold"], p["warm"]
        page_rows.append([page, ms(c["median"]), f"{ms(c['low'])} – {ms(c['high'])}",
                          f"{ms(w['median'])} ({ms(w['low'])} – {ms(w['high'])})"])  # fmt: skip
    lines += table(["page", "cold median", "cold min – max", "warm median (min – max)"], page_rows)
    lines += [
        "Library against the floor (one hand-written DuckDB query on the same cache "
        f"database); above {RATIO_ABOVE_S * 1000:.0f} ms the ratio, below it the overhead:",
        "",
    ]
    floor_rows = []
    for f in m["floors"]:
        comparison = f"{f['amount']:.1f}×" if f["kind"] == "ratio" else f"{f['amount']:+.0f} ms"
        floor_rows.append(
            [
                f["figure"],
                f"`{f['library_call']}`",
                ms(f["library"]["median"]),
                ms(f["floor"]["median"]),
                comparison,
                "yes" if f["same"] else f"NO ({f['library_value']} vs {f['floor_value']})",
            ]
        )
    lines += table(["figure", "library call", "library", "floor", "library vs floor", "same number"],
                   floor_rows)  # fmt: skip
    pd_ = m["pandas"]
    lines += [f"pandas, as an analyst would today (read the Parquet files, latest review per outcome "
              f"in P, met ÷ denominator): {ms(pd_['timing']['median'])} (min "
              f"{ms(pd_['timing']['low'])}, max {ms(pd_['timing']['high'])}); "
              f"same number as the library: {'yes' if pd_['same'] else 'NO'} "
              f"({pd_['value']:.6f}).", ""]  # fmt: skip
    return lines


def rows_section(runs: dict) -> list[str]:
    names = [n for n in runs if runs[n].get("generate", {}).get("rows")]
    if not names:
        return []
    tables = list(runs[names[0]]["generate"]["rows"])
    body = [[t, *(f"{runs[n]['generate']['rows'][t]:,}" for n in names)] for t in tables]
    return ["## Rows per table", "", *table(["table", *names], body)]


def _pace(think_s: float) -> str:
    return (f"a pause of {think_s / 2:g}–{think_s * 1.5:g} s between changes" if think_s
            else "no pause between changes")  # fmt: skip


def sessions_section(sessions: dict | None) -> list[str]:
    if not sessions:
        return []
    lines = [
        f"## {sessions['sessions']} simultaneous sessions ({sessions['scale']})", "",
        f"Each session is a Streamlit websocket client (bench/sessions.py) on one page (spread over "
        f"every page but home) of `python -m dashboard.app.serve` on loopback, changing the Locality "
        f"box {sessions['iterations']} times; a change is timed from sending the new value "
        f"to the server's end of the rerun. Each run starts a fresh server and begins once it has "
        f"warmed its page cache (every page for the home partnership, whole and by locality).", "",
    ]  # fmt: skip
    for run in sessions["runs"]:
        lat, errors = run["latencies"], run["errors"]
        if not lat:
            lines.append(f"- {_pace(run['think_s'])}: no filter change completed; errors: "
                         f"{errors[:5]}")  # fmt: skip
            continue
        p50, p95 = np.percentile(lat, [50, 95])
        lines.append(
            f"- {_pace(run['think_s'])}: {len(lat)} filter changes, p50 {ms(p50)}, "
            f"p95 {ms(p95)}, max {ms(max(lat))}; errors: {len(errors)}; the server warmed its "
            f"cache in {ms(run.get('warm_s', 0))} first."
        )
        lines += [f"  - {e}" for e in errors[:10]]
    return [*lines, ""]


def _median(timing: dict | None) -> str:
    return ms(timing["median"]) if timing else "–"


def _slowest(timing: dict | None) -> str:
    return ms(timing["high"]) if timing else "–"


def browser_section(browser: dict | None, runs: dict) -> list[str]:
    """Each page in Chromium beside the server's time for the same page, so the gap is seen."""
    if not browser:
        return []
    server = runs.get(browser["scale"], {}).get("measure", {}).get("pages", {})
    lines = [
        f"## What a person waits for: Chromium ({browser['scale']})", "",
        f"Debian's Chromium (headless, 1366×768) through Playwright on a freshly started server "
        f"that has warmed its page cache ({ms(browser.get('warm_s', 0))}); bench/browser.py. "
        f"Each page opened {browser['runs']} times in a new tab: *open* is from the navigation "
        f"to the last change of the page once its script has finished and every visible chart, "
        f"map and table is drawn; *change* from the key press choosing a new locality to the "
        f"redrawn page. Beside them the server's own time for the page's figures (cold: a new "
        f"filter; warm: a cache hit), what the server sent for one opening, and the figure "
        f"elements drawn (charts / maps / tables, visible or not).", "",
    ]  # fmt: skip
    rows = []
    for name, p in browser["pages"].items():
        s = server.get(name, {})
        c = p.get("counts") or {}
        rows.append([name, _median(s.get("cold")), _median(s.get("warm")),
                     _median(p["open"]), _slowest(p["open"]), _median(p["change"]),
                     _slowest(p["change"]), f"{p['received_kb']:,.0f} kB",
                     f"{c.get('charts', 0)} / {c.get('maps', 0)} / {c.get('tables', 0)}",
                     str(len(p["errors"]))])  # fmt: skip
    lines += table(["page", "server cold", "server warm", "open (median)", "open (slowest)",
                    "change (median)", "change (slowest)", "sent", "figures", "errors"],
                   rows)  # fmt: skip
    for name, p in browser["pages"].items():
        lines += [f"- {name}: {e}" for e in p["errors"][:3]]
    return [*lines, ""]


def browser_goals(browser: dict | None) -> list[list[str]]:
    """Issue 25's goals in the browser: the slowest page's median opening and filter change."""
    out: list[list[str]] = []
    if not browser:
        return out
    for kind, limit, goal in (
        ("open", BROWSER_OPEN_GOAL, "every page drawn within"),
        ("change", BROWSER_CHANGE_GOAL, "a filter change redrawn within"),
    ):
        timed = {n: p[kind] for n, p in browser["pages"].items() if p.get(kind)}
        if not timed:
            out.append([f"{browser['scale']}, Chromium: {goal} {limit:g} s", "–", "not measured"])
            continue
        page, worst = max(timed.items(), key=lambda kv: kv[1]["median"])
        verdict = "met" if worst["median"] < limit else "MISSED"
        out.append([f"{browser['scale']}, Chromium: {goal} {limit:g} s (median)",
                    f"slowest: {page} {ms(worst['median'])}", verdict])  # fmt: skip
    errors = sum(len(p["errors"]) for p in browser["pages"].values())
    out.append([f"{browser['scale']}, Chromium: no errors", str(errors),
                "met" if not errors else "MISSED"])  # fmt: skip
    return out


def goals(runs: dict, sessions: dict | None) -> list[list[str]]:
    """Each goal of issue 13 with what was measured and whether it was met."""
    out = []

    def add(goal: str, value: float | None, limit: float, shown: str) -> None:
        verdict = "not measured" if value is None else ("met" if value < limit else "MISSED")
        out.append([goal, shown if value is not None else "–", verdict])

    for name, run in runs.items():
        m = run.get("measure") or {}
        if "pages" not in m:
            continue
        reopen = m["reopen"].get("timing", {}).get("median")
        if name in REOPEN_GOAL:
            add(f"{name}: reopen under {REOPEN_GOAL[name]:g} s", reopen, REOPEN_GOAL[name],
                ms(reopen or 0))  # fmt: skip
        timed = {p: v for p, v in m["pages"].items() if "cold" in v}
        for goals_, kind in ((PAGE_COLD_GOAL, "cold"), (PAGE_WARM_GOAL, "warm")):
            if name in goals_ and timed:
                page, worst = max(timed.items(), key=lambda kv: kv[1][kind]["median"])
                add(f"{name}: every page {kind} under {ms(goals_[name])} (median)",
                    worst[kind]["median"], goals_[name], f"slowest: {page} {ms(worst[kind]['median'])}")  # fmt: skip
        if name in PEAK_MEMORY_GOAL_MB:
            add(f"{name}: peak memory under {PEAK_MEMORY_GOAL_MB[name] / 1024:g} GB",
                m["peak_rss_app_mb"], PEAK_MEMORY_GOAL_MB[name], f"{m['peak_rss_app_mb']:,.0f} MB")  # fmt: skip
        if name in FIRST_OPEN_FLOOR_GOAL and "load_floor" in m:
            ratio = m["first_open"]["median"] / m["load_floor"]["median"]
            add(f"{name}: first open within {FIRST_OPEN_FLOOR_GOAL[name]:g}× of its floor (no checks)",
                ratio, FIRST_OPEN_FLOOR_GOAL[name],
                f"{ratio:.2f}× ({ms(m['first_open']['median'])} vs {ms(m['load_floor']['median'])})")  # fmt: skip
        if name == "national":
            minutes = (run["generate"]["generate"]["median"] + m["first_open"]["median"]) / 60
            out.append([f"{name}: generate and first open in minutes", f"{minutes:.1f} min",
                        "reported"])  # fmt: skip
        for f in m["floors"]:
            limit = RATIO_GOAL if f["kind"] == "ratio" else OVERHEAD_GOAL_MS
            unit = "×" if f["kind"] == "ratio" else " ms"
            add(f"{name}: {f['figure']} within {limit:g}{unit} of the floor", f["amount"], limit,
                f"{f['amount']:.1f}{unit}")  # fmt: skip
    for run in sessions["runs"] if sessions else []:
        who = f"{sessions['scale']}: {sessions['sessions']} sessions, {_pace(run['think_s'])}"
        if run["latencies"]:
            p95 = float(np.percentile(run["latencies"], 95))
            if run["think_s"]:  # the goal is for a meeting; no pause at all is the stress case
                add(f"{who}: p95 under {SESSIONS_P95_GOAL:g} s", p95, SESSIONS_P95_GOAL, ms(p95))
            else:
                out.append([f"{who}: p95", ms(p95), "reported"])
        add(f"{who}: no errors", len(run["errors"]), 1, str(len(run["errors"])))
    return out


def render(results: dict) -> str:
    machine = results["machine"]
    lines = ["# Benchmark results", "",
             f"Run {results['date']} on {machine['cores']} cores and {machine['memory_gb']:.1f} GB "
             f"of memory ({machine['versions']}); load average over the 5 minutes before: "
             f"{machine.get('load', 0):.1f}. Written by `make bench` (bench/run.py); "
             "bench/README.md says what is measured. Medians of repeated runs, with min and max.",
             ""]  # fmt: skip
    rows = goals(results["scales"], results.get("sessions")) + browser_goals(results.get("browser"))
    lines += ["## Goals", "", *table(["goal", "measured", ""], rows)]
    lines += rows_section(results["scales"])
    for name, run in results["scales"].items():
        lines += scale_section(name, run)
    lines += sessions_section(results.get("sessions"))
    lines += browser_section(results.get("browser"), results["scales"])
    return "\n".join(lines).rstrip() + "\n"
