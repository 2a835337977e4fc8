-- Grain: one row per lot (the lot_id of the outcome's plan; NULL = no lot) for one partnership
-- and one period P = $start..$end. Outcome attainment (metrics.md): each outcome's latest review
-- in P (latest review_date, ties: greatest review_id); met ÷ outcomes whose latest review is met,
-- partly met or not met. The same definition as outcomes_attainment.sql, which has no lot
-- breakdown; an outcome belongs with its own person_id's area. Filters: NULL means no filter.
WITH scoped AS (
    SELECT o.outcome_id, sp.lot_id
    FROM personal_outcomes o
    JOIN people pe ON pe.person_id = o.person_id
    JOIN areas a ON a.area_code = pe.area_code
    JOIN support_plans sp ON sp.plan_id = o.plan_id
    WHERE a.partnership = $partnership
      AND ($locality IS NULL OR a.locality = $locality)
      AND ($client_group IS NULL OR pe.client_group = $client_group)
      AND ($service_type IS NULL OR sp.service_type = $service_type)
      AND ($sds_option IS NULL OR sp.sds_option = $sds_option)
),
latest AS (
    SELECT s.lot_id, r.status
    FROM outcome_reviews r
    JOIN scoped s ON s.outcome_id = r.outcome_id
    WHERE r.review_date BETWEEN $start AND $end
    QUALIFY row_number() OVER (
        PARTITION BY r.outcome_id ORDER BY r.review_date DESC, r.review_id DESC) = 1
)
SELECT lot_id AS grp,
       count(*) FILTER (WHERE status = 'met') AS met,
       count(*) FILTER (WHERE status IN ('met', 'partly_met', 'not_met')) AS denominator
FROM latest
GROUP BY lot_id
ORDER BY lot_id NULLS LAST
