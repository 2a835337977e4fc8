-- Grain: one row: partnership $partnership, period $p_start..$p_end.
-- The hand-written floor for budget utilisation (metrics.md, outcome 9): spend of lines starting in
-- P ÷ Σ weekly budget × days active within P ÷ 7, for people of the partnership.
WITH mine AS (
    SELECT person_id FROM people JOIN areas USING (area_code) WHERE partnership = $partnership
)
SELECT (SELECT sum(amount_gbp) FROM budget_spend SEMI JOIN mine USING (person_id)
        WHERE period_start BETWEEN $p_start AND $p_end)
     / (SELECT sum(coalesce(weekly_budget_gbp, 0)
                   * datediff('day', greatest(start_date, $p_start),
                              least(coalesce(end_date, $p_end + 1), $p_end + 1)) / 7.0)
        FROM support_plans SEMI JOIN mine USING (person_id)
        WHERE start_date <= $p_end AND (end_date IS NULL OR end_date > $p_start)) AS value
