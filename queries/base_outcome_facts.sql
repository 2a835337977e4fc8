-- Grain: one row per personal outcome, with its person's area and record and its plan's attributes (the
-- national outcome as recorded: the crosswalk default is applied by the queries, which take the
-- framework file as a parameter).
CREATE OR REPLACE TABLE outcome_facts AS
SELECT o.outcome_id, o.set_date, o.domain, o.national_outcome, o.outcome_type,
       sp.service_type, sp.sds_option, sp.lot_id, sp.provider_id,
       sp.start_date AS plan_start, sp.end_date AS plan_end,
       pe.birth_year, pe.sex, pe.client_group,
       a.partnership, a.locality, a.deprivation_decile, a.urban_rural
FROM personal_outcomes o
JOIN people pe ON pe.person_id = o.person_id
JOIN areas a ON a.area_code = pe.area_code
JOIN support_plans sp ON sp.plan_id = o.plan_id
ORDER BY a.partnership, o.outcome_id
