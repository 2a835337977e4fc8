"""The zone compare page: today's lots and up to three options side by side, with what differs in
words."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

from dashboard.core import disclosure, formats
from dashboard.core.disclosure import Policy
from dashboard.core.errors import UserError
from dashboard.core.page import PageData, View, policy_for
from dashboard.core.settings import Settings
from dashboard.core.strings import t
from dashboard.extract.export import Export
from dashboard.zones.options import load_option, options_folder, saved_options
from dashboard.zones.views import (
    OptionView,
    ZoneInputs,
    option_view,
    today_view,
    zone_definitions,
    zone_inputs,
)

MAX_COMPARED = 3  # options shown beside today's lots on the compare page
BALANCE_TOLERANCE = 0.05  # max ÷ min ratios closer than this read as "about the same balance"


@dataclass
class Comparison:
    """Today's lots and the options, protected: the summary rows, what differs in words, and each
    option's figures for its map and zone table."""

    summary: pl.DataFrame  # protected, one row per option, today's lots first
    sentences: list[str]
    views: dict[str, OptionView]


def _row(summary: pl.DataFrame) -> dict:
    """The summary row with suppressed cells as the string "suppressed" (never their value)."""
    row = summary.row(0, named=True)
    for column in disclosure.protected_columns(summary):
        if row[disclosure.flag(column)]:
            row[column] = "suppressed"
    return row


def _people_clause(n, policy: Policy) -> str:
    if n == "suppressed":
        return t("zone_pages.cmp_people_few", threshold=policy.threshold)
    return t("zone_pages.cmp_people_none") if not n else t("zone_pages.cmp_people_n", n=n)


def compare_sentences(
    today: pl.DataFrame, option: pl.DataFrame, policy: Policy, *, lots_today: bool = True
) -> list[str]:
    """What differs between an option and today's lots that matters for a tender, from the two
    protected summary rows."""
    now, new = _row(today), _row(option)
    name = new["option"]
    ratio, before = new["max_min_ratio"], now["max_min_ratio"]
    if not lots_today:
        return [t("zone_pages.cmp_no_lots", option=name, zones=new["zones"])]
    if ratio is None or before is None:
        balance, better = t("zone_pages.cmp_balance_unknown", option=name), False
    else:
        better = ratio < before - BALANCE_TOLERANCE
        key = "evens" if better else "uneven" if ratio > before + BALANCE_TOLERANCE else "same"
        balance = t(f"zone_pages.cmp_{key}", option=name, ratio=ratio, today=before)
    people = new["people_changing_lot"]
    joiner = t("zone_pages.cmp_but") if better and people else t("zone_pages.cmp_and")
    out = [t("zone_pages.cmp_sentence", balance=balance, joiner=joiner,
             people=_people_clause(people, policy))]  # fmt: skip
    if new["zones"] != now["zones"]:
        out.append(t("zone_pages.cmp_zone_count", zones=new["zones"], lots=now["zones"]))
    if new["travel_km_mean"] is not None and now["travel_km_mean"] is not None:
        out.append(
            t("zone_pages.cmp_travel", km=new["travel_km_mean"], today=now["travel_km_mean"])
        )
    if new["zones_below_floor"]:
        out.append(t("zone_pages.cmp_below_floor", n=new["zones_below_floor"], floor=new["floor"],
                     smallest=new["smallest_hours"]))  # fmt: skip
    if new["non_contiguous"]:
        out.append(t("zone_pages.cmp_non_contiguous", n=new["non_contiguous"]))
    out += _depth_sentences(now, new)
    joining = new["people_joining_a_lot"]
    if joining:
        out.append(
            t("zone_pages.cmp_joining_few", threshold=policy.threshold)
            if joining == "suppressed"
            else t("zone_pages.cmp_joining", n=joining)
        )
    return out


def _depth_sentences(now: dict, new: dict) -> list[str]:
    """The weakest zone for a tender against today's weakest lot: hours waiting, handbacks and
    providers already working there; and whether every zone reaches the floor."""
    out = []
    if new.get("most_unmet_hours") is not None and now.get("most_unmet_hours") is not None:
        out.append(t("zone_pages.cmp_unmet", hours=new["most_unmet_hours"],
                     today=now["most_unmet_hours"]))  # fmt: skip
    most, before = new.get("most_handbacks"), now.get("most_handbacks")
    if most is not None and before is not None:
        if "suppressed" in (most, before):
            out.append(t("zone_pages.cmp_handbacks_few"))
        else:
            out.append(t("zone_pages.cmp_handbacks", n=most, today=before))
    if new.get("fewest_providers") is not None and now.get("fewest_providers") is not None:
        out.append(t("zone_pages.cmp_providers", n=new["fewest_providers"],
                     today=now["fewest_providers"]))  # fmt: skip
    if new["floor"] and not new["zones_below_floor"]:
        out.append(t("zone_pages.cmp_floor_met", floor=new["floor"]))
    return out


def compare(inputs: ZoneInputs, options: Mapping[str, pl.DataFrame], policy: Policy) -> Comparison:
    """Today's lots and up to MAX_COMPARED options side by side."""
    if len(options) > MAX_COMPARED:
        raise UserError(t("zone_pages.too_many_options", most=MAX_COMPARED))
    today = today_view(inputs, policy)
    views = {today.name: today} | {
        name: option_view(inputs, frame, policy, name=name) for name, frame in options.items()
    }
    lots_today = inputs.today.height > 0
    sentences = [
        s for v in list(views.values())[1:]
        for s in compare_sentences(today.summary, v.summary, policy, lots_today=lots_today)
    ]  # fmt: skip
    return Comparison(pl.concat([v.summary for v in views.values()]), sentences, views)


@dataclass
class ZoneComparePage(PageData):
    """The comparison of today's lots with the saved options, all protected. The page script
    compares the options the user picks with `compare` itself, from its own cached inputs."""

    comparison: Comparison | None = None


def build(export: Export, settings: Settings, view: View) -> ZoneComparePage:
    """Today's lots against the first MAX_COMPARED options saved in the options folder (by name)."""
    policy = policy_for(settings)
    inputs = zone_inputs(export, settings, view)
    page = ZoneComparePage("zone-compare", view, definitions=zone_definitions())
    problems, chosen = [], {}
    try:
        paths = saved_options(options_folder(settings, export))[:MAX_COMPARED]
    except UserError as exc:  # a bad folder or file is named on the page, not a crash
        problems, paths = [str(exc)], []
    for path in paths:
        try:
            chosen[path.stem] = load_option(path, inputs)
        except UserError as exc:
            problems.append(str(exc))
    result = compare(inputs, chosen, policy)
    views = list(result.views.values())
    page.tables = {"summary": result.summary, "zones_today": views[0].zones} | {
        f"zones_{name}": v.zones for name, v in zip(chosen, views[1:], strict=True)
    }
    page.sentences = [
        t("zone_pages.as_at", as_at=formats.day(inputs.as_at), areas=inputs.demand.height)
    ]
    page.sentences += problems + (
        result.sentences or [t("zone_pages.no_saved", folder=settings.options_dir)]
    )
    page.comparison = result
    return page
