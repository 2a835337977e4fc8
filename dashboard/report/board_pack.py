"""The board pack's page builder and the `dashboard board-pack` command's work.

The page (`dashboard page board-pack`, the app's preview) shows the pack's summary and every table
it prints; the command writes the whole pack as HTML or PDF. Both start from the one assembly in
`report/pack.py`, so the preview and the paper say the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import polars as pl

from dashboard.core.errors import UserError
from dashboard.core.page import PageData, View, whole_partnership
from dashboard.core.settings import Settings
from dashboard.core.strings import t
from dashboard.extract.export import Export
from dashboard.report.content import BoardPack
from dashboard.report.html import print_pdf, render_html
from dashboard.report.pack import board_pack

CONTENTS_COLUMNS = ("section", "kind", "item")


@dataclass
class BoardPackPage(PageData):
    """The pack's preview: its summary, the icon summary table it leads with (tables "cover" and
    "sparklines", drawn with `icons`) and what each section holds (table "contents")."""

    icons: dict = field(default_factory=dict)


def contents_frame(pack: BoardPack) -> pl.DataFrame:
    """Each section's heading with its charts' titles, tables' captions and how far to trust it:
    what the paper will hold, in the order it prints."""
    rows = []
    for section in pack.sections:
        items = [("chart", c.title) for c in section.charts]
        items += [("table", printed.caption) for printed in section.tables]
        items += [("trust", section.trust)] if section.trust else []
        items = items or [("text", section.sentences[0] if section.sentences else "")]
        rows += [{"section": section.heading, "kind": t(f"board_pack.kind_{k}"), "item": i}
                 for k, i in items]  # fmt: skip
    return pl.DataFrame(rows, schema=dict.fromkeys(CONTENTS_COLUMNS, pl.String))


@whole_partnership
def build(export: Export, settings: Settings, view: View) -> BoardPackPage:
    """The pack's summary, the icon summary table, what each section holds and every table it
    prints, as `dashboard page board-pack` shows them."""
    pack = board_pack(export, settings, partnership=view.partnership, period=view.period)
    national = pack.national
    page = BoardPackPage("board-pack", view, sentences=pack.summary,
                         definitions=pack.definitions, icons=national.icons)  # fmt: skip
    page.tables["cover"] = national.tables["cover"]
    page.tables["sparklines"] = national.tables["sparklines"]
    page.tables["contents"] = contents_frame(pack)
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
