-- Grain: one row per period p (P = $starts[p]..$ends[p]) × breakdown (each of $breakdowns) × group.
-- Spend lines of one partnership (docs/spend.md): a line belongs with its own person_id's area and
-- to P when its period_start falls in P (a line straddling a boundary goes wholly to the period it
-- starts in); service type, SDS option, lot and `provider` are its plan's, `paid_provider` is the
-- line's own provider_id. Kinds: direct payment = plan under SDS option 1; otherwise on contract or
-- spot purchase by the line's on_contract. Recoveries (negative amounts) are also summed apart.
-- Hours figures are over lines of plans of the $hour_services. Filters: NULL means no filter.
WITH periods AS (
    SELECT unnest($starts)::DATE AS p_start, unnest($ends)::DATE AS p_end,
           generate_subscripts($starts, 1) AS p
),
lines AS (
    SELECT bs.person_id, bs.amount_gbp AS amount, bs.hours_delivered, per.p,
           list_contains($hour_services, sp.service_type) AS hour_based,
           CASE WHEN sp.sds_option = 1 THEN 'direct_payment'
                WHEN bs.on_contract THEN 'on_contract' ELSE 'spot' END AS kind,
           a.locality, sp.service_type, CAST(sp.sds_option AS VARCHAR) AS sds_option,
           sp.lot_id, sp.provider_id, bs.provider_id AS paid_provider
    FROM budget_spend bs
    JOIN people pe ON pe.person_id = bs.person_id
    JOIN areas a ON a.area_code = pe.area_code
    JOIN support_plans sp ON sp.plan_id = bs.plan_id
    JOIN periods per ON bs.period_start BETWEEN per.p_start AND per.p_end
    WHERE a.partnership = $partnership
      AND ($locality IS NULL OR a.locality = $locality)
      AND ($client_group IS NULL OR pe.client_group = $client_group)
      AND ($service_type IS NULL OR sp.service_type = $service_type)
      AND ($sds_option IS NULL OR sp.sds_option = $sds_option)
),
grouped AS (
    SELECT l.*, b.breakdown,
           CASE b.breakdown
               WHEN 'all' THEN 'all'
               WHEN 'locality' THEN l.locality
               WHEN 'service_type' THEN l.service_type
               WHEN 'sds_option' THEN l.sds_option
               WHEN 'lot' THEN l.lot_id
               WHEN 'provider' THEN l.provider_id
               WHEN 'paid_provider' THEN l.paid_provider
           END AS grp
    FROM lines l
    CROSS JOIN (SELECT unnest($breakdowns) AS breakdown) b
)
SELECT p, breakdown, grp,
       count(DISTINCT person_id) AS people,
       count(*) AS lines,
       sum(amount) AS spend,
       coalesce(sum(amount) FILTER (WHERE amount > 0), 0.0) AS payments,
       coalesce(sum(amount) FILTER (WHERE amount < 0), 0.0) AS recoveries,
       count(*) FILTER (WHERE amount < 0) AS recovery_lines,
       count(DISTINCT person_id) FILTER (WHERE amount < 0) AS recovery_people,
       coalesce(sum(amount) FILTER (WHERE kind = 'on_contract'), 0.0) AS on_contract_gbp,
       count(DISTINCT person_id) FILTER (WHERE kind = 'on_contract') AS on_contract_people,
       coalesce(sum(amount) FILTER (WHERE kind = 'spot'), 0.0) AS spot_gbp,
       count(DISTINCT person_id) FILTER (WHERE kind = 'spot') AS spot_people,
       coalesce(sum(amount) FILTER (WHERE kind = 'direct_payment'), 0.0) AS direct_payment_gbp,
       count(DISTINCT person_id) FILTER (WHERE kind = 'direct_payment') AS direct_payment_people,
       coalesce(sum(hours_delivered) FILTER (WHERE hour_based), 0.0) AS hours_delivered,
       coalesce(sum(amount) FILTER (WHERE hour_based AND hours_delivered IS NOT NULL), 0.0)
           AS hourly_spend,
       count(DISTINCT person_id) FILTER (WHERE hour_based AND hours_delivered IS NOT NULL)
           AS hourly_people,
       count(*) FILTER (WHERE hour_based AND hours_delivered IS NULL AND amount > 0)
           AS hours_gap_lines
FROM grouped
GROUP BY p, breakdown, grp
ORDER BY p, breakdown, grp NULLS LAST
