-- Grain: one row per partnership × period p, a snapshot at $as_ats[p] (metrics.md, outcome 8).
-- Care services graded good or better: providers with at least one plan (of a person in the
-- partnership) active at the end of P whose quality_grade >= 4 ÷ those of them with a grade.
-- data_gap: such providers with no grade (or missing from the providers table).
-- Reads plan_facts (queries/base_*.sql): plans already joined to person and area.
WITH periods AS (
    SELECT unnest($as_ats)::DATE AS as_at, generate_subscripts($as_ats, 1) AS p
),
in_use AS (
    SELECT DISTINCT sp.partnership, per.p, sp.provider_id
    FROM plan_facts sp
    JOIN periods per
      ON sp.start_date <= per.as_at AND (sp.end_date IS NULL OR sp.end_date > per.as_at)
    WHERE list_contains($partnerships, sp.partnership)
      AND sp.provider_id IS NOT NULL
      AND ($locality IS NULL OR sp.locality = $locality)
      AND ($client_group IS NULL OR sp.client_group = $client_group)
      AND ($service_type IS NULL OR sp.service_type = $service_type)
      AND ($sds_option IS NULL OR sp.sds_option = $sds_option)
)
SELECT u.partnership, u.p,
       count(*) FILTER (WHERE pr.quality_grade >= 4) AS numerator,
       count(pr.quality_grade) AS denominator,
       count(*) FILTER (WHERE pr.quality_grade IS NULL) AS data_gap
FROM in_use u
LEFT JOIN providers pr ON pr.provider_id = u.provider_id
GROUP BY u.partnership, u.p
