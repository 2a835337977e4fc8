"""The spend figures: spend, planned budget and hours counted in SQL, then hidden where the people
behind them are few.

Spend is counted from the individual budget spend lines (queries/spend_lines.sql) and planned budget
from the plans (queries/spend_planned.sql), each over a list of periods and breakdowns in one pass,
so the year's figures and every breakdown share one definition. The SPC series reads budget
utilisation's own query (queries/spend_budget_utilisation.sql), the one the national indicator
reads, narrowed to what the charts draw so a long series costs one cheap pass.

A money or hours figure for a handful of people can identify a person's package, so each one
carries the count of people behind it and is hidden whenever that count is (`protect_amounts`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import duckdb
import polars as pl

from dashboard.core import disclosure
from dashboard.core.disclosure import Policy, flag
from dashboard.core.page import NO_FILTERS, Filters
from dashboard.core.parallel import side_by_side
from dashboard.core.periods import Period, months_in, period_params, quarters_in, window_start
from dashboard.core.query import run
from dashboard.core.ratio import rate
from dashboard.outcomes.attainment import attainments

HOUR_SERVICES = ("home_care", "reablement", "personal_assistant")  # plans with planned hours
MONEY = pl.Decimal(18, 2)  # amounts and hours: exact decimals, so screens never show them as %


def spend_figures(
    con: duckdb.DuckDBPyConnection,
    *,
    partnership: str,
    periods: Sequence[Period],
    breakdowns: Sequence[str] = ("all",),
    filters: Filters = NO_FILTERS,
    hour_services: Sequence[str] = HOUR_SERVICES,
) -> pl.DataFrame:
    """Spend, planned budget and hours per period index p × breakdown × group, with the ratios.

    Spend-side groups (`paid_provider`) have no planned budget; plan-side counts there are 0.
    """
    common = {
        "partnership": partnership,
        **period_params(periods),
        "hour_services": list(hour_services),
        **filters.params(),
    }
    keys = ["p", "breakdown", "grp"]
    plan_side = [b for b in breakdowns if b not in ("paid_provider",)]
    lines, planned = side_by_side(
        lambda: run(con.cursor(), "spend_lines", breakdowns=list(breakdowns), **common),
        lambda: run(con.cursor(), "spend_planned", breakdowns=plan_side, **common),
    )
    both = lines.join(planned, on=keys, how="full", coalesce=True, nulls_equal=True)
    if "all" in breakdowns:  # every period has its row, so a series has no holes
        grid = pl.DataFrame(
            {"p": range(1, len(periods) + 1), "breakdown": "all", "grp": "all"},
            schema={"p": both.schema["p"], "breakdown": pl.String, "grp": pl.String},
        )
        both = pl.concat([both, grid.join(both, on=keys, how="anti")], how="diagonal")
    counts = [c for c in both.columns if c not in keys]
    return (
        both.with_columns(pl.col(c).fill_null(0) for c in counts)
        .with_columns(
            pl.col("p").cast(pl.Int64),
            rate("spend", "budget").alias("utilisation"),
            (pl.col("on_contract_gbp") + pl.col("spot_gbp")).alias("purchased_gbp"),
            # like with like (metrics.md v1.2): the planned hours of the lines recording hours
            rate("hours_delivered", "recorded_planned").alias("hours_ratio"),
            rate("hourly_spend", "hours_delivered").alias("cost_per_hour"),
            rate("spend", "plan_weeks").alias("weekly_cost"),
            rate("budget", "plan_weeks").alias("weekly_budget"),
        )
        .with_columns(
            rate("on_contract_gbp", "purchased_gbp").alias("on_contract_share"),
            rate("spot_gbp", "purchased_gbp").alias("spot_share"),
        )
        .sort(keys, nulls_last=True)
    )


def protect_amounts(
    df: pl.DataFrame,
    policy: Policy,
    *,
    counts: Sequence[str],
    amounts: Mapping[str, Sequence[str]] | None = None,
    shares: Mapping[str, Sequence[str]] | None = None,
    rates: Mapping[str, tuple[str, str]] | None = None,
    total_flag: str | None = None,
    remainders: Mapping[str, Sequence[str]] | None = None,
) -> pl.DataFrame:
    """`disclosure.protect` for counts and rates, then each amount (money, hours) and share (a
    ratio of amounts) hidden wherever a people count it rests on is hidden or small (so rounding
    to base 5 hides it too). Amounts become exact decimals; shares stay fractions."""
    amounts, shares = dict(amounts or {}), dict(shares or {})
    out = disclosure.protect(
        df, policy, counts=counts, rates=rates, total_flag=total_flag, remainders=remainders
    )

    def hidden(people: Sequence[str]) -> pl.Expr:
        small = [pl.lit(df[p].is_between(1, policy.threshold - 1)) for p in people]
        return pl.any_horizontal([pl.col(flag(p)) for p in people] + small) & policy.controlled

    flags = {c: hidden(people) for c, people in {**amounts, **shares}.items()}
    out = out.with_columns(v.alias(flag(c)) for c, v in flags.items())
    return out.with_columns(
        pl.when(pl.col(flag(c))).then(None).otherwise(pl.col(c)).alias(c) for c in flags
    ).with_columns(pl.col(c).round(2).cast(MONEY) for c in amounts)


def provider_universe(con: duckdb.DuckDBPyConnection, partnership: str) -> pl.DataFrame:
    """Every provider of the partnership's plans and payment lines, named where the optional
    providers table names it, so a board label stays the same across tables and filters."""
    return run(con, "spend_providers", partnership=partnership)


def value_outcomes(
    con: duckdb.DuckDBPyConnection, partnership: str, period: Period, breakdowns: Sequence[str],
    filters: Filters,
) -> dict[str, pl.DataFrame]:  # fmt: skip
    """Per breakdown (the plan's service type or lot), met and denominator per group with the
    "all" row for everyone, all counted in one query."""
    counted = attainments(con, partnerships=[partnership], periods=[period],
                          bys=("all", *breakdowns), filters=filters)  # fmt: skip
    return {
        b: pl.concat([counted[b], counted["all"]])
        .select("grp", "met", "denominator")
        .cast({"met": pl.Int64, "denominator": pl.Int64})
        for b in breakdowns
    }


def series_periods(period: Period, extract: date, months: int) -> tuple[list[Period], list[Period]]:
    """Months (and the financial quarters they fall in) ending with P, or with the extract's month
    when P runs past it: no chart point for a month with nothing paid yet."""
    end = min(period.end, extract)
    start = window_start(end, months)
    return months_in(start, end), quarters_in(start, end)


def spend_series(
    con: duckdb.DuckDBPyConnection,
    *,
    partnership: str,
    periods: Sequence[Period],
    filters: Filters = NO_FILTERS,
) -> pl.DataFrame:
    """Spend, planned budget, the people behind each and utilisation per period index p: budget
    utilisation's own query with its people counted, so months and quarters together cost one."""
    df = run(
        con,
        "spend_budget_utilisation",
        partnerships=[partnership],
        **period_params(periods),
        count_people=True,
        **filters.params(),
    )
    return df.select(
        pl.col("p").cast(pl.Int64), "people", "plan_people", "spend", "budget",
        rate("spend", "budget").alias("utilisation"),
    )  # fmt: skip
