-- Grain: one row per partnership × period p (P = $starts[p]..$ends[p]).
-- Budget utilisation (metrics.md, outcome 9): spend in P (amount_gbp of lines whose period_start
-- falls in P; a line belongs with its own person_id, recoveries count as negative) ÷ planned
-- budget in P (Σ weekly_budget_gbp × days the plan is active within P ÷ 7; NULL budget counts as
-- 0). data_gap: plans active in P with no weekly budget.
WITH periods AS (
    SELECT unnest($starts)::DATE AS p_start, unnest($ends)::DATE AS p_end,
           generate_subscripts($starts, 1) AS p
),
people_in AS (
    SELECT pe.person_id, a.partnership
    FROM people pe
    JOIN areas a ON a.area_code = pe.area_code
    WHERE list_contains($partnerships, a.partnership)
      AND ($locality IS NULL OR a.locality = $locality)
      AND ($client_group IS NULL OR pe.client_group = $client_group)
),
plans AS (
    SELECT sp.*, pi.partnership
    FROM support_plans sp
    JOIN people_in pi ON pi.person_id = sp.person_id
    WHERE ($service_type IS NULL OR sp.service_type = $service_type)
      AND ($sds_option IS NULL OR sp.sds_option = $sds_option)
),
spent AS (
    SELECT pi.partnership, per.p, sum(bs.amount_gbp) AS spend
    FROM budget_spend bs
    JOIN people_in pi ON pi.person_id = bs.person_id
    JOIN support_plans sp ON sp.plan_id = bs.plan_id
    JOIN periods per ON bs.period_start BETWEEN per.p_start AND per.p_end
    WHERE ($service_type IS NULL OR sp.service_type = $service_type)
      AND ($sds_option IS NULL OR sp.sds_option = $sds_option)
    GROUP BY pi.partnership, per.p
),
planned AS (
    SELECT pl.partnership, per.p,
           sum(coalesce(pl.weekly_budget_gbp, 0)
               * datediff('day', greatest(pl.start_date, per.p_start),
                         least(coalesce(pl.end_date, per.p_end + 1), per.p_end + 1)) / 7.0)
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
