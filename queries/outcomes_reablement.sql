-- Grain: one row per partnership × period p × locality: the reablement plans that ended in P
-- (last active day, end_date − 1, in P and end_date on or before $extract), their stepped goals
-- (the personal outcomes set in them), the goals met within the reablement period (the goal's
-- latest review dated from its set_date to the plan's end_date is `met`), and what followed
-- (docs/outcomes.md): `followed_none` no home care, personal assistant, reablement or care home plan
-- of the person active on any day in [end_date, end_date + $follow_days); `followed_smaller` such
-- plans, none a care home, whose weekly_hours add up to less than the reablement plan's;
-- `followed_same_or_larger` the rest (a care home, as many hours or more, or hours not recorded on
-- either side, so a reduction is never claimed that the data does not show); `ended_otherwise` the
-- plan's end_reason is hospital, died or moved_away (only when the optional column is there).
-- Filters as elsewhere: locality and client group restrict people, service type and SDS option the
-- reablement plan. Reads plan_facts (queries/base_plan_facts.sql) and the contract tables.
WITH periods AS (
    SELECT unnest($starts)::DATE AS p_start, unnest($ends)::DATE AS p_end,
           generate_subscripts($starts, 1) AS p
),
reablement AS (
    -- one row per plan (periods may overlap: months and quarters in one call)
    SELECT f.plan_id, f.person_id, f.partnership, f.locality, f.end_date, f.end_reason,
           f.weekly_hours
    FROM plan_facts f
    WHERE f.service_type = 'reablement'
      AND f.end_date <= $extract
      AND f.end_date - 1 BETWEEN (SELECT min(p_start) FROM periods) AND (SELECT max(p_end) FROM periods)
      AND list_contains($partnerships, f.partnership)
      AND ($locality IS NULL OR f.locality = $locality)
      AND ($client_group IS NULL OR f.client_group = $client_group)
      AND ($service_type IS NULL OR f.service_type = $service_type)
      AND ($sds_option IS NULL OR f.sds_option = $sds_option)
),
goals AS (
    SELECT r.plan_id, count(*) AS goals,
           count(*) FILTER (WHERE g.status = 'met') AS goals_met
    FROM reablement r
    JOIN personal_outcomes o ON o.plan_id = r.plan_id
    LEFT JOIN (
        SELECT v.outcome_id, arg_max(v.status, (v.review_date, v.review_id)) AS status
        FROM outcome_reviews v
        JOIN personal_outcomes o2 ON o2.outcome_id = v.outcome_id
        JOIN reablement r2 ON r2.plan_id = o2.plan_id
        WHERE v.review_date BETWEEN o2.set_date AND r2.end_date
        GROUP BY v.outcome_id
    ) g ON g.outcome_id = o.outcome_id
    GROUP BY r.plan_id
),
followed AS (
    SELECT r.plan_id,
           count(n.plan_id) AS next_plans,
           bool_or(n.service_type = 'care_home') AS care_home,
           bool_or(n.service_type <> 'care_home' AND n.weekly_hours IS NULL) AS hours_missing,
           coalesce(sum(n.weekly_hours), 0) AS next_hours
    FROM reablement r
    LEFT JOIN support_plans n
      ON n.person_id = r.person_id AND n.plan_id <> r.plan_id
     AND n.service_type IN ('home_care', 'personal_assistant', 'reablement', 'care_home')
     AND n.start_date < r.end_date + to_days($follow_days)
     AND (n.end_date IS NULL OR n.end_date > r.end_date)
    GROUP BY r.plan_id
),
judged AS (
    SELECT r.partnership, per.p, r.locality, coalesce(g.goals, 0) AS goals,
           coalesce(g.goals_met, 0) AS goals_met,
           CASE
               WHEN r.end_reason IN ('hospital', 'died', 'moved_away') THEN 'ended_otherwise'
               WHEN x.next_plans = 0 THEN 'followed_none'
               WHEN x.care_home OR x.hours_missing OR r.weekly_hours IS NULL
                    OR x.next_hours >= r.weekly_hours THEN 'followed_same_or_larger'
               ELSE 'followed_smaller'
           END AS what_followed
    FROM reablement r
    JOIN periods per ON r.end_date - 1 BETWEEN per.p_start AND per.p_end
    JOIN followed x ON x.plan_id = r.plan_id
    LEFT JOIN goals g ON g.plan_id = r.plan_id
)
SELECT partnership, p, locality,
       count(*) AS plans_ended,
       sum(goals)::BIGINT AS goals,
       sum(goals_met)::BIGINT AS goals_met,
       count(*) FILTER (WHERE what_followed = 'followed_none') AS followed_none,
       count(*) FILTER (WHERE what_followed = 'followed_smaller') AS followed_smaller,
       count(*) FILTER (WHERE what_followed = 'followed_same_or_larger') AS followed_same_or_larger,
       count(*) FILTER (WHERE what_followed = 'ended_otherwise') AS ended_otherwise
FROM judged
GROUP BY partnership, p, locality
ORDER BY partnership, p, locality
