-- The funnel: visitors whose furthest stage is this one or a later one (the furthest stage reached, as the
-- SDK's journeyStages counts it), and how many of them went no further than this stage (the drop-off).
WITH furthest AS (
  SELECT visitor, max(stage_position) AS position
  FROM journey_touchpoints
  WHERE ($from IS NULL OR timestamp >= CAST($from AS TIMESTAMP)) AND ($to IS NULL OR timestamp < CAST($to AS TIMESTAMP))
  GROUP BY visitor
),
reached AS (
  SELECT s.position, s.stage, CAST(count(f.visitor) AS INTEGER) AS visitors
  FROM journey_stages s
  LEFT JOIN furthest f ON f.position >= s.position
  GROUP BY s.position, s.stage
)
SELECT
  position,
  stage,
  visitors,
  visitors - lead(visitors) OVER (ORDER BY position) AS drop_off,
  CASE WHEN visitors > 0 THEN (visitors - lead(visitors) OVER (ORDER BY position)) * 1.0 / visitors END AS drop_off_rate
FROM reached
ORDER BY position
