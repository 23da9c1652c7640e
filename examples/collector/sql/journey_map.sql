-- The journey map: the touchpoints of each stage, by how many visitors met them.
SELECT
  stage,
  stage_position,
  touchpoint,
  min(kind) AS kind,
  CAST(count(*) AS INTEGER) AS touchpoints,
  CAST(count(DISTINCT visitor) AS INTEGER) AS visitors,
  max(CASE WHEN moment_of_truth THEN 1 ELSE 0 END) = 1 AS moment_of_truth
FROM journey_touchpoints
WHERE NOT is_measure AND ($from IS NULL OR timestamp >= CAST($from AS TIMESTAMP)) AND ($to IS NULL OR timestamp < CAST($to AS TIMESTAMP))
GROUP BY stage, stage_position, touchpoint
ORDER BY stage_position, stage, visitors DESC, touchpoints DESC, touchpoint
