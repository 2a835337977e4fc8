"""The emerging needs page: signals ranked by the low end of their interval, each with its
sentence, its quarterly trend and its locality's areas on a map.

The signals come from `signals` (every cell judged as one family, exact), are put through
disclosure control here with their areas and trends, and are drawn by `charts`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date

import plotly.graph_objects as go
import polars as pl
import pydeck as pdk

from dashboard.core import disclosure, formats
from dashboard.core.disclosure import Policy
from dashboard.core.page import Filters, PageData, View, policy_for
from dashboard.core.periods import Period
from dashboard.core.settings import Settings
from dashboard.core.strings import t
from dashboard.emerging.charts import map_deck, trend_figure, y_title
from dashboard.emerging.demography import projection
from dashboard.emerging.heat import heat_figure, projection_sentences, ratio_grid
from dashboard.emerging.signals import (
    WATCH_MAX,
    Emerging,
    Thresholds,
    emerging,
    history_range,
    protect_signals,
)
from dashboard.emerging.stats import KEYS, MEASURES, RECENT_QUARTERS, SHARE_MEASURE
from dashboard.emerging.why import WHY_SCHEMA, for_reader, mix, mix_sentences, protect_mix, waits
from dashboard.extract.export import Export

# Which table each measure counts, so a page leaves out one the export lacks.
MEASURE_TABLES = {"new_plans": "support_plans", "unmet_requests": "home_care_requests",
                  "outcomes_set": "personal_outcomes"}  # fmt: skip
AREA_SCHEMA = {"signal": pl.String, "area_code": pl.String, "area_name": pl.String,
               "rising": pl.Boolean, "recent": pl.Int64, "before": pl.Int64}  # fmt: skip
TREND_SCHEMA = {"signal": pl.String, "quarter": pl.String, "count": pl.Int64,
                "per_1000": pl.Float64}  # fmt: skip


def code_label(code: str) -> str:
    """A code as its label, lower-cased to sit mid-sentence ("elderly_frail" → "older people
    (frail)", "seeing_people" → "seeing people"), from core/formats."""
    words = formats.label(code)
    return words[:1].lower() + words[1:]


def signal_label(measure: str, locality: str, group: str) -> str:
    """The signal's name in the page's chooser and in its trend's text alternative."""
    return t(f"emerging.label_{measure}", group=code_label(group), locality=locality)


def signal_sentence(row: dict) -> str:
    """The planner's sentence for one protected signal row: counts a year against the years before,
    the count expected had nothing changed, the ratio and its interval."""
    names = {"group": code_label(row["grp"]), "locality": row["locality"]}
    measure = row["measure"]
    if row["rate_ratio"] is None and row["ci_low"] is None:
        return t(f"emerging.hidden_{measure}", **names)
    if row["rate_ratio"] is None:
        return t(f"emerging.from_none_{measure}", low=row["ci_low"], recent=row["recent"], **names)
    return t(
        f"emerging.sentence_{measure}",
        ratio=row["rate_ratio"],
        low=row["ci_low"],
        high=t("emerging.no_upper") if row["ci_high"] is None else f"{row['ci_high']:.1f}",
        recent=row["recent"],
        before_year=row["before_per_year"],
        expected=row["expected"],
        **names,
    )


def watch_sentence(row: dict) -> str:
    """A watch-list cell in words: its signal sentence, then that it is not yet conclusive."""
    if row["p_value"] is None:  # hidden with its counts
        return t("emerging.watch_hidden", sentence=signal_sentence(row))
    return t("emerging.watch_sentence", sentence=signal_sentence(row), p=row["p_value"])


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
    why: tuple[str, ...] = ()  # what changed inside the signal, in words (`why`)


@dataclass
class EmergingPage(PageData):
    """The signals the view shows, each with what the page draws for it (all protected)."""

    signals: list[SignalDetail] = field(default_factory=list)
    watch: list[str] = field(default_factory=list)  # the watch list in words, strongest first
    watch_note: str = ""  # what the watch list is, or that it is empty
    heatmaps: list[tuple[str, go.Figure | None]] = field(default_factory=list)  # (measure, map)
    projection: list[str] = field(default_factory=list)  # the projection panel in words


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
    q = found.quarters[cell["first_q"] :]
    label = signal_label(row["measure"], row["locality"], row["grp"])
    sentence = signal_sentence(row)
    small = policy.controlled and any(policy.is_small(n) for n in cell["counts"])
    figure = None if small else trend_figure(cell, q, label)
    areas = _area_rows(found, exact_row, policy)
    rising = areas.filter(pl.col("rising"))["area_name"].to_list()
    detail = SignalDetail(
        key=row["signal"], label=label, sentence=sentence,
        reason=t(f"emerging.reason_{row['reason'].replace('+', '_')}"),
        figure=figure,
        alt=t("emerging.trend_alt", label=label, first=q[0].label, last=q[-1].label,
              before=len(q) - RECENT_QUARTERS, unit=y_title(row["base"])),
        note=t("disclosure.series_hidden", threshold=policy.threshold) if small else None,
        deck=map_deck(areas.filter(~pl.col("is_total")), basemap_url),
        map_alt=t("emerging.map_alt", locality=row["locality"],
                  areas=", ".join(rising) or t("emerging.no_areas")),
    )  # fmt: skip
    trend = None if figure is None else _trend_rows(cell, q, policy)
    return detail, areas, trend


def _signals_table(
    protected: pl.DataFrame, reasons: list[str | None], sentences: list[str]
) -> pl.DataFrame:
    """Ranked cells as a page table: words for codes, areas as text, the reason and sentence."""
    words = {m: t(f"emerging.measure_{m}") for m in MEASURES}
    return (
        protected.with_columns(
            pl.col("grp").str.replace_all("_", " "),
            pl.col("measure").replace_strict(words),
            pl.col("areas").list.join(", "),
            reason=pl.Series(reasons, dtype=pl.String),
            sentence=pl.Series(sentences, dtype=pl.String),
        )
        .rename({"grp": "group"})
        .drop("signal")
    )


def build(export: Export, settings: Settings, view: View) -> EmergingPage:
    """Signals ranked by the low end of their interval, each with its sentence, trend and map."""
    policy = policy_for(settings)
    as_at = page_as_at(view.p.end, export.extract_date)
    measures = [m for m in MEASURES if export.present(MEASURE_TABLES[m])]
    found = emerging(
        export.cursor(), partnership=view.partnership, as_at=as_at,
        thresholds=Thresholds.of(settings), measures=measures,
    )  # fmt: skip
    q = found.quarters
    first, last, n_before = history_range(found)
    page = EmergingPage("emerging-needs", view)
    page.sentences.append(
        t("emerging.window", as_at=formats.day(as_at), recent_first=q[-RECENT_QUARTERS].label,
          recent_last=q[-1].label, before_first=first.label, before_last=last.label,
          before=n_before)
    )  # fmt: skip
    page.sentences.append(
        t("emerging.method", min_ratio=settings.emerging_min_ratio, fdr=settings.emerging_fdr,
          cells=found.cells["p_value"].drop_nulls().len(),
          family=int(found.cells["in_family"].sum()))
    )  # fmt: skip
    if found.populations.height:
        page.sentences.append(t("emerging.populations_by_year"))
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
    page.tables["signals"] = _signals_table(
        protected, [d.reason for d in details], [d.sentence for d in details]
    )
    watch = protect_signals(_shown(found.watch, view.filters), policy)
    page.watch = [watch_sentence(row) for row in watch.iter_rows(named=True)]
    page.tables["watch"] = _signals_table(watch, [None] * watch.height, page.watch)
    ratio = settings.emerging_min_ratio
    page.watch_note = (
        t("emerging.watch_intro", min_ratio=ratio, n=WATCH_MAX)
        if page.watch
        else t("emerging.watch_none", min_ratio=ratio)
    )
    area_cols = [*AREA_SCHEMA, disclosure.flag("recent"), disclosure.flag("before")]
    page.tables["areas"] = pl.concat(
        [disclosure.protect(pl.DataFrame(schema=AREA_SCHEMA), policy, counts=["recent", "before"])]
        + [a.filter(~pl.col("is_total")).select(area_cols) for _, a, _ in parts]
    )
    page.tables["trends"] = pl.concat(
        [disclosure.protect(pl.DataFrame(schema=TREND_SCHEMA), policy, counts=["count"])]
        + [trend for _, _, trend in parts if trend is not None]
    )
    page.signals = _with_why(page, found, export, details, policy)
    _where_and_ahead(page, found, measures, policy)
    page.definitions = [
        (t("emerging.def_rate_term"), t("emerging.def_rate")),
        (t("emerging.def_ratio_term"), t("emerging.def_ratio")),
        (t("emerging.def_signal_term"),
         t("emerging.def_signal", fdr=settings.emerging_fdr, min_ratio=settings.emerging_min_ratio)),
    ]  # fmt: skip
    return page


def _where_and_ahead(
    page: EmergingPage, found: Emerging, measures: list[str], policy: Policy
) -> None:
    """The heat map of each measure's rate ratios (whole partnership: it is where to look) and the
    projection panel, with their tables."""
    for measure in measures:
        grid = ratio_grid(found.cells, measure, policy)
        name = t(f"emerging.measure_{measure}")
        page.heatmaps.append((measure, heat_figure(grid, t("emerging.heat_title", measure=name))))
        page.tables[f"heat_{measure}"] = grid.with_columns(
            pl.col("grp").str.replace_all("_", " ")
        ).rename({"grp": "group"})
    table = projection(found.cells, found.areas, found.populations, found.quarters[-1])
    protected, page.projection = projection_sentences(table, policy)
    if not protected.is_empty():
        page.tables["projection"] = protected.with_columns(
            pl.col("grp").str.replace_all("_", " "),
            pl.col("measure").replace_strict({m: t(f"emerging.measure_{m}") for m in MEASURES}),
        ).rename({"grp": "group"})


WHY_MAX = 10  # "why" is worked out for the ten strongest signals shown (two queries each)


def _with_why(page: EmergingPage, found: Emerging, export: Export, details: list[SignalDetail],
              policy: Policy) -> list[SignalDetail]:  # fmt: skip
    """Each of the first WHY_MAX signals with what changed inside it (sentences, and its mix
    table through disclosure control in the page's `why` table)."""
    con, partnership = export.cursor(), page.view.partnership
    out, tables = [], [for_reader(protect_mix(pl.DataFrame(schema=WHY_SCHEMA), policy))]
    for i, detail in enumerate(details):
        if i >= WHY_MAX:
            out.append(detail)
            continue
        keys = dict(zip(KEYS, detail.key.split("|"), strict=True))
        cell = found.cells.join(pl.DataFrame({k: [v] for k, v in keys.items()}), on=KEYS)
        cell = cell.row(0, named=True)
        protected = protect_mix(mix(con, partnership, cell, found.quarters), policy)
        wait = waits(con, partnership, cell, found.quarters, policy)
        sentences = mix_sentences(protected) + ([wait] if wait else [])
        out.append(replace(detail, why=tuple(sentences) or (t("emerging.why_none"),)))
        tables.append(for_reader(protected).with_columns(signal=pl.lit(detail.key)))
    page.tables["why"] = pl.concat(tables, how="diagonal_relaxed")
    return out
