-- A plan's planned budget within P (metrics.md, budget utilisation): weekly_budget_gbp × the days
-- it is active within P ÷ 7, a NULL budget counting as 0 (the queries count those plans apart, as a
-- data gap). The one definition the indicator, the spend page's tables and its trend all use.
CREATE OR REPLACE MACRO planned_budget(weekly_budget_gbp, start_date, end_date, p_start, p_end) AS
    coalesce(weekly_budget_gbp, 0) * days_active(start_date, end_date, p_start, p_end) / 7.0
