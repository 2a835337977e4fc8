-- Grain: one row per area of partnership $partnership × provider with an active home care or
-- reablement plan (SDS option other than 1) for a person living in the area at $as_at: the weekly
-- hours it delivers there and its stated capacity (docs/zones.md, "provider capacity").
SELECT pe.area_code, sp.provider_id,
       sum(coalesce(sp.weekly_hours, 0)) AS weekly_hours,
       any_value(pr.capacity_hours_week) AS capacity_hours_week
FROM support_plans AS sp
JOIN people AS pe USING (person_id)
JOIN areas AS ar ON ar.area_code = pe.area_code
LEFT JOIN providers AS pr ON pr.provider_id = sp.provider_id
WHERE ar.partnership = $partnership
  AND sp.service_type IN ('home_care', 'reablement') AND sp.sds_option <> 1
  AND sp.provider_id IS NOT NULL
  AND sp.start_date <= $as_at AND (sp.end_date IS NULL OR sp.end_date > $as_at)
GROUP BY pe.area_code, sp.provider_id
ORDER BY pe.area_code, sp.provider_id
