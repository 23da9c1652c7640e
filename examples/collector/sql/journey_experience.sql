-- Page experience per stage, from 'Page Experience' events (properties lcp, inp, cls, fcp, ttfb and rating, as the
-- webVitals capture sends them): the 75th percentile of each metric, as Core Web Vitals are judged, how many
-- pages were rated what, and how many were slow at a moment of truth (a checkout page, by default). A page view's
-- Page Experience may come again with later values (same viewId): only its last counts.
WITH experiences AS (
  SELECT
    *,
    row_number() OVER (PARTITION BY visitor, coalesce(view_id, message_id) ORDER BY timestamp DESC, message_id DESC) AS nth
  FROM journey_touchpoints
  WHERE event = 'Page Experience' AND ($from IS NULL OR timestamp >= CAST($from AS TIMESTAMP)) AND ($to IS NULL OR timestamp < CAST($to AS TIMESTAMP))
)
SELECT
  stage,
  stage_position,
  CAST(count(*) AS INTEGER) AS pages,
  percentile_cont(0.75) WITHIN GROUP (ORDER BY lcp) AS lcp,
  percentile_cont(0.75) WITHIN GROUP (ORDER BY inp) AS inp,
  percentile_cont(0.75) WITHIN GROUP (ORDER BY cls) AS cls,
  percentile_cont(0.75) WITHIN GROUP (ORDER BY fcp) AS fcp,
  percentile_cont(0.75) WITHIN GROUP (ORDER BY ttfb) AS ttfb,
  CAST(sum(CASE WHEN rating = 'good' THEN 1 ELSE 0 END) AS INTEGER) AS good,
  CAST(sum(CASE WHEN rating = 'needs-improvement' THEN 1 ELSE 0 END) AS INTEGER) AS needs_improvement,
  CAST(sum(CASE WHEN rating = 'poor' THEN 1 ELSE 0 END) AS INTEGER) AS poor,
  CAST(sum(CASE WHEN slow_moment THEN 1 ELSE 0 END) AS INTEGER) AS slow_moments
FROM experiences
WHERE nth = 1
GROUP BY stage, stage_position
ORDER BY stage_position, stage
