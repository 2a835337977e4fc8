-- Grain: one row: the earliest plan start, so the period list starts where the data does.
SELECT min(start_date) AS first_date
FROM support_plans
