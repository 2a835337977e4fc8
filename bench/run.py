"""`make bench`: time the product at the scales it will meet and write bench/results.md.

    python -m bench.run [--scales typical,largest,national] [--sessions 20] [--out FILE]

Each scale runs in child processes of its own (generating, then measuring), so a scale's peak
memory is its own and the national scale cannot starve the others. The concurrency test then serves
the app on the largest scale measured and drives simultaneous sessions against it (bench/sessions.py),
at a meeting's pace and with no pause at all; and last it times every page of that app in Chromium
(bench/browser.py), from navigation to the last figure drawn and from a filter change to the redraw.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from dataclasses import asdict
from importlib.metadata import version
from pathlib import Path

from bench import report
from bench.browser import RUNS as BROWSER_RUNS
from bench.scales import (
    BENCH_CACHE_ROOT,
    DEFAULT_SCALES,
    SCALES,
    Scale,
    bench_settings,
    parse_scales,
)
from bench.sessions import ITERATIONS, SESSIONS, THINK_CASES

ROOT = Path(__file__).resolve().parent.parent
RESULTS_FILE = ROOT / "bench" / "results.md"
SESSIONS_SCALE = "largest"  # the concurrency test's scale (else the largest one run)
CHILD_TIMEOUT_S = 3 * 3600  # a phase taking longer than this is stopped and reported


def machine() -> dict:
    meminfo = Path("/proc/meminfo").read_text(encoding="utf-8").splitlines()
    total_kib = next(int(line.split()[1]) for line in meminfo if line.startswith("MemTotal:"))
    packages = ("duckdb", "polars", "streamlit")
    return {
        "cores": os.cpu_count(),
        "memory_gb": total_kib / 1024**2,
        "load": os.getloadavg()[1],  # other work on the machine skews every timing
        "versions": ", ".join(
            [f"Python {platform.python_version()}"] + [f"{p} {version(p)}" for p in packages]
        ),  # fmt: skip
    }


def run_phase(phase: str, scale: Scale, root: Path, export: Path | None = None) -> dict:
    """One phase in a child process; its JSON result, or the error that stopped it."""
    out = root / scale.name / f"{phase}.json"
    out.unlink(missing_ok=True)
    cmd = [sys.executable, "-m", "bench.run", "--child", phase, "--scale-json",
           json.dumps(asdict(scale)), "--root", str(root), "--json-out", str(out)]  # fmt: skip
    if export is not None:
        cmd += ["--export", str(export)]
    try:
        done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True,
                              timeout=CHILD_TIMEOUT_S, check=False)  # fmt: skip
    except subprocess.TimeoutExpired:
        return {"error": f"stopped after {CHILD_TIMEOUT_S} s"}
    if done.returncode != 0 or not out.is_file():
        return {"error": f"exit {done.returncode}: {done.stderr.strip()[-800:]}"}
    return json.loads(out.read_text(encoding="utf-8"))


def child(phase: str, scale: Scale, root: Path, json_out: Path, export: Path | None) -> None:
    from bench.measure import generate_phase, measure_phase

    if phase == "generate":
        result = generate_phase(scale, root, scale.generate_repeats)
    else:
        result = measure_phase(export, root, scale, scale.repeats, scale.slow_repeats)
    json_out.write_text(json.dumps(result, indent=1, default=str), encoding="utf-8")


def served_app(run: dict, scale: Scale, root: Path) -> tuple[Path, list[str]]:
    """The settings file serving the scale's export, and its home partnership's localities."""
    from dashboard.extract.export import open_export
    from dashboard.extract.filters import filter_options

    folder = Path(run["generate"]["export"])
    cache = root / scale.name / "cache"
    settings_file = root / scale.name / "app-settings.toml"
    settings_file.write_text(
        f'[data]\npath = "{folder}"\ncache_dir = "{cache}"\n', encoding="utf-8"
    )
    settings = bench_settings(folder, cache)
    export = open_export(folder, settings)
    options = filter_options(export, settings)
    localities = options.for_partnership(options.home).localities
    export.close()
    return settings_file, localities


def sessions_step(
    run: dict, scale: Scale, root: Path, sessions: int, iterations: int, think: tuple[float, ...]
) -> dict:
    from bench.sessions import run_sessions

    settings_file, localities = served_app(run, scale, root)
    runs = []
    for think_s in think:  # each on a freshly started server, so none starts with a warm cache
        found = run_sessions(settings_file, localities, sessions=sessions, iterations=iterations,
                             think_s=think_s)  # fmt: skip
        runs.append({"think_s": think_s, "latencies": found.latencies, "errors": found.errors,
                     "warm_s": found.warm_s})  # fmt: skip
    return {"scale": scale.name, "sessions": sessions, "iterations": iterations, "runs": runs}


def run_bench(
    scales: list[Scale],
    *,
    root: Path = BENCH_CACHE_ROOT,
    out: Path = RESULTS_FILE,
    sessions: int = SESSIONS,
    iterations: int = ITERATIONS,
    think: tuple[float, ...] = THINK_CASES,
    browser_runs: int = BROWSER_RUNS,
    log=print,
) -> dict:
    """Measure each scale, then the sessions; write the results to `out` (and JSON beside the
    cached exports, for a closer look) and return them."""
    root.mkdir(parents=True, exist_ok=True)
    results: dict = {"date": time.strftime("%Y-%m-%d %H:%M"), "machine": machine(), "scales": {}}
    for scale in scales:
        log(f"{scale.name}: generating")
        run = {"scale": asdict(scale), "generate": run_phase("generate", scale, root)}
        if "error" not in run["generate"]:
            log(f"{scale.name}: measuring")
            run["measure"] = run_phase("measure", scale, root, Path(run["generate"]["export"]))
        results["scales"][scale.name] = run
    measured = [s for s in scales if "pages" in results["scales"][s.name].get("measure", {})]
    chosen = next((s for s in measured if s.name == SESSIONS_SCALE), None)
    chosen = chosen or next((s for s in reversed(measured) if s.name != "national"), None)
    if sessions > 0 and chosen is not None:
        log(f"{chosen.name}: {sessions} sessions")
        results["sessions"] = sessions_step(
            results["scales"][chosen.name], chosen, root, sessions, iterations, think
        )
    if browser_runs > 0 and chosen is not None:
        from bench.browser import run_browser

        log(f"{chosen.name}: every page in Chromium")
        settings_file, localities = served_app(results["scales"][chosen.name], chosen, root)
        results["browser"] = {"scale": chosen.name,
                              **run_browser(settings_file, localities, browser_runs)}  # fmt: skip
    (root / "results.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    out.write_text(report.render(results), encoding="utf-8")
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.run", description=__doc__.split("\n")[0])
    parser.add_argument("--scales", default=",".join(DEFAULT_SCALES),
                        help=f"comma-separated subset of: {', '.join(SCALES)}")  # fmt: skip
    parser.add_argument(
        "--sessions", type=int, default=SESSIONS, help="simultaneous sessions (0: none)"
    )
    parser.add_argument(
        "--iterations", type=int, default=ITERATIONS, help="filter changes per session"
    )
    parser.add_argument(
        "--think", default=",".join(f"{x:g}" for x in THINK_CASES),
        help="seconds a person pauses between changes, one sessions run per value (0: no pause)",
    )  # fmt: skip
    parser.add_argument("--browser-runs", type=int, default=BROWSER_RUNS,
                        help="openings of each page in Chromium (0: no browser timing)")  # fmt: skip
    parser.add_argument("--out", type=Path, default=RESULTS_FILE, help="the results file")
    parser.add_argument("--root", type=Path, default=BENCH_CACHE_ROOT,
                        help="where the sample exports and caches are kept")  # fmt: skip
    parser.add_argument("--child", choices=("generate", "measure"), help=argparse.SUPPRESS)
    parser.add_argument("--scale-json", help=argparse.SUPPRESS)
    parser.add_argument("--json-out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--export", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, Scale(**json.loads(args.scale_json)), args.root, args.json_out,
              args.export)  # fmt: skip
        return 0
    run_bench(parse_scales(args.scales), root=args.root, out=args.out, sessions=args.sessions,
              iterations=args.iterations, browser_runs=args.browser_runs,
              think=tuple(float(x) for x in args.think.split(",")))  # fmt: skip
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
