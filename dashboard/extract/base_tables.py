"""Tables built once per export in its cache database, so the pages' queries start from rows already
joined to the attributes they filter and group by, instead of joining the raw tables on every filter
change. `build` runs right after validation (export.build_cache) on the clean tables, and
tests/builders.py runs it too, so tests exercise the same queries the app does.

The joins are inner joins, exactly as each query made them before: a row whose person, area or
plan is missing was never counted and is not here either. Rows are ordered by partnership and date
so DuckDB's zone maps skip other partnerships' and periods' row groups.
"""

from __future__ import annotations

import duckdb

# One row per support plan, with its person's area and record.
PLAN_FACTS = """
CREATE OR REPLACE TABLE plan_facts AS
SELECT sp.*, pe.area_code, pe.client_group, pe.birth_year, pe.sex,
       a.partnership, a.locality, a.deprivation_decile, a.urban_rural
FROM support_plans sp
JOIN people pe ON pe.person_id = sp.person_id
JOIN areas a ON a.area_code = pe.area_code
ORDER BY a.partnership, sp.start_date
"""

# One row per budget spend line, with its own person's area and record (a line belongs with its
# own person_id) and its plan's attributes (`provider_id` the plan's, `paid_provider` the line's).
SPEND_FACTS = """
CREATE OR REPLACE TABLE spend_facts AS
SELECT bs.person_id, bs.plan_id, bs.period_start, bs.amount_gbp, bs.hours_delivered,
       bs.on_contract, bs.provider_id AS paid_provider,
       a.partnership, a.locality, pe.area_code, pe.client_group,
       sp.service_type, sp.sds_option, sp.lot_id, sp.provider_id
FROM budget_spend bs
JOIN people pe ON pe.person_id = bs.person_id
JOIN areas a ON a.area_code = pe.area_code
JOIN support_plans sp ON sp.plan_id = bs.plan_id
ORDER BY a.partnership, bs.period_start
"""

# Spend lines summed per calendar month of period_start × person × plan × paid provider × on
# contract, with the line's attributes (each fixed by the person or the plan). Every reporting
# period is whole months (periods.period_params), so a period's spend is the sum of its months'
# rows: the spend queries read a quarter of the rows and group no line on a filter change. The
# zone figures, whose twelve months end on any as-at day, still read spend_facts. The line counts
# are kept as DOUBLE: DuckDB sums integers in 128 bits, which made the spend query a sixth slower,
# and a double counts exactly far beyond any export's number of lines (2^53).
SPEND_MONTHS = """
CREATE OR REPLACE TABLE spend_months AS
SELECT CAST(date_trunc('month', period_start) AS DATE) AS spend_month,
       person_id, plan_id, paid_provider, on_contract,
       any_value(partnership) AS partnership, any_value(locality) AS locality,
       any_value(client_group) AS client_group, any_value(service_type) AS service_type,
       any_value(sds_option) AS sds_option, any_value(lot_id) AS lot_id,
       any_value(provider_id) AS provider_id,
       CAST(count(*) AS DOUBLE) AS lines,
       sum(amount_gbp) AS spend,
       sum(amount_gbp) FILTER (WHERE amount_gbp > 0) AS payments,
       sum(amount_gbp) FILTER (WHERE amount_gbp < 0) AS recoveries,
       CAST(count(*) FILTER (WHERE amount_gbp < 0) AS DOUBLE) AS recovery_lines,
       sum(hours_delivered) AS hours_delivered,
       sum(amount_gbp) FILTER (WHERE hours_delivered IS NOT NULL) AS hourly_spend,
       CAST(count(*) FILTER (WHERE hours_delivered IS NOT NULL) AS DOUBLE) AS hourly_lines,
       CAST(count(*) FILTER (WHERE hours_delivered IS NULL AND amount_gbp > 0) AS DOUBLE)
           AS hours_gap_lines
FROM spend_facts
GROUP BY spend_month, person_id, plan_id, paid_provider, on_contract
ORDER BY partnership, spend_month
"""

# One row per personal outcome, with its person's area and record and its plan's attributes (the
# national outcome as recorded: the crosswalk default is applied by the queries, which take the
# framework file as a parameter).
OUTCOME_FACTS = """
CREATE OR REPLACE TABLE outcome_facts AS
SELECT o.outcome_id, o.set_date, o.domain, o.national_outcome,
       sp.service_type, sp.sds_option, sp.lot_id, sp.provider_id,
       sp.start_date AS plan_start, sp.end_date AS plan_end,
       pe.birth_year, pe.sex, pe.client_group,
       a.partnership, a.locality, a.deprivation_decile, a.urban_rural
FROM personal_outcomes o
JOIN people pe ON pe.person_id = o.person_id
JOIN areas a ON a.area_code = pe.area_code
JOIN support_plans sp ON sp.plan_id = o.plan_id
ORDER BY a.partnership, o.outcome_id
"""

# One review per outcome and day (the greatest review_id, so "latest" is well defined), for the
# outcomes in outcome_facts, with the outcome's filter attributes and the day of its next review.
# Which review counts on a day and when a "no longer relevant" review stops being the latest are
# facts of the export, not of a filter: found once here rather than by a window over every review
# on each filter change. Built after OUTCOME_FACTS, which it reads.
REVIEW_FACTS = """
CREATE OR REPLACE TABLE review_facts AS
SELECT outcome_id, review_date, review_id, status,
       partnership, locality, client_group, service_type, sds_option,
       lead(review_date) OVER (PARTITION BY outcome_id ORDER BY review_date) AS next_date
FROM (
    SELECT r.outcome_id, r.review_date, r.review_id, r.status,
           f.partnership, f.locality, f.client_group, f.service_type, f.sds_option
    FROM outcome_reviews r
    JOIN outcome_facts f ON f.outcome_id = r.outcome_id
    QUALIFY row_number() OVER (
        PARTITION BY r.outcome_id, r.review_date ORDER BY r.review_id DESC) = 1
)
ORDER BY partnership, review_date
"""


# The days a plan is active within P (metrics.md: active on day d when start_date <= d < end_date,
# NULL end_date open), written once for every query that prorates a weekly budget or hours to P.
DAYS_ACTIVE = """
CREATE OR REPLACE MACRO days_active(start_date, end_date, p_start, p_end) AS
    datediff('day', greatest(start_date, p_start),
             least(coalesce(end_date, p_end + 1), p_end + 1))
"""


def build(con: duckdb.DuckDBPyConnection) -> None:
    """Build every precomputed table (empty when its source tables are), and the macros the
    queries share."""
    for sql in (DAYS_ACTIVE, PLAN_FACTS, SPEND_FACTS, SPEND_MONTHS, OUTCOME_FACTS, REVIEW_FACTS):
        con.sql(sql)
