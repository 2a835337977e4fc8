-- Grain: one row per small area of $partnership: its locality, populations (the rate bases) and
-- where it is on the map.
SELECT
    area_code,
    area_name,
    locality,
    population::BIGINT AS population,
    population_65plus::BIGINT AS population_65plus,
    centroid_lat,
    centroid_lon,
    geometry_wkt
FROM areas
WHERE partnership = $partnership
ORDER BY area_code
