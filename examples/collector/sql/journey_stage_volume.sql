-- Each stage's volume: its touchpoints, and the visitors and sessions that met one of them.
SELECT
  stage,
  stage_position,
  CAST(count(*) AS INTEGER) AS touchpoints,
  CAST(count(DISTINCT visitor) AS INTEGER) AS visitors,
  CAST(count(DISTINCT session) AS INTEGER) AS sessions
FROM journey_touchpoints
WHERE NOT is_measure AND ($from IS NULL OR timestamp >= CAST($from AS TIMESTAMP)) AND ($to IS NULL OR timestamp < CAST($to AS TIMESTAMP))
GROUP BY stage, stage_position
ORDER BY stage_position, stage
