"""The figures behind the two outcome pages: outcome trends (for analysts and boards) and the
national outcomes summary (the board cover).

Counting lives in dashboard.outcomes and dashboard.indicators, judging in dashboard.spc and hiding in
dashboard.disclosure; this module only chooses the periods, asks for each series in one call, and
turns the answers into protected tables, SPC charts, icons and plain sentences. The figures it adds
beyond metrics.md are defined in docs/pages.md.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache

import plotly.graph_objects as go
import polars as pl

from dashboard.core import palette
from dashboard.core.disclosure import Policy, flag, protect, series_grain
from dashboard.core.framework import Framework, load_framework
from dashboard.core.intervals import wilson
from dashboard.core.page import PageData, View, policy_for
from dashboard.core.settings import Settings
from dashboard.core.strings import t
from dashboard.extract.export import Export
from dashboard.extract.filters import series_window
from dashboard.outcomes.attainment import (
    Grain,
    attainment,
    attainments,
    distance_travelled,
    series_periods,
    split_periods,
)
from dashboard.spc.chart import spc_figure
from dashboard.spc.icons import assurance_icon, variation_icon
from dashboard.spc.series import Rules, from_first, judge
from dashboard.spc.xmr import format_value, latest, reading

OVERALL_TARGET_KEY = "overall_attainment"  # settings.targets key for all outcomes together
DEFAULT_BREAKDOWN = "national_outcome"
BREAKDOWNS = (
    "national_outcome", "domain", "locality", "client_group", "service_type", "sds_option",
    "deprivation_decile", "urban_rural", "age_band", "sex",
)  # fmt: skip
ATTAINMENT_COUNTS = ["met", "partly_met", "not_met", "denominator", "due", "reviewed"]


@dataclass(frozen=True)
class TrendChart:
    """One SPC chart of a rate: `figure` is None when disclosure control forbids drawing it (then
    `note` says why). `table` names its protected frame in the page's tables."""

    table: str
    figure: go.Figure | None
    alt: str
    reading: str | None
    note: str | None
    variation_icon: str | None
    assurance_icon: str | None
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class BarChart:
    table: str
    figure: go.Figure
    alt: str


# --- small pieces of arithmetic ------------------------------------------------------------------


# --- shared inputs -------------------------------------------------------------------------------


def _group_labels(by: str, groups: list[str | None], framework: Framework) -> list[str]:
    if by == "national_outcome":
        names = {str(o.number): f"{o.number} {o.label}" for o in framework.outcomes}
    elif by == "domain":
        names = {d.code: d.label for d in framework.domains}
    else:
        names = {}
    keyed = {"sds_option": "group_sds", "deprivation_decile": "group_decile",
             "urban_rural": "group_urban_rural"}  # fmt: skip

    def label(g: str | None) -> str:
        if g is None:
            return t("outcome_pages.group_unknown")
        if g in names:
            return names[g]
        if by in keyed:
            return t(f"outcome_pages.{keyed[by]}", value=g)
        return g.replace("_", " ").capitalize() if by != "locality" else g

    return [label(g) for g in groups]


# --- outcome trends ------------------------------------------------------------------------------


def _trend_title(point: dict, measure: str, period_label: str) -> str:
    """The finding in the title: the latest rate and whether it is a signal."""
    kind = "no_limits" if point["upl"] is None else point["variation"]
    value = format_value(point["value"], "%")
    return t(f"outcome_pages.trend_title_{kind}", measure=measure, value=value, period=period_label)


def _trend(
    monthly: pl.DataFrame,
    quarterly: pl.DataFrame,
    *,
    measure: str,
    numerator: str,
    direction: str,
    target: float | None,
    settings: Settings,
    policy: Policy,
) -> tuple[TrendChart, pl.DataFrame | None]:
    """One rate's SPC chart at the finest grain disclosure allows, and its protected table."""
    name = t(f"outcome_pages.measure_{measure}")
    grain, frame, note = series_grain(
        monthly, quarterly, policy, denominator="denominator", numerator=numerator
    )
    if frame is None or frame.is_empty():
        note = note or t("outcome_pages.trend_title_empty", measure=name)
        return TrendChart(measure, None, note, None, note, None, None), None
    table = protect(
        frame.select("period", numerator, "denominator", measure, "due", "reviewed", "coverage"),
        policy,
        counts=[numerator, "denominator", "due", "reviewed"],
        rates={measure: (numerator, "denominator"), "coverage": ("reviewed", "due")},
    )
    drawn = frame.filter(pl.col(measure).is_not_null())  # a period with no review has no rate
    result = judge(drawn, measure, Rules.of(settings), direction=direction, target=target)
    periods = t(f"outcome_pages.periods_{grain}")
    point = latest(result)
    title = _trend_title(point, name, drawn["period"][point["index"]])
    figure = spc_figure(
        result,
        title=title,
        y_title=t("outcome_pages.axis_rate", measure=name),
        dates=drawn["period"].to_list(),
        x_title=t(f"outcome_pages.axis_{grain}"),
    )
    alt = t(
        "outcome_pages.alt_trend",
        measure=name,
        n=drawn.height,
        periods=periods,
        centre=format_value(result.centre, "%") or t("outcome_pages.none"),
    )
    chart = TrendChart(
        table=measure,
        figure=figure,
        alt=alt,
        reading=reading(result, name, "%", periods),
        note=note,
        variation_icon=variation_icon(result) if drawn.height else None,
        assurance_icon=assurance_icon(result),
        warnings=tuple(w.message for w in result.warnings),
    )
    return chart, table


def _series(
    export: Export, settings: Settings, view: View, start: date, grains: Sequence[Grain]
) -> list[pl.DataFrame]:
    """The attainment series at each grain, counted in one query and each trimmed."""
    lists = [series_periods(start, view.p.end, g) for g in grains]
    df = attainment(
        export.cursor(),
        partnerships=[view.partnership],
        periods=[p for ps in lists for p in ps],
        filters=view.filters,
        framework_file=settings.framework_file,
    )
    return [from_first(part) for part in split_periods(df, *map(len, lists))]


def _breakdown_frame(
    export: Export, settings: Settings, view: View, by: str, policy: Policy
) -> pl.DataFrame:
    """Attainment by `by` for P with its total row ("All"), protected together, with 95% Wilson
    intervals declared as rates of met ÷ denominator so they are hidden with the rate."""
    common = {
        "partnerships": [view.partnership],
        "periods": [view.p],
        "filters": view.filters,
        "framework_file": settings.framework_file,
    }
    con = export.cursor()
    counted = attainments(con, **common, bys=(by, "all"))
    groups = counted[by].with_columns(is_total=pl.lit(False))
    total = counted["all"].with_columns(is_total=pl.lit(True), grp=pl.lit(None))
    framework = load_framework(settings.framework_file)
    both = pl.concat([groups, total.select(groups.columns)])
    labels = _group_labels(by, groups["grp"].to_list(), framework) + [t("web.all")]
    low, high = wilson("met", "denominator")
    frame = both.with_columns(
        pl.Series("group", labels, dtype=pl.String), low.alias("ci_low"), high.alias("ci_high")
    )
    columns = ["group", *ATTAINMENT_COUNTS[:4], "rate", "ci_low", "ci_high", "partly_met_rate",
               "due", "reviewed", "coverage", "is_total"]  # fmt: skip
    if by == "national_outcome":
        statements = {str(o.number): o.statement for o in framework.outcomes}
        frame = frame.with_columns(
            pl.col("grp").replace_strict(statements, default=None).alias("statement")
        )
        columns.insert(1, "statement")
    return protect(
        frame.select(columns),
        policy,
        counts=ATTAINMENT_COUNTS,
        rates={
            "rate": ("met", "denominator"),
            "ci_low": ("met", "denominator"),
            "ci_high": ("met", "denominator"),
            "partly_met_rate": ("partly_met", "denominator"),
            "coverage": ("reviewed", "due"),
        },
        parts={"denominator": ["met", "partly_met", "not_met"]},
        total_flag="is_total",
    )


def _breakdown_chart(table: pl.DataFrame, by: str, view: View, policy: Policy) -> BarChart:
    """Bars of each group's rate with its 95% interval, the rate and counts written on each bar;
    a hidden figure is written as hidden, never drawn."""
    rows = table.filter(~pl.col("is_total")).to_dicts()
    shown = [r for r in rows if not r[flag("rate")] and r["rate"] is not None]
    symbol = t("disclosure.screen_suppressed", threshold=policy.threshold)

    def text(r: dict) -> str:
        if r[flag("rate")]:
            return t("outcome_pages.bar_hidden", symbol=symbol)
        if r["rate"] is None:
            return t("outcome_pages.bar_none")
        met = symbol if r[flag("met")] else f"{r['met']:,}"
        return t("outcome_pages.bar_text", rate=format_value(r["rate"], "%"), met=met,
                 denominator=f"{r['denominator']:,}")  # fmt: skip

    plain = [r if r in shown else dict(r, rate=None, ci_low=None, ci_high=None) for r in rows]
    figure = go.Figure(
        go.Bar(
            x=[r["rate"] or 0 for r in plain],
            y=[r["group"] for r in plain],
            orientation="h",
            marker={"color": palette.DARK_BLUE},
            error_x={
                "type": "data",
                "array": [r["ci_high"] - r["rate"] if r["rate"] is not None else 0 for r in plain],
                "arrayminus": [
                    r["rate"] - r["ci_low"] if r["rate"] is not None else 0 for r in plain
                ],  # fmt: skip
                "color": palette.DARK_GREY,
            },
            text=[text(r) for r in rows],
            textposition="outside",
            cliponaxis=False,
            hoverinfo="skip",
        )
    )
    breakdown = t(f"outcome_pages.by_{by}").lower()
    if shown:
        top = max(shown, key=lambda r: r["rate"])
        title = t("outcome_pages.bar_title", breakdown=breakdown, period=view.period,
                  group=top["group"], rate=format_value(top["rate"], "%"))  # fmt: skip
    else:
        title = t("outcome_pages.bar_title_none", breakdown=breakdown, period=view.period)
    figure.update_layout(
        title={"text": title},
        xaxis={
            "title": {"text": t("outcome_pages.axis_bar")},
            "tickformat": ".0%",
            "range": [0, 1.15],
        },  # fmt: skip
        yaxis={"title": {"text": t(f"outcome_pages.by_{by}")}, "autorange": "reversed"},
        plot_bgcolor="#ffffff",
        height=max(300, 60 + 36 * len(rows)),
    )
    alt = t("outcome_pages.alt_bar", breakdown=breakdown, period=view.period,
            shown=len(shown), hidden=sum(bool(r[flag("rate")]) for r in rows))  # fmt: skip
    return BarChart(f"breakdown_{by}", figure, alt)


def _add_breakdown(page: PageData, export: Export, settings: Settings, by: str) -> None:
    policy = policy_for(settings)
    table = _breakdown_frame(export, settings, page.view, by, policy)
    chart = _breakdown_chart(table, by, page.view, policy)
    page.tables[chart.table] = table
    page.charts["breakdown"] = chart


def _distance_table(export: Export, settings: Settings, view: View, policy: Policy) -> pl.DataFrame:
    """Distance travelled per score tool and in total. The mean rests on the outcomes counted, so
    it is declared as their "rate" and hidden with them; shown to 2 decimals as score points."""
    df = distance_travelled(
        export.cursor(), partnerships=[view.partnership], periods=[view.p], filters=view.filters
    )
    frame = df.select(
        pl.when(pl.col("is_total"))
        .then(pl.lit(t("outcome_pages.all_tools")))
        .otherwise(pl.col("score_tool").fill_null(t("outcome_pages.tool_not_recorded")))
        .alias("score_tool"),
        pl.col("outcomes").cast(pl.Int64),
        pl.col("mean").cast(pl.Float64),
        "is_total",
    )
    protected = protect(
        frame,
        policy,
        counts=["outcomes"],
        rates={"mean": ("outcomes", "outcomes")},
        total_flag="is_total" if frame.height else None,
    )
    return protected.with_columns(pl.col("mean").cast(pl.Decimal(12, 2)))


def _headline(table: pl.DataFrame, view: View, policy: Policy) -> list[str]:
    total = table.filter(pl.col("is_total")).row(0, named=True)
    if total[flag("rate")]:
        attained = t("outcome_pages.headline_hidden", period=view.period)
    elif total["rate"] is None:
        attained = t("outcome_pages.headline_none", period=view.period)
    else:
        attained = t("outcome_pages.headline", period=view.period,
                     rate=format_value(total["rate"], "%"), met=total["met"],
                     denominator=total["denominator"])  # fmt: skip
    if total[flag("coverage")] or total["coverage"] is None:
        covered = t("outcome_pages.coverage_hidden")
    else:
        covered = t("outcome_pages.coverage", rate=format_value(total["coverage"], "%"),
                    reviewed=total["reviewed"], due=total["due"])  # fmt: skip
    return [attained, covered]


def outcome_definitions(*keys: str) -> list[tuple[str, str]]:
    return [(t(f"outcome_pages.def_{k}_term"), t(f"outcome_pages.def_{k}")) for k in keys]


def build(
    export: Export,
    settings: Settings,
    view: View,
) -> PageData:
    """Attainment and partly-met rates over time as XmR charts, the national-outcome breakdown for
    P and distance travelled: what an analyst explores and a board reads."""
    policy = policy_for(settings)
    page = PageData("outcome-trends", view)
    start = series_window(export, view.p.end, settings.series_months)
    # a board series too thin by month is drawn by quarter; internal figures never need quarters
    if policy.controlled:
        monthly, quarterly = _series(export, settings, view, start, ("month", "quarter"))
    else:
        (monthly,) = _series(export, settings, view, start, ("month",))
        quarterly = monthly
    specs = (
        ("rate", "met", "increase", settings.targets.get(OVERALL_TARGET_KEY)),
        ("partly_met_rate", "partly_met", "neutral", None),
    )
    for measure, numerator, direction, target in specs:
        chart, table = _trend(monthly, quarterly, measure=measure, numerator=numerator,
                              direction=direction, target=target, settings=settings,
                              policy=policy)  # fmt: skip
        page.charts[measure] = chart
        if table is not None:
            page.tables[measure] = table
    _add_breakdown(page, export, settings, DEFAULT_BREAKDOWN)
    page.sentences = _headline(page.tables[f"breakdown_{DEFAULT_BREAKDOWN}"], view, policy)
    page.tables["distance"] = _distance_table(export, settings, view, policy)
    page.definitions = outcome_definitions(
        "attainment", "partly_met", "coverage", "interval", "series", "spc", "distance"
    )
    return page


@cache
def outcome_breakdown_page(by: str) -> Callable[[Export, Settings, View], PageData]:
    """The page function for one breakdown, named after it, so web.page_data caches each choice of
    the breakdown selector apart without recounting the trends."""

    def page_fn(export: Export, settings: Settings, view: View) -> PageData:
        page = PageData(f"outcome-breakdown-{by}", view)
        _add_breakdown(page, export, settings, by)
        page.definitions = outcome_definitions("attainment", "interval", "coverage")
        return page

    page_fn.__name__ = page_fn.__qualname__ = f"outcome_breakdown_{by}"
    return page_fn


# --- national outcomes ---------------------------------------------------------------------------
