-- Grain: one row per calendar month of period_start × person × plan × paid provider × on
-- contract: the spend lines summed, with their attributes (each fixed by the person or the plan). Every reporting
-- period is whole months (core/periods.period_params), so a period's spend is the sum of its months'
-- rows: the spend queries read a quarter of the rows and group no line on a filter change. The
-- zone figures, whose twelve months end on any as-at day, still read spend_facts. The line counts
-- are kept as DOUBLE: DuckDB sums integers in 128 bits, which made the spend query a sixth slower,
-- and a double counts exactly far beyond any export's number of lines (2^53).
-- Hours like with like (metrics.md v1.2): `recorded_planned` is the plan's weekly_hours (NULL as 0)
-- × the days of each line recording hours_delivered that fall in its start month ÷ 7, and
-- `recorded_planned_after` the same for the days after that month (a weekly or four-weekly line
-- runs into the next month at most), so a period of whole months counts only the days inside it.
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
           AS hours_gap_lines,
       sum(coalesce(weekly_hours, 0) * (least(period_end, last_day(period_start)) - period_start + 1)
           / 7.0) FILTER (WHERE hours_delivered IS NOT NULL) AS recorded_planned,
       sum(coalesce(weekly_hours, 0) * greatest(period_end - last_day(period_start), 0) / 7.0)
           FILTER (WHERE hours_delivered IS NOT NULL) AS recorded_planned_after
FROM spend_facts
GROUP BY spend_month, person_id, plan_id, paid_provider, on_contract
ORDER BY partnership, spend_month
