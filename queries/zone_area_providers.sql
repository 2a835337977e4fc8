-- Grain: one row per area of partnership $partnership × provider with an active home care or
-- reablement plan (SDS option other than 1) for a person living in the area at $as_at: the weekly
-- hours it delivers there and its stated capacity (docs/zones.md, "provider capacity").
-- Reads plan_facts (queries/base_*.sql): plans already joined to their person's area.
SELECT pf.area_code, pf.provider_id,
       sum(coalesce(pf.weekly_hours, 0)) AS weekly_hours,
       any_value(pr.capacity_hours_week) AS capacity_hours_week
FROM plan_facts AS pf
LEFT JOIN providers AS pr ON pr.provider_id = pf.provider_id
WHERE pf.partnership = $partnership
  AND pf.service_type IN ('home_care', 'reablement') AND pf.sds_option <> 1
  AND pf.provider_id IS NOT NULL
  AND pf.start_date <= $as_at AND (pf.end_date IS NULL OR pf.end_date > $as_at)
GROUP BY pf.area_code, pf.provider_id
ORDER BY pf.area_code, pf.provider_id
