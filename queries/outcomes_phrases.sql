-- Grain: one row per personal outcome of people in $partnership set on or before $p_end: who wrote
-- it, its domain and its text. For "what people said matters" (docs/outcomes.md), counted in Python
-- by distinct person, and only ever for an internal audience. Filters as for attainment.
SELECT o.person_id, f.domain, o.outcome_text
FROM outcome_facts f
JOIN personal_outcomes o ON o.outcome_id = f.outcome_id
WHERE f.partnership = $partnership
  AND f.set_date <= $p_end
  AND ($locality IS NULL OR f.locality = $locality)
  AND ($client_group IS NULL OR f.client_group = $client_group)
  AND ($service_type IS NULL OR f.service_type = $service_type)
  AND ($sds_option IS NULL OR f.sds_option = $sds_option)
ORDER BY f.domain, o.person_id
