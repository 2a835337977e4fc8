-- Grain: one row: today's lot $lot_id at the as-at date $as_at.
-- The hand-written floor for a zone's weekly hours (metrics.md, home care demand): Σ weekly_hours
-- (NULL as 0) of active home care and reablement plans, other than SDS option 1, of people living
-- in the lot's areas.
SELECT sum(coalesce(sp.weekly_hours, 0)) AS value
FROM support_plans sp
JOIN people pe USING (person_id)
JOIN home_care_lots l ON l.area_code = pe.area_code
WHERE l.lot_id = $lot_id AND sp.service_type IN ('home_care', 'reablement') AND sp.sds_option <> 1
  AND sp.start_date <= $as_at AND (sp.end_date IS NULL OR sp.end_date > $as_at)
