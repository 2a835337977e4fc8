-- Grain: one row per measure × area × group × quarter (0 = the oldest of the twelve quarters from
-- $first to the day before $stop) with at least one event, for the areas of $partnership.
--   new_plans:      support plans by start_date; area and group are the person's (client_group).
--   unmet_requests: every home care request by assessed_date, met later or not; area is the
--                   request's own area_code, group the person's client_group ('not_recorded' when
--                   the person is not in people).
--   outcomes_set:   personal outcomes by set_date; area is the person's, group the domain.
WITH partnership_areas AS (
    SELECT area_code, locality FROM areas WHERE partnership = $partnership
),
events AS (
    SELECT 'new_plans' AS measure, pe.area_code, pe.client_group AS grp, sp.start_date AS day
    FROM support_plans AS sp
    JOIN people AS pe USING (person_id)
    WHERE sp.start_date >= $first AND sp.start_date < $stop
    UNION ALL
    SELECT 'unmet_requests', rq.area_code, coalesce(pe.client_group, 'not_recorded'),
           rq.assessed_date
    FROM home_care_requests AS rq
    LEFT JOIN people AS pe USING (person_id)
    WHERE rq.assessed_date >= $first AND rq.assessed_date < $stop
    UNION ALL
    SELECT 'outcomes_set', pe.area_code, po.domain, po.set_date
    FROM personal_outcomes AS po
    JOIN people AS pe USING (person_id)
    WHERE po.set_date >= $first AND po.set_date < $stop
)
SELECT
    e.measure,
    a.locality,
    e.area_code,
    e.grp,
    (date_diff('month', CAST($first AS DATE), e.day) // 3)::INTEGER AS q,
    count(*)::BIGINT AS n
FROM events AS e
JOIN partnership_areas AS a USING (area_code)
GROUP BY ALL
ORDER BY ALL
