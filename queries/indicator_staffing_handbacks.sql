-- Grain: one row per partnership × period p (P = $starts[p]..$ends[p], snapshot at $as_ats[p]).
-- Staffing handbacks (metrics.md, outcome 8): handbacks dated in P with reason staffing of
-- home_care or reablement plans (through the plan's person), and the number of such plans active
-- at the end of P; the indicator is numerator ÷ denominator × 100 × 365 ÷ days in P.
-- Reads plan_facts (queries/base_*.sql): plans already joined to person and area.
WITH periods AS (
    SELECT unnest($starts)::DATE AS p_start, unnest($ends)::DATE AS p_end,
           unnest($as_ats)::DATE AS as_at, generate_subscripts($starts, 1) AS p
),
plans AS (
    SELECT sp.plan_id, sp.start_date, sp.end_date, sp.partnership
    FROM plan_facts sp
    WHERE list_contains($partnerships, sp.partnership)
      AND sp.service_type IN ('home_care', 'reablement')
      AND ($locality IS NULL OR sp.locality = $locality)
      AND ($client_group IS NULL OR sp.client_group = $client_group)
      AND ($service_type IS NULL OR sp.service_type = $service_type)
      AND ($sds_option IS NULL OR sp.sds_option = $sds_option)
),
handed_back AS (
    SELECT pl.partnership, per.p, count(*) AS handbacks
    FROM handbacks h
    JOIN plans pl ON pl.plan_id = h.plan_id
    JOIN periods per ON h.handback_date BETWEEN per.p_start AND per.p_end
    WHERE h.reason = 'staffing'
    GROUP BY pl.partnership, per.p
),
active AS (
    SELECT pl.partnership, per.p, count(*) AS plans
    FROM plans pl
    JOIN periods per
      ON pl.start_date <= per.as_at AND (pl.end_date IS NULL OR pl.end_date > per.as_at)
    GROUP BY pl.partnership, per.p
)
SELECT coalesce(act.partnership, hb.partnership) AS partnership, coalesce(act.p, hb.p) AS p,
       coalesce(hb.handbacks, 0) AS numerator, coalesce(act.plans, 0) AS denominator,
       0 AS data_gap,
       100.0 * coalesce(hb.handbacks, 0) / nullif(act.plans, 0) * 365
           / (datediff('day', per.p_start, per.p_end) + 1) AS value
FROM active act
FULL JOIN handed_back hb ON hb.partnership = act.partnership AND hb.p = act.p
JOIN periods per ON per.p = coalesce(act.p, hb.p)
