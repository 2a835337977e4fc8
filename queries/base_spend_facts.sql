-- Grain: one row per budget spend line, with its own person's area and record (a line belongs with its
-- own person_id) and its plan's attributes (`provider_id` the plan's, `paid_provider` the line's).
CREATE OR REPLACE TABLE spend_facts AS
SELECT bs.person_id, bs.plan_id, bs.period_start, bs.period_end, bs.amount_gbp, bs.hours_delivered,
       bs.on_contract, bs.provider_id AS paid_provider,
       a.partnership, a.locality, pe.area_code, pe.client_group,
       sp.service_type, sp.sds_option, sp.lot_id, sp.provider_id, sp.weekly_hours
FROM budget_spend bs
JOIN people pe ON pe.person_id = bs.person_id
JOIN areas a ON a.area_code = pe.area_code
JOIN support_plans sp ON sp.plan_id = bs.plan_id
ORDER BY a.partnership, bs.period_start
