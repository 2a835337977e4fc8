"""The `dashboard` command line (spec/cli.md): every figure the app shows, headless.

`main(argv, environ)` takes its environment as an argument so tests never touch the real one. A
UserError prints one plain message on stderr and exits 2; nothing prints a traceback at a user.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from dashboard.core.contract import TABLES
from dashboard.core.errors import UserError
from dashboard.core.settings import Settings, load_settings, with_data
from dashboard.core.strings import t
from dashboard.extract.export import Export, open_export


class _Parser(argparse.ArgumentParser):
    """argparse exits 2 on a bad option, as the spec wants; this keeps its message to one line."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UserError(f"{self.prog}: {message}")


def _iso_date(value: str) -> date:
    """An --as-at date: ISO, from 1900 to 2999 (periods.parse_date), else a usage error."""
    from dashboard.core.periods import parse_date

    try:
        return parse_date(value, "--as-at")
    except UserError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _common() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data", type=Path, help="export folder (default: settings, else sample)")
    common.add_argument("--partnership", help="partnership to report on")
    common.add_argument("--audience", choices=("board", "internal"))
    common.add_argument("--json", action="store_true", help="machine-readable output on stdout")
    return common


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="dashboard", description="Commissioning dashboard, headless.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    common = _common()

    p = sub.add_parser("sample", help="write a synthetic export folder")
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--seed", type=int)
    p.add_argument("--people", type=int)
    p.add_argument("--partnerships", type=int)
    p.add_argument("--areas", type=int)
    p.add_argument("--json", action="store_true")

    sub.add_parser("validate", parents=[common], help="report every data error")

    p = sub.add_parser("figures", parents=[common], help="outcome figures and the nine outcomes")
    p.add_argument("--period", required=True)
    p.add_argument("--as-at", type=_iso_date)
    p.add_argument("--locality")
    p.add_argument("--client-group")
    p.add_argument("--service-type")
    p.add_argument("--sds-option", type=int, choices=(1, 2, 3, 4))

    sub.add_parser("spc", help="XmR result for {'values': [...], 'options': {...}} on stdin")

    zones = sub.add_parser("zones", help="home care zones").add_subparsers(
        dest="zones_command", required=True, parser_class=_Parser
    )
    p = zones.add_parser("summary", parents=[common], help="demand per zone and the summary")
    p.add_argument("--as-at", type=_iso_date, required=True)
    p.add_argument("--option", type=Path)
    p.add_argument("--floor", type=float)
    p = zones.add_parser("design", parents=[common], help="propose a zoning option")
    p.add_argument("--as-at", type=_iso_date, required=True)
    p.add_argument("--zones", type=int, required=True)
    p.add_argument("--floor", type=float, required=True)
    p.add_argument("--lock", type=Path)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--out", type=Path, required=True)

    p = sub.add_parser("emerging", parents=[common], help="emerging-need signals")
    p.add_argument("--as-at", type=_iso_date, required=True)

    p = sub.add_parser("board-pack", parents=[common], help="the board pack, PDF or HTML")
    p.add_argument("--period", required=True)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--option", type=Path)

    p = sub.add_parser("review", parents=[common], help="the contract review")
    p.add_argument("--period", required=True)
    p.add_argument("--by", choices=("lot", "provider"), default="lot")

    p = sub.add_parser("page", parents=[common], help="the figures behind a page of the app")
    p.add_argument("name", nargs="?")
    p.add_argument("--list", action="store_true", help="name the pages")
    p.add_argument("--period")
    p.add_argument("--locality")
    p.add_argument("--client-group")
    p.add_argument("--service-type")
    p.add_argument("--sds-option", type=int, choices=(1, 2, 3, 4))
    p.add_argument("--csv", type=Path, metavar="DIR", help="write each table as DIR/<table>.csv")
    return parser


def _settings_for(args: argparse.Namespace, environ: Mapping[str, str]) -> Settings:
    settings = load_settings(environ)
    changes: dict[str, Any] = {}
    if getattr(args, "data", None):
        changes["data"] = args.data
    if getattr(args, "audience", None):
        changes["audience"] = args.audience
    if getattr(args, "partnership", None):
        changes["partnership"] = args.partnership
    settings = Settings(**{**settings.__dict__, **changes})
    return with_data(settings, settings.data)  # the sample's targets follow the data (issue 20)


def _open(settings: Settings) -> Export:
    return open_export(settings.data_dir, settings)


def _json_default(value: Any) -> Any:
    """Money arrives as Decimal (exact pence); JSON carries it as a number."""
    return float(value) if isinstance(value, Decimal) else str(value)


def _emit(payload: Any, as_json: bool, render: Callable[[Any], str]) -> None:
    if as_json:
        json.dump(payload, sys.stdout, indent=1, ensure_ascii=False, default=_json_default)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render(payload))


def _validate(args: argparse.Namespace, settings: Settings) -> int:
    from dashboard.report.text import validation_text

    export = _open(settings)
    _emit(export.report.to_json(), args.json, validation_text)
    return export.report.exit_code


def _refuse_inside_export(path: Path, folder: Path, option: str) -> None:
    """An output path in or under the export folder is refused (exit 2): no command writes to the
    export (cli.md), and a careless `--out` is the one way it could."""
    out, root = path.resolve(), folder.resolve()
    if out == root or out.is_relative_to(root):
        raise UserError(t("sample.out_inside_export", option=option, path=path, folder=folder))


def _written_by_sample(folder: Path) -> bool:
    """Whether `folder` is a synthetic export `dashboard sample` wrote (its manifest says so), which
    a new sample may replace, as `make` replaces the embedded one."""
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(manifest, dict) and str(manifest.get("generator", "")).startswith(
        "dashboard.sample"
    )


def _holds_an_export(folder: Path) -> bool:
    if not folder.is_dir():
        return False
    names = {p.name for p in folder.iterdir()}
    return "manifest.json" in names or any(n in names or f"{n}.parquet" in names for n in TABLES)


def _sample(args: argparse.Namespace, settings: Settings) -> int:
    from dashboard.sample import generate

    if _holds_an_export(settings.data_dir) and not _written_by_sample(settings.data_dir):
        _refuse_inside_export(args.out, settings.data_dir, "--out")
    if _holds_an_export(args.out) and not _written_by_sample(args.out):
        raise UserError(t("sample.out_is_export", path=args.out))
    options = {k: getattr(args, k) for k in ("seed", "people", "partnerships", "areas")}
    counts = generate(args.out, **{k: v for k, v in options.items() if v is not None})
    _emit(
        {"out": str(args.out), "rows": counts},
        args.json,
        lambda p: f"Wrote {p['out']}: {p['rows']}\n",
    )
    return 0


def _spc(args: argparse.Namespace, settings: Settings) -> int:
    from dashboard.spc.request import run_request

    try:
        payload = json.load(sys.stdin)
    except json.JSONDecodeError as exc:
        raise UserError(f"spc: standard input is not JSON ({exc}).") from exc
    _emit(run_request(payload), True, str)
    return 0


def _policy(settings: Settings):
    from dashboard.core.page import policy_for

    return policy_for(settings)


def _exit_code(export: Export) -> int:
    """Figures computed over a partly-set-aside export still exit 1, as the spec asks."""
    return 1 if export.report.errors else 0


def _need(export: Export, *tables: str) -> None:
    for name in tables:
        if not export.usable(name):
            problems = [u.message for u in export.report.unusable if u.table == name]
            raise UserError(f"the figures need the table '{name}': {' '.join(problems)}")


def _figures(args: argparse.Namespace, settings: Settings) -> int:
    from dashboard.core.page import Filters
    from dashboard.core.periods import parse_period
    from dashboard.outcomes.figures_json import figures_json
    from dashboard.outcomes.peers import read_benchmark
    from dashboard.report.text import figures_text

    export = _open(settings)
    _need(export, "areas", "people", "support_plans", "personal_outcomes", "outcome_reviews")
    partnership = export.home_partnership(settings.partnership)
    filters = Filters(args.locality, args.client_group, args.service_type, args.sds_option)
    payload = figures_json(
        export.cursor(),
        partnership=partnership,
        period=parse_period(args.period),
        as_at=args.as_at,
        filters=filters,
        comparators=list(settings.comparators) or None,
        targets=settings.targets,
        benchmark=read_benchmark(settings.benchmark_file, settings.framework_file)
        if settings.benchmark_file
        else None,
        policy=_policy(settings),
        extract_date=export.extract_date,
        lag_weeks=settings.run_out_lag_weeks,
        framework_file=settings.framework_file,
        funnel_adjustment=settings.funnel_adjustment,
    )
    _emit(payload, args.json, figures_text)
    return _exit_code(export)


def _zones_summary(args: argparse.Namespace, settings: Settings) -> int:
    from dashboard.core import disclosure
    from dashboard.report.text import zones_text
    from dashboard.zones import figures as zones
    from dashboard.zones.links import zone_links

    export = _open(settings)
    _need(export, "areas", "people", "support_plans")
    partnership = export.home_partnership(settings.partnership)
    floor = args.floor if args.floor is not None else settings.viability_floor_hours
    figures, option, no_zone = zones.summary(
        export.cursor(), partnership, args.as_at, option=args.option, floor=floor,
        links=zone_links(export, settings), k=settings.zone_nearest_centroids,
    )  # fmt: skip
    protected = disclosure.protect(
        figures,
        _policy(settings),
        counts=list(zones.DISCLOSIVE_COUNTS),
        rates=zones.RATES,
        parts=zones.PARTS,
    )
    _emit(zones.summary_json(args.as_at, protected, option, no_zone), args.json, zones_text)
    return _exit_code(export)


def _zones_design(args: argparse.Namespace, settings: Settings) -> int:
    from dashboard.zones import design
    from dashboard.zones import figures as zones
    from dashboard.zones.links import zone_links

    export = _open(settings)
    _need(export, "areas", "people", "support_plans")
    _refuse_inside_export(args.out, export.folder, "--out")
    partnership = export.home_partnership(settings.partnership)
    demand = zones.area_demand(export.cursor(), partnership, args.as_at)
    links = zone_links(export, settings)
    graph = zones.area_graph(demand, links=links, k=settings.zone_nearest_centroids)
    lock = None
    if args.lock is not None:
        locked = zones.read_option(args.lock, demand["area_code"])
        lock = dict(zip(locked["area_code"], locked["zone"], strict=True))
    found = design.design_option(
        demand, graph, k=args.zones, floor=args.floor, lock=lock, seed=args.seed,
        weights=(settings.zone_balance_weight, settings.zone_travel_weight),
        time_limit=settings.zone_design_time_limit_s,
    )  # fmt: skip
    if not found.floor_met:  # a floor is a promise: refused (exit 2), never a silent miss
        raise design.InfeasibleDesign(found.floor_sentence())
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(design.option_csv(found.assignment), encoding="utf-8")
    _, option, _ = zones.zone_figures(demand, found.assignment, graph, floor=args.floor)
    payload = {"out": str(args.out), "option": {k: zones.plain(v) for k, v in option.items()},
               "floor_met": found.floor_met, "warnings": found.warnings()}  # fmt: skip
    _emit(payload, args.json, lambda p: "".join(f"{w}\n" for w in p["warnings"])
          + f"Wrote {p['out']}: {p['option']}\n")  # fmt: skip
    return 0


def _emerging(args: argparse.Namespace, settings: Settings) -> int:
    from dashboard.emerging.signals import Thresholds, emerging_json
    from dashboard.report.text import emerging_text

    export = _open(settings)
    _need(export, "areas", "people", "support_plans", "personal_outcomes")
    payload = emerging_json(
        export.cursor(),
        partnership=export.home_partnership(settings.partnership),
        as_at=args.as_at,
        policy=_policy(settings),
        thresholds=Thresholds.of(settings),
    )
    _emit(payload, args.json, emerging_text)
    return _exit_code(export)


def _board_pack(args: argparse.Namespace, settings: Settings) -> int:
    from dashboard.core.periods import parse_period
    from dashboard.report.board_pack import build_board_pack

    if args.audience == "internal":
        raise UserError(
            "board-pack: the board pack is always for a board; --audience internal is refused."
        )
    parse_period(args.period)
    export = _open(settings)
    _need(export, "areas", "people", "support_plans", "personal_outcomes", "outcome_reviews")
    _refuse_inside_export(args.out, export.folder, "--out")
    path = build_board_pack(
        export, settings, partnership=export.home_partnership(settings.partnership),
        period=args.period, option=args.option, out=args.out,
    )  # fmt: skip
    _emit({"out": str(path)}, args.json, lambda p: f"Wrote {p['out']}\n")
    return _exit_code(export)


def _review(args: argparse.Namespace, settings: Settings) -> int:
    from dashboard.core.periods import parse_period
    from dashboard.review.figures import review_json

    period = parse_period(args.period)
    export = _open(settings)
    _need(export, "areas", "people", "support_plans", "personal_outcomes", "outcome_reviews")
    payload = review_json(
        export.cursor(),
        partnership=export.home_partnership(settings.partnership),
        period=period,
        by=args.by,
        policy=_policy(settings),
        notes_dir=settings.notes_dir,
        export_folder=export.folder,
        framework_file=settings.framework_file,
    )
    _emit(payload, args.json, lambda p: json.dumps(p, indent=1, default=_json_default) + "\n")
    return _exit_code(export)


def _page(args: argparse.Namespace, settings: Settings) -> int:
    from dashboard.app.navigation import PAGE_NAMES, builder, needs
    from dashboard.core import disclosure
    from dashboard.core.page import Filters, View
    from dashboard.core.periods import parse_period

    if args.list:
        _emit(list(PAGE_NAMES), args.json, lambda names: "\n".join(names) + "\n")
        return 0
    if not args.name or not args.period:
        raise UserError("dashboard page: give a page NAME and --period (or --list).")
    function = builder(args.name)
    parse_period(args.period)
    export = _open(settings)
    _need(export, *(needs(args.name) or ()))
    filters = Filters(args.locality, args.client_group, args.service_type, args.sds_option)
    view = View(export.home_partnership(settings.partnership), args.period, filters)
    page = function(export, settings, view)
    if args.csv:
        _refuse_inside_export(args.csv, export.folder, "--csv")
        out = args.csv.resolve()
        out.mkdir(parents=True, exist_ok=True)
        for name, df in page.tables.items():
            (out / f"{name}.csv").write_bytes(disclosure.to_csv_bytes(df))
        (out / "sentences.txt").write_text("\n".join(page.sentences) + "\n", encoding="utf-8")
    if args.json or not args.csv:
        _emit(page.to_json(), True, str)
    return _exit_code(export)


COMMANDS: dict[str, Callable[[argparse.Namespace, Settings], int]] = {
    "validate": _validate,
    "sample": _sample,
    "spc": _spc,
    "figures": _figures,
    "zones summary": _zones_summary,
    "zones design": _zones_design,
    "page": _page,
    "emerging": _emerging,
    "review": _review,
    "board-pack": _board_pack,
}


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    environ = os.environ if environ is None else environ
    try:
        args = build_parser().parse_args(argv)
        settings = _settings_for(args, environ)
        command = args.command if args.command != "zones" else f"zones {args.zones_command}"
        if command not in COMMANDS:
            raise UserError(f"dashboard {command}: not available in this version yet.")
        return COMMANDS[command](args, settings)
    except UserError as exc:
        print(f"dashboard: {exc}", file=sys.stderr)
        return exc.exit_code


def run() -> None:
    try:
        sys.exit(main())
    except BrokenPipeError:  # the reader (say `head`) stopped early: not an error of ours
        sys.stderr.close()
        sys.exit(0)
