"""Every setting the product has, declared once with its default and a line of help.

Values come from a TOML file (`data/settings.toml`, or the file named by `DASHBOARD_SETTINGS`), with
`DASHBOARD_DATA` overriding the export folder. A bad value is reported with its key and the problem,
so a partnership's administrator can fix the file without reading code.
"""

from __future__ import annotations

import math
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import Field, dataclass, field, fields, replace
from datetime import date
from pathlib import Path
from typing import Any

from dashboard.core.errors import UserError
from dashboard.core.strings import t

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SETTINGS_FILE = ROOT / "data" / "settings.toml"
SAMPLE_DIR = ROOT / "data" / "sample"
# Illustrative targets for the embedded sample only, so its assurance icons show (issue 20): used
# when the settings file sets no `targets` and the data folder is the embedded sample. A
# partnership's own export is never judged against them. Not anyone's real targets.
SAMPLE_TARGETS: Mapping[str, float] = {
    "overall_attainment": 0.55, "no1_attainment": 0.55, "no2_attainment": 0.55,
    "no2_intensive_at_home": 0.60, "no3_attainment": 0.65, "no3_choice_control": 0.20,
    "no4_attainment": 0.55, "no6_attainment": 0.50, "no7_attainment": 0.60,
    "no8_graded_good": 0.75, "no8_staffing_handbacks": 3.0, "no9_on_contract_spend": 0.80,
}  # fmt: skip
DEFAULT_CACHE_DIR = (
    Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "hscp-dashboard"
)


def _s(key: str, help: str, **kw: Any) -> Any:  # noqa: A002 - "help" reads best here
    return field(metadata={"key": key, "help": help}, **kw)


@dataclass(frozen=True)
class Settings:
    # where data lives
    data: Path | None = _s(
        "data.path", "The partnership's export folder. Empty: the embedded sample.", default=None
    )
    cache_dir: Path = _s(
        "data.cache_dir",
        "Where the validated cache databases are kept (never inside the export folder).",
        default=DEFAULT_CACHE_DIR,
    )
    options_dir: Path = _s(
        "data.options_dir",
        "Where zoning options designed in the app are saved (never inside the export folder).",
        default=DEFAULT_CACHE_DIR / "options",
    )
    notes_dir: Path = _s(
        "data.notes_dir",
        "Where the contract review's learning log is kept (never inside the export folder).",
        default=DEFAULT_CACHE_DIR / "notes",
    )
    # whose figures
    partnership: str | None = _s(
        "partnership.name",
        "The home partnership. Empty: the first partnership by name.",
        default=None,
    )
    comparators: tuple[str, ...] = _s(
        "partnership.comparators",
        "Peer partnerships for the peer average. Empty: every other partnership in the export.",
        default=(),
    )
    benchmark_file: Path | None = _s(
        "partnership.benchmark_file",
        "A CSV of published peer figures to use instead of record-level peers (docs/figures.md).",
        default=None,
    )
    framework_file: Path = _s(
        "partnership.framework_file",
        "The outcome framework: outcomes, indicators and the domain crosswalk.",
        default=ROOT / "data" / "framework" / "scotland.toml",
    )
    language: str = _s("partnership.language", "Language of the strings file.", default="en")
    # who sees what
    audience: str = _s(
        "disclosure.audience",
        "board (suppressed, no free text) or internal (the partnership's own analysts).",
        default="board",
    )
    disclosure_threshold: int = _s(
        "disclosure.threshold", "Counts from 1 to this minus 1 are suppressed.", default=5
    )
    disclosure_method: str = _s(
        "disclosure.method", "suppress (primary and secondary) or round5 (base-5 rounding).",
        default="suppress",
    )  # fmt: skip
    name_providers: bool = _s(
        "disclosure.name_providers", "Name providers to a board audience.", default=False
    )
    sign_in_required: bool = _s(
        "access.sign_in_required",
        "Ask everyone to sign in with the partnership's single sign-on (OpenID Connect) first.",
        default=False,
    )
    # targets and judgement
    targets: Mapping[str, float] = _s(
        "targets", "Targets by indicator id (e.g. no2_attainment = 0.75).", default_factory=dict
    )
    series_months: int = _s(
        "outcomes.series_months",
        "Months of history a trend shows (outcomes, spend, carers, the board pack), back from the period's end.",
        default=36,
    )
    reablement_follow_days: int = _s(
        "outcomes.reablement_follow_days",
        "Days after a reablement plan ends in which a new package counts as what followed it.",
        default=28,
    )
    run_out_lag_weeks: int = _s(
        "spend.run_out_lag_weeks",
        "Spend is paid in arrears: periods ending within this many weeks of the extract are provisional.",
        default=8,
    )
    budget_band: tuple[float, float] = _s(
        "spend.utilisation_band", "Budget utilisation judged good inside this band.",
        default=(0.95, 1.05),
    )  # fmt: skip
    spc_run_len: int = _s(
        "spc.run_len", "Points on one side of the centre that make a run.", default=7
    )
    spc_trend_len: int = _s(
        "spc.trend_len", "Points all rising or all falling that make a trend.", default=7
    )
    spc_min_points: int = _s(
        "spc.min_points",
        "Fewer points than this get trial limits and a warning (NHSRplotthedots warns under 12).",
        default=12,
    )
    spc_rebase_dates: tuple[str, ...] = _s(
        "spc.rebase_dates", "Dates (YYYY-MM-DD) where SPC limits start afresh.", default=()
    )
    spc_annotations: Mapping[str, str] = _s(
        "spc.annotations", "Dated notes shown on every SPC chart (date = text).",
        default_factory=dict,
    )  # fmt: skip
    # zones
    viability_floor_hours: float | None = _s(
        "zones.viability_floor_hours",
        "Smallest weekly hours a viable zone should have. Empty: no floor.",
        default=None,
    )
    zone_links: tuple[tuple[str, str], ...] = _s(
        "zones.extra_links", "Extra neighbour pairs of area codes (ferry or bridge links).",
        default=(),
    )  # fmt: skip
    zone_balance_weight: float = _s(
        "zones.balance_weight", "Weight of balance of hours in zone design.", default=1.0
    )
    zone_travel_weight: float = _s(
        "zones.travel_weight", "Weight of the travel proxy in zone design.", default=5.0
    )
    zone_nearest_centroids: int = _s(
        "zones.nearest_centroids",
        "Without polygons, an area's neighbours are its this many nearest centroids.",
        default=4,
    )
    zone_design_time_limit_s: float = _s(
        "zones.design_time_limit_s", "Longest a zone design may search, in seconds.", default=15.0
    )
    # emerging needs
    emerging_fdr: float = _s(
        "emerging.false_discovery_rate", "Share of false alarms tolerated among signals.",
        default=0.05,
    )  # fmt: skip
    emerging_min_ratio: float = _s(
        "emerging.min_rate_ratio", "Smallest rate ratio worth calling a signal.", default=1.2
    )
    emerging_spc_min_mean: float = _s(
        "emerging.spc_min_mean",
        "An SPC special cause only counts on a cell averaging at least this many events a quarter before.",
        default=5.0,
    )
    emerging_history_quarters: int = _s(
        "emerging.history_quarters",
        "Quarters before the latest four that a rise is judged against (metrics.md: eight; more gives small partnerships more power, docs/emerging.md).",
        default=8,
    )
    # the machine
    warm_pages: bool = _s(
        "app.warm_pages",
        "Work out the home partnership's pages in the background when an extract opens.",
        default=True,
    )
    duckdb_threads: int = _s("duckdb.threads", "Threads DuckDB may use.", default=2)
    duckdb_memory_limit: str = _s(
        "duckdb.memory_limit", "Memory DuckDB may use before spilling to disk.", default="2GB"
    )
    basemap_url: str | None = _s(
        "map.basemap_url", "A map tile style URL. Empty: no basemap (no calls to the internet).",
        default=None,
    )  # fmt: skip
    funnel_adjustment: str = _s(
        "funnel.adjustment",
        "Funnel plots: none (exact binomial limits), multiplicative or additive (widened when units differ beyond chance; docs/figures.md).",
        default="none",
    )

    @property
    def data_dir(self) -> Path:
        return self.data or SAMPLE_DIR


SETTINGS = {f.metadata["key"]: f for f in fields(Settings)}

_CHOICES = {"audience": ("board", "internal"), "disclosure_method": ("suppress", "round5"),
            "funnel_adjustment": ("none", "multiplicative", "additive")}  # fmt: skip

# The range each number must stay in (inclusive), so a value that would break a page, hang the
# machine or quietly publish small counts is refused by name: a disclosure threshold under 5 shows
# a board counts of 1–4 (1 turns suppression off, 0 breaks the rounding), 0 DuckDB threads cannot
# run a query and 100,000 hang the server.
_BOUNDS: dict[str, tuple[float, float]] = {
    "disclosure_threshold": (5, 100),
    "series_months": (1, 240),
    "reablement_follow_days": (0, 365),
    "run_out_lag_weeks": (0, 104),
    "spc_run_len": (2, 50),
    "spc_trend_len": (2, 50),
    "spc_min_points": (2, 1000),
    "viability_floor_hours": (0, 1_000_000),
    "zone_balance_weight": (0, 1_000_000),
    "zone_travel_weight": (0, 1_000_000),
    "zone_nearest_centroids": (1, 50),
    "zone_design_time_limit_s": (0.1, 3600),
    "emerging_fdr": (0.001, 0.5),
    "emerging_min_ratio": (1, 100),
    "emerging_spc_min_mean": (0, 1_000_000),
    "emerging_history_quarters": (4, 40),
    "duckdb_threads": (1, 256),
}
# DuckDB's memory sizes: a number and a unit, at least 100 MB.
_MEMORY = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(KB|MB|GB|TB|KIB|MIB|GIB|TIB)\s*$", re.IGNORECASE)
_UNIT = {"K": 1e3, "M": 1e6, "G": 1e9, "T": 1e12}
_MIN_MEMORY = 100e6


def _number_problem(name: str, value: Any) -> str | None:
    """What is wrong with a number that has the right type but not a usable value."""
    if isinstance(value, float) and not math.isfinite(value):
        return t("settings_check.not_finite")
    if name in _BOUNDS:
        low, high = _BOUNDS[name]
        if not low <= value <= high:
            return t("settings_check.between", low=f"{low:g}", high=f"{high:g}")
    return None


def _date_problem(texts: Any) -> str | None:
    """Dates must be YYYY-MM-DD and from 1900 on, as the export's own dates are."""
    for text in texts:
        try:
            ok = date.fromisoformat(str(text)) >= date(1900, 1, 1)
        except ValueError:
            ok = False
        if not ok:
            return t("settings_check.dates", value=str(text)[:40])
    return None


def _value_problem(name: str, value: Any) -> str | None:
    """Checks beyond the type: ranges, sizes, pairs and dates (issue 26: each gave a traceback)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _number_problem(name, value)
    if name == "duckdb_memory_limit":
        m = _MEMORY.match(value)
        if not m or float(m[1]) * _UNIT[m[2][0].upper()] < _MIN_MEMORY:
            return t("settings_check.memory")
    if name == "budget_band":
        numbers = [v for v in value if isinstance(v, int | float) and not isinstance(v, bool)]
        finite = len(numbers) == 2 == len(value) and all(map(math.isfinite, numbers))
        if not finite or not 0 <= numbers[0] < numbers[1]:
            return t("settings_check.band")
    if name == "zone_links" and not all(
        isinstance(v, tuple) and len(v) == 2 and all(isinstance(c, str) for c in v) for v in value
    ):
        return t("settings_check.links")
    if name in ("spc_rebase_dates", "spc_annotations"):
        return _date_problem(value)
    if name == "targets" and not all(math.isfinite(v) for v in value.values()):
        return t("settings_check.not_finite")
    return None


def _flatten(raw: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in raw.items():
        full = f"{prefix}{key}"
        if full == "targets" or full == "spc.annotations":
            out[full] = value
        elif isinstance(value, dict):
            out.update(_flatten(value, f"{full}."))
        else:
            out[full] = value
    return out


def _coerce(f: Field, key: str, value: Any) -> Any:
    """Check a value from the file against the setting's declared type; say what is wrong."""
    kind = str(f.type).replace(" | None", "")
    optional = " | None" in str(f.type)
    problem = None
    if optional and value == "":
        return None
    if kind == "bool":
        problem = None if isinstance(value, bool) else "should be true or false"
    elif kind == "int":
        ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
        problem = None if ok else "should be a whole number, 0 or more"
    elif kind == "float":
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        problem = None if ok else "should be a number"
        value = float(value) if ok else value
    elif kind == "Path":
        problem = None if isinstance(value, str) else "should be a folder or file path in quotes"
        value = Path(value).expanduser() if isinstance(value, str) else value
    elif kind.startswith("tuple"):
        problem = None if isinstance(value, list) else "should be a list in square brackets"
        if isinstance(value, list):
            value = tuple(tuple(v) if isinstance(v, list) else v for v in value)
    elif kind.startswith("Mapping"):
        numbers = "float" in kind
        ok = isinstance(value, dict) and (
            not numbers
            or all(isinstance(v, int | float) and not isinstance(v, bool) for v in value.values())
        )
        problem = (
            None if ok else "should be a table of name = value" + (" numbers" if numbers else "")
        )
    elif not isinstance(value, str):
        problem = "should be text in quotes"
    if problem is None and f.name in _CHOICES and value not in _CHOICES[f.name]:
        problem = f"should be one of {', '.join(_CHOICES[f.name])}"
    if problem is None:
        problem = _value_problem(f.name, value)
    if problem:
        raise UserError(f"Settings: '{key}' {problem}; got {value!r}.")
    return value


DEFAULTS = Settings()  # every default, declared once above; modules read theirs from here


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Settings from the settings file, then the environment (`DASHBOARD_DATA`)."""
    environ = os.environ if environ is None else environ
    path = Path(environ.get("DASHBOARD_SETTINGS") or DEFAULT_SETTINGS_FILE)
    raw: dict[str, Any] = {}
    if path.is_file():
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise UserError(f"Settings file {path} cannot be read: {exc}") from exc
    elif "DASHBOARD_SETTINGS" in environ:
        raise UserError(f"Settings file {path} (DASHBOARD_SETTINGS) does not exist.")
    values: dict[str, Any] = {}
    for key, value in _flatten(raw).items():
        if key not in SETTINGS:
            raise UserError(f"Settings: '{key}' is not a setting; see README for the list.")
        f = SETTINGS[key]
        values[f.name] = _coerce(f, key, value)
    for name, value in values.items():  # relative paths are relative to the settings file
        if isinstance(value, Path) and not value.is_absolute():
            values[name] = path.parent / value
    settings = Settings(**values)
    if environ.get("DASHBOARD_DATA"):
        settings = replace(settings, data=Path(environ["DASHBOARD_DATA"]).expanduser())
    return with_data(settings, settings.data)


def with_data(settings: Settings, data: Path | None) -> Settings:
    """`settings` reading the export in `data`: the sample's illustrative targets (SAMPLE_TARGETS)
    apply when no targets are set and `data` is the embedded sample, and never to another export."""
    settings = replace(settings, data=data)
    if not settings.targets and _is_sample(settings.data_dir):
        return replace(settings, targets=dict(SAMPLE_TARGETS))
    if settings.targets == SAMPLE_TARGETS and not _is_sample(settings.data_dir):
        return replace(settings, targets={})
    return settings


def _is_sample(folder: Path) -> bool:
    """The embedded sample's folder (however it is reached: a symlink, a relative path)."""
    try:
        return folder.resolve() == SAMPLE_DIR.resolve()
    except OSError:
        return False
