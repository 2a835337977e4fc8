-- Grain: one row per period p (P = $starts[p]..$ends[p]) × breakdown (each of $breakdowns) × group.
-- Spend lines of one partnership (docs/spend.md): a line belongs with its own person_id's area and
-- to P when its period_start falls in P (a line straddling a boundary goes wholly to the period it
-- starts in); service type, SDS option, lot and `provider` are its plan's, `paid_provider` is the
-- line's own provider_id. Kinds: direct payment = plan under SDS option 1; otherwise on contract or
-- spot purchase by the line's on_contract. Recoveries (negative amounts) are also summed apart.
-- Hours figures are over lines of plans of the $hour_services, like with like (metrics.md v1.2):
-- delivered hours of the lines that record them against the plan's hours over the same lines' days
-- inside P (`recorded_planned`); a plan none of whose lines in P records hours is "hours not
-- reported" (`unreported_plans`), on neither side, and its lines are no gap. Filters: NULL means
-- no filter.
-- Reads spend_months (queries/base_*.sql): the lines already joined to person, area and plan
-- and summed per month of period_start; every P is whole months.
WITH periods AS (
    SELECT unnest($starts)::DATE AS p_start, unnest($ends)::DATE AS p_end,
           generate_subscripts($starts, 1) AS p
),
lines AS (
    SELECT f.person_id, per.p, f.lines, f.spend, f.payments, f.recoveries, f.recovery_lines,
           f.hours_delivered, f.hourly_spend, f.hourly_lines, f.plan_id,
           f.recorded_planned + CASE WHEN f.spend_month < date_trunc('month', per.p_end)
                                     THEN f.recorded_planned_after ELSE 0 END AS recorded_planned,
           sum(f.hourly_lines) OVER (PARTITION BY per.p, f.plan_id) = 0
               AND row_number() OVER (PARTITION BY per.p, f.plan_id
                                      ORDER BY f.spend_month, f.paid_provider, f.on_contract) = 1
               AS unreported,  -- on one row of the plan only, so the plan counts once
           CASE WHEN sum(f.hourly_lines) OVER (PARTITION BY per.p, f.plan_id) > 0
                THEN f.hours_gap_lines ELSE 0 END AS hours_gap_lines,
           list_contains($hour_services, f.service_type) AS hour_based,
           CASE WHEN f.sds_option = 1 THEN 'direct_payment'
                WHEN f.on_contract THEN 'on_contract' ELSE 'spot' END AS kind,
           f.locality, f.service_type, CAST(f.sds_option AS VARCHAR) AS sds_option,
           f.lot_id, f.provider_id, f.paid_provider
    FROM spend_months f
    JOIN periods per ON f.spend_month BETWEEN per.p_start AND per.p_end
    WHERE f.partnership = $partnership
      AND ($locality IS NULL OR f.locality = $locality)
      AND ($client_group IS NULL OR f.client_group = $client_group)
      AND ($service_type IS NULL OR f.service_type = $service_type)
      AND ($sds_option IS NULL OR f.sds_option = $sds_option)
),
per_person AS (
    -- each person's lines summed per group key first, so the breakdowns fan out fewer rows; a key
    -- whose breakdown was not asked for is left empty, so it splits nothing and costs little
    SELECT p, person_id, hour_based, kind,
           CASE WHEN list_contains($breakdowns, 'locality') THEN locality END AS locality,
           CASE WHEN list_contains($breakdowns, 'service_type') THEN service_type END
               AS service_type,
           CASE WHEN list_contains($breakdowns, 'sds_option') THEN sds_option END AS sds_option,
           CASE WHEN list_contains($breakdowns, 'lot') THEN lot_id END AS lot_id,
           CASE WHEN list_contains($breakdowns, 'provider') THEN provider_id END AS provider_id,
           CASE WHEN list_contains($breakdowns, 'paid_provider') THEN paid_provider END
               AS paid_provider,
           sum(lines) AS lines,
           sum(spend) AS spend,
           sum(payments) AS payments,
           sum(recoveries) AS recoveries,
           sum(recovery_lines) AS recovery_lines,
           sum(hours_delivered) FILTER (WHERE hour_based) AS hours_delivered,
           sum(hourly_spend) FILTER (WHERE hour_based) AS hourly_spend,
           sum(hourly_lines) FILTER (WHERE hour_based) AS hourly_lines,
           sum(hours_gap_lines) FILTER (WHERE hour_based) AS hours_gap_lines,
           sum(recorded_planned) FILTER (WHERE hour_based) AS recorded_planned,
           count(*) FILTER (WHERE hour_based AND unreported) AS unreported_plans
    FROM lines
    GROUP BY ALL
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
    FROM per_person l
    CROSS JOIN (SELECT unnest($breakdowns) AS breakdown) b
),
per_group AS (
    -- each person's figures in each group: people are then counted once per group by count(*)
    SELECT p, breakdown, grp, person_id,
           sum(lines) AS lines, sum(spend) AS spend, sum(payments) AS payments,
           sum(recoveries) AS recoveries, sum(recovery_lines) AS recovery_lines,
           sum(spend) FILTER (WHERE kind = 'on_contract') AS on_contract_gbp,
           sum(spend) FILTER (WHERE kind = 'spot') AS spot_gbp,
           sum(spend) FILTER (WHERE kind = 'direct_payment') AS direct_payment_gbp,
           bool_or(kind = 'on_contract') AS on_contract, bool_or(kind = 'spot') AS spot,
           bool_or(kind = 'direct_payment') AS direct_payment,
           sum(hours_delivered) AS hours_delivered, sum(hourly_spend) AS hourly_spend,
           sum(hourly_lines) AS hourly_lines, sum(hours_gap_lines) AS hours_gap_lines,
           sum(recorded_planned) AS recorded_planned, sum(unreported_plans) AS unreported_plans
    FROM grouped
    GROUP BY p, breakdown, grp, person_id
)
SELECT p, breakdown, grp,
       count(*) AS people,
       sum(lines)::BIGINT AS lines,
       sum(spend) AS spend,
       coalesce(sum(payments), 0.0) AS payments,
       coalesce(sum(recoveries), 0.0) AS recoveries,
       sum(recovery_lines)::BIGINT AS recovery_lines,
       count(*) FILTER (WHERE recovery_lines > 0) AS recovery_people,
       coalesce(sum(on_contract_gbp), 0.0) AS on_contract_gbp,
       count(*) FILTER (WHERE on_contract) AS on_contract_people,
       coalesce(sum(spot_gbp), 0.0) AS spot_gbp,
       count(*) FILTER (WHERE spot) AS spot_people,
       coalesce(sum(direct_payment_gbp), 0.0) AS direct_payment_gbp,
       count(*) FILTER (WHERE direct_payment) AS direct_payment_people,
       coalesce(sum(hours_delivered), 0.0) AS hours_delivered,
       coalesce(sum(hourly_spend), 0.0) AS hourly_spend,
       count(*) FILTER (WHERE hourly_lines > 0) AS hourly_people,
       sum(hours_gap_lines)::BIGINT AS hours_gap_lines,
       coalesce(sum(recorded_planned), 0.0) AS recorded_planned,
       coalesce(sum(unreported_plans), 0)::BIGINT AS unreported_plans,
       count(*) FILTER (WHERE unreported_plans > 0) AS unreported_people
FROM per_group
GROUP BY p, breakdown, grp
ORDER BY p, breakdown, grp NULLS LAST
