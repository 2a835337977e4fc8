-- Grain: one row per area of partnership $partnership that today's home care lots cover: the lot
-- (its zone), as home_care_lots lists it. Areas in no lot have no row.
SELECT hl.area_code, hl.lot_id AS zone, hl.lot_name, hl.model, hl.lead_provider_id,
       hl.second_provider_id
FROM home_care_lots AS hl
JOIN areas AS ar USING (area_code)
WHERE ar.partnership = $partnership
ORDER BY hl.area_code
