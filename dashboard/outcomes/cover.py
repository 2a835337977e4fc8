"""The icon summary table of the nine national outcomes, as NHS boards see it in Making Data Count
reports: one row an indicator with its label, latest value, a sparkline, its variation and
assurance icons with their meaning in words, its target and the peer average.

One builder for the Overview, the national outcomes page and the board pack, so the three cannot
disagree. The rows come from the national outcomes page's protected indicator table and icons;
the sparkline points from the same monthly series the icons judge, each month hidden from a board
where it rests on a small count. The HTML is our own markup (icons and sparklines as images with
text alternatives, never data as markup), so Streamlit and the printed pack draw the same table.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from html import escape

import polars as pl

from dashboard.core import disclosure, formats
from dashboard.core.disclosure import Policy, flag
from dashboard.core.strings import t
from dashboard.spc.icons import svg
from dashboard.spc.xmr import format_value

FIGURES = ("value", "target", "peer_average", "year_earlier")
SPARK_W, SPARK_H = 96, 24
SPARK_INK = "#1a1a1a"  # 17:1 on white: a sparkline reads without colour


def sparkline_frame(series: pl.DataFrame, policy: Policy) -> pl.DataFrame:
    """Each indicator's monthly values (indicator_id, period, value), a month's value left out for a
    board when it rests on a count from 1 to the threshold less one, as the indicator table does."""
    small = pl.col("smallest_count").map_elements(policy.is_small, return_dtype=pl.Boolean)
    hide = small.fill_null(False) if policy.controlled else pl.lit(False)
    return series.sort("indicator_id", "p").select(
        "indicator_id",
        "period",
        pl.when(hide).then(None).otherwise(pl.col("value")).alias("value"),
        hide.alias(flag("value")),
    )


def cover_frame(
    indicators: pl.DataFrame,
    icons: Mapping[str, object],
    bands: Mapping[str, tuple[float, float]],
) -> pl.DataFrame:
    """The icon summary table's rows from the national outcomes page's indicator table (figures as
    text, hidden ones flagged). An indicator judged against a band says so in its target."""
    rows = []
    for rec in indicators.to_dicts():
        icon = icons[rec["indicator_id"]]
        band = bands.get(rec["indicator_id"])
        target = rec["target"]
        if band is not None and band[0] != band[1]:
            target = t(
                "cover.band", low=format_value(band[0], "%"), high=format_value(band[1], "%")
            )
        rows.append({
            "indicator_id": rec["indicator_id"],
            "outcome": t("cover.outcome", n=rec["national_outcome"], label=rec["outcome"]),
            "indicator": rec["indicator"],
            **{c: target if c == "target" else rec[c] for c in FIGURES},
            "variation": t(f"cover.short_{icon.variation}") if icon.variation else None,
            "assurance": t(f"cover.short_{icon.assurance}") if icon.assurance else None,
            "provisional": rec["provisional"],
            **{flag(c): rec[flag(c)] for c in FIGURES},
        })  # fmt: skip
    schema = {"indicator_id": pl.String, "outcome": pl.String, "indicator": pl.String,
              **dict.fromkeys(FIGURES, pl.String), "variation": pl.String,
              "assurance": pl.String, "provisional": pl.Boolean,
              **{flag(c): pl.Boolean for c in FIGURES}}  # fmt: skip
    return pl.DataFrame(rows, schema=schema)


def _data_uri(markup: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(markup.encode()).decode()


def sparkline_svg(values: Sequence[float | None]) -> str | None:
    """A small line of the shown months (gaps where a month is hidden) with the latest point
    marked; None when fewer than two months can be drawn."""
    points = [(i, v) for i, v in enumerate(values) if v is not None]
    if len(points) < 2:
        return None
    low, high = min(v for _, v in points), max(v for _, v in points)
    span = (high - low) or 1.0
    step = (SPARK_W - 4) / max(len(values) - 1, 1)

    def xy(i: int, v: float) -> str:
        return f"{2 + i * step:.1f},{SPARK_H - 3 - (v - low) / span * (SPARK_H - 6):.1f}"

    runs, run = [], []
    for i, v in enumerate(values):
        if v is None:
            runs, run = runs + [run] if run else runs, []
        else:
            run.append(xy(i, v))
    runs += [run] if run else []
    lines = "".join(
        f'<polyline points="{" ".join(r)}" fill="none" stroke="{SPARK_INK}" stroke-width="1.5"/>'
        for r in runs
    )
    last = xy(*points[-1]).split(",")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SPARK_W} {SPARK_H}" '
        f'width="{SPARK_W}" height="{SPARK_H}">{lines}'
        f'<circle cx="{last[0]}" cy="{last[1]}" r="2.5" fill="{SPARK_INK}"/></svg>'
    )


def _img(markup: str, alt: str, width: int, height: int, kind: str = "spark") -> str:
    return (f'<img class="{kind}" src="{_data_uri(markup)}" alt="{escape(alt)}" '
            f'title="{escape(alt)}" width="{width}" height="{height}" '
            f'style="vertical-align:middle">')  # fmt: skip


def icon_img(name: str, size: int = 22) -> str:
    """A Making Data Count icon as an image whose text alternative is its meaning in words."""
    return _img(svg(name), t(f"spc.icon_{name}"), size, size, "mdc-icon")


def _icon_cell(name: str | None, words: str | None) -> str:
    if name is None:
        return f'<span class="cover-none">{escape(t("cover.no_icon"))}</span>'
    return f"{icon_img(name)} {escape(words or '')}"


def cover_html(
    frame: pl.DataFrame,
    policy: Policy,
    icons: Mapping[str, object],
    sparklines: pl.DataFrame,
    caption: str,
) -> str:
    """The table as HTML: icons and sparklines are images with text alternatives, every figure is
    screen text ("hidden" where disclosure control withheld it); no horizontal scroll needed."""
    shown = disclosure.display(frame, policy, percent=[]).to_dicts()
    # every figure here is a rate or an amount, so a hidden one reads "hidden", never "<5"
    hidden = formats.percent(None, hidden=True)
    for row, exact in zip(shown, frame.select(flag(c) for c in FIGURES).to_dicts(), strict=True):
        row.update({c: hidden for c in FIGURES if exact[flag(c)]})
    points = {k: g["value"].to_list() for (k,), g in sparklines.group_by("indicator_id",
                                                                        maintain_order=True)}  # fmt: skip
    head = "".join(f'<th scope="col">{escape(t(f"cover.col_{c}"))}</th>' for c in
                   ("indicator", "value", "trend", "variation", "assurance", "target",
                    "peer_average"))  # fmt: skip
    body = []
    # the screen shows labels, so each row's icons and sparkline are found by the exact id
    for row, indicator_id in zip(shown, frame["indicator_id"].to_list(), strict=True):
        icon = icons[indicator_id]
        spark = sparkline_svg(points.get(indicator_id, []))
        trend = (
            _img(spark, t("cover.trend_alt", indicator=row["indicator"]), SPARK_W, SPARK_H)
            if spark else escape(t("cover.no_trend"))
        )  # fmt: skip
        cells = [
            f'<th scope="row"><span class="cover-outcome">{escape(row["outcome"])}:</span> '
            f"{escape(row['indicator'])}</th>",
            f"<td>{escape(row['value'])}</td>",
            f"<td>{trend}</td>",
            f'<td class="icon">{_icon_cell(icon.variation, row["variation"])}</td>',
            f'<td class="icon">{_icon_cell(icon.assurance, row["assurance"])}</td>',
            f"<td>{escape(row['target'])}</td>",
            f"<td>{escape(row['peer_average'])}</td>",
        ]
        body.append(f"<tr>{''.join(cells)}</tr>")
    return (
        f'<table class="cover-table"><caption>{escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


COVER_CSS = """
.cover-table{width:100%;border-collapse:collapse;font-size:0.75rem;line-height:1.15;
 table-layout:auto}
.cover-table caption{text-align:left;caption-side:top;font-weight:600;padding:0 0 4px 0;
 color:#1a1a1a}
.cover-table th,.cover-table td{border-bottom:1px solid #d0d0d0;padding:1px 5px;text-align:left;
 vertical-align:middle;overflow-wrap:anywhere}
.cover-table thead th{border-bottom:2px solid #1a1a1a}
.cover-table th[scope=row]{font-weight:normal;min-width:14rem}
.cover-table td.icon{white-space:nowrap}
.cover-outcome{color:#4a4a4a;font-size:0.72rem}
.cover-none{color:#4a4a4a}
"""
