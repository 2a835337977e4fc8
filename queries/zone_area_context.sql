-- Grain: one row per area of partnership $partnership: what the zone map shows beside home care
-- demand: the area's deprivation decile, and outcome attainment counts for the period
-- [$p_start, $p_end] (metrics.md "Personal outcomes": each outcome's latest review in the period,
-- ties broken by the greatest review_id as a string; no_longer_relevant left out of the rate).
-- An outcome belongs with its own person's area; the sidebar filters apply as in
-- outcomes_attainment.sql (NULL means no filter).
WITH latest AS (
    SELECT pe.area_code, r.status
    FROM personal_outcomes AS o
    JOIN people AS pe ON pe.person_id = o.person_id
    JOIN areas AS a ON a.area_code = pe.area_code
    JOIN support_plans AS sp ON sp.plan_id = o.plan_id
    JOIN outcome_reviews AS r ON r.outcome_id = o.outcome_id
    WHERE a.partnership = $partnership
      AND r.review_date BETWEEN $p_start AND $p_end
      AND ($locality IS NULL OR a.locality = $locality)
      AND ($client_group IS NULL OR pe.client_group = $client_group)
      AND ($service_type IS NULL OR sp.service_type = $service_type)
      AND ($sds_option IS NULL OR sp.sds_option = $sds_option)
    QUALIFY row_number() OVER (
        PARTITION BY o.outcome_id ORDER BY r.review_date DESC, r.review_id DESC) = 1
),
counted AS (
    SELECT area_code,
           count(*) FILTER (WHERE status = 'met') AS met,
           count(*) FILTER (WHERE status IN ('met', 'partly_met', 'not_met')) AS denominator
    FROM latest
    GROUP BY area_code
)
SELECT ar.area_code, ar.deprivation_decile,
       coalesce(c.met, 0) AS met, coalesce(c.denominator, 0) AS denominator
FROM areas AS ar
LEFT JOIN counted AS c USING (area_code)
WHERE ar.partnership = $partnership
ORDER BY ar.area_code
