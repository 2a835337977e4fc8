-- Grain: one row per partnership × period p (P = $starts[p]..$ends[p]).
-- Budget utilisation (metrics.md, outcome 9): spend in P (amount_gbp of lines whose period_start
-- falls in P; a line belongs with its own person_id, recoveries count as negative) ÷ planned
-- budget in P (Σ weekly_budget_gbp × days the plan is active within P ÷ 7; NULL budget counts as
-- 0). data_gap: plans active in P with no weekly budget. Reads plan_facts and spend_months
-- (dashboard/precompute.py): plans and lines already joined to person and area, lines summed by
-- month (every P is whole months).
WITH periods AS (
    SELECT unnest($starts)::DATE AS p_start, unnest($ends)::DATE AS p_end,
           generate_subscripts($starts, 1) AS p
),
plans AS (
    SELECT pf.*
    FROM plan_facts pf
    WHERE list_contains($partnerships, pf.partnership)
      AND ($locality IS NULL OR pf.locality = $locality)
      AND ($client_group IS NULL OR pf.client_group = $client_group)
      AND ($service_type IS NULL OR pf.service_type = $service_type)
      AND ($sds_option IS NULL OR pf.sds_option = $sds_option)
),
spent AS (
    SELECT f.partnership, per.p, sum(f.spend) AS spend
    FROM spend_months f
    JOIN periods per ON f.spend_month BETWEEN per.p_start AND per.p_end
    WHERE list_contains($partnerships, f.partnership)
      AND ($locality IS NULL OR f.locality = $locality)
      AND ($client_group IS NULL OR f.client_group = $client_group)
      AND ($service_type IS NULL OR f.service_type = $service_type)
      AND ($sds_option IS NULL OR f.sds_option = $sds_option)
    GROUP BY f.partnership, per.p
),
planned AS (
    SELECT pl.partnership, per.p,
           sum(coalesce(pl.weekly_budget_gbp, 0)
               * days_active(pl.start_date, pl.end_date, per.p_start, per.p_end) / 7.0)
               AS budget,
           count(*) FILTER (WHERE pl.weekly_budget_gbp IS NULL) AS data_gap
    FROM plans pl
    JOIN periods per
      ON pl.start_date <= per.p_end AND (pl.end_date IS NULL OR pl.end_date > per.p_start)
    GROUP BY pl.partnership, per.p
)
SELECT coalesce(pd.partnership, s.partnership) AS partnership, coalesce(pd.p, s.p) AS p,
       coalesce(s.spend, 0.0) AS numerator, coalesce(pd.budget, 0.0) AS denominator,
       coalesce(pd.data_gap, 0) AS data_gap
FROM planned pd
FULL JOIN spent s ON s.partnership = pd.partnership AND s.p = pd.p
