-- Grain: one row per period p (P = $starts[p]..$ends[p]), every p present.
-- The spend series of one partnership: only what the SPC charts draw and protect, so a 36-month
-- series (and its quarters, passed in the same lists) costs one pass over the lines and plans.
-- Spend and planned budget as in spend_lines.sql and spend_planned.sql (a line belongs with its
-- own person_id's area and to the period its period_start falls in; a plan's budget is
-- weekly_budget_gbp × days active within P ÷ 7, NULL as 0), with the people behind each.
WITH periods AS (
    SELECT unnest($starts)::DATE AS p_start, unnest($ends)::DATE AS p_end,
           generate_subscripts($starts, 1) AS p
),
spent AS (
    SELECT per.p, count(DISTINCT f.person_id) AS people, sum(f.spend) AS spend
    FROM spend_months f
    JOIN periods per ON f.spend_month BETWEEN per.p_start AND per.p_end
    WHERE f.partnership = $partnership
      AND ($locality IS NULL OR f.locality = $locality)
      AND ($client_group IS NULL OR f.client_group = $client_group)
      AND ($service_type IS NULL OR f.service_type = $service_type)
      AND ($sds_option IS NULL OR f.sds_option = $sds_option)
    GROUP BY per.p
),
planned AS (
    SELECT per.p, count(DISTINCT pf.person_id) AS plan_people,
           sum(coalesce(pf.weekly_budget_gbp, 0)
               * days_active(pf.start_date, pf.end_date, per.p_start, per.p_end) / 7.0)
               AS budget
    FROM plan_facts pf
    JOIN periods per
      ON pf.start_date <= per.p_end AND (pf.end_date IS NULL OR pf.end_date > per.p_start)
    WHERE pf.partnership = $partnership
      AND ($locality IS NULL OR pf.locality = $locality)
      AND ($client_group IS NULL OR pf.client_group = $client_group)
      AND ($service_type IS NULL OR pf.service_type = $service_type)
      AND ($sds_option IS NULL OR pf.sds_option = $sds_option)
    GROUP BY per.p
)
SELECT per.p, coalesce(s.people, 0) AS people, coalesce(pd.plan_people, 0) AS plan_people,
       coalesce(s.spend, 0.0) AS spend, coalesce(pd.budget, 0.0) AS budget
FROM periods per
LEFT JOIN spent s ON s.p = per.p
LEFT JOIN planned pd ON pd.p = per.p
ORDER BY per.p
