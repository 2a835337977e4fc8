-- Grain: one row per partnership × period p × score_tool, plus one row per partnership × period
-- with is_total = true (all tools). Distance travelled (metrics.md): latest score − first score
-- over an outcome's scored reviews on or before the end of P (ordered by review_date, review_id),
-- for outcomes in P's attainment denominator with at least two such reviews. Scores of different
-- tools never meet: a NULL score_tool is its own tool ("not recorded"), so the total's mean is
-- given only when every score came from one tool (or all from none). Reads outcome_facts
-- (queries/base_*.sql): outcomes already joined to person, area and plan.
WITH periods AS (
    SELECT unnest($starts)::DATE AS p_start, unnest($ends)::DATE AS p_end,
           generate_subscripts($starts, 1) AS p
),
scoped AS (
    SELECT f.outcome_id, f.partnership
    FROM outcome_facts f
    WHERE list_contains($partnerships, f.partnership)
      AND ($locality IS NULL OR f.locality = $locality)
      AND ($client_group IS NULL OR f.client_group = $client_group)
      AND ($service_type IS NULL OR f.service_type = $service_type)
      AND ($sds_option IS NULL OR f.sds_option = $sds_option)
),
counted AS (
    -- outcomes in P's attainment denominator: latest review in P is not no_longer_relevant
    SELECT s.outcome_id, s.partnership, per.p, per.p_end, r.status
    FROM scoped s
    JOIN outcome_reviews r ON r.outcome_id = s.outcome_id
    JOIN periods per ON r.review_date BETWEEN per.p_start AND per.p_end
    QUALIFY row_number() OVER (
        PARTITION BY s.outcome_id, per.p ORDER BY r.review_date DESC, r.review_id DESC) = 1
),
travelled AS (
    SELECT c.partnership, c.p, c.outcome_id, r.score_tool,
           last(r.score ORDER BY r.review_date, r.review_id)
             - first(r.score ORDER BY r.review_date, r.review_id) AS distance
    FROM counted c
    JOIN outcome_reviews r
      ON r.outcome_id = c.outcome_id AND r.review_date <= c.p_end AND r.score IS NOT NULL
    WHERE c.status <> 'no_longer_relevant'
    GROUP BY c.partnership, c.p, c.outcome_id, r.score_tool
    HAVING count(*) >= 2
)
SELECT partnership, p, score_tool, grouping(score_tool) = 1 AS is_total,
       count(DISTINCT outcome_id) AS outcomes,
       CASE WHEN count(DISTINCT coalesce(score_tool, chr(0))) = 1 THEN avg(distance) END AS mean
FROM travelled
GROUP BY GROUPING SETS ((partnership, p, score_tool), (partnership, p))
ORDER BY partnership, p, is_total, score_tool
