-- The days a plan is active within P (metrics.md: active on day d when start_date <= d < end_date,
-- NULL end_date open), written once for every query that prorates a weekly budget or hours to P.
CREATE OR REPLACE MACRO days_active(start_date, end_date, p_start, p_end) AS
    datediff('day', greatest(start_date, p_start),
             least(coalesce(end_date, p_end + 1), p_end + 1))
