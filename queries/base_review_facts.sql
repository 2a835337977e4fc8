-- Grain: one review per outcome and day (the greatest review_id, so "latest" is well defined), for the
-- outcomes in outcome_facts, with the outcome's filter attributes and the day of its next review.
-- Which review counts on a day and when a "no longer relevant" review stops being the latest are
-- facts of the export, not of a filter: found once here rather than by a window over every review
-- on each filter change. Built after base_outcome_facts, which it reads.
CREATE OR REPLACE TABLE review_facts AS
SELECT outcome_id, review_date, review_id, status,
       partnership, locality, client_group, service_type, sds_option,
       lead(review_date) OVER (PARTITION BY outcome_id ORDER BY review_date) AS next_date
FROM (
    SELECT r.outcome_id, r.review_date, r.review_id, r.status,
           f.partnership, f.locality, f.client_group, f.service_type, f.sds_option
    FROM outcome_reviews r
    JOIN outcome_facts f ON f.outcome_id = r.outcome_id
    QUALIFY row_number() OVER (
        PARTITION BY r.outcome_id, r.review_date ORDER BY r.review_id DESC) = 1
)
ORDER BY partnership, review_date
