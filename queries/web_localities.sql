-- Grain: one row per partnership and locality in the areas table, for the filter lists.
SELECT DISTINCT partnership, locality
FROM areas
ORDER BY partnership, locality
