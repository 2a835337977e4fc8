-- Grain: one row per partnership named in areas, in name order (the default peer group).
SELECT DISTINCT partnership FROM areas ORDER BY partnership
