"""The carers page: unpaid carers' own outcomes (every carer_* domain), how far they were met, review
coverage and the trend."""

from __future__ import annotations

from datetime import date

import polars as pl

from dashboard.core import disclosure
from dashboard.core.contract import CARER_DOMAINS
from dashboard.core.disclosure import Policy
from dashboard.core.page import PageData, View, policy_for
from dashboard.core.periods import Period, window_start
from dashboard.core.ratio import rate
from dashboard.core.settings import Settings
from dashboard.core.strings import t
from dashboard.equity.equity import interval_rates, with_wilson
from dashboard.extract.export import Export
from dashboard.outcomes.attainment import attainment, series_periods, split_periods
from dashboard.spc.chart import spc_figure
from dashboard.spc.series import Rules, judge
from dashboard.spc.xmr import reading


def carer_counts(df: pl.DataFrame) -> pl.DataFrame:
    """Per period, the counts summed over the carer domains (each outcome has one domain)."""
    counts = ["met", "partly_met", "denominator", "due", "reviewed"]
    return (
        df.filter(pl.col("grp").is_in(CARER_DOMAINS))
        .group_by("p", "period", "period_start", "period_end")
        .agg(pl.col(c).sum() for c in counts)
        .sort("p")
    )


def build(
    export: Export,
    settings: Settings,
    view: View,
) -> PageData:
    """Unpaid carers' own outcomes (every carer_* domain): attainment, review coverage, trend."""
    policy = policy_for(settings)
    page = PageData("carers", view)
    common = {"partnerships": [view.partnership], "by": "domain", "filters": view.filters,
              "framework_file": settings.framework_file}  # fmt: skip
    months, quarters = _trend_periods(view.p.end, settings.series_months, policy)
    domains, monthly, quarterly = split_periods(
        attainment(export.cursor(), periods=[view.p, *months, *quarters], **common),
        1, len(months), len(quarters),
    )  # fmt: skip
    grid = pl.DataFrame({"grp": list(CARER_DOMAINS)})
    counts = ["met", "partly_met", "denominator", "due", "reviewed"]
    by_domain = grid.join(domains.select("grp", *counts), on="grp", how="left").with_columns(
        pl.col(c).fill_null(0) for c in counts
    )
    total = by_domain.select(pl.lit("all").alias("grp"), *(pl.col(c).sum() for c in counts))
    table = pl.concat([by_domain, total.select(by_domain.columns)]).with_columns(
        pl.col("grp").replace_strict({d: t(f"evaluation.domain_{d}") for d in CARER_DOMAINS},
                                     default=t("evaluation.all_carer_domains")).alias("domain"),
        (pl.col("grp") == "all").alias("is_total"),
    )  # fmt: skip
    table = with_wilson(table, "met", "denominator", "rate").with_columns(
        rate("partly_met", "denominator").alias("partly_met_rate"),
        rate("reviewed", "due").alias("coverage"),
    )
    page.tables["domains"] = disclosure.protect(
        table.select("domain", *counts, "rate", "rate_low", "rate_high", "partly_met_rate",
                     "coverage", "is_total"),  # fmt: skip
        policy,
        counts=counts,
        rates={**interval_rates("rate", "met", "denominator"),
               "partly_met_rate": ("partly_met", "denominator"), "coverage": ("reviewed", "due")},
        total_flag="is_total",
    )  # fmt: skip
    overall = page.tables["domains"].filter(pl.col("is_total")).row(0, named=True)
    page.sentences.append(_carers_summary(overall, policy))
    _carer_trend(page, settings, policy, monthly, quarterly)
    page.definitions = [(t("evaluation.def_carers_term"), t("evaluation.def_carers"))]
    return page


def _carers_summary(row: dict, policy: Policy) -> str:
    """The headline in words; a hidden figure is said to be hidden, never guessed at."""
    if row["denominator"] == 0:
        return t("evaluation.carers_none")
    if row["rate"] is None or row["coverage"] is None:
        return t("evaluation.carers_hidden", threshold=policy.threshold)
    return t(
        "evaluation.carers_summary", rate=row["rate"] * 100, met=row["met"],
        denominator=row["denominator"], coverage=row["coverage"] * 100,
    )  # fmt: skip


def _trend_periods(end: date, months: int, policy: Policy) -> tuple[list[Period], list[Period]]:
    """The trend's months ending with P's month, and their quarters when a board may need them
    (disclosure falls back to quarters only under control)."""
    start = window_start(end, months)
    quarters = series_periods(start, end, "quarter") if policy.controlled else []
    return series_periods(start, end, "month"), quarters


def _series(counted: pl.DataFrame) -> pl.DataFrame:
    return carer_counts(counted).with_columns(rate("met", "denominator").alias("rate"))


def _carer_trend(
    page: PageData, settings: Settings, policy: Policy, monthly: pl.DataFrame,
    quarterly: pl.DataFrame,
) -> None:  # fmt: skip
    monthly, quarterly = _series(monthly), _series(quarterly)
    grain, shown, note = disclosure.series_grain(
        monthly, quarterly, policy, denominator="denominator", numerator="met"
    )
    if note:
        page.sentences.append(note)
    if shown is None or shown.height == 0 or shown["rate"].null_count() == shown.height:
        page.sentences.append(t("evaluation.carers_no_trend"))
        return
    shown = shown.filter(pl.col("rate").is_not_null())
    result = judge(shown, "rate", Rules.of(settings), direction="increase")
    periods = t(f"evaluation.grain_{grain}")
    title = reading(result, t("evaluation.carers_measure"), "%", periods)
    page.sentences.append(title)
    page.charts["trend"] = {
        "figure": spc_figure(
            result,
            title=title,
            y_title=t("evaluation.axis_attainment"),
            dates=shown["period"].to_list(),
        ),  # fmt: skip
        "alt": t("evaluation.alt_trend", title=title, n=shown.height, grain=periods),
        "result": result,
    }
    page.tables["trend"] = disclosure.protect(
        shown.select("period", "met", "denominator", "rate"),
        policy,
        counts=["met", "denominator"],
        rates={"rate": ("met", "denominator")},
    )
