"""Everything the command line prints on one export, written to a folder so two trees compare with
`diff -r`: a refactor that changes no behaviour leaves no difference.

    python -m tools.behaviour OUT [--data DIR]

Runs in the tree it is started from (its `dashboard` package); run it in the old and the new tree
and diff the two folders. Writes every page (`dashboard page NAME --json`, whole and for one
locality), `figures`, `zones summary`, `zones design` (its option CSV too), `emerging`, `review`
by lot and by provider, and the board pack's HTML, for the board and the internal audience.

Numbers are written to 9 significant digits: DuckDB sums floating-point values on several
threads, so the last digits of a ratio can differ from one run to the next.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import re
import shutil
import sys
import tempfile
from pathlib import Path

from dashboard.cli import main

PERIOD = "2025/26"
QUARTER = "2025/26 Q4"
AS_AT = "2026-03-31"


NUMBER = re.compile(r"-?\d+\.\d+(?:e-?\d+)?")


def _steady(text: str) -> str:
    """Every decimal number to 9 significant digits (1.0 and 0.9999999999 both read 1)."""
    return NUMBER.sub(lambda m: f"{float(m.group(0)):.9g}", text)


def _run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def _commands(data: list[str], work: Path, locality: str) -> dict[str, list[str]]:
    pages = json.loads(_run(["page", "--list", "--json"])[1])
    commands: dict[str, list[str]] = {}
    for audience in ("board", "internal"):
        common = [*data, "--audience", audience]
        for name in pages:
            period = QUARTER if name in ("emerging-needs", "contract-review") else PERIOD
            commands[f"{audience}/page-{name}"] = [
                "page",
                name,
                "--period",
                period,
                "--json",
                *common,
            ]
            commands[f"{audience}/page-{name}-locality"] = [
                "page", name, "--period", period, "--locality", locality, "--json", *common,
            ]  # fmt: skip
        commands[f"{audience}/figures"] = ["figures", "--period", PERIOD, "--json", *common]
        commands[f"{audience}/zones-summary"] = [
            "zones",
            "summary",
            "--as-at",
            AS_AT,
            "--json",
            *common,
        ]
        commands[f"{audience}/zones-design"] = [
            "zones", "design", "--as-at", AS_AT, "--zones", "4", "--floor", "100",
            "--out", str(work / f"{audience}-option.csv"), "--json", *common,
        ]  # fmt: skip
        commands[f"{audience}/emerging"] = ["emerging", "--as-at", AS_AT, "--json", *common]
        for by in ("lot", "provider"):
            commands[f"{audience}/review-{by}"] = [
                "review", "--period", QUARTER, "--by", by, "--json", *common,
            ]  # fmt: skip
    commands["board/board-pack"] = [
        "board-pack", "--period", PERIOD, "--out", str(work / "pack.html"), "--json", *data,
    ]  # fmt: skip
    return commands


def write(out: Path, data_dir: Path | None, locality: str) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "board").mkdir(exist_ok=True)
    (out / "internal").mkdir(exist_ok=True)
    data = ["--data", str(data_dir)] if data_dir else []
    work = Path(tempfile.mkdtemp(prefix="behaviour-"))
    for name, argv in _commands(data, work, locality).items():
        code, stdout, stderr = _run(argv)
        text = _steady(stdout.replace(str(work), "<work>"))
        (out / f"{name}.txt").write_text(f"exit {code}\n{stderr}\n{text}", encoding="utf-8")
    pack = (work / "pack.html").read_text(encoding="utf-8")
    (out / "board" / "board-pack.html").write_text(_steady(pack), encoding="utf-8")
    for option in work.glob("*.csv"):
        shutil.copy(option, out / option.name)
    shutil.rmtree(work)


def main_() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--data", type=Path)
    parser.add_argument("--locality", default="Morallan", help="a locality of the export")
    args = parser.parse_args()
    write(args.out, args.data, args.locality)
    sys.exit(0)


if __name__ == "__main__":
    main_()
