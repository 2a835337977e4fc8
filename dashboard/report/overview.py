"""The Overview: the board's cover (issue 20). Headline tiles (outcomes met, reviews done, spend
against plan, emerging needs, a saved zoning option), each with its Making Data Count icons, the
figure a year earlier and the page behind it; the icon summary table of the nine national outcomes
(outcomes/cover.py); and what changed since the last period in three sentences.

Nothing here counts: every figure is read from the page builder that shows it (national outcomes,
outcome trends, emerging needs) or from the same protected table for the year before, so the cover
and the pages behind it cannot disagree. Figures are turned into words in `_words` only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from dashboard.core.disclosure import Policy, flag
from dashboard.core.errors import UserError
from dashboard.core.page import PageData, View, policy_for, whole_partnership
from dashboard.core.periods import year_earlier
from dashboard.core.settings import Settings
from dashboard.core.strings import t
from dashboard.emerging import emerging_needs
from dashboard.extract.export import Export
from dashboard.outcomes import national_outcomes, outcome_trends
from dashboard.outcomes.national_outcomes import BUDGET_ID, Icons
from dashboard.outcomes.tables import breakdown_table
from dashboard.report.pack import icon_tally
from dashboard.spc.xmr import format_value
from dashboard.zones.options import options_folder, saved_options

TILE_COLUMNS = ("tile", "value", "year_earlier", "variation", "assurance", "note", "page")


@dataclass(frozen=True)
class Tile:
    """One headline: its figure and the year before as text (None: hidden or not there), its
    icons (spc/icons names), a note, and the page behind it (a navigation name)."""

    key: str
    label: str
    value: str | None
    year_earlier: str | None
    variation: str | None
    assurance: str | None
    note: str | None
    page: str


@dataclass
class OverviewPage(PageData):
    """The cover: tiles, and the national outcomes' icons for the icon summary table."""

    tiles: list[Tile] = field(default_factory=list)
    icons: dict[str, Icons] = field(default_factory=dict)


def _percent(value: float | None) -> str | None:
    """The one place the cover writes a rate, as every page does (core/formats through the SPC
    reading), so a tile and the page behind it read the same."""
    return None if value is None else format_value(value, "%")


def _total(table: pl.DataFrame, column: str) -> float | None:
    """The total row's protected rate; None when hidden or not there."""
    total = table.filter(pl.col("is_total")).row(0, named=True)
    return None if total[flag(column)] else total[column]


def _attainment_tiles(
    trends: outcome_trends.OutcomeTrendsPage, before: pl.DataFrame, prior: str
) -> tuple[list[Tile], dict[str, tuple[float | None, float | None]]]:
    """Outcomes met and reviews done, now (the trends page's table) and a year earlier (the same
    protected table for the year before)."""
    now = trends.tables[f"breakdown_{outcome_trends.DEFAULT_BREAKDOWN}"]
    pairs = {c: (_total(now, c), _total(before, c)) for c in ("rate", "coverage")}
    rate = trends.rate
    tiles = [
        Tile("outcomes_met", t("overview.tile_outcomes_met"), _percent(pairs["rate"][0]),
             _percent(pairs["rate"][1]), rate.variation_icon if rate else None,
             rate.assurance_icon if rate else None, t("overview.note_outcomes_met", prior=prior),
             "outcome-trends"),
        Tile("reviews_done", t("overview.tile_reviews_done"), _percent(pairs["coverage"][0]),
             _percent(pairs["coverage"][1]), None, None, t("overview.note_reviews_done"),
             "outcome-trends"),
    ]  # fmt: skip
    return tiles, pairs


def _spend_tile(national: national_outcomes.NationalOutcomesPage) -> Tile:
    """Spend against plan: budget utilisation as the national outcomes page shows it, judged
    against the settings' band."""
    row = national.tables["cover"].filter(pl.col("indicator_id") == BUDGET_ID).row(0, named=True)
    icons = national.icons.get(BUDGET_ID, Icons(None, None))
    note = t("overview.note_spend", band=row["target"])
    if row["provisional"]:
        note += " " + t("figures.provisional")
    return Tile("spend", t("overview.tile_spend"), row["value"], row["year_earlier"],
                icons.variation, icons.assurance, note, "spend")  # fmt: skip


def _emerging_tile(emerging: PageData) -> Tile:
    n = emerging.tables["signals"].height
    return Tile("emerging", t("overview.tile_emerging"), f"{n:,}", None, None, None,
                t("overview.note_emerging"), "emerging-needs")  # fmt: skip


def _zone_tile(export: Export, settings: Settings) -> Tile | None:
    """The most recently saved zoning option, if there is one."""
    try:
        saved = saved_options(options_folder(settings, export))
    except UserError:
        return None
    if not saved:
        return None
    latest = max(saved, key=lambda p: p.stat().st_mtime)
    return Tile("zones", t("overview.tile_zones"), latest.stem, None, None, None,
                t("overview.note_zones", n=len(saved)), "zone-compare")  # fmt: skip


def _change(pair: tuple[float | None, float | None]) -> str:
    """ "up", "down", "same" or "unknown": how a rate moved since the year before."""
    now, before = pair
    if now is None or before is None:
        return "unknown"
    diff = round(now * 1000) - round(before * 1000)  # as shown, to one decimal of a percent
    return "up" if diff > 0 else "down" if diff < 0 else "same"


def _words(
    pairs: dict, tiles: list[Tile], national: national_outcomes.NationalOutcomesPage, view: View,
    prior: str,
) -> list[str]:  # fmt: skip
    """What changed since the last period, in three sentences."""
    rate, coverage = pairs["rate"], pairs["coverage"]
    first = t(f"overview.changed_rate_{_change(rate)}", now=_percent(rate[0]),
              before=_percent(rate[1]), period=view.period, prior=prior)  # fmt: skip
    first += " " + t(f"overview.changed_coverage_{_change(coverage)}",
                     now=_percent(coverage[0]), before=_percent(coverage[1]))  # fmt: skip
    spend = next(x for x in tiles if x.key == "spend")
    emerging = next(x for x in tiles if x.key == "emerging")
    third = t("overview.changed_spend", now=spend.value or t("overview.hidden"),
              before=spend.year_earlier or t("overview.hidden"), prior=prior,
              signals=emerging.value)  # fmt: skip
    return [first, icon_tally(national.icons), third]


def tile_frame(tiles: list[Tile]) -> pl.DataFrame:
    """The tiles as a table for `dashboard page overview --json` and the downloads: words only."""
    rows = [{
        "tile": x.label, "value": x.value, "year_earlier": x.year_earlier,
        "variation": t(f"spc.icon_{x.variation}") if x.variation else None,
        "assurance": t(f"spc.icon_{x.assurance}") if x.assurance else None,
        "note": x.note, "page": x.page,
    } for x in tiles]  # fmt: skip
    return pl.DataFrame(rows, schema=dict.fromkeys(TILE_COLUMNS, pl.String))


@whole_partnership
def build(export: Export, settings: Settings, view: View) -> OverviewPage:
    """The board's cover for the whole partnership and period, from the pages behind it."""
    policy: Policy = policy_for(settings)
    national = national_outcomes.build(export, settings, view)
    trends = outcome_trends.build(export, settings, view)
    emerging = emerging_needs.build(export, settings, view)
    prior_period = year_earlier(view.p)
    prior = View(view.partnership, prior_period.label)
    before = breakdown_table(export, settings, prior, outcome_trends.DEFAULT_BREAKDOWN, policy)
    tiles, pairs = _attainment_tiles(trends, before, prior_period.label)
    tiles += [_spend_tile(national), _emerging_tile(emerging)]
    zone = _zone_tile(export, settings)
    tiles += [zone] if zone else []
    page = OverviewPage("overview", view, tiles=tiles, icons=national.icons)
    page.sentences = _words(pairs, tiles, national, view, prior_period.label)
    page.tables["tiles"] = tile_frame(tiles)
    page.tables["cover"] = national.tables["cover"]
    page.tables["sparklines"] = national.tables["sparklines"]
    page.definitions = national.definitions
    return page
