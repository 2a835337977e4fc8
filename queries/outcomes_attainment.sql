-- Grain: one row per partnership × period (p, 1-based index into $starts/$ends) × breakdown (each
-- of $bys) × group.
-- Attainment (latest review in P per outcome, ties broken by the greatest review_id as a string)
-- and review coverage (due / reviewed) for the personal outcomes of people in $partnerships,
-- in one pass so both share the same population and grouping (metrics.md, Personal outcomes).
-- An outcome belongs with its own person_id's area; service type, SDS option, lot and provider are
-- its plan's.
-- Filters are nullable: NULL means no filter. $xw_domains/$xw_outcomes: the default crosswalk.
-- Reads outcome_facts and review_facts (queries/base_*.sql): outcomes already joined to
-- person, area and plan; reviews already one a day.
WITH periods AS (
    SELECT unnest($starts)::DATE AS p_start, unnest($ends)::DATE AS p_end,
           generate_subscripts($starts, 1) AS p
),
crosswalk AS (
    SELECT unnest($xw_domains) AS domain, unnest($xw_outcomes) AS default_outcome
),
scoped AS NOT MATERIALIZED (
    -- read twice, but a filtered scan is cheaper than keeping every column of it
    SELECT f.* EXCLUDE (national_outcome),
           coalesce(f.national_outcome, x.default_outcome) AS national_outcome
    FROM outcome_facts f
    LEFT JOIN crosswalk x ON x.domain = f.domain
    WHERE list_contains($partnerships, f.partnership)
      AND ($locality IS NULL OR f.locality = $locality)
      AND ($client_group IS NULL OR f.client_group = $client_group)
      AND ($service_type IS NULL OR f.service_type = $service_type)
      AND ($sds_option IS NULL OR f.sds_option = $sds_option)
),
reviews AS (
    -- one review per outcome and day, and the day of the next, filtered as scoped is (review_facts)
    SELECT r.outcome_id, r.review_date, r.status, r.next_date
    FROM review_facts r
    WHERE list_contains($partnerships, r.partnership)
      AND ($locality IS NULL OR r.locality = $locality)
      AND ($client_group IS NULL OR r.client_group = $client_group)
      AND ($service_type IS NULL OR r.service_type = $service_type)
      AND ($sds_option IS NULL OR r.sds_option = $sds_option)
),
latest_in_p AS (
    -- one review a day, so the latest day in P picks one review
    SELECT r.outcome_id, per.p, arg_max(r.status, r.review_date) AS status
    FROM reviews r
    JOIN periods per ON r.review_date BETWEEN per.p_start AND per.p_end
    GROUP BY r.outcome_id, per.p
),
candidates AS (
    -- set by the end of P, and its plan active on at least one day of P
    SELECT s.outcome_id, per.p, per.p_start
    FROM scoped s
    JOIN periods per
      ON s.set_date <= per.p_end AND s.plan_start <= per.p_end
     AND (s.plan_end IS NULL OR s.plan_end > per.p_start)
),
stopped AS (
    -- each no_longer_relevant review, and the day of the outcome's next review (if any): while
    -- it is the latest review, periods starting after it and up to that day are not due
    SELECT outcome_id, review_date, next_date
    FROM reviews
    WHERE status = 'no_longer_relevant'
),
due AS (
    -- ... and its latest review before P (if any) is not no_longer_relevant
    SELECT c.outcome_id, c.p
    FROM candidates c
    ANTI JOIN stopped x
      ON x.outcome_id = c.outcome_id AND x.review_date < c.p_start
     AND (x.next_date IS NULL OR x.next_date >= c.p_start)
),
flagged AS (
    SELECT coalesce(l.outcome_id, d.outcome_id) AS outcome_id, coalesce(l.p, d.p) AS p,
           l.status, d.outcome_id IS NOT NULL AS is_due
    FROM latest_in_p l
    FULL JOIN due d ON d.outcome_id = l.outcome_id AND d.p = l.p
),
grouped AS (
    SELECT f.p, f.status, f.is_due, s.partnership, b.breakdown,
           CASE b.breakdown
               WHEN 'all' THEN 'all'
               WHEN 'national_outcome' THEN CAST(s.national_outcome AS VARCHAR)
               WHEN 'domain' THEN s.domain
               WHEN 'outcome_type' THEN s.outcome_type
               WHEN 'locality' THEN s.locality
               WHEN 'client_group' THEN s.client_group
               WHEN 'service_type' THEN s.service_type
               WHEN 'sds_option' THEN CAST(s.sds_option AS VARCHAR)
               WHEN 'deprivation_decile' THEN CAST(s.deprivation_decile AS VARCHAR)
               WHEN 'deprivation_group' THEN CASE
                   WHEN s.deprivation_decile <= 2 THEN 'deciles_1_2'
                   WHEN s.deprivation_decile >= 9 THEN 'deciles_9_10' END
               WHEN 'urban_rural' THEN CAST(s.urban_rural AS VARCHAR)
               WHEN 'lot' THEN s.lot_id
               WHEN 'provider' THEN s.provider_id
               WHEN 'sex' THEN s.sex
               WHEN 'age_band' THEN CASE  -- age reached in the calendar year P ends
                   WHEN year(per.p_end) - s.birth_year < 18 THEN '0-17'
                   WHEN year(per.p_end) - s.birth_year < 65 THEN '18-64'
                   WHEN year(per.p_end) - s.birth_year < 75 THEN '65-74'
                   WHEN year(per.p_end) - s.birth_year < 85 THEN '75-84'
                   ELSE '85+' END
           END AS grp
    FROM flagged f
    JOIN scoped s ON s.outcome_id = f.outcome_id
    JOIN periods per ON per.p = f.p
    CROSS JOIN (SELECT unnest($bys) AS breakdown) b
)
SELECT partnership, p, breakdown, grp,
       count(*) FILTER (WHERE status = 'met') AS met,
       count(*) FILTER (WHERE status = 'partly_met') AS partly_met,
       count(*) FILTER (WHERE status = 'not_met') AS not_met,
       count(*) FILTER (WHERE status = 'no_longer_relevant') AS no_longer_relevant,
       count(*) FILTER (WHERE status IN ('met', 'partly_met', 'not_met')) AS denominator,
       count(*) FILTER (WHERE is_due) AS due,
       count(*) FILTER (WHERE is_due AND status IS NOT NULL) AS reviewed
FROM grouped
-- an outcome outside every group of a breakdown is left out (deciles 3–8 of deprivation_group),
-- but one whose plan has no lot or provider is counted in that breakdown's NULL group
WHERE grp IS NOT NULL OR breakdown IN ('lot', 'provider')
GROUP BY partnership, p, breakdown, grp
ORDER BY partnership, p, breakdown, grp
