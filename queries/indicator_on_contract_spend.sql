-- Grain: one row per partnership × period p (P = $starts[p]..$ends[p]).
-- On-contract spend (metrics.md, outcome 9): amount_gbp of on-contract lines whose period_start
-- falls in P ÷ amount_gbp of all such lines, both over lines of plans other than SDS option 1
-- (a direct payment is the person's own purchasing). A line belongs with its own person_id.
WITH periods AS (
    SELECT unnest($starts)::DATE AS p_start, unnest($ends)::DATE AS p_end,
           generate_subscripts($starts, 1) AS p
)
SELECT a.partnership, per.p,
       coalesce(sum(bs.amount_gbp) FILTER (WHERE bs.on_contract), 0.0) AS numerator,
       sum(bs.amount_gbp) AS denominator,
       0 AS data_gap
FROM budget_spend bs
JOIN people pe ON pe.person_id = bs.person_id
JOIN areas a ON a.area_code = pe.area_code
JOIN support_plans sp ON sp.plan_id = bs.plan_id
JOIN periods per ON bs.period_start BETWEEN per.p_start AND per.p_end
WHERE list_contains($partnerships, a.partnership)
  AND sp.sds_option <> 1
  AND ($locality IS NULL OR a.locality = $locality)
  AND ($client_group IS NULL OR pe.client_group = $client_group)
  AND ($service_type IS NULL OR sp.service_type = $service_type)
  AND ($sds_option IS NULL OR sp.sds_option = $sds_option)
GROUP BY a.partnership, per.p
