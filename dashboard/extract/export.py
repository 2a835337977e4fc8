"""Open a partnership's export: validate it once into a cached DuckDB database, then reuse it.

The cache database lives in the cache folder named in settings, never in the export folder (which is
only ever read). It is keyed by the export's fingerprint (every file's path, size and modification
time, and the validator's version), so a new extract is noticed and validated afresh while an
unchanged one reopens in well under a second. It is built in a temporary file and renamed into place,
so a reader never sees half a database, and a lock stops two processes building the same one.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from dashboard.core.contract import EARLIEST_DATE, TABLES
from dashboard.core.errors import UserError
from dashboard.core.settings import Settings
from dashboard.core.strings import t
from dashboard.extract import base_tables, progress
from dashboard.extract.parts import short, table_files
from dashboard.extract.validation import Report, validate_into

# Bump when validation or the cache's tables change, so old caches are not reused.
CACHE_VERSION = "16"  # outcome_type, area_populations, hours not reported


@dataclass(frozen=True)
class Manifest:
    extract_date: date
    source: str  # "manifest" or "opened" (no manifest: the day the export was first opened)
    raw: dict


def read_manifest(folder: Path, today: date | None = None) -> Manifest:
    path = folder / "manifest.json"
    if not path.is_file():
        return Manifest(today or date.today(), "opened", {})
    try:
        # A byte-order mark (Windows Notepad writes one) is not part of the JSON.
        raw = json.loads(path.read_text(encoding="utf-8-sig"))
        if not isinstance(raw, dict):
            raise ValueError(t("export.manifest_not_object"))
        extract = raw.get("extract_date")
        if not extract:
            return Manifest(today or date.today(), "opened", raw)
        extract_date = date.fromisoformat(extract)
        if extract_date < EARLIEST_DATE:
            raise ValueError(
                t("export.manifest_too_early", value=extract, earliest=EARLIEST_DATE.isoformat())
            )
        return Manifest(extract_date, "manifest", raw)
    except RecursionError:
        raise UserError(t("export.manifest_nested", path=path)) from None
    except (ValueError, TypeError, AttributeError) as exc:
        raise UserError(
            f"{path}: manifest.json cannot be read ({exc}); extract_date must be YYYY-MM-DD."
        ) from exc


def fingerprint(folder: Path) -> str:
    """Changes whenever any file in the export is added, removed, replaced or touched, including
    the files inside a table folder that is a link to another folder (they are what is read)."""
    digest = hashlib.sha256(CACHE_VERSION.encode())
    paths = {p for p in folder.rglob("*") if p.is_file()}
    for table in TABLES:
        paths.update(table_files(folder, table))
    for path in sorted(paths):
        rel = path.relative_to(folder).as_posix()
        try:
            stat = path.stat()
        except OSError:  # removed or replaced while being listed: the next look sees the change
            digest.update(f"{rel}\0gone\n".encode())
            continue
        digest.update(f"{rel}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:24]


def _check_folders(folder: Path, cache_dir: Path) -> None:
    if not folder.is_dir():
        raise UserError(f"The export folder {folder} does not exist or is not a folder.")
    folder_r, cache_r = folder.resolve(), cache_dir.resolve()
    if cache_r == folder_r or cache_r.is_relative_to(folder_r):
        raise UserError(
            f"The cache folder {cache_dir} is inside the export folder {folder}; "
            "the export is never written to, so set data.cache_dir elsewhere."
        )


def _configure(con: duckdb.DuckDBPyConnection, settings: Settings, tmp: Path) -> None:
    con.sql("SET threads = $t", params={"t": int(settings.duckdb_threads)})
    con.sql("SET memory_limit = $m", params={"m": settings.duckdb_memory_limit})
    con.sql("SET temp_directory = $t", params={"t": str(tmp)})
    con.sql("SET TimeZone = 'UTC'")
    # "Latest review in P" is an ASOF join; DuckDB's nested-loop plan for small inputs takes seconds
    # on a filtered 65,000-person partnership, its hash plan a fifth of a second.
    con.sql("SET asof_loop_join_threshold = 0")


def _progress(fp: str, key: str) -> Callable[[str, int, int], None]:
    """A step's callback noting it in extract/progress.py, for a page to show while it waits."""
    return lambda name, n, total: progress.note(fp, t(key, table=name, n=n, total=total))


def build_cache(
    folder: Path, target: Path, settings: Settings, today: date | None = None, fp: str = ""
) -> Report:
    """Validate `folder` into a new database at `target` (written beside it, then renamed);
    each step is noted under fingerprint `fp` (extract/progress.py) while it runs."""
    manifest = read_manifest(folder, today)
    partial = target.with_suffix(f".building-{os.getpid()}-{threading.get_ident()}")
    partial.unlink(missing_ok=True)
    con = duckdb.connect(str(partial))
    try:
        _configure(con, settings, target.parent / "tmp")
        try:
            report = validate_into(con, folder, manifest.extract_date, manifest.source,
                                   _progress(fp, "progress.checking"))  # fmt: skip
            base_tables.build(con, _progress(fp, "progress.building"))
        except duckdb.OutOfMemoryException as exc:
            con.close()
            partial.unlink(missing_ok=True)
            raise UserError(
                t("export.too_big", folder=folder, limit=settings.duckdb_memory_limit,
                  reason=short(exc))
            ) from None  # fmt: skip
        con.sql("CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
        meta = {"report": json.dumps(report.to_json()), "manifest": json.dumps(manifest.raw)}
        for key, value in meta.items():
            con.sql("INSERT INTO meta VALUES ($k, $v)", params={"k": key, "v": value})
        con.sql("CHECKPOINT")
    finally:
        con.close()
        progress.done(fp)
    partial.replace(target)
    return report


@dataclass
class Export:
    """An opened export: a read-only connection to its validated cache and what validation found."""

    folder: Path
    fingerprint: str
    path: Path
    report: Report
    manifest: dict
    con: duckdb.DuckDBPyConnection

    @property
    def extract_date(self) -> date:
        return date.fromisoformat(self.report.extract_date)

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor for this thread: DuckDB connections are shared across threads through cursors."""
        return self.con.cursor()

    def usable(self, table: str) -> bool:
        return table not in self.report.unusable_tables

    def present(self, table: str) -> bool:
        return self.usable(table) and table not in self.report.absent

    @property
    def partnerships(self) -> list[str]:
        rows = self.cursor().sql("SELECT DISTINCT partnership FROM areas ORDER BY 1").fetchall()
        return [r[0] for r in rows]

    def home_partnership(self, wanted: str | None) -> str:
        """The partnership asked for, else the first by name; an unknown name is a user error."""
        names = self.partnerships
        if wanted is None:
            if not names:
                raise UserError("The export has no usable areas, so no partnership to report on.")
            return names[0]
        if wanted not in names:
            raise UserError(
                f"Partnership '{wanted}' is not in the export; it holds: {', '.join(names)}."
            )
        return wanted

    def close(self) -> None:
        self.con.close()


def open_export(folder: Path, settings: Settings, today: date | None = None) -> Export:
    """Validate (once per fingerprint) and open read-only."""
    folder = Path(folder)
    cache_dir = Path(settings.cache_dir)
    _check_folders(folder, cache_dir)
    cache_dir.mkdir(parents=True, exist_ok=True)
    fp = fingerprint(folder)
    target = cache_dir / f"export-{fp}.duckdb"
    if not target.exists():
        with (cache_dir / f"export-{fp}.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not target.exists():
                build_cache(folder, target, settings, today, fp)
    con = duckdb.connect(str(target), read_only=True)
    _configure(con, settings, cache_dir / "tmp")
    raw = dict(con.sql("SELECT key, value FROM meta").fetchall())
    report = Report.from_json(json.loads(raw["report"]))
    return Export(folder, fp, target, report, json.loads(raw["manifest"]), con)
