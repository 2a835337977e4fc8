"""The fair comparison page: funnel plots of attainment and review coverage by locality, by lot and
by provider, and of each local indicator by partnership against its peers. A funnel compares
without ranking: it asks which unit differs by more than chance, given how many it counts.

Providers are the contract review's units: their outcomes are met with everyone else's help too,
so the page speaks of contribution, and a board sees providers labelled unless settings name them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from dashboard.core import disclosure
from dashboard.core.disclosure import Policy
from dashboard.core.framework import load_framework
from dashboard.core.funnel import Funnel
from dashboard.core.page import PageData, View, policy_for
from dashboard.core.settings import Settings
from dashboard.core.strings import t
from dashboard.extract.export import Export
from dashboard.outcomes.attainment import attainments
from dashboard.outcomes.comparators import (
    funnel_table,
    outside_sentence,
    partnership_funnels,
    unit_funnels,
)
from dashboard.outcomes.indicators import indicator_table
from dashboard.outcomes.peers import read_benchmark
from dashboard.review.figures import unit_names
from dashboard.spend.figures import provider_universe

BYS = ("locality", "lot", "provider")


@dataclass
class FairComparisonPage(PageData):
    """Funnels keyed "<by>:<measure>" (by: locality, lot, provider; measure: attainment,
    coverage) and, by indicator id, the funnels of partnerships; each with how many units a board
    could not be shown. `indicators` labels the indicator ids."""

    funnels: dict[str, tuple[Funnel, int]] = field(default_factory=dict)
    partnerships: dict[str, tuple[Funnel, int]] = field(default_factory=dict)
    indicators: dict[str, str] = field(default_factory=dict)


def unit_labels(con: duckdb.DuckDBPyConnection, home: str, by: str, policy: Policy) -> dict:
    """What a unit is called on the funnel: a locality by its name, a lot by its name, a provider
    by its name where the audience may see it, else by its board label ("Provider 3")."""
    if by == "locality":
        return {}
    names = unit_names(con, home, by)
    if by == "provider":
        universe = provider_universe(con, home)["provider_id"]
        names = disclosure.provider_labels(names, policy, "unit", "name", universe=universe)
    return dict(zip(names["unit"], names["name"], strict=True))


def what(by: str, measure: str) -> str:
    """A funnel's subject in words; a provider's is the people it supports (contribution)."""
    if by == "provider":
        return t(f"fair.what_{measure}_provider")
    return t(f"fair.what_{measure}", by=t(f"fair.by_{by}"))


def build(export: Export, settings: Settings, view: View) -> FairComparisonPage:
    """Every funnel of the page for the view's period and filters, through disclosure control."""
    policy = policy_for(settings)
    adjustment = settings.funnel_adjustment
    con = export.cursor()
    counted = attainments(
        con, partnerships=[view.partnership], periods=[view.p], bys=BYS, filters=view.filters,
        framework_file=settings.framework_file,
    )  # fmt: skip
    page = FairComparisonPage("fair-comparison", view)
    for by in BYS:
        labels = unit_labels(con, view.partnership, by, policy)
        for measure, found in unit_funnels(counted[by], policy, adjustment, labels).items():
            page.funnels[f"{by}:{measure}"] = found
    benchmark = read_benchmark(settings.benchmark_file, settings.framework_file) if (
        settings.benchmark_file) else None  # fmt: skip
    table = indicator_table(
        export.cursor(), partnership=view.partnership, period=view.p, filters=view.filters,
        comparators=list(settings.comparators) or None, benchmark=benchmark,
        framework_file=settings.framework_file,
    )  # fmt: skip
    page.partnerships = partnership_funnels(table, view.partnership, policy, adjustment)
    page.indicators = {i.id: i.label for i in load_framework(settings.framework_file).indicators}
    for key, (f, left_off) in page.funnels.items():
        by, measure = key.split(":")
        page.tables[f"{by}_{measure}"] = funnel_table(f)
        if not f.units.is_empty():
            page.sentences.append(outside_sentence(f, left_off, what(by, measure)))
    for indicator_id, (f, left_off) in page.partnerships.items():
        page.tables[f"partnerships_{indicator_id}"] = funnel_table(f)
        page.sentences.append(outside_sentence(f, left_off, page.indicators[indicator_id]))
    page.definitions = [(t("fair.term_funnel"), t("fair.definition_funnel")),
                        (t("fair.term_adjustment"), t(f"fair.adjustment_{adjustment}"))]  # fmt: skip
    return page
