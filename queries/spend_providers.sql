-- Grain: one row per provider id of the plans or payment lines of people living in $partnership,
-- with its name from the optional providers table (NULL when the table does not name it).
WITH people_here AS (
    SELECT pe.person_id
    FROM people pe JOIN areas a ON a.area_code = pe.area_code
    WHERE a.partnership = $partnership
),
ids AS (
    SELECT sp.provider_id FROM support_plans sp SEMI JOIN people_here h USING (person_id)
    UNION
    SELECT bs.provider_id FROM budget_spend bs SEMI JOIN people_here h USING (person_id)
)
SELECT i.provider_id, pr.provider_name
FROM ids i
LEFT JOIN providers pr ON pr.provider_id = i.provider_id
WHERE i.provider_id IS NOT NULL
ORDER BY i.provider_id
