-- Grain: one row per area of partnership $partnership: its home care demand at the as-at date $as_at
-- (metrics.md "Home care demand, for zones and lots"; extra figures defined in docs/zones.md).
-- Every figure is over home care and reablement plans other than SDS option 1 ("these plans").
-- Active plans count at $as_at; handbacks and spend count for any of these plans, active at $as_at
-- or not, because a package that ended during the year still had its handbacks and its spend.
-- Reads plan_facts and spend_facts (queries/base_*.sql): plans and lines already joined to
-- their person's area. Direct-payment uptake is the exception: people with an active home care or
-- reablement plan under SDS option 1 among people with one under any option (docs/zones.md).
WITH these_plans AS (
    SELECT plan_id, person_id, start_date, end_date, service_type, weekly_hours, complex_needs,
           area_code
    FROM plan_facts
    WHERE partnership = $partnership
      AND service_type IN ('home_care', 'reablement') AND sds_option <> 1
),
active AS (
    SELECT
        area_code,
        count(DISTINCT person_id) AS people,
        count(*) AS active_plans,
        sum(coalesce(weekly_hours, 0)) AS weekly_hours,
        sum(coalesce(weekly_hours, 0)) FILTER (WHERE complex_needs) AS complex_hours,
        sum(coalesce(weekly_hours, 0)) FILTER (WHERE service_type = 'home_care') AS home_care_hours,
        sum(coalesce(weekly_hours, 0)) FILTER (WHERE service_type = 'reablement') AS reablement_hours,
        count(*) FILTER (WHERE weekly_hours IS NULL) AS hours_data_gap_plans
    FROM these_plans
    WHERE start_date <= $as_at AND (end_date IS NULL OR end_date > $as_at)
    GROUP BY area_code
),
choice AS (
    SELECT area_code,
           count(DISTINCT person_id) AS people_any_option,
           count(DISTINCT person_id) FILTER (WHERE sds_option = 1) AS direct_payment_people
    FROM plan_facts
    WHERE partnership = $partnership AND service_type IN ('home_care', 'reablement')
      AND start_date <= $as_at AND (end_date IS NULL OR end_date > $as_at)
    GROUP BY area_code
),
unmet AS (
    SELECT area_code, count(*) AS unmet_requests, sum(hours_requested_week) AS unmet_hours
    FROM home_care_requests
    WHERE assessed_date <= $as_at AND (package_start_date IS NULL OR package_start_date > $as_at)
    GROUP BY area_code
),
handed_back AS (
    SELECT tp.area_code, count(*) AS handbacks_12m
    FROM handbacks AS hb
    JOIN these_plans AS tp USING (plan_id)
    WHERE hb.handback_date > CAST($as_at AS DATE) - 365 AND hb.handback_date <= $as_at
    GROUP BY tp.area_code
),
spent AS (
    -- a spend line belongs with its own person (metrics.md, "Whose row is it"); spend_facts
    -- (queries/base_*.sql) carries that person's area and the line's plan
    SELECT area_code,
           sum(amount_gbp) AS spend_12m,
           sum(amount_gbp) FILTER (WHERE NOT on_contract) AS off_contract_spend_12m
    FROM spend_facts
    WHERE partnership = $partnership
      AND service_type IN ('home_care', 'reablement') AND sds_option <> 1
      AND period_start > CAST($as_at AS DATE) - 365 AND period_start <= $as_at
    GROUP BY area_code
)
SELECT
    ar.area_code,
    ar.area_name,
    ar.locality,
    ar.urban_rural,
    ar.population,
    ar.centroid_lat,
    ar.centroid_lon,
    ar.geometry_wkt,
    coalesce(ac.people, 0) AS people,
    coalesce(ac.active_plans, 0) AS active_plans,
    coalesce(ac.weekly_hours, 0.0) AS weekly_hours,
    coalesce(ac.complex_hours, 0.0) AS complex_hours,
    coalesce(ac.home_care_hours, 0.0) AS home_care_hours,
    coalesce(ac.reablement_hours, 0.0) AS reablement_hours,
    coalesce(ac.hours_data_gap_plans, 0) AS hours_data_gap_plans,
    coalesce(un.unmet_requests, 0) AS unmet_requests,
    coalesce(un.unmet_hours, 0.0) AS unmet_hours,
    coalesce(hb.handbacks_12m, 0) AS handbacks_12m,
    coalesce(sp.spend_12m, 0.0) AS spend_12m,
    coalesce(sp.off_contract_spend_12m, 0.0) AS off_contract_spend_12m,
    coalesce(ch.direct_payment_people, 0) AS direct_payment_people,
    coalesce(ch.people_any_option, 0) AS people_any_option
FROM areas AS ar
LEFT JOIN active AS ac USING (area_code)
LEFT JOIN unmet AS un USING (area_code)
LEFT JOIN handed_back AS hb USING (area_code)
LEFT JOIN spent AS sp USING (area_code)
LEFT JOIN choice AS ch USING (area_code)
WHERE ar.partnership = $partnership
ORDER BY ar.area_code
