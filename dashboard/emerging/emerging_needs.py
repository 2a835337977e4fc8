"""Emerging needs: where new plans, unmet-need requests or the outcomes people set are rising.

metrics.md ("Emerging needs") asks for signals that come early without false alarms. Every cell
(locality × client group; locality × domain for outcomes set) of the partnership is judged over the
twelve financial quarters before the as-at date in two ways: an exact rate test of the latest four
quarters against the eight before, with Benjamini–Hochberg across all the cells, and the SPC
special-cause rules on its quarterly series. Why these choices: docs/emerging.md.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import duckdb
import plotly.graph_objects as go
import polars as pl
import pydeck as pdk
from scipy.stats import beta, binom, false_discovery_control

from dashboard.core import disclosure, geometry, palette, query
from dashboard.core.disclosure import Policy
from dashboard.core.page import Filters, PageData, View, policy_for
from dashboard.core.periods import Period, add_months, quarter
from dashboard.core.settings import DEFAULTS, Settings
from dashboard.core.strings import t
from dashboard.extract.export import Export
from dashboard.spc.chart import spc_figure
from dashboard.spc.series import Rules, judge
from dashboard.spc.xmr import SpcResult

MEASURES = ("new_plans", "unmet_requests", "outcomes_set")
SHARE_MEASURE = "outcomes_set"  # a share of all outcomes set, not a rate per head (docs)
OLDER_GROUPS = ("dementia", "elderly_frail")  # rates per 1,000 aged 65+
RECENT_QUARTERS = 4
BEFORE_QUARTERS = 8
QUARTERS = RECENT_QUARTERS + BEFORE_QUARTERS
PER = 1000
CONFIDENCE = 0.95
KEYS = ["measure", "locality", "grp"]
# Figures worked out from a signal's counts: hidden with them, as they would give them away.
DERIVED = ("rate_ratio", "ci_low", "ci_high", "recent_per_1000", "before_per_1000", "p_value",
           "q_value")  # fmt: skip
# An SPC special cause only counts on a cell averaging at least this many events a quarter before:
# below it XmR limits on counts are ruled by chance and zeros (docs/emerging.md).
MAP_ALPHA = 170
MIN_ZOOM, MAX_ZOOM = 4.0, 12.0


# --- the window ----------------------------------------------------------------------------------


def _quarter_starting(start: date) -> Period:
    year = start.year if start.month >= 4 else start.year - 1
    return quarter(year, (start.month - 4) % 12 // 3 + 1)


def quarter_window(as_at: date) -> tuple[Period, ...]:
    """The twelve financial quarters before the as-at date, oldest first: the last four complete
    quarters ending on or before it (recent) and the eight before those."""
    after = as_at + timedelta(days=1)
    stop = date(after.year, (after.month - 1) // 3 * 3 + 1, 1)
    return tuple(_quarter_starting(add_months(stop, 3 * (k - QUARTERS))) for k in range(QUARTERS))


# --- the rate test -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RateTest:
    """Latest four quarters against the eight before, given their exposures.

    `rate_ratio` and `ci_high` are None where they are infinite (nothing in the eight quarters
    before); `p_value` is one-sided, for a rise."""

    rate_ratio: float | None
    ci_low: float
    ci_high: float | None
    p_value: float


def rate_test(
    recent: int,
    before: int,
    exposure_recent: float,
    exposure_before: float,
    confidence: float = CONFIDENCE,
) -> RateTest | None:
    """The conditional binomial test: given N = recent + before, recent ~ Binomial(N, p0) with
    p0 = exposure_recent ÷ (exposure_recent + exposure_before) when nothing changed. It is exact
    for small counts; the Clopper–Pearson interval for p becomes one for the ratio through
    RR = p ÷ (1 − p) × exposure_before ÷ exposure_recent. None when there is nothing to test."""
    n = recent + before
    if n == 0 or exposure_recent <= 0 or exposure_before <= 0:
        return None
    p0 = exposure_recent / (exposure_recent + exposure_before)
    scale = exposure_before / exposure_recent
    alpha = 1 - confidence
    p_low = float(beta.ppf(alpha / 2, recent, before + 1)) if recent else 0.0
    p_high = float(beta.ppf(1 - alpha / 2, recent + 1, before)) if before else 1.0
    return RateTest(
        rate_ratio=recent / before * scale if before else None,
        ci_low=p_low / (1 - p_low) * scale,
        ci_high=p_high / (1 - p_high) * scale if p_high < 1 else None,
        p_value=float(binom.sf(recent - 1, n, p0)),
    )


@dataclass(frozen=True)
class Thresholds:
    """What makes a cell a signal: the false discovery rate, the smallest rate ratio worth calling,
    the SPC run and trend lengths, and the smallest cell mean SPC is trusted on. One value, so the
    page, the command line and the JSON judge with the same settings."""

    fdr: float = DEFAULTS.emerging_fdr
    min_ratio: float = DEFAULTS.emerging_min_ratio
    trend_len: int = DEFAULTS.spc_trend_len
    run_len: int = DEFAULTS.spc_run_len
    spc_min_mean: float = DEFAULTS.emerging_spc_min_mean

    @classmethod
    def of(cls, settings: Settings) -> Thresholds:
        return cls(settings.emerging_fdr, settings.emerging_min_ratio, settings.spc_trend_len,
                   settings.spc_run_len, settings.emerging_spc_min_mean)  # fmt: skip


def benjamini_hochberg(p_values: Sequence[float]) -> list[float]:
    """BH-adjusted p-values (q-values): a cell is a discovery at FDR q when its q-value <= q."""
    if not p_values:
        return []
    return [float(q) for q in false_discovery_control(list(p_values), method="bh")]


def cell_spc(
    rates: Sequence[float | None],
    trend_len: int = DEFAULTS.spc_trend_len,
    run_len: int = DEFAULTS.spc_run_len,
) -> SpcResult | None:
    """The XmR chart of a cell's quarterly rates, limits from the eight quarters before the latest
    four, so the latest four are judged against the past; None when a quarter has no rate."""
    if len(rates) != QUARTERS or any(r is None for r in rates):
        return None
    series = pl.DataFrame({"rate": [float(r) for r in rates]})  # type: ignore[arg-type]
    rules = Rules(trend_len=trend_len, run_len=run_len)
    return judge(series, "rate", rules, baseline_n=BEFORE_QUARTERS)


def spc_rise(result: SpcResult | None) -> bool:
    """An upward special cause (neutral_high: a rise in need is neither good nor bad) on any of
    the latest four quarters."""
    if result is None:
        return False
    return "neutral_high" in result.points["variation"].to_list()[BEFORE_QUARTERS:]


# --- counting ------------------------------------------------------------------------------------


def area_table(con: duckdb.DuckDBPyConnection, partnership: str) -> pl.DataFrame:
    return query.run(con, "emerging_areas", partnership=partnership)


def event_counts(
    con: duckdb.DuckDBPyConnection,
    partnership: str,
    quarters: Sequence[Period],
    measures: Sequence[str] = MEASURES,
) -> pl.DataFrame:
    """measure, locality, area_code, grp, q (0 = oldest quarter), n: one SQL query for all cells."""
    counts = query.run(
        con,
        "emerging_counts",
        partnership=partnership,
        first=quarters[0].start,
        stop=quarters[-1].end_exclusive,
    )
    return counts.filter(pl.col("measure").is_in(list(measures)))


def _in_recent() -> pl.Expr:
    return pl.col("q") >= BEFORE_QUARTERS


def cells(counts: pl.DataFrame, areas: pl.DataFrame) -> pl.DataFrame:
    """One row per measure × locality × group with any event in the twelve quarters: the
    quarterly counts and rates per 1,000 (lists, oldest first), the window counts and exposures.

    The rate base of a quarter is the locality's population (aged 65+ for the older groups); for
    outcomes set it is all the outcomes set in the locality that quarter (a share per 1,000)."""
    by_q = counts.group_by([*KEYS, "q"]).agg(pl.col("n").sum())
    quarters = pl.DataFrame({"q": list(range(QUARTERS))}, schema={"q": by_q.schema["q"]})
    full = (
        by_q.select(KEYS)
        .unique()
        .join(quarters, how="cross")
        .join(by_q, on=[*KEYS, "q"], how="left")
        .with_columns(pl.col("n").fill_null(0))
    )
    populations = areas.group_by("locality").agg(
        pl.col("population").sum(), pl.col("population_65plus").sum()
    )
    totals = (
        full.filter(pl.col("measure") == SHARE_MEASURE)
        .group_by(["locality", "q"])
        .agg(pl.col("n").sum().alias("all_set"))
    )
    base = (
        pl.when(pl.col("measure") == SHARE_MEASURE)
        .then(pl.col("all_set"))
        .when(pl.col("grp").is_in(OLDER_GROUPS))
        .then(pl.col("population_65plus"))
        .otherwise(pl.col("population"))
        .fill_null(0)
        .cast(pl.Float64)
    )
    full = (
        full.join(populations, on="locality", how="left")
        .join(totals, on=["locality", "q"], how="left")
        .with_columns(base.alias("base"))
        .with_columns(
            pl.when(pl.col("base") > 0).then(pl.col("n") / pl.col("base") * PER).alias("per_1000")
        )
    )
    recent = _in_recent()
    return (
        full.sort([*KEYS, "q"])
        .group_by(KEYS, maintain_order=True)
        .agg(
            counts=pl.col("n"),
            rates=pl.col("per_1000"),
            recent=pl.col("n").filter(recent).sum(),
            before=pl.col("n").filter(~recent).sum(),
            exposure_recent=pl.col("base").filter(recent).sum(),
            exposure_before=pl.col("base").filter(~recent).sum(),
        )
        .with_columns(
            base=pl.when(pl.col("measure") == SHARE_MEASURE)
            .then(pl.lit("outcomes_set"))
            .when(pl.col("grp").is_in(OLDER_GROUPS))
            .then(pl.lit("population_65plus"))
            .otherwise(pl.lit("population"))
        )
    )


def area_rises(counts: pl.DataFrame, cell_frame: pl.DataFrame) -> pl.DataFrame:
    """Each area's part in its cell's change: recent − before × exposure_recent ÷ exposure_before,
    the recent count above what the area's own past at the cell's base would predict."""
    recent = _in_recent()
    by_area = counts.group_by([*KEYS, "area_code"]).agg(
        recent=pl.col("n").filter(recent).sum(), before=pl.col("n").filter(~recent).sum()
    )
    scale = pl.when(pl.col("exposure_before") > 0).then(
        pl.col("exposure_recent") / pl.col("exposure_before")
    )
    return by_area.join(
        cell_frame.select([*KEYS, "exposure_recent", "exposure_before"]), on=KEYS
    ).with_columns(excess=pl.col("recent") - pl.col("before") * scale.fill_null(0.0))


# --- signals -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Emerging:
    """Everything behind the signals, exact (before disclosure control)."""

    as_at: date
    quarters: tuple[Period, ...]
    cells: pl.DataFrame  # every cell, with its test and SPC figures
    signals: pl.DataFrame  # the emerging ones, ranked
    areas: pl.DataFrame  # every area of the partnership
    area_counts: pl.DataFrame  # measure, locality, grp, area_code, recent, before, excess


def signal_key(measure: str, locality: str, group: str) -> str:
    return f"{measure}|{locality}|{group}"


def _judge(cell_frame: pl.DataFrame, trend_len: int, run_len: int) -> pl.DataFrame:
    rows = []
    for cell in cell_frame.iter_rows(named=True):
        test = rate_test(
            cell["recent"], cell["before"], cell["exposure_recent"], cell["exposure_before"]
        )
        rows.append(
            {
                "rate_ratio": test.rate_ratio if test else None,
                "ci_low": test.ci_low if test else None,
                "ci_high": test.ci_high if test else None,
                "p_value": test.p_value if test else None,
                "spc_rise": spc_rise(cell_spc(cell["rates"], trend_len, run_len)),
            }
        )
    schema = {"rate_ratio": pl.Float64, "ci_low": pl.Float64, "ci_high": pl.Float64,
              "p_value": pl.Float64, "spc_rise": pl.Boolean}  # fmt: skip
    judged = cell_frame.hstack(pl.DataFrame(rows, schema=schema))
    tested = judged["p_value"].drop_nulls().to_list()
    adjusted = iter(benjamini_hochberg(tested))
    q_values = [None if p is None else next(adjusted) for p in judged["p_value"].to_list()]
    return judged.with_columns(pl.Series("q_value", q_values, dtype=pl.Float64))


def _ranked_signals(
    judged: pl.DataFrame,
    area_counts: pl.DataFrame,
    fdr: float,
    min_ratio: float,
    spc_min_mean: float,
) -> pl.DataFrame:
    """Cells that rose by the rate test (BH at `fdr`) or by SPC (an upward special cause on a cell
    big enough for XmR, borne out by the counts at `fdr` before correction), either way by at
    least `min_ratio`."""
    big_enough = pl.col("p_value").is_not_null() & (
        pl.col("rate_ratio").is_null() | (pl.col("rate_ratio") >= min_ratio)
    )
    by_test = big_enough & (pl.col("q_value") <= fdr)
    by_spc = (
        big_enough
        & pl.col("spc_rise")
        & (pl.col("p_value") <= fdr)
        & (pl.col("before") >= spc_min_mean * BEFORE_QUARTERS)
    )
    reason = (
        pl.when(by_test & by_spc)
        .then(pl.lit("rate_test+spc"))
        .when(by_test)
        .then(pl.lit("rate_test"))
        .otherwise(pl.lit("spc"))
    )
    rising = (
        area_counts.filter(pl.col("excess") > 0)
        .sort(["excess", "area_code"], descending=[True, False])
        .group_by(KEYS, maintain_order=True)
        .agg(areas=pl.col("area_code"))
    )
    window = pl.col("exposure_recent"), pl.col("exposure_before")
    return (
        judged.filter(by_test | by_spc)
        .with_columns(
            reason=reason,
            recent_per_1000=pl.col("recent") / window[0] * PER,
            before_per_1000=pl.col("before") / window[1] * PER,
            signal=pl.concat_str(KEYS, separator="|"),
        )
        .join(rising, on=KEYS, how="left")
        .with_columns(pl.col("areas").fill_null([]))
        .sort(
            ["ci_low", "rate_ratio", "measure", "locality", "grp"],
            descending=[True, True, False, False, False],
            nulls_last=False,
        )
    )


def find_signals(
    cell_frame: pl.DataFrame, area_counts: pl.DataFrame, thresholds: Thresholds = Thresholds()
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Every cell with its test and SPC figures, and the emerging ones ranked."""
    th = thresholds
    judged = _judge(cell_frame, th.trend_len, th.run_len)
    return judged, _ranked_signals(judged, area_counts, th.fdr, th.min_ratio, th.spc_min_mean)


def emerging(
    con: duckdb.DuckDBPyConnection,
    *,
    partnership: str,
    as_at: date,
    thresholds: Thresholds = Thresholds(),
    measures: Sequence[str] = MEASURES,
) -> Emerging:
    """Every cell of the partnership judged as one family, so the false-alarm control does not
    depend on which slice a reader looks at."""
    quarters = quarter_window(as_at)
    areas = area_table(con, partnership)
    counts = event_counts(con, partnership, quarters, measures)
    cell_frame = cells(counts, areas)
    area_counts = area_rises(counts, cell_frame)
    judged, signals = find_signals(cell_frame, area_counts, thresholds)
    return Emerging(as_at, quarters, judged, signals, areas, area_counts)


# --- disclosure control and JSON -----------------------------------------------------------------

SIGNAL_COLUMNS = ["signal", "locality", "grp", "measure", "rate_ratio", "ci_low", "ci_high",
                  "recent", "before", "reason", "areas", "recent_per_1000", "before_per_1000",
                  "base", "p_value", "q_value"]  # fmt: skip


def protect_signals(signals: pl.DataFrame, policy: Policy) -> pl.DataFrame:
    """Counts through disclosure control; a signal whose counts are hidden keeps its place with
    its ratio, interval, rates and p-values hidden too (each would let the counts be worked out)."""
    out = disclosure.protect(signals.select(SIGNAL_COLUMNS), policy, counts=["recent", "before"])
    hidden = pl.col(disclosure.flag("recent")) | pl.col(disclosure.flag("before"))
    return out.with_columns(
        pl.when(hidden).then(None).otherwise(pl.col(c)).alias(c) for c in DERIVED
    )


def signal_records(protected: pl.DataFrame) -> list[dict]:
    """cli.md's signal objects: `domain` in place of `client_group` for outcomes set."""
    records = []
    for row in disclosure.to_records(protected.drop("signal")):
        group = row.pop("grp")
        name = "domain" if row["measure"] == SHARE_MEASURE else "client_group"
        first = {"locality": row.pop("locality"), name: group}
        records.append(first | row)
    return records


def emerging_json(
    con: duckdb.DuckDBPyConnection,
    *,
    partnership: str,
    as_at: date,
    policy: Policy,
    thresholds: Thresholds = Thresholds(),
    measures: Sequence[str] = MEASURES,
) -> dict:
    """`dashboard emerging --as-at D`: the cli.md JSON, signals ranked by the interval's low end."""
    found = emerging(
        con, partnership=partnership, as_at=as_at, thresholds=thresholds, measures=measures
    )
    q = found.quarters
    return {
        "as_at": as_at.isoformat(),
        "partnership": partnership,
        "recent": [q[BEFORE_QUARTERS].label, q[-1].label],
        "before": [q[0].label, q[BEFORE_QUARTERS - 1].label],
        "false_discovery_rate": thresholds.fdr,
        "min_rate_ratio": thresholds.min_ratio,
        "cells_tested": found.cells["p_value"].drop_nulls().len(),
        "signals": signal_records(protect_signals(found.signals, policy)),
    }


# --- words ---------------------------------------------------------------------------------------


def code_label(code: str) -> str:
    """A snake_case code as words ("elderly_frail" → "elderly frail")."""
    return code.replace("_", " ")


def signal_label(measure: str, locality: str, group: str) -> str:
    return t(f"emerging.label_{measure}", group=code_label(group), locality=locality)


def signal_sentence(row: dict) -> str:
    """The planner's sentence for one protected signal row."""
    names = {"group": code_label(row["grp"]), "locality": row["locality"]}
    measure = row["measure"]
    if row["rate_ratio"] is None and row["ci_low"] is None:
        return t(f"emerging.hidden_{measure}", **names)
    if row["rate_ratio"] is None:
        return t(f"emerging.from_none_{measure}", low=row["ci_low"], **names)
    return t(
        f"emerging.sentence_{measure}",
        ratio=row["rate_ratio"],
        low=row["ci_low"],
        high=t("emerging.no_upper") if row["ci_high"] is None else f"{row['ci_high']:.1f}",
        **names,
    )


# --- charts and maps ---------------------------------------------------------------------------


def _y_title(base: str) -> str:
    return t(f"emerging.axis_{base}")


def trend_figure(cell: dict, quarters: Sequence[Period], sentence: str) -> go.Figure | None:
    result = cell_spc(cell["rates"])
    if result is None:
        return None
    return spc_figure(
        result,
        title=sentence,
        y_title=_y_title(cell["base"]),
        dates=[q.label for q in quarters],
        percent=False,
        x_title=t("emerging.axis_quarter"),
    )


def map_deck(area_rows: pl.DataFrame, basemap_url: str | None) -> pdk.Deck:
    """The locality's areas, the rising ones filled darker and outlined thicker (not colour
    alone: the tooltip names each area's counts, already through disclosure control)."""
    rise, other = palette.rgba(palette.DARK_PINK, MAP_ALPHA), palette.rgba(palette.LIGHT_GREY, 120)
    shapes = geometry.display_parts(tuple(area_rows["geometry_wkt"].to_list()))
    rows = area_rows.select("rising", "tooltip", "centroid_lon", "centroid_lat").to_dicts()
    for r in rows:
        r["fill"], r["width"] = (rise, 3) if r.pop("rising") else (other, 1)
    with_polygons = [dict(r, polygon=part) for r, parts in zip(rows, shapes, strict=True)
                     for part in parts]  # fmt: skip
    points = [r for r, parts in zip(rows, shapes, strict=True) if not parts]
    layers = []
    if with_polygons:
        layers.append(
            pdk.Layer(
                "PolygonLayer", with_polygons, get_polygon="polygon", get_fill_color="fill",
                get_line_color=palette.rgba(palette.DARK_GREY), get_line_width="width",
                line_width_units="pixels", pickable=True, stroked=True, filled=True,
            )
        )  # fmt: skip
    if points:
        layers.append(
            pdk.Layer(
                "ScatterplotLayer", points, get_position=["centroid_lon", "centroid_lat"],
                get_fill_color="fill", get_line_color=palette.rgba(palette.DARK_GREY),
                get_line_width="width", line_width_units="pixels", get_radius=6,
                radius_units="pixels", pickable=True, stroked=True,
            )
        )  # fmt: skip
    lat = area_rows["centroid_lat"]
    lon = area_rows["centroid_lon"]
    span = max(float(lat.max() - lat.min()), float(lon.max() - lon.min()), 0.01)
    # Web-mercator zoom z shows about 360 / 2**z degrees across.
    zoom = min(MAX_ZOOM, max(MIN_ZOOM, math.log2(360 / span) - 1))
    view = pdk.ViewState(latitude=float(lat.mean()), longitude=float(lon.mean()), zoom=zoom)
    return pdk.Deck(
        layers=layers,
        initial_view_state=view,
        map_style=basemap_url,
        map_provider="carto" if basemap_url else None,
        tooltip={"text": "{tooltip}"},
    )


# --- the page ------------------------------------------------------------------------------------

# Which table each measure counts, so a page leaves out one the export lacks.
MEASURE_TABLES = {"new_plans": "support_plans", "unmet_requests": "home_care_requests",
                  "outcomes_set": "personal_outcomes"}  # fmt: skip
AREA_SCHEMA = {"signal": pl.String, "area_code": pl.String, "area_name": pl.String,
               "rising": pl.Boolean, "recent": pl.Int64, "before": pl.Int64}  # fmt: skip
TREND_SCHEMA = {"signal": pl.String, "quarter": pl.String, "count": pl.Int64,
                "per_1000": pl.Float64}  # fmt: skip


@dataclass(frozen=True)
class SignalDetail:
    """What the page shows for the chosen signal besides its rows in the tables."""

    key: str
    label: str
    sentence: str
    reason: str
    figure: go.Figure | None
    alt: str
    note: str | None  # why the trend is not drawn
    deck: pdk.Deck
    map_alt: str


def page_as_at(period_end: date, extract: date) -> date:
    """The page looks at the end of the view's period, or the extract date if that is earlier."""
    return min(period_end, extract)


def _shown(signals: pl.DataFrame, filters: Filters) -> pl.DataFrame:
    """The view's locality and client group pick the signals shown (outcome domains have no
    client group, so they are left out when one is chosen); the family tested stays whole."""
    if filters.locality is not None:
        signals = signals.filter(pl.col("locality") == filters.locality)
    if filters.client_group is not None:
        signals = signals.filter(
            (pl.col("measure") != SHARE_MEASURE) & (pl.col("grp") == filters.client_group)
        )
    return signals


def _area_rows(found: Emerging, signal: dict, policy: Policy) -> pl.DataFrame:
    """The signal's locality area by area plus its total row, through disclosure control (the
    total is the signal's own count, so one area's small count cannot be worked out from it),
    with the map's tooltip text."""
    mine = found.area_counts.join(pl.DataFrame({k: [signal[k]] for k in KEYS}), on=KEYS).select(
        "area_code", "recent", "before"
    )
    local = (
        found.areas.filter(pl.col("locality") == signal["locality"])
        .join(mine, on="area_code", how="left")
        .with_columns(
            pl.col("recent", "before").fill_null(0),
            rising=pl.col("area_code").is_in(signal["areas"]),
            is_total=pl.lit(False),
        )
    )
    total = {"area_name": t("emerging.locality_total", locality=signal["locality"]),
             "recent": signal["recent"], "before": signal["before"], "rising": False,
             "is_total": True}  # fmt: skip
    both = pl.concat([local, pl.DataFrame([total])], how="diagonal_relaxed")
    protected = disclosure.protect(both, policy, counts=["recent", "before"], total_flag="is_total")
    shown = disclosure.display(protected.select("recent", "before", "^.*__suppressed$"), policy)
    tips = [
        t("emerging.tooltip", area=name, recent=r, before=b)
        for name, r, b in zip(protected["area_name"], shown["recent"], shown["before"], strict=True)
    ]
    return protected.with_columns(tooltip=pl.Series(tips), signal=pl.lit(signal["signal"]))


def _trend_rows(cell: dict, quarters: Sequence[Period], policy: Policy) -> pl.DataFrame:
    frame = pl.DataFrame(
        {"signal": cell["signal"], "quarter": [q.label for q in quarters],
         "count": cell["counts"], "per_1000": cell["rates"]},
        schema=TREND_SCHEMA,
    )  # fmt: skip
    return disclosure.protect(frame, policy, counts=["count"])


def _detail(
    found: Emerging, exact_row: dict, row: dict, policy: Policy, basemap_url: str | None
) -> tuple[SignalDetail, pl.DataFrame, pl.DataFrame | None]:
    """One signal's detail, its area rows and (when safe to show) its quarterly series rows."""
    cell = found.cells.join(pl.DataFrame({k: [row[k]] for k in KEYS}), on=KEYS).row(0, named=True)
    cell["signal"] = row["signal"]
    q = found.quarters
    label = signal_label(row["measure"], row["locality"], row["grp"])
    sentence = signal_sentence(row)
    small = policy.controlled and any(policy.is_small(n) for n in cell["counts"])
    figure = None if small else trend_figure(cell, q, sentence)
    areas = _area_rows(found, exact_row, policy)
    rising = areas.filter(pl.col("rising"))["area_name"].to_list()
    detail = SignalDetail(
        key=row["signal"], label=label, sentence=sentence,
        reason=t(f"emerging.reason_{row['reason'].replace('+', '_')}"),
        figure=figure,
        alt=t("emerging.trend_alt", label=label, first=q[0].label, last=q[-1].label,
              unit=_y_title(row["base"])),
        note=t("disclosure.series_hidden", threshold=policy.threshold) if small else None,
        deck=map_deck(areas.filter(~pl.col("is_total")), basemap_url),
        map_alt=t("emerging.map_alt", locality=row["locality"],
                  areas=", ".join(rising) or t("emerging.no_areas")),
    )  # fmt: skip
    trend = None if figure is None else _trend_rows(cell, q, policy)
    return detail, areas, trend


def _signals_table(protected: pl.DataFrame, details: list[SignalDetail]) -> pl.DataFrame:
    """The ranked signals as a page table: words for codes, areas as text, the sentence."""
    words = {m: t(f"emerging.measure_{m}") for m in MEASURES}
    return (
        protected.with_columns(
            pl.col("grp").str.replace_all("_", " "),
            pl.col("measure").replace_strict(words),
            pl.col("areas").list.join(", "),
            reason=pl.Series([d.reason for d in details], dtype=pl.String),
            sentence=pl.Series([d.sentence for d in details], dtype=pl.String),
        )
        .rename({"grp": "group"})
        .drop("signal")
    )


def build(export: Export, settings: Settings, view: View) -> PageData:
    """Signals ranked by the low end of their interval, each with its sentence, trend and map."""
    policy = policy_for(settings)
    as_at = page_as_at(view.p.end, export.extract_date)
    measures = [m for m in MEASURES if export.present(MEASURE_TABLES[m])]
    found = emerging(
        export.cursor(), partnership=view.partnership, as_at=as_at,
        thresholds=Thresholds.of(settings), measures=measures,
    )  # fmt: skip
    q = found.quarters
    page = PageData("emerging-needs", view)
    page.sentences.append(
        t("emerging.window", as_at=as_at.isoformat(), recent_first=q[BEFORE_QUARTERS].label,
          recent_last=q[-1].label, before_first=q[0].label,
          before_last=q[BEFORE_QUARTERS - 1].label)
    )  # fmt: skip
    page.sentences.append(
        t("emerging.method", min_ratio=settings.emerging_min_ratio, fdr=settings.emerging_fdr,
          cells=found.cells["p_value"].drop_nulls().len())
    )  # fmt: skip
    if "unmet_requests" not in measures:
        page.sentences.append(t("emerging.no_requests"))
    if view.filters.service_type is not None or view.filters.sds_option is not None:
        page.sentences.append(t("emerging.filters_not_used"))
    raw = _shown(found.signals, view.filters)
    protected = protect_signals(raw, policy)
    if not raw.height:
        page.sentences.append(t("emerging.none"))
    parts = [
        _detail(found, exact_row, row, policy, settings.basemap_url)
        for exact_row, row in zip(
            raw.iter_rows(named=True), protected.iter_rows(named=True), strict=True
        )
    ]
    details = [d for d, _, _ in parts]
    page.tables["signals"] = _signals_table(protected, details)
    area_cols = [*AREA_SCHEMA, disclosure.flag("recent"), disclosure.flag("before")]
    page.tables["areas"] = pl.concat(
        [disclosure.protect(pl.DataFrame(schema=AREA_SCHEMA), policy, counts=["recent", "before"])]
        + [a.filter(~pl.col("is_total")).select(area_cols) for _, a, _ in parts]
    )
    page.tables["trends"] = pl.concat(
        [disclosure.protect(pl.DataFrame(schema=TREND_SCHEMA), policy, counts=["count"])]
        + [trend for _, _, trend in parts if trend is not None]
    )
    page.charts["signals"] = details
    page.definitions = [
        (t("emerging.def_rate_term"), t("emerging.def_rate")),
        (t("emerging.def_ratio_term"), t("emerging.def_ratio")),
        (t("emerging.def_signal_term"),
         t("emerging.def_signal", fdr=settings.emerging_fdr, min_ratio=settings.emerging_min_ratio)),
    ]  # fmt: skip
    return page
