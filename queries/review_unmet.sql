-- Grain: one row per unit of $by ('lot' or 'provider') for one partnership and P = $start..$end.
-- Unmet requests in P: home care requests from the partnership's areas that were waiting on at
-- least one day of P (waiting on day d when assessed_date <= d < package_start_date, or NULL).
-- A request belongs with its own area_code. Its lot is the lot covering that area today
-- (home_care_lots); for 'provider', every provider leading or second on that lot, so a request
-- in a two-provider lot counts for both (docs/evaluation.md). Filters: locality is the request's
-- area's; client group its person's (`not_recorded` when the person is not in people); service
-- type and SDS option do not apply to a request, which has no plan yet.
WITH waiting AS (
    SELECT q.request_id, hl.lot_id, hl.lead_provider_id, hl.second_provider_id
    FROM home_care_requests q
    JOIN areas a ON a.area_code = q.area_code
    JOIN home_care_lots hl ON hl.area_code = q.area_code
    LEFT JOIN people pe ON pe.person_id = q.person_id
    WHERE a.partnership = $partnership
      AND q.assessed_date <= $end
      AND (q.package_start_date IS NULL
           OR (q.package_start_date > $start AND q.package_start_date > q.assessed_date))
      AND ($locality IS NULL OR a.locality = $locality)
      AND ($client_group IS NULL OR coalesce(pe.client_group, 'not_recorded') = $client_group)
),
units AS (
    SELECT request_id, lot_id AS grp FROM waiting WHERE $by = 'lot'
    UNION
    SELECT request_id, unnest([lead_provider_id, second_provider_id]) AS grp
    FROM waiting WHERE $by = 'provider'
)
SELECT grp, count(DISTINCT request_id) AS unmet_requests
FROM units
WHERE grp IS NOT NULL
GROUP BY grp
ORDER BY grp
