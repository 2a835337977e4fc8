-- Grain: one row per partnership × period p, a snapshot at $as_ats[p] (metrics.md, outcome 2).
-- Intensive needs supported at home: people whose active home_care, reablement and
-- personal_assistant plans add up to >= $min_hours weekly hours (NULL hours count as 0 and are
-- reported as a data gap) ÷ (those + people with an active care_home plan); a person with both
-- counts once, at home. A plan is active at d when start_date <= d < end_date (NULL = open).
-- Reads plan_facts (queries/base_*.sql): plans already joined to person and area.
WITH periods AS (
    SELECT unnest($as_ats)::DATE AS as_at, generate_subscripts($as_ats, 1) AS p
),
active AS (
    SELECT sp.partnership, per.p, sp.person_id, sp.service_type, sp.weekly_hours
    FROM plan_facts sp
    JOIN periods per
      ON sp.start_date <= per.as_at AND (sp.end_date IS NULL OR sp.end_date > per.as_at)
    WHERE list_contains($partnerships, sp.partnership)
      AND sp.service_type IN ('home_care', 'reablement', 'personal_assistant', 'care_home')
      AND ($locality IS NULL OR sp.locality = $locality)
      AND ($client_group IS NULL OR sp.client_group = $client_group)
      AND ($service_type IS NULL OR sp.service_type = $service_type)
      AND ($sds_option IS NULL OR sp.sds_option = $sds_option)
),
per_person AS (
    SELECT partnership, p, person_id,
           coalesce(sum(weekly_hours) FILTER (WHERE service_type <> 'care_home'), 0)
               >= $min_hours AS at_home,
           bool_or(service_type = 'care_home') AS in_care_home,
           count(*) FILTER (WHERE service_type <> 'care_home' AND weekly_hours IS NULL)
               AS hours_gap_plans
    FROM active
    GROUP BY partnership, p, person_id
)
SELECT partnership, p,
       count(*) FILTER (WHERE at_home) AS numerator,
       count(*) FILTER (WHERE at_home OR in_care_home) AS denominator,
       sum(hours_gap_plans) AS data_gap
FROM per_person
GROUP BY partnership, p
