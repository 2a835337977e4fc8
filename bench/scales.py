"""The sample exports the bench runs against, generated once and kept outside the repository.

Each scale's export lives in `<root>/<scale>/export` beside a `params.json` naming the generator
parameters and how long generating took; a later run reuses the export only when those parameters
(and the generator's version) are unchanged, because the national scale takes minutes to write.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from dashboard.core.settings import Settings
from dashboard.sample import GENERATOR, generate

BENCH_CACHE_ROOT = (
    Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "hscp-dashboard" / "bench"
)


@dataclass(frozen=True)
class Scale:
    """Arguments of `dashboard.sample.generate`: `areas` is per partnership, `people` in total."""

    name: str
    people: int
    areas: int
    partnerships: int
    label: str
    repeats: int = 5  # runs of each quick step
    slow_repeats: int = 3  # runs of first open, zone design, emerging needs, board pack, pandas
    generate_repeats: int = 3  # fresh generations timed; 0: the cached generation's time only


SCALES: dict[str, Scale] = {
    s.name: s
    for s in (
        Scale("typical", 13_000, 240, 1, "a typical partnership"),
        Scale("largest", 65_000, 750, 1, "the largest Scottish partnership"),
        # about 100 M weekly spend lines over five years, as Scotland and Wales pay (issue 25)
        Scale("national", 1_490_000, 290, 32, "Scotland and Wales together", 3, 1, 0),
    )
}
DEFAULT_SCALES = ("typical", "largest", "national")


def parse_scales(text: str) -> list[Scale]:
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in SCALES]
    if unknown or not names:
        raise SystemExit(f"unknown scale(s) {unknown or text!r}; choose from {', '.join(SCALES)}")
    return [SCALES[n] for n in names]


def params_of(scale: Scale) -> dict:
    """What the cached export depends on: the generator and its arguments."""
    return {"generator": GENERATOR, "people": scale.people, "areas": scale.areas,
            "partnerships": scale.partnerships}  # fmt: skip


def ensure_export(scale: Scale, root: Path = BENCH_CACHE_ROOT) -> tuple[Path, dict]:
    """The scale's export folder, generated now unless a matching one is cached; and its record:
    the generator parameters, row counts per table and the seconds generating it took."""
    folder = root / scale.name
    record_path = folder / "params.json"
    if record_path.is_file():
        record = json.loads(record_path.read_text(encoding="utf-8"))
        if record.get("params") == params_of(scale) and (folder / "export").is_dir():
            return folder / "export", record
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    started = time.perf_counter()
    rows = generate(
        folder / "export", people=scale.people, areas=scale.areas, partnerships=scale.partnerships
    )
    record = {
        "params": params_of(scale),
        "rows": rows,
        "generate_s": time.perf_counter() - started,
        "generated": time.strftime("%Y-%m-%d %H:%M"),
    }
    record_path.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return folder / "export", record


def bench_settings(folder: Path, cache_dir: Path) -> Settings:
    """Default settings on a bench export, with a cache of the bench's own."""
    return Settings(data=folder, cache_dir=cache_dir)
