-- Grain: one row per breakdown (deprivation_decile, urban_rural, age_band, sex, client_group) ×
-- group, for one partnership and P = $start..$end. Unmet-need requests: every home care request
-- assessed in P (whether or not later met), with its own area_code (metrics.md, Emerging needs);
-- its age, sex and client group are its person's (`not_recorded`/`not_known` when the person is
-- not in people; age as in the calendar year P ends). Population: the partnership's areas' all-age
-- population for decile and urban/rural class; for age, population_65plus (65+) and population −
-- population_65plus (0-64); NULL for sex and client group (the export holds no such population).
-- Filters: locality (the area's) and client group (the person's); NULL means no filter.
WITH places AS (
    SELECT a.area_code, a.deprivation_decile, a.urban_rural, a.population, a.population_65plus
    FROM areas a
    WHERE a.partnership = $partnership AND ($locality IS NULL OR a.locality = $locality)
),
requests AS (
    SELECT pl.deprivation_decile, pl.urban_rural,
           CASE WHEN pe.birth_year IS NULL THEN 'not_recorded'
                WHEN year($end::DATE) - pe.birth_year < 65 THEN '0-64' ELSE '65+' END AS age_band,
           coalesce(pe.sex, 'not_known') AS sex,
           coalesce(pe.client_group, 'not_recorded') AS client_group
    FROM home_care_requests q
    JOIN places pl ON pl.area_code = q.area_code
    LEFT JOIN people pe ON pe.person_id = q.person_id
    WHERE q.assessed_date BETWEEN $start AND $end
      AND ($client_group IS NULL OR coalesce(pe.client_group, 'not_recorded') = $client_group)
),
counted AS (
    SELECT 'deprivation_decile' AS breakdown, CAST(deprivation_decile AS VARCHAR) AS grp,
           count(*) AS requests
    FROM requests GROUP BY ALL
    UNION ALL
    SELECT 'urban_rural', CAST(urban_rural AS VARCHAR), count(*) FROM requests GROUP BY ALL
    UNION ALL
    SELECT 'age_band', age_band, count(*) FROM requests GROUP BY ALL
    UNION ALL
    SELECT 'sex', sex, count(*) FROM requests GROUP BY ALL
    UNION ALL
    SELECT 'client_group', client_group, count(*) FROM requests GROUP BY ALL
),
populations AS (
    SELECT 'deprivation_decile' AS breakdown, CAST(deprivation_decile AS VARCHAR) AS grp,
           sum(population) AS population
    FROM places GROUP BY ALL
    UNION ALL
    SELECT 'urban_rural', CAST(urban_rural AS VARCHAR), sum(population) FROM places GROUP BY ALL
    UNION ALL
    SELECT 'age_band', '0-64', sum(population - population_65plus) FROM places
    UNION ALL
    SELECT 'age_band', '65+', sum(population_65plus) FROM places
)
SELECT coalesce(c.breakdown, p.breakdown) AS breakdown, coalesce(c.grp, p.grp) AS grp,
       coalesce(c.requests, 0) AS requests, CAST(p.population AS BIGINT) AS population
FROM counted c
FULL JOIN populations p ON p.breakdown = c.breakdown AND p.grp = c.grp
WHERE coalesce(c.grp, p.grp) IS NOT NULL
ORDER BY breakdown, grp
