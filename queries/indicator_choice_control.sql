-- Grain: one row per partnership × period p, a snapshot at $as_ats[p] (metrics.md, outcome 3).
-- Choice and control: people with an active plan under SDS option 1 or 2 ÷ people with any
-- active plan. A plan is active at d when start_date <= d < end_date (NULL = open).
-- Reads plan_facts (queries/base_*.sql): plans already joined to person and area.
WITH periods AS (
    SELECT unnest($as_ats)::DATE AS as_at, generate_subscripts($as_ats, 1) AS p
),
per_person AS (
    SELECT sp.partnership, per.p, sp.person_id, bool_or(sp.sds_option IN (1, 2)) AS chooses
    FROM plan_facts sp
    JOIN periods per
      ON sp.start_date <= per.as_at AND (sp.end_date IS NULL OR sp.end_date > per.as_at)
    WHERE list_contains($partnerships, sp.partnership)
      AND ($locality IS NULL OR sp.locality = $locality)
      AND ($client_group IS NULL OR sp.client_group = $client_group)
      AND ($service_type IS NULL OR sp.service_type = $service_type)
      AND ($sds_option IS NULL OR sp.sds_option = $sds_option)
    GROUP BY sp.partnership, per.p, sp.person_id
)
SELECT partnership, p,
       count(*) FILTER (WHERE chooses) AS numerator,
       count(*) AS denominator,
       0 AS data_gap
FROM per_person
GROUP BY partnership, p
