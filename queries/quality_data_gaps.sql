-- Grain: one row per kind of data gap, for one partnership, at the as-at date $as_at.
-- hours: active home care, reablement and personal assistant plans with no weekly_hours.
-- budget: active plans with no weekly_budget_gbp (counted as 0 in planned budget).
-- delivered: spend lines of home care, reablement and personal assistant plans in the 12 months to
--            $as_at with no hours_delivered, of plans whose other lines in those months record
--            hours (metrics.md v1.2: a plan that never records hours is not missing them).
-- unreported: those plans with lines in the 12 months none of which records hours (direct
--            payments, most personal assistants): hours not reported, not a gap.
WITH people_here AS (
    SELECT p.person_id
    FROM people p JOIN areas a USING (area_code)
    WHERE a.partnership = $partnership
),
active AS (
    SELECT s.*
    FROM support_plans s JOIN people_here USING (person_id)
    WHERE s.start_date <= $as_at AND (s.end_date IS NULL OR s.end_date > $as_at)
),
lines AS (
    SELECT b.plan_id, b.hours_delivered, b.amount_gbp,
           count(b.hours_delivered) OVER (PARTITION BY b.plan_id) > 0 AS plan_records
    FROM budget_spend b
    JOIN people_here USING (person_id)
    JOIN support_plans s USING (plan_id)
    WHERE s.service_type IN ('home_care', 'reablement', 'personal_assistant')
      AND b.period_start > $as_at - INTERVAL 365 DAY AND b.period_start <= $as_at
),
plans AS (
    SELECT plan_id, bool_or(plan_records) AS records FROM lines GROUP BY plan_id
),
gaps AS (
    SELECT 'hours' AS gap,
           count(*) FILTER (WHERE weekly_hours IS NULL) AS with_gap,
           count(*) AS total
    FROM active WHERE service_type IN ('home_care', 'reablement', 'personal_assistant')
    UNION ALL
    SELECT 'budget', count(*) FILTER (WHERE weekly_budget_gbp IS NULL), count(*) FROM active
    UNION ALL
    SELECT 'delivered', count(*) FILTER (WHERE hours_delivered IS NULL AND amount_gbp > 0),
           count(*) FILTER (WHERE amount_gbp > 0)
    FROM lines WHERE plan_records
    UNION ALL
    SELECT 'unreported', count(*) FILTER (WHERE NOT records), count(*) FROM plans
)
SELECT gap, with_gap, total, with_gap / nullif(total, 0) AS share
FROM gaps
