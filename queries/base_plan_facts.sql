-- Grain: one row per support plan, with its person's area and record.
CREATE OR REPLACE TABLE plan_facts AS
SELECT sp.*, pe.area_code, pe.client_group, pe.birth_year, pe.sex,
       a.partnership, a.locality, a.deprivation_decile, a.urban_rural
FROM support_plans sp
JOIN people pe ON pe.person_id = sp.person_id
JOIN areas a ON a.area_code = pe.area_code
ORDER BY a.partnership, sp.start_date
