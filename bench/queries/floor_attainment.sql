-- Grain: one row: partnership $partnership, period $p_start..$p_end.
-- The hand-written floor for the outcome attainment rate (metrics.md): each outcome's latest review
-- in P (ties: the greatest review_id as a string), no_longer_relevant left out of the denominator.
WITH latest AS (
    SELECT r.outcome_id, arg_max(r.status, (r.review_date, r.review_id)) AS status
    FROM outcome_reviews r
    JOIN personal_outcomes o USING (outcome_id)
    JOIN people pe ON pe.person_id = o.person_id
    JOIN areas a USING (area_code)
    WHERE a.partnership = $partnership AND r.review_date BETWEEN $p_start AND $p_end
    GROUP BY r.outcome_id
)
SELECT count(*) FILTER (WHERE status = 'met') / count(*) FILTER (WHERE status <> 'no_longer_relevant')
       AS value
FROM latest
