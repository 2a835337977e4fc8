-- Grain: one row per small area of $partnership × year in area_populations (export-contract.md
-- v1.2): the populations of each year, estimates and projections. No rows when the table is absent
-- (the page then uses areas.population for every year).
SELECT
    ap.area_code,
    ap.year::INTEGER AS year,
    ap.population::BIGINT AS population,
    ap.population_65plus::BIGINT AS population_65plus,
    ap.projected
FROM area_populations AS ap
JOIN areas AS a USING (area_code)
WHERE a.partnership = $partnership
ORDER BY ap.area_code, ap.year
