-- Grain: one row: how many of $partnership's personal outcomes carry an outcome_type (0 when the
-- export lacks the optional column, which the cache then holds as NULL). Reads outcome_facts.
SELECT count(outcome_type) AS typed
FROM outcome_facts
WHERE partnership = $partnership
