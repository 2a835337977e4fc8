"""The board pack (issue 12): the headline figures as a paper a board can circulate and read.

Board members read papers, not dashboards. The pack gathers what the pages show, from the same page
functions and through the same disclosure control, always for a board audience whatever the
settings say: a pack is a publication. This module assembles the content (sentences, protected
tables as screen text, Plotly charts with their text alternatives); `dashboard.report_html` lays it
out as one self-contained HTML document and prints it to PDF. Figures the pack adds are defined in
docs/board-pack.md.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import plotly.graph_objects as go
import polars as pl
import shapely
from markupsafe import Markup

from dashboard.core import disclosure, palette
from dashboard.core.disclosure import Policy
from dashboard.core.errors import UserError
from dashboard.core.framework import Indicator, load_framework
from dashboard.core.page import PageData, View, policy_for, whole_partnership
from dashboard.core.periods import quarters_in
from dashboard.core.settings import Settings
from dashboard.core.strings import t
from dashboard.emerging import emerging_needs
from dashboard.extract.export import Export
from dashboard.extract.filters import series_window
from dashboard.extract.validation import Report
from dashboard.outcomes import national_outcomes, outcome_trends
from dashboard.outcomes.attainment import label_periods
from dashboard.outcomes.indicators import indicator_series, indicator_values
from dashboard.quality import data_quality
from dashboard.report.html import print_pdf, render_html
from dashboard.spc.chart import spc_figure
from dashboard.spc.icons import assurance_icon, svg, variation_icon
from dashboard.spc.series import Rules, from_first, judge
from dashboard.spc.xmr import SpcResult, format_value, latest, reading
from dashboard.spend import spend
from dashboard.zones import zone_map as zone_pages

# Indicators drawn as SPC charts beside overall attainment: the count-based ones a board asks
# about first (spend has its own chart in the spend section).
DEFAULT_INDICATORS = ("no2_intensive_at_home", "no3_choice_control", "no8_staffing_handbacks")
DEFAULT_TOP_SIGNALS = 5  # emerging-need signals listed
DEFAULT_CAUTION_SHARE = 0.01  # a section whose tables had more rows set aside than this: caution
CHART_WIDTH_PX = 680  # an A4 page's text width at 96 px an inch, less a little
CHART_HEIGHT_PX = 290
MAP_HEIGHT_PX = 520
ZONE_PATTERNS = ("", "/", ".", "x", "-", "|", "+", "\\")  # never colour alone on the map

# The tables each section's figures rest on, for the data quality note.
SECTION_TABLES: dict[str, tuple[str, ...]] = {
    "national_outcomes": ("areas", "people", "support_plans", "personal_outcomes",
                          "outcome_reviews", "providers", "handbacks", "budget_spend"),
    "trends": ("areas", "people", "support_plans", "personal_outcomes", "outcome_reviews"),
    "coverage": ("areas", "people", "support_plans", "personal_outcomes", "outcome_reviews"),
    "emerging": ("areas", "people", "support_plans", "home_care_requests", "personal_outcomes"),
    "spend": ("areas", "people", "support_plans", "budget_spend", "providers"),
    "zones": ("areas", "people", "support_plans", "home_care_requests", "handbacks",
              "home_care_lots", "budget_spend"),
}  # fmt: skip
SPC_UNITS = {"rate": "%"}  # an indicator unit shown as a percentage; others as plain numbers


# --- the content model ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    """A table as it is printed: column labels, rows of screen text (the first cell heads its row),
    and the protected frame it came from, so tests can check what was shown."""

    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str | Markup, ...], ...]
    source: pl.DataFrame | None = None


@dataclass(frozen=True)
class Chart:
    title: str  # states the finding; printed as a heading, where long titles wrap
    figure: go.Figure
    alt: str  # the text alternative: states what the chart shows
    reading: str | None = None  # the one-sentence SPC reading
    notes: tuple[str, ...] = ()
    icons: tuple[str, ...] = ()  # spc_icons names


@dataclass
class Section:
    key: str
    heading: str
    sentences: list[str] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    trust: str | None = None  # how far to trust it, from the data quality note


@dataclass
class BoardPack:
    partnership: str
    period: str
    extract_date: date
    generated_on: date
    summary: list[str]
    sections: list[Section]
    definitions: list[tuple[str, str]]
    disclosure_rule: str
    threshold: int

    @property
    def title(self) -> str:
        return t("board_pack.title", partnership=self.partnership, period=self.period)


# --- tables --------------------------------------------------------------------------------------


def table(
    df: pl.DataFrame,
    policy: Policy,
    columns: Mapping[str, str],
    caption: str,
    *,
    percent: Sequence[str] | None = None,
    icons: Mapping[str, Sequence[Markup]] | None = None,
) -> Table:
    """A protected frame as printed text ("<5" where hidden), `columns` mapping column → label.
    `icons` adds a column of inline SVG icons (our own markup, never data) labelled by its key."""
    shown = disclosure.display(df, policy, percent=percent)
    rows = [tuple(r[c] for c in columns) for r in shown.iter_rows(named=True)]
    header = tuple(columns.values())
    if icons:
        ((label, marks),) = icons.items()
        header += (label,)
        rows = [(*r, m) for r, m in zip(rows, marks, strict=True)]
    return Table(caption, header, tuple(rows), df)


def _icon_markup(names: Sequence[str | None]) -> Markup:
    return Markup(" ".join(svg(n, size=24) for n in names if n))


# --- charts --------------------------------------------------------------------------------------


def chart(
    figure: go.Figure, alt: str, reading: str | None = None, notes: Sequence[str | None] = (),
    icons: Sequence[str | None] = (), height: int = CHART_HEIGHT_PX,
) -> Chart:  # fmt: skip
    """A figure ready to print: its title lifted out to be a heading (Plotly does not wrap a long
    title), and a fixed size, so it fits the page's text width whatever the window was."""
    title = figure.layout.title.text or ""
    printed = go.Figure(figure).update_layout(
        title=None, width=CHART_WIDTH_PX, height=height, autosize=False,
        margin={"l": 60, "r": 20, "t": 20, "b": 40},
        font={"family": "Arial, Helvetica, sans-serif", "size": 11},
    )  # fmt: skip
    return Chart(title, printed, alt, reading, tuple(n for n in notes if n),
                 tuple(i for i in icons if i))  # fmt: skip


def _attainment_chart(trends: PageData) -> tuple[Chart | None, str | None]:
    trend = trends.rate
    if trend.figure is None:
        return None, trend.note
    return chart(
        trend.figure, trend.alt, trend.reading, (trend.note, *trend.warnings),
        (trend.variation_icon, trend.assurance_icon),
    ), None  # fmt: skip


def chart_title(result: SpcResult, measure: str, unit: str, periods: Sequence[str]) -> str:
    """A title that states the finding: the latest settled value and whether it is a signal."""
    point = latest(result)
    if point is None:
        return measure
    kind = "no_limits" if point["upl"] is None else point["variation"]
    return t(f"board_pack.chart_title_{kind}", measure=measure, period=periods[point["index"]],
             value=format_value(point["value"], unit))  # fmt: skip


def _indicator_chart(
    indicator: Indicator,
    monthly: pl.DataFrame,
    quarterly: pl.DataFrame,
    settings: Settings,
    policy: Policy,
) -> tuple[Chart | None, str | None]:
    """One indicator's XmR chart at the finest grain disclosure allows (as the outcome trends page
    draws attainment), judged as the national outcomes page judges its icons."""
    grain, frame, note = disclosure.series_grain(
        from_first(monthly), from_first(quarterly), policy, denominator="denominator",
        numerator="numerator",
    )  # fmt: skip
    if frame is None:
        return None, t("board_pack.indicator_hidden", indicator=indicator.label, note=note)
    drawn = frame.filter(pl.col("value").is_not_null()).sort("p")
    if drawn.is_empty():
        return None, t("board_pack.indicator_empty", indicator=indicator.label)
    direction = indicator.spc_direction
    result = judge(
        drawn, "value", Rules.of(settings), direction=direction,
        target=None if direction == "neutral" else settings.targets.get(indicator.id),
    )  # fmt: skip
    unit = SPC_UNITS.get(indicator.unit, "")
    periods = t(f"outcome_pages.periods_{grain}")
    latest_period = drawn["period"][-1]
    figure = spc_figure(
        result,
        title=chart_title(result, indicator.label, unit, drawn["period"].to_list()),
        y_title=t(f"board_pack.unit_{indicator.unit}"),
        dates=drawn["period"].to_list(),
        percent=unit == "%",
        x_title=t(f"outcome_pages.axis_{grain}"),
    )
    alt = t("board_pack.alt_indicator", indicator=indicator.label, n=drawn.height, periods=periods,
            first=drawn["period"][0], last=latest_period)  # fmt: skip
    return chart(
        figure, alt, reading(result, indicator.label, unit, periods),
        (note, *(w.message for w in result.warnings)),
        (variation_icon(result), assurance_icon(result)),
    ), None  # fmt: skip


def indicator_charts(
    export: Export,
    settings: Settings,
    view: View,
    policy: Policy,
    *,
    indicators: Sequence[str] = DEFAULT_INDICATORS,
) -> tuple[list[Chart], list[str]]:
    """The headline indicators' SPC charts, and a sentence for each one that cannot be drawn."""
    con = export.cursor()
    framework = load_framework(settings.framework_file)
    start = series_window(export, view.p.end, settings.series_months)
    common = {"filters": view.filters, "framework_file": settings.framework_file}
    monthly = indicator_series(
        con, partnership=view.partnership, start=start, end=view.p.end,
        extract_date=export.extract_date, lag_weeks=settings.run_out_lag_weeks, **common,
    )  # fmt: skip
    quarters = quarters_in(start, view.p.end)
    quarterly = label_periods(
        indicator_values(con, partnerships=[view.partnership], periods=quarters,
                         as_ats=[q.end for q in quarters], **common),
        quarters,
    ).with_columns(provisional=pl.lit(False))  # fmt: skip
    charts, notes = [], []
    for indicator_id in indicators:
        pick = pl.col("indicator_id") == indicator_id
        drawn, note = _indicator_chart(
            framework.indicator(indicator_id), monthly.filter(pick), quarterly.filter(pick),
            settings, policy,
        )  # fmt: skip
        charts += [drawn] if drawn else []
        notes += [note] if note else []
    return charts, notes


def _fill(hex_colour: str, alpha: int) -> str:
    r, g, b, a = palette.rgba(hex_colour, alpha)
    return f"rgba({r},{g},{b},{a / 255:.2f})"


def _lat_stretch(lats: Sequence[float]) -> float:
    """How much longer a degree of latitude is drawn than one of longitude, so that shapes keep
    their proportions: 1 ÷ cos(mean latitude)."""
    return 1 / math.cos(math.radians(sum(lats) / len(lats))) if lats else 1.0


def zone_map(outlines: Mapping, option: str) -> Chart:
    """A static map of the option's zones: each zone's merged outline filled with its own colour
    and pattern and labelled with its name (no tiles, so nothing is fetched from the internet)."""
    figure = go.Figure()
    drawn, missing, lats = [], [], []
    for k, feature in enumerate(outlines["features"]):
        zone = feature["properties"]["zone"]
        if feature["geometry"] is None:
            missing.append(zone)
            continue
        shape = shapely.geometry.shape(feature["geometry"])
        xs, ys = [], []
        for part in shapely.get_parts(shape):
            lon, lat = part.exterior.coords.xy
            xs += [*lon, None]
            ys += [*lat, None]
        colour = palette.CATEGORICAL[k % len(palette.CATEGORICAL)]
        figure.add_trace(
            go.Scatter(
                x=xs, y=ys, mode="lines", fill="toself", name=zone, hoverinfo="skip",
                fillcolor=_fill(colour, 150), line={"color": palette.DARK_GREY, "width": 1},
                fillpattern={"shape": ZONE_PATTERNS[k % len(ZONE_PATTERNS)],
                             "fgcolor": palette.DARK_GREY, "fgopacity": 0.5},
            )
        )  # fmt: skip
        label = shape.representative_point()
        figure.add_trace(
            go.Scatter(
                x=[label.x], y=[label.y], mode="text", text=[f"<b>{zone}</b>"], showlegend=False,
                hoverinfo="skip", textfont={"color": "#000000", "size": 12},
            )
        )  # fmt: skip
        drawn.append(t("board_pack.map_zone", zone=zone, areas=feature["properties"]["areas"]))
        lats.append(label.y)
    title = t("board_pack.map_title", option=option, zones=len(drawn) + len(missing))
    figure.update_layout(
        title={"text": title}, plot_bgcolor="#ffffff", xaxis={"visible": False},
        yaxis={"visible": False, "scaleanchor": "x", "scaleratio": _lat_stretch(lats)},
        legend={"title": {"text": t("board_pack.map_legend")}},
    )  # fmt: skip
    alt = t("board_pack.alt_map", option=option, zones=len(drawn), list="; ".join(drawn))
    notes = (t("board_pack.map_missing", zones=", ".join(missing)),) if missing else ()
    return chart(figure, alt, notes=notes, height=MAP_HEIGHT_PX)


# --- sections ------------------------------------------------------------------------------------


def _cols(*names: str, **keys: str) -> dict[str, str]:
    """Column → its printed label, from the strings file (`keys`: a column's own label key, where
    one column name means different things in different tables)."""
    return {n: t(f"board_pack.col_{keys.get(n, n)}") for n in names}


def _national_section(page: PageData, policy: Policy) -> Section:
    indicators = page.tables["indicators"].with_columns(
        pl.concat_str(pl.col("national_outcome").cast(pl.String), pl.lit(" "), "outcome")
        .alias("outcome")
    )  # fmt: skip
    icons = [
        _icon_markup([page.icons[i].variation, page.icons[i].assurance])
        for i in indicators["indicator_id"]
    ]
    printed = table(
        indicators, policy,
        _cols("outcome", "indicator", "value", "year_earlier", "peer_average", "target", "gap",
              "summary"),
        t("board_pack.caption_national", period=page.view.period),
        icons={t("board_pack.col_icons"): icons},
    )  # fmt: skip
    sentences = [*page.sentences, t("board_pack.national_icons")]
    if indicators["provisional"].any():
        sentences.append(t("figures.provisional"))
    return Section("national_outcomes", t("board_pack.heading_national"), sentences,
                   tables=[printed])  # fmt: skip


def _trends_section(trends: PageData, charts: list[Chart], notes: list[str]) -> Section:
    attainment, hidden = _attainment_chart(trends)
    section = Section("trends", t("board_pack.heading_trends"), [t("board_pack.trends_intro")])
    section.charts = ([attainment] if attainment else []) + charts
    section.sentences += [n for n in (hidden, *notes) if n]
    return section


def _coverage_section(trends: PageData, policy: Policy) -> Section:
    frame = trends.tables["breakdown_national_outcome"]
    printed = table(
        frame, policy, _cols("group", "due", "reviewed", "coverage", "denominator", "met", "rate"),
        t("board_pack.caption_coverage", period=trends.view.period),
    )  # fmt: skip
    return Section("coverage", t("board_pack.heading_coverage"),
                   [*trends.sentences[1:], t("board_pack.coverage_why")], tables=[printed])  # fmt: skip


def _emerging_section(page: PageData, policy: Policy, top: int) -> Section:
    signals = page.tables["signals"].head(top)
    section = Section("emerging", t("board_pack.heading_emerging"), list(page.sentences))
    if signals.height:
        section.sentences.append(
            t("board_pack.emerging_top", shown=signals.height, n=page.tables["signals"].height)
        )
        section.sentences += signals["sentence"].to_list()
        section.tables.append(
            table(
                signals, policy,
                _cols("locality", "group", "measure", "recent", "before", "rate_ratio", "ci_low",
                      "ci_high", group="client_group"),
                t("board_pack.caption_emerging"), percent=[],
            )
        )  # fmt: skip
    return section


def _spend_section(page: PageData, policy: Policy) -> Section:
    section = Section("spend", t("board_pack.heading_spend"), list(page.sentences))
    if not page.tables:
        return section
    utilisation = page.utilisation
    if utilisation.figure is None:
        section.sentences.append(utilisation.alt)
    else:
        section.charts.append(chart(utilisation.figure, utilisation.alt, notes=(utilisation.note,)))
    section.tables.append(
        table(
            page.tables["spend_by_service_type"], policy,
            _cols("group", "people", "spend", "budget", "utilisation", group="service_type"),
            t("board_pack.caption_spend", period=page.view.period),
        )
    )  # fmt: skip
    section.tables.append(
        table(
            page.tables["value_by_service_type"], policy,
            _cols("group", "met", "denominator", "attainment", "weekly_cost", group="service_type"),
            t("board_pack.caption_value", period=page.view.period),
        )
    )  # fmt: skip
    return section


def _zones_section(
    export: Export, settings: Settings, view: View, policy: Policy, option: Path
) -> Section:
    """The zoning option as the zone compare page shows it: its map, its zones and its summary."""
    inputs = zone_pages.zone_inputs(export, settings, view)
    assignment = zone_pages.load_option(option, inputs)
    shown = zone_pages.option_view(inputs, assignment, policy, name=option.stem)
    yes_no = {True: t("board_pack.yes"), False: t("board_pack.no")}
    zones_frame = shown.zones.with_columns(
        pl.col("contiguous").replace_strict(yes_no, default=None)
    )
    section = Section(
        "zones", t("board_pack.heading_zones", option=option.stem),
        [t("board_pack.zones_intro", option=option.stem, as_at=inputs.as_at)],
        charts=[zone_map(shown.outlines, option.stem)],
    )  # fmt: skip
    if shown.no_zone:
        section.sentences.append(t("board_pack.zones_no_zone", n=len(shown.no_zone)))
    section.tables = [
        table(zones_frame, policy,
              _cols("zone", "areas", "people", "weekly_hours", "unmet_requests", "handbacks_12m",
                    "rural_share", "travel_km", "contiguous"),
              t("board_pack.caption_zones", option=option.stem, as_at=inputs.as_at)),
        table(shown.summary, policy,
              _cols("option", "zones", "cv_hours", "max_min_ratio", "smallest_hours",
                    "non_contiguous", "people_changing_lot", "areas_in_no_zone"),
              t("board_pack.caption_option", option=option.stem)),
    ]  # fmt: skip
    return section


# --- how far to trust each section ---------------------------------------------------------------


def section_trust(
    report: Report, tables: Sequence[str], caution_share: float = DEFAULT_CAUTION_SHARE
) -> dict:
    """How far a section's figures can be trusted, from what validation found in the tables they
    rest on: `unusable` (a table could not be used), `partial` (an optional table is absent),
    `caution` (more than `caution_share` of their rows were set aside), else `good`."""
    unusable = [n for n in tables if n in report.unusable_tables]
    absent = [n for n in tables if n in report.absent]
    rows = sum(report.tables[n].rows for n in tables if n in report.tables)
    set_aside = sum(report.tables[n].set_aside for n in tables if n in report.tables)
    if unusable:
        judgement = "unusable"
    elif absent:
        judgement = "partial"
    elif rows and set_aside / rows > caution_share:
        judgement = "caution"
    else:
        judgement = "good"
    return {"judgement": judgement, "rows": rows, "set_aside": set_aside,
            "missing": ", ".join(unusable or absent)}  # fmt: skip


def _trust_sentence(trust: dict, caution_share: float) -> str:
    return t(f"board_pack.trust_{trust['judgement']}", tables=trust["missing"],
             share=caution_share)  # fmt: skip


def _quality_section(
    page: PageData, sections: Sequence[Section], policy: Policy, trusts: Mapping[str, dict],
    caution_share: float,
) -> Section:  # fmt: skip
    frame = pl.DataFrame(
        [{"section": s.heading, "judgement": t(f"board_pack.judgement_{trusts[s.key]['judgement']}"),
          "rows": trusts[s.key]["rows"], "set_aside": trusts[s.key]["set_aside"]}
         for s in sections if s.key in trusts],
        schema={"section": pl.String, "judgement": pl.String, "rows": pl.Int64,
                "set_aside": pl.Int64},
        orient="row",
    )  # fmt: skip
    frame = frame.with_columns(
        pl.when(pl.col("rows") > 0).then(pl.col("set_aside") / pl.col("rows")).alias("share")
    )
    protected = disclosure.protect(
        frame, policy, counts=["rows", "set_aside"], rates={"share": ("set_aside", "rows")}
    )
    section = Section("quality", t("board_pack.heading_quality"),
                      [t("board_pack.quality_intro", share=caution_share), *page.sentences])  # fmt: skip
    section.tables = [
        table(protected, policy, _cols("section", "judgement", "rows", "set_aside", "share"),
              t("board_pack.caption_trust")),
        table(page.tables["tables"], policy, _cols("table", "status", "rows", "set_aside"),
              t("board_pack.caption_tables")),
        table(page.tables["data_gaps"].rename({"gap": "data_gap"}), policy,
              _cols("data_gap", "with_gap", "total", "share"),
              t("board_pack.caption_gaps")),
    ]  # fmt: skip
    return section


# --- the pack ------------------------------------------------------------------------------------


def _tally(icons: Mapping) -> str:
    """How many indicators' latest points show a special cause, by kind."""
    kinds = [i.variation.rsplit("_", 1)[0] for i in icons.values() if i.variation]
    return t("board_pack.summary_icons", n=len(icons), improvement=kinds.count("improvement"),
             concern=kinds.count("concern"), neutral=kinds.count("neutral"))  # fmt: skip


def _summary(
    pack_view: View, extract: date, national: PageData, trends: PageData, spend: PageData,
    emerging: PageData, sections: Sequence[Section], trusts: Mapping[str, dict],
) -> list[str]:  # fmt: skip
    """The first page in plain words: each headline figure once, pointing to its section."""
    out = [t("board_pack.summary_intro", partnership=pack_view.partnership,
             period=pack_view.period, extract=extract.isoformat())]  # fmt: skip
    out += trends.sentences
    attainment, _ = _attainment_chart(trends)
    if attainment is not None and attainment.reading:
        out.append(attainment.reading)
    out.append(_tally(national.icons))
    out += spend.sentences[:1]
    n = emerging.tables["signals"].height
    out.append(t("board_pack.summary_signals", n=n) if n else t("board_pack.summary_no_signals"))
    zones = next((s for s in sections if s.key == "zones"), None)
    if zones is not None:
        out.append(zones.sentences[0])
    doubtful = [s.heading for s in sections if trusts.get(s.key, {}).get("judgement", "good")
                != "good"]  # fmt: skip
    out.append(t("board_pack.summary_quality_some", sections="; ".join(doubtful)) if doubtful
               else t("board_pack.summary_quality_good"))  # fmt: skip
    return out


def _definitions(*pages: PageData) -> list[tuple[str, str]]:
    """Every page's definitions and the pack's own, each term once (first wording wins)."""
    own = [(t(f"board_pack.def_{k}_term"), t(f"board_pack.def_{k}")) for k in ("trust", "charts")]
    seen: dict[str, str] = {}
    for term, text in [d for p in pages for d in p.definitions] + own:
        seen.setdefault(term, text)
    return list(seen.items())


def board_pack(
    export: Export,
    settings: Settings,
    *,
    partnership: str,
    period: str,
    option: Path | None = None,
    generated_on: date | None = None,
    indicators: Sequence[str] = DEFAULT_INDICATORS,
    top_signals: int = DEFAULT_TOP_SIGNALS,
    caution_share: float = DEFAULT_CAUTION_SHARE,
) -> BoardPack:
    """The pack's content for one partnership and period, always for a board audience.

    The pack is for the whole partnership: the app's filters do not apply to it."""
    settings = dataclasses.replace(settings, audience="board")
    policy = policy_for(settings)
    view = View(partnership, period)
    national = national_outcomes.build(export, settings, view)
    trends = outcome_trends.build(export, settings, view)
    charts, notes = indicator_charts(export, settings, view, policy, indicators=indicators)
    spending = spend.build(export, settings, view)
    emerging = emerging_needs.build(export, settings, view)
    quality = data_quality.build(export, settings, view)
    sections = [
        _national_section(national, policy),
        _trends_section(trends, charts, notes),
        _coverage_section(trends, policy),
        _emerging_section(emerging, policy, top_signals),
        _spend_section(spending, policy),
    ]
    pages = [national, trends, spending, emerging, quality]
    if option is not None:
        sections.append(_zones_section(export, settings, view, policy, option))
        pages.insert(-1, PageData("zones", view, definitions=zone_pages.zone_definitions()))
    trusts = {s.key: section_trust(export.report, SECTION_TABLES[s.key], caution_share)
              for s in sections}  # fmt: skip
    for s in sections:
        s.trust = _trust_sentence(trusts[s.key], caution_share)
    summary = _summary(view, export.extract_date, national, trends, spending, emerging, sections,
                       trusts)  # fmt: skip
    sections.append(_quality_section(quality, sections, policy, trusts, caution_share))
    return BoardPack(
        partnership=partnership,
        period=period,
        extract_date=export.extract_date,
        generated_on=generated_on or date.today(),
        summary=summary,
        sections=sections,
        definitions=_definitions(*pages),
        disclosure_rule=disclosure.rule_text(policy),
        threshold=policy.threshold,
    )


@whole_partnership
def build(export: Export, settings: Settings, view: View) -> PageData:
    """The pack's summary and every table it prints, as `dashboard page board-pack` shows them."""
    pack = board_pack(export, settings, partnership=view.partnership, period=view.period)
    page = PageData("board-pack", view, sentences=pack.summary, definitions=pack.definitions)
    for section in pack.sections:
        for n, printed in enumerate(section.tables, start=1):
            page.tables[f"{section.key}_{n}"] = printed.source
    return page


def build_board_pack(
    export: Export,
    settings: Settings,
    *,
    partnership: str,
    period: str,
    option: Path | None = None,
    out: Path,
    generated_on: date | None = None,
) -> Path:
    """`dashboard board-pack`: the pack written to `out`, a .pdf or a self-contained .html."""
    out = Path(out)
    if out.suffix.lower() not in (".pdf", ".html"):
        raise UserError(t("board_pack.bad_out", out=out))
    pack = board_pack(export, settings, partnership=partnership, period=period, option=option,
                      generated_on=generated_on)  # fmt: skip
    html = render_html(pack)
    if out.suffix.lower() == ".html":
        out.write_text(html, encoding="utf-8")
        return out
    return print_pdf(html, out, pack)
