-- Grain: one row per breakdown (deprivation_decile, urban_rural, age_band, sex, client_group) ×
-- group × SDS option, for one partnership at $as_at (the end of P). People with an active plan at
-- $as_at (start_date <= d and (end_date NULL or end_date > d)) in the group (`people`), and those
-- of them with an active plan under the option (`people_option`): a person with plans under two
-- options counts under both, so the shares of a group may add up to more than 1. A plan belongs
-- with its person's area; age is reached in the calendar year of $as_at, in the bands of
-- outcomes_attainment.sql. Filters: NULL means no filter; service type and SDS option restrict
-- the plans counted.
WITH active AS (
    SELECT pe.person_id, sp.sds_option,
           CAST(a.deprivation_decile AS VARCHAR) AS deprivation_decile,
           CAST(a.urban_rural AS VARCHAR) AS urban_rural,
           CASE WHEN year($as_at::DATE) - pe.birth_year < 18 THEN '0-17'
                WHEN year($as_at::DATE) - pe.birth_year < 65 THEN '18-64'
                WHEN year($as_at::DATE) - pe.birth_year < 75 THEN '65-74'
                WHEN year($as_at::DATE) - pe.birth_year < 85 THEN '75-84'
                ELSE '85+' END AS age_band,
           pe.sex, pe.client_group
    FROM support_plans sp
    JOIN people pe ON pe.person_id = sp.person_id
    JOIN areas a ON a.area_code = pe.area_code
    WHERE a.partnership = $partnership
      AND sp.start_date <= $as_at AND (sp.end_date IS NULL OR sp.end_date > $as_at)
      AND ($locality IS NULL OR a.locality = $locality)
      AND ($client_group IS NULL OR pe.client_group = $client_group)
      AND ($service_type IS NULL OR sp.service_type = $service_type)
      AND ($sds_option IS NULL OR sp.sds_option = $sds_option)
),
grouped AS (
    UNPIVOT active
    ON deprivation_decile, urban_rural, age_band, sex, client_group
    INTO NAME breakdown VALUE grp
),
totals AS (
    SELECT breakdown, grp, count(DISTINCT person_id) AS people FROM grouped GROUP BY ALL
),
options AS (
    SELECT unnest([1, 2, 3, 4]) AS sds_option
)
SELECT t.breakdown, t.grp, o.sds_option,
       count(DISTINCT g.person_id) AS people_option, t.people
FROM totals t
CROSS JOIN options o
LEFT JOIN grouped g ON g.breakdown = t.breakdown AND g.grp = t.grp AND g.sds_option = o.sds_option
GROUP BY t.breakdown, t.grp, o.sds_option, t.people
ORDER BY t.breakdown, t.grp, o.sds_option
