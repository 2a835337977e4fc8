-- Grain: one row per span (recent: $recent_start to the day before $stop; before: $first to the
-- day before $recent_start) × place (cell: $locality; partnership: all of $partnership's areas):
-- the home care requests assessed in the span in the place's areas (the request's own area),
-- how many have a package start, and the median days from assessment to package start of those.
WITH requests AS (
    SELECT a.locality,
           CASE WHEN rq.assessed_date >= $recent_start THEN 'recent' ELSE 'before' END AS span,
           rq.package_start_date IS NOT NULL AS met,
           date_diff('day', rq.assessed_date, rq.package_start_date) AS wait_days
    FROM home_care_requests AS rq
    JOIN areas AS a USING (area_code)
    WHERE a.partnership = $partnership
      AND rq.assessed_date >= $first AND rq.assessed_date < $stop
)
SELECT span, 'cell' AS place, count(*)::BIGINT AS requests, count_if(met)::BIGINT AS met,
       median(wait_days) FILTER (WHERE met)::DOUBLE AS median_wait_days
FROM requests WHERE locality = $locality GROUP BY ALL
UNION ALL
SELECT span, 'partnership', count(*)::BIGINT, count_if(met)::BIGINT,
       median(wait_days) FILTER (WHERE met)::DOUBLE
FROM requests GROUP BY ALL
ORDER BY ALL
