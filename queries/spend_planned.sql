-- Grain: one row per period p (P = $starts[p]..$ends[p]) × breakdown (each of $breakdowns) × group.
-- Planned budget of one partnership (metrics.md, budget utilisation): Σ over plans active on at
-- least one day of P of the planned_budget macro (queries/base_planned_budget.sql; a NULL budget
-- counts as 0 and is a data gap). Planned hours: the
-- same with weekly_hours over plans of the $hour_services. A plan belongs with its person's area;
-- `provider` is the plan's provider_id. Filters: NULL means no filter. Reads plan_facts
-- (queries/base_plan_facts.sql): the plans already joined to their person and area.
WITH periods AS (
    SELECT unnest($starts)::DATE AS p_start, unnest($ends)::DATE AS p_end,
           generate_subscripts($starts, 1) AS p
),
plans AS (
    SELECT pf.person_id, pf.weekly_budget_gbp, pf.weekly_hours, per.p,
           list_contains($hour_services, pf.service_type) AS hour_based,
           days_active(pf.start_date, pf.end_date, per.p_start, per.p_end) AS days,
           planned_budget(pf.weekly_budget_gbp, pf.start_date, pf.end_date, per.p_start, per.p_end)
               AS budget,
           pf.locality, pf.service_type, CAST(pf.sds_option AS VARCHAR) AS sds_option,
           pf.lot_id, pf.provider_id
    FROM plan_facts pf
    JOIN periods per
      ON pf.start_date <= per.p_end AND (pf.end_date IS NULL OR pf.end_date > per.p_start)
    WHERE pf.partnership = $partnership
      AND ($locality IS NULL OR pf.locality = $locality)
      AND ($client_group IS NULL OR pf.client_group = $client_group)
      AND ($service_type IS NULL OR pf.service_type = $service_type)
      AND ($sds_option IS NULL OR pf.sds_option = $sds_option)
),
grouped AS (
    SELECT pl.*, b.breakdown,
           CASE b.breakdown
               WHEN 'all' THEN 'all'
               WHEN 'locality' THEN pl.locality
               WHEN 'service_type' THEN pl.service_type
               WHEN 'sds_option' THEN pl.sds_option
               WHEN 'lot' THEN pl.lot_id
               WHEN 'provider' THEN pl.provider_id
           END AS grp
    FROM plans pl
    CROSS JOIN (SELECT unnest($breakdowns) AS breakdown) b
),
per_group AS (
    -- each person's plans in each group: people are then counted once per group by count(*)
    SELECT p, breakdown, grp, person_id,
           count(*) AS plans,
           sum(budget) AS budget,
           count(*) FILTER (WHERE weekly_budget_gbp IS NULL) AS budget_gaps,
           sum(days / 7.0) AS plan_weeks,
           sum(coalesce(weekly_hours, 0) * days / 7.0) FILTER (WHERE hour_based) AS planned_hours,
           count(*) FILTER (WHERE hour_based AND weekly_hours IS NULL) AS planned_hours_gaps,
           bool_or(hour_based) AS hour_based
    FROM grouped
    GROUP BY p, breakdown, grp, person_id
)
SELECT p, breakdown, grp,
       count(*) AS plan_people,
       sum(plans)::BIGINT AS plans,
       sum(budget) AS budget,
       sum(budget_gaps)::BIGINT AS budget_gaps,
       sum(plan_weeks) AS plan_weeks,
       coalesce(sum(planned_hours), 0.0) AS planned_hours,
       sum(planned_hours_gaps)::BIGINT AS planned_hours_gaps,
       count(*) FILTER (WHERE hour_based) AS hour_people
FROM per_group
GROUP BY p, breakdown, grp
ORDER BY p, breakdown, grp NULLS LAST
