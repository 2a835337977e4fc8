-- Grain: one row per kind of data gap, for one partnership, at the as-at date $as_at.
-- hours: active home care, reablement and personal assistant plans with no weekly_hours.
-- budget: active plans with no weekly_budget_gbp (counted as 0 in planned budget).
-- delivered: spend lines of home care and reablement plans in the 12 months to $as_at with no
--            hours_delivered.
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
    SELECT b.hours_delivered
    FROM budget_spend b
    JOIN people_here USING (person_id)
    JOIN support_plans s USING (plan_id)
    WHERE s.service_type IN ('home_care', 'reablement')
      AND b.period_start > $as_at - INTERVAL 365 DAY AND b.period_start <= $as_at
),
gaps AS (
    SELECT 'hours' AS gap,
           count(*) FILTER (WHERE weekly_hours IS NULL) AS with_gap,
           count(*) AS total
    FROM active WHERE service_type IN ('home_care', 'reablement', 'personal_assistant')
    UNION ALL
    SELECT 'budget', count(*) FILTER (WHERE weekly_budget_gbp IS NULL), count(*) FROM active
    UNION ALL
    SELECT 'delivered', count(*) FILTER (WHERE hours_delivered IS NULL), count(*) FROM lines
)
SELECT gap, with_gap, total, with_gap / nullif(total, 0) AS share
FROM gaps
