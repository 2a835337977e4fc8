"""What a board pack is made of: sections of sentences, printed tables and printed charts.

Both the assembly (`report/pack.py`) and the layout (`report/html.py`) read this model, so it lives
apart from either: the layout never imports the assembly, and no import runs in a circle. `table`
and `chart` are the only ways content enters the model, so every table is printed through
disclosure control and every chart at the page's fixed size.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import plotly.graph_objects as go
import polars as pl
from markupsafe import Markup

from dashboard.core import disclosure
from dashboard.core.disclosure import Policy
from dashboard.core.strings import t

CHART_WIDTH_PX = 680  # an A4 page's text width at 96 px an inch, less a little
CHART_HEIGHT_PX = 290


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
    """A chart as it is printed; the title is a heading because Plotly does not wrap long ones."""

    title: str  # states the finding; printed as a heading, where long titles wrap
    figure: go.Figure
    alt: str  # the text alternative: states what the chart shows
    reading: str | None = None  # the one-sentence SPC reading
    notes: tuple[str, ...] = ()
    icons: tuple[str, ...] = ()  # spc/icons names


@dataclass
class Section:
    """One heading of the pack; filled in by its builder, its trust sentence added last."""

    key: str
    heading: str
    sentences: list[str] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    trust: str | None = None  # how far to trust it, from the data quality note


@dataclass
class BoardPack:
    """The whole paper: what the HTML template lays out and the PDF prints."""

    partnership: str
    period: str
    extract_date: date
    generated_on: date
    summary: list[str]
    sections: list[Section]
    definitions: list[tuple[str, str]]
    disclosure_rule: str
    threshold: int
    # the national outcomes page the pack printed, for the preview's icon summary table (issue 20)
    national: object | None = None

    @property
    def title(self) -> str:
        return t("board_pack.title", partnership=self.partnership, period=self.period)


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
