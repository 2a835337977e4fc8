"""The equity and carers pages' charts: each group's figure with its 95 % interval, so a gap is
seen beside the uncertainty around it. Protected frames in, figures out."""

from __future__ import annotations

from dataclasses import dataclass

import plotly.graph_objects as go
import polars as pl

from dashboard.core.palette import DARK_BLUE, TURQUOISE
from dashboard.core.strings import t
from dashboard.equity.figures import in_group_order


@dataclass(frozen=True)
class Chart:
    """A figure the page draws and its text alternative (what the chart shows, in words)."""

    figure: go.Figure
    alt: str


def interval_chart(
    table: pl.DataFrame, breakdown: str, value: str, *, title: str, y_title: str, percent: bool
) -> go.Figure:
    """Each shown group's figure as a marker with its 95 % interval as an error bar; hidden groups
    are left out (the table says why), so no bar can be read back into a suppressed count."""
    rows = in_group_order(
        table.filter(pl.col("breakdown") == breakdown, pl.col(value).is_not_null())
    )
    scale = 100 if percent else 1
    mid = rows[value] * scale
    fig = go.Figure(
        go.Scatter(
            x=rows["group"].to_list(),
            y=mid.to_list(),
            mode="markers",
            marker={"color": DARK_BLUE, "size": 10, "symbol": "diamond"},
            error_y={
                "type": "data",
                "symmetric": False,
                "color": TURQUOISE,
                "array": (rows[f"{value}_high"] * scale - mid).to_list(),
                "arrayminus": (mid - rows[f"{value}_low"] * scale).to_list(),
            },  # fmt: skip
            name=y_title,
        )
    )
    fig.update_layout(
        title=title, xaxis_title=t(f"evaluation.axis_group_{breakdown}"), yaxis_title=y_title,
        xaxis={"type": "category"}, yaxis={"ticksuffix": "%" if percent else ""},
        showlegend=False,
    )  # fmt: skip
    return fig


def spread_title(table: pl.DataFrame, breakdown: str, value: str, key: str, percent: bool) -> str:
    """A title that states the finding: the lowest and highest shown group."""
    rows = table.filter(pl.col("breakdown") == breakdown, pl.col(value).is_not_null()).sort(value)
    if rows.height < 2:
        return t("evaluation.chart_too_few", measure=t(f"evaluation.measure_{key}"),
                 breakdown=t(f"evaluation.by_{breakdown}"))  # fmt: skip
    scale = 100 if percent else 1
    return t(
        f"evaluation.chart_spread_{key}",
        breakdown=t(f"evaluation.by_{breakdown}"),
        low=rows[value][0] * scale, low_group=rows["group"][0],
        high=rows[value][-1] * scale, high_group=rows["group"][-1],
    )  # fmt: skip


def breakdown_chart(
    table: pl.DataFrame, breakdown: str, value: str, key: str, percent: bool
) -> Chart:
    """One breakdown's interval chart, titled with its spread, and its text alternative."""
    title = spread_title(table, breakdown, value, key, percent)
    figure = interval_chart(
        table, breakdown, value, title=title, percent=percent,
        y_title=t(f"evaluation.axis_{key}"),
    )  # fmt: skip
    return Chart(figure, t("evaluation.alt_interval", title=title))
