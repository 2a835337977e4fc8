-- Grain: one row per partnership (each of $partnerships) × period p (P = $starts[p]..$ends[p]),
-- every one present.
-- Budget utilisation (metrics.md, outcome 9; docs/spend.md) = spend ÷ planned budget: the one
-- definition the national indicator (outcomes/indicators.py) and the spend page's SPC series
-- (spend/figures.py) both read.
-- Spend in P: amount_gbp of the lines whose period_start falls in P (a line belongs with its own
-- person_id's area and wholly to the period it starts in; recoveries count as negative).
-- Planned budget in P: Σ over plans active on at least one day of P of the planned_budget macro
-- (queries/base_planned_budget.sql); a NULL budget counts as 0 and is a data gap (budget_gaps).
-- people and plan_people, the people behind each sum (for disclosure control), are counted only
-- when $count_people: the indicator needs neither, and counting them costs more than the sums.
-- Rows are grouped by the partnership's position in $partnerships (pk), not its name: an integer
-- key makes a long series a tenth cheaper. Filters: NULL means no filter.
-- Reads spend_months and plan_facts (extract/base_tables.py): lines summed by month (every P is
-- whole months) and plans, both already joined to person and area. The spend page's tables split
-- the same sums by group in spend_lines.sql and spend_planned.sql, with the same macro
-- (tests/test_spend.py: they agree).
WITH periods AS (
    SELECT unnest($starts)::DATE AS p_start, unnest($ends)::DATE AS p_end,
           generate_subscripts($starts, 1) AS p
),
partnerships AS (
    SELECT partnership, list_position($partnerships, partnership) AS pk
    FROM (SELECT DISTINCT unnest($partnerships) AS partnership)
),
lines AS NOT MATERIALIZED (
    SELECT list_position($partnerships, f.partnership) AS pk, per.p, f.person_id, f.spend
    FROM spend_months f
    JOIN periods per ON f.spend_month BETWEEN per.p_start AND per.p_end
    WHERE list_contains($partnerships, f.partnership)
      AND ($locality IS NULL OR f.locality = $locality)
      AND ($client_group IS NULL OR f.client_group = $client_group)
      AND ($service_type IS NULL OR f.service_type = $service_type)
      AND ($sds_option IS NULL OR f.sds_option = $sds_option)
),
plans AS NOT MATERIALIZED (
    SELECT list_position($partnerships, pf.partnership) AS pk, per.p, pf.person_id,
           pf.weekly_budget_gbp IS NULL AS budget_gap,
           planned_budget(pf.weekly_budget_gbp, pf.start_date, pf.end_date, per.p_start, per.p_end)
               AS budget
    FROM plan_facts pf
    JOIN periods per
      ON pf.start_date <= per.p_end AND (pf.end_date IS NULL OR pf.end_date > per.p_start)
    WHERE list_contains($partnerships, pf.partnership)
      AND ($locality IS NULL OR pf.locality = $locality)
      AND ($client_group IS NULL OR pf.client_group = $client_group)
      AND ($service_type IS NULL OR pf.service_type = $service_type)
      AND ($sds_option IS NULL OR pf.sds_option = $sds_option)
),
spent AS (
    -- one half runs: the sum with its people counted in the same pass, or the sum alone
    SELECT pk, p, sum(spend) AS spend, count(DISTINCT person_id) AS people
    FROM lines WHERE $count_people GROUP BY pk, p
    UNION ALL
    SELECT pk, p, sum(spend), 0 FROM lines WHERE NOT $count_people GROUP BY pk, p
),
planned AS (
    SELECT pk, p, sum(budget) AS budget, count(*) FILTER (WHERE budget_gap) AS budget_gaps,
           count(DISTINCT person_id) AS plan_people
    FROM plans WHERE $count_people GROUP BY pk, p
    UNION ALL
    SELECT pk, p, sum(budget), count(*) FILTER (WHERE budget_gap), 0
    FROM plans WHERE NOT $count_people GROUP BY pk, p
)
SELECT pt.partnership, per.p,
       coalesce(s.spend, 0.0) AS spend, coalesce(pd.budget, 0.0) AS budget,
       coalesce(pd.budget_gaps, 0) AS budget_gaps,
       coalesce(s.people, 0) AS people, coalesce(pd.plan_people, 0) AS plan_people
FROM partnerships pt
CROSS JOIN periods per
LEFT JOIN spent s ON s.pk = pt.pk AND s.p = per.p
LEFT JOIN planned pd ON pd.pk = pt.pk AND pd.p = per.p
ORDER BY pt.pk, per.p
