-- Moments of truth and their outcome: of the visitors who met each one, how many went on to buy (an Order
-- Completed at or after it), how many went on to a later stage without buying, and how many went no further.
WITH tp AS (
  SELECT *
  FROM journey_touchpoints
  WHERE ($from IS NULL OR timestamp >= CAST($from AS TIMESTAMP)) AND ($to IS NULL OR timestamp < CAST($to AS TIMESTAMP))
),
met AS (
  SELECT visitor, touchpoint, min(timestamp) AS met_at, min(stage_position) AS position, min(stage) AS stage
  FROM tp
  -- A Page Experience marked a moment of truth (a checkout page's) is shown with page experience, not here.
  WHERE moment_of_truth AND NOT is_measure
  GROUP BY visitor, touchpoint
),
outcomes AS (
  SELECT
    m.touchpoint,
    m.visitor,
    m.position,
    m.stage,
    max(CASE WHEN t.event = 'Order Completed' THEN 1 ELSE 0 END) AS bought,
    max(CASE WHEN t.stage_position > m.position THEN 1 ELSE 0 END) AS went_further
  FROM met m
  LEFT JOIN tp t ON t.visitor = m.visitor AND t.timestamp >= m.met_at
  GROUP BY m.touchpoint, m.visitor, m.position, m.stage
)
SELECT
  touchpoint,
  min(position) AS stage_position,
  min(stage) AS stage,
  CAST(count(*) AS INTEGER) AS visitors,
  CAST(sum(bought) AS INTEGER) AS bought,
  CAST(sum(CASE WHEN bought = 0 THEN went_further ELSE 0 END) AS INTEGER) AS went_further,
  CAST(sum(CASE WHEN bought = 0 AND went_further = 0 THEN 1 ELSE 0 END) AS INTEGER) AS went_no_further
FROM outcomes
GROUP BY touchpoint
ORDER BY min(position), count(*) DESC, touchpoint
