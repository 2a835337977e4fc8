-- Grain: one row per partnership × period p × score_tool × domain × change (latest − first score).
-- Distance travelled as a journey (docs/outcomes.md): for each outcome in P's attainment
-- denominator with at least two scored reviews of one tool on or before the end of P (ordered by
-- review_date, review_id), its change; the rows count the outcomes with each change, so the page
-- can say how many moved up, stayed and moved down per tool and domain without ever adding two
-- tools' scores together (a NULL score_tool is its own tool). The population is the one
-- queries/outcomes_distance.sql averages. Reads outcome_facts (queries/base_*.sql).
WITH periods AS (
    SELECT unnest($starts)::DATE AS p_start, unnest($ends)::DATE AS p_end,
           generate_subscripts($starts, 1) AS p
),
scoped AS (
    SELECT f.outcome_id, f.partnership, f.domain
    FROM outcome_facts f
    WHERE list_contains($partnerships, f.partnership)
      AND ($locality IS NULL OR f.locality = $locality)
      AND ($client_group IS NULL OR f.client_group = $client_group)
      AND ($service_type IS NULL OR f.service_type = $service_type)
      AND ($sds_option IS NULL OR f.sds_option = $sds_option)
),
counted AS (
    -- outcomes in P's attainment denominator: latest review in P is not no_longer_relevant
    SELECT s.outcome_id, s.partnership, s.domain, per.p, per.p_end, r.status
    FROM scoped s
    JOIN outcome_reviews r ON r.outcome_id = s.outcome_id
    JOIN periods per ON r.review_date BETWEEN per.p_start AND per.p_end
    QUALIFY row_number() OVER (
        PARTITION BY s.outcome_id, per.p ORDER BY r.review_date DESC, r.review_id DESC) = 1
),
travelled AS (
    SELECT c.partnership, c.p, c.domain, c.outcome_id, r.score_tool,
           last(r.score ORDER BY r.review_date, r.review_id)
             - first(r.score ORDER BY r.review_date, r.review_id) AS change
    FROM counted c
    JOIN outcome_reviews r
      ON r.outcome_id = c.outcome_id AND r.review_date <= c.p_end AND r.score IS NOT NULL
    WHERE c.status <> 'no_longer_relevant'
    GROUP BY c.partnership, c.p, c.domain, c.outcome_id, r.score_tool
    HAVING count(*) >= 2
)
SELECT partnership, p, score_tool, domain, change, count(*) AS outcomes
FROM travelled
GROUP BY partnership, p, score_tool, domain, change
ORDER BY partnership, p, score_tool, domain, change
