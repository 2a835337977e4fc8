"""The spend page's SPC charts: utilisation judged against the budget band, and spend, at the finest
grain disclosure control allows, with their protected table and plain-language readings."""

from __future__ import annotations

from dataclasses import dataclass

import plotly.graph_objects as go
import polars as pl

from dashboard.core import disclosure
from dashboard.core.disclosure import Policy
from dashboard.core.palette import TURQUOISE
from dashboard.core.settings import Settings
from dashboard.core.strings import t
from dashboard.spc.chart import spc_figure
from dashboard.spc.series import Rules, judge
from dashboard.spc.xmr import SpcResult, band_assurance, format_value, reading
from dashboard.spend.tables import protected_series


@dataclass(frozen=True)
class SpendChart:
    """A chart the page draws, with its text alternative and the table behind it."""

    figure: go.Figure | None
    result: SpcResult | None
    alt: str
    table: str
    note: str | None = None


@dataclass(frozen=True)
class SpendCharts:
    """Both SPC charts, the protected series table they are drawn from and their readings."""

    utilisation: SpendChart
    spend: SpendChart
    table: pl.DataFrame
    readings: list[str]


def band_judgement(result: SpcResult, band: tuple[float, float]) -> str | None:
    """`spc.band_assurance` in the spend page's words: within the band, under or over it (the
    band wholly beyond one limit), or sometimes outside."""
    judged = band_assurance(result, *band)
    if judged == "consistently_fails":
        return "under" if result.limits[1] < band[0] else "over"
    return {"consistently_passes": "within", "hit_and_miss": "hit_and_miss"}.get(judged)


def covering(result: SpcResult, band: tuple[float, float]) -> list[float]:
    """A y range holding every point, both process limits and the band, with a margin, so no
    limit or band edge sits beyond the labelled axis."""
    seen = [v for v in result.points["value"].to_list() if v is not None]
    seen += [v for v in (*result.limits, *band) if v is not None]
    low, high = min(seen), max(seen)
    pad = (high - low) * 0.08 or 0.01
    return [low - pad, high + pad]


def _spc(series: pl.DataFrame, column: str, settings: Settings) -> SpcResult:
    """A period with nothing paid or planned is a zero on the chart, not a gap."""
    return judge(series.with_columns(pl.col(column).fill_null(0.0)), column, Rules.of(settings))


def spend_charts(
    monthly: pl.DataFrame, quarterly: pl.DataFrame, policy: Policy, settings: Settings
) -> SpendCharts:
    """SPC charts of utilisation (judged against the band) and of spend, at the finest safe grain,
    with the protected series table and the plain-language readings."""
    band = tuple(settings.budget_band)
    grain, series, note = disclosure.series_grain(
        monthly, quarterly, policy, denominator="fewest_people"
    )
    table = protected_series(series if series is not None else monthly.clear(), policy)
    if series is None or series.filter(pl.col("utilisation").is_not_null()).height == 0:
        empty = SpendChart(None, None, note or t("spend.no_series"), "series", note)
        return SpendCharts(empty, empty, table, [note or t("spend.no_series")])
    periods = t(f"spend.periods_{grain}")
    util = _spc(series, "utilisation", settings)
    money = _spc(series, "spend", settings)
    dates = series["period"].to_list()
    fig_u = spc_figure(util, title=t("spend.chart_utilisation_title"), y_title=t(
        "spend.chart_utilisation_axis"), dates=dates, x_title=t(f"spend.axis_{grain}"))  # fmt: skip
    # the band is where utilisation should be: a calm shade, never the danger colour (issue 20)
    fig_u.add_hrect(
        y0=band[0], y1=band[1], line_width=0, fillcolor=TURQUOISE, opacity=0.12,
        annotation_text=t("spend.band_label", low=band[0], high=band[1]),
        annotation_position="top left",
    )  # fmt: skip
    fig_u.update_yaxes(range=covering(util, band))
    fig_s = spc_figure(money, title=t("spend.chart_spend_title"), y_title=t(
        "spend.chart_spend_axis"), dates=dates, percent=False, x_title=t(f"spend.axis_{grain}"), unit="£")  # fmt: skip
    fig_s.update_yaxes(tickprefix="£", tickformat="~s")
    judged = band_judgement(util, band)
    readings = [
        reading(util, t("spend.measure_utilisation"), "%", periods),
        reading(money, t("spend.measure_spend"), "£", periods),
    ]
    if judged:
        readings.append(t(f"spend.band_{judged}", low=band[0], high=band[1]))
    if any(series["provisional"]):
        readings.append(t("spend.provisional_points", lag=settings.run_out_lag_weeks))
    alt_u = t("spend.alt_utilisation", n=series.height, periods=periods,
              centre=format_value(util.centre, "%"), low=band[0], high=band[1])  # fmt: skip
    alt_s = t("spend.alt_spend", n=series.height, periods=periods,
              centre=format_value(money.centre, "£"))  # fmt: skip
    return SpendCharts(
        SpendChart(fig_u, util, alt_u, "series", note),
        SpendChart(fig_s, money, alt_s, "series", note),
        table,
        readings,
    )
