-- Grain: one row: partnership $partnership, period $p_start..$p_end.
-- The hand-written floor for review coverage (metrics.md): outcomes reviewed in P ÷ outcomes due in
-- P (set by the end of P, plan active on a day of P, latest review before P not no_longer_relevant).
WITH due AS (
    SELECT o.outcome_id
    FROM personal_outcomes o
    JOIN people pe ON pe.person_id = o.person_id
    JOIN areas a USING (area_code)
    JOIN support_plans sp ON sp.plan_id = o.plan_id
    LEFT JOIN (
        SELECT outcome_id, arg_max(status, (review_date, review_id)) AS status
        FROM outcome_reviews
        WHERE review_date < $p_start
        GROUP BY outcome_id
    ) b ON b.outcome_id = o.outcome_id
    WHERE a.partnership = $partnership AND o.set_date <= $p_end AND sp.start_date <= $p_end
      AND (sp.end_date IS NULL OR sp.end_date > $p_start)
      AND b.status IS DISTINCT FROM 'no_longer_relevant'
)
SELECT count(*) FILTER (WHERE outcome_id IN (
           SELECT outcome_id FROM outcome_reviews WHERE review_date BETWEEN $p_start AND $p_end))
       / count(*) AS value
FROM due
