-- Grain: one row per span (recent: $recent_start to the day before $stop; before: $first to the
-- day before $recent_start) × place (cell: the signal's locality; partnership: all its areas) ×
-- dimension × category, for the events of ONE measure and group ($measure, $grp) of $partnership:
-- the mix inside a signal against the partnership (docs/emerging.md, "Why").
-- Events as in emerging_counts.sql, one measure at a time, with the person's age band (age in the
-- event's calendar year), sex, the area's deprivation fifth, the plan's SDS option (new plans and
-- outcomes set) and, for new plans and requests, the domains of the outcomes the group's people
-- set in the span. A request of a person not in people has no age, sex or outcomes.
WITH partnership_areas AS (
    SELECT area_code, locality, deprivation_decile FROM areas WHERE partnership = $partnership
),
events AS (
    SELECT pe.person_id, pe.area_code, sp.start_date AS day, sp.sds_option
    FROM support_plans AS sp
    JOIN people AS pe USING (person_id)
    WHERE $measure = 'new_plans' AND pe.client_group = $grp
      AND sp.start_date >= $first AND sp.start_date < $stop
    UNION ALL
    SELECT rq.person_id, rq.area_code, rq.assessed_date, NULL
    FROM home_care_requests AS rq
    LEFT JOIN people AS pe USING (person_id)
    WHERE $measure = 'unmet_requests' AND coalesce(pe.client_group, 'not_recorded') = $grp
      AND rq.assessed_date >= $first AND rq.assessed_date < $stop
    UNION ALL
    SELECT pe.person_id, pe.area_code, po.set_date, sp.sds_option
    FROM personal_outcomes AS po
    JOIN people AS pe USING (person_id)
    JOIN support_plans AS sp USING (plan_id)
    WHERE $measure = 'outcomes_set' AND po.domain = $grp
      AND po.set_date >= $first AND po.set_date < $stop
),
placed AS (
    SELECT e.*, a.locality, a.deprivation_decile,
           CASE WHEN e.day >= $recent_start THEN 'recent' ELSE 'before' END AS span,
           pe.birth_year, pe.sex
    FROM events AS e
    JOIN partnership_areas AS a USING (area_code)
    LEFT JOIN people AS pe USING (person_id)
),
described AS (
    SELECT span, locality, 'age_band' AS dimension,
           CASE WHEN birth_year IS NULL THEN 'not_recorded'
                WHEN year(day) - birth_year < 65 THEN 'under_65'
                WHEN year(day) - birth_year < 75 THEN '65_74'
                WHEN year(day) - birth_year < 85 THEN '75_84'
                ELSE '85_plus' END AS category
    FROM placed
    UNION ALL
    SELECT span, locality, 'sex', coalesce(sex, 'not_known') FROM placed
    UNION ALL
    SELECT span, locality, 'deprivation', 'fifth_' || CAST((deprivation_decile + 1) // 2 AS VARCHAR)
    FROM placed
    UNION ALL
    SELECT span, locality, 'sds_option', 'option_' || CAST(sds_option AS VARCHAR)
    FROM placed WHERE sds_option IS NOT NULL
    UNION ALL
    SELECT DISTINCT ON (p.person_id, po.outcome_id) p.span, p.locality, 'outcomes', po.domain
    FROM placed AS p
    JOIN personal_outcomes AS po ON po.person_id = p.person_id
    WHERE $measure <> 'outcomes_set'
      AND po.set_date >= CASE WHEN p.span = 'recent' THEN $recent_start ELSE $first END
      AND po.set_date < CASE WHEN p.span = 'recent' THEN $stop ELSE $recent_start END
)
SELECT span, 'cell' AS place, dimension, category, count(*)::BIGINT AS n
FROM described WHERE locality = $locality GROUP BY ALL
UNION ALL
SELECT span, 'partnership', dimension, category, count(*)::BIGINT
FROM described GROUP BY ALL
ORDER BY ALL
