"""The floor plan (docs/architecture.md) held against the code: wings of small modules, no import
cycle, every page found by its name and opened the same way, and no SQL in a page."""

import ast
import re
import statistics
from pathlib import Path

import pytest

from dashboard.app.navigation import PAGE_ENTRIES, builder

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "dashboard"
MODULES = sorted(p for p in PACKAGE.rglob("*.py") if p.name != "__init__.py")
WINGS = ("core", "extract", "spc", "outcomes", "spend", "zones", "emerging", "equity", "review",
         "quality", "report", "app", "sample")  # fmt: skip
LONGEST = 450


def _name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def _imports(path: Path, known: set[str]) -> set[str]:
    """The dashboard modules `path` imports anywhere: an import inside a function or under
    TYPE_CHECKING that closes a loop is still two modules that each need the other."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("dashboard"):
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                found.add(full if full in known else node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("dashboard")}
    return found & known


def test_every_module_sits_in_a_wing_and_is_small():
    loose = [
        p.name
        for p in PACKAGE.glob("*.py")
        if p.name not in ("__init__.py", "__main__.py", "cli.py")
    ]
    assert loose == []
    assert {p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__"} == set(
        WINGS
    )
    sizes = {_name(p): len(p.read_text(encoding="utf-8").splitlines()) for p in MODULES}
    assert {m: n for m, n in sizes.items() if n > LONGEST} == {}
    assert statistics.median(sizes.values()) < 200


def test_no_import_cycle():
    known = {_name(p) for p in MODULES} | {_name(p.parent) for p in MODULES}
    graph = {_name(p): _imports(p, known) for p in MODULES}
    state: dict[str, str] = {}

    def visit(module: str, path: list[str]) -> None:
        state[module] = "open"
        for nxt in sorted(graph.get(module, ())):
            if state.get(nxt) == "open":
                pytest.fail("import cycle: " + " -> ".join([*path, module, nxt]))
            if nxt not in state:
                visit(nxt, [*path, module])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [])


@pytest.mark.parametrize("entry", PAGE_ENTRIES, ids=lambda e: e.name)
def test_a_page_is_found_by_its_name_and_opens_one_way(entry):
    script = (ROOT / "pages" / entry.script).read_text(encoding="utf-8")
    assert not re.search(r"\bduckdb\b|\bquery\.run\b|\bSELECT\b", script), entry.script
    if entry.module is None:
        return
    assert builder(entry.name).__module__ == entry.module
    assert (PACKAGE / entry.wing / entry.script).is_file()
    assert re.search(rf'web\.open_page\(\s*"{entry.name}"', script), entry.script
