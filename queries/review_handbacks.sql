-- Grain: one row per unit of $by ('lot' or 'provider') for one partnership and P = $start..$end.
-- Handbacks dated in P of plans of people living in $partnership (a handback belongs with its
-- plan's person). The unit of a handback is its plan's lot_id for 'lot', and the handback's own
-- provider_id (the provider who handed the package back) for 'provider' (docs/evaluation.md).
-- Filters: NULL means no filter; locality and client group are the person's, service type and
-- SDS option the plan's.
SELECT CASE $by WHEN 'lot' THEN sp.lot_id WHEN 'provider' THEN hb.provider_id END AS grp,
       count(*) AS handbacks
FROM handbacks hb
JOIN support_plans sp ON sp.plan_id = hb.plan_id
JOIN people pe ON pe.person_id = sp.person_id
JOIN areas a ON a.area_code = pe.area_code
WHERE a.partnership = $partnership
  AND hb.handback_date BETWEEN $start AND $end
  AND ($locality IS NULL OR a.locality = $locality)
  AND ($client_group IS NULL OR pe.client_group = $client_group)
  AND ($service_type IS NULL OR sp.service_type = $service_type)
  AND ($sds_option IS NULL OR sp.sds_option = $sds_option)
GROUP BY grp
ORDER BY grp NULLS LAST
