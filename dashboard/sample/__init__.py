"""A seeded, fictional partnership and its peers, written as a complete export folder.

`generate` is the one entry point: it builds each partnership in turn (geography, people, plans,
market, outcomes, spend) and appends its rows to the export's Parquet files, so memory holds one
partnership at a time. The planted stories and their parameters are described in docs/sample.md.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

import numpy as np

from dashboard.core.errors import UserError
from dashboard.core.strings import t
from dashboard.sample import geography, market, outcomes, plans, spend
from dashboard.sample import people as cohort
from dashboard.sample import timeline as tl
from dashboard.sample.names import NamePool
from dashboard.sample.tables import write_partnership
from dashboard.sample.writer import ExportWriter

GENERATOR = "dashboard.sample v1"
MIN_AREAS, MIN_PEOPLE_PER_PARTNERSHIP = 12, 50


@dataclass(frozen=True)
class Stories:
    """The signals planted in the sample (docs/sample.md explains each)."""

    deprivation_slope: float = 0.0165  # 1: chance of met per decile; ~13 points deciles 1–2 vs 9–10
    emerging_group: str = "dementia"  # 3: new plans in the most rural locality of the home …
    emerging_boost: float = (
        1.9  # … partnership arrive this much faster over the latest four quarters
    )
    # (new plans then run ~1.8× their earlier rate: follow-ons of earlier arrivals lag)
    seeing_boost: float = (
        1.6  # 3: the town locality sets `seeing_people` this much more often lately
    )
    step_outcome: int = 7  # 4: this national outcome's attainment in the home partnership …
    step_months_before: int = 18  # … steps up from the first of the month this long before extract
    step_size: float = 0.12  # … by this much
    direct_payment_use: float = 0.85  # 7: direct payments spend this share of their budget
    overspend: float = 1.08  # 7: one locality's home care spends this share of its budget


STORIES = Stories()


@dataclass
class Counters:
    """Running numbers so identifiers stay unique across partnerships."""

    person: int = 0
    plan: int = 0
    outcome: int = 0
    review: int = 0
    spend: int = 0
    request: int = 0
    handback: int = 0
    provider: int = 0
    lot: int = 0

    def take(self, name: str, n: int) -> np.ndarray:
        first = getattr(self, name)
        setattr(self, name, first + n)
        return np.arange(first + 1, first + n + 1)


def generate(
    out: Path,
    *,
    seed: int = 20260630,
    people: int = 30000,
    partnerships: int = 3,
    areas: int = 150,
    extract_date: date = date(2026, 6, 30),
    stories: Stories = STORIES,
) -> dict:
    """Write a synthetic export to `out`; returns the row count of each table."""
    if partnerships < 1 or areas < MIN_AREAS or people < MIN_PEOPLE_PER_PARTNERSHIP * partnerships:
        raise UserError(t("sample.too_small", areas=MIN_AREAS, people=MIN_PEOPLE_PER_PARTNERSHIP))
    if extract_date <= tl.WINDOW_START:
        raise UserError(t("sample.extract_too_early", start=tl.WINDOW_START.isoformat()))
    rng = np.random.Generator(np.random.PCG64(seed))
    names = NamePool(rng)
    writer = ExportWriter(Path(out))
    counters = Counters()
    extract_day = tl.day(extract_date)
    recent, _ = tl.latest_four_quarters(extract_date)
    month = extract_date.year * 12 + extract_date.month - 1 - stories.step_months_before
    step = date(month // 12, month % 12 + 1, 1)
    sizes = np.full(partnerships, people // partnerships)
    sizes[: people % partnerships] += 1
    facts, ferries = {}, []
    for index in range(partnerships):
        home = index == 0
        name = names.partnership(index)
        ar = geography.build(rng, index, areas, name, index * areas + 1, names)
        ferries.append(list(ar.ferry))
        sector = np.arange(1, len(ar.localities))
        rurality = [ar.urban_rural[ar.locality_index == k].mean() for k in sector]
        emerging = int(sector[np.argmax(rurality)])
        overspent = int(next(k for k in sector if k != emerging))
        planted = (emerging, cohort.group_index(stories.emerging_group)) if home else None
        pe = cohort.build(rng, ar, int(sizes[index]), extract_day, planted,
                                tl.day(recent), stories.emerging_boost)  # fmt: skip
        pl = plans.build(rng, pe, extract_day)
        prov = market.providers(rng, ar, names)
        lots = None
        if home:
            hours = market.home_care_hours_today(ar, pe, pl, extract_day)
            lots = market.lots(rng, ar, hours, prov)
            facts = {
                "home_partnership": name,
                "emerging_locality": ar.localities[emerging],
                "emerging_from": recent.isoformat(),
                "seeing_people_locality": ar.localities[0],
                "step_from": step.isoformat(),
                "overspent_locality": ar.localities[overspent],
                "big_lot": lots.names[0],
            }
        market.assign(rng, ar, pe, pl, prov, lots)
        sig = outcomes.Signals(
            deprivation_slope=stories.deprivation_slope,
            step_outcome=stories.step_outcome if home else None,
            step_day=tl.day(step),
            step_size=stories.step_size,
            seeing_locality=0 if home else None,
            seeing_from=tl.day(recent),
            seeing_boost=stories.seeing_boost,
        )
        own = np.random.Generator(np.random.PCG64([seed, index, 24]))  # types, reablement goals
        oc, rv = outcomes.build(rng, ar, pe, pl, extract_day, sig, own)
        spend_sig = spend.SpendSignals(
            stories.direct_payment_use, overspent if home else None, stories.overspend
        )
        write_partnership(
            writer, counters, rng, ar, pe, pl, prov, lots, oc, rv, extract_day, spend_sig
        )
    manifest = {
        "extract_date": extract_date.isoformat(),
        "geography": "DZ2011",
        "generator": GENERATOR,
        "seed": seed,
        "stories": facts | asdict(stories),
        "zone_links": ferries,  # each island's ferry (docs/zones.md): this export's, nobody else's
    }
    return writer.close(manifest)
