-- Grain: one row per partnership × period p (P = $starts[p]..$ends[p]).
-- On-contract spend (metrics.md, outcome 9): amount_gbp of on-contract lines whose period_start
-- falls in P ÷ amount_gbp of all such lines, both over lines of plans other than SDS option 1
-- (a direct payment is the person's own purchasing). A line belongs with its own person_id.
-- Reads spend_months (queries/base_*.sql): lines joined to person, area and plan, summed by month.
WITH periods AS (
    SELECT unnest($starts)::DATE AS p_start, unnest($ends)::DATE AS p_end,
           generate_subscripts($starts, 1) AS p
)
SELECT f.partnership, per.p,
       coalesce(sum(f.spend) FILTER (WHERE f.on_contract), 0.0) AS numerator,
       sum(f.spend) AS denominator,
       0 AS data_gap
FROM spend_months f
JOIN periods per ON f.spend_month BETWEEN per.p_start AND per.p_end
WHERE list_contains($partnerships, f.partnership)
  AND f.sds_option <> 1
  AND ($locality IS NULL OR f.locality = $locality)
  AND ($client_group IS NULL OR f.client_group = $client_group)
  AND ($service_type IS NULL OR f.service_type = $service_type)
  AND ($sds_option IS NULL OR f.sds_option = $sds_option)
GROUP BY f.partnership, per.p
