-- Channel mix per stage: which channels brought the visitors who met each stage's touchpoints.
SELECT
  stage,
  stage_position,
  channel,
  CAST(count(DISTINCT visitor) AS INTEGER) AS visitors,
  CAST(count(*) AS INTEGER) AS touchpoints
FROM journey_touchpoints
WHERE NOT is_measure AND ($from IS NULL OR timestamp >= CAST($from AS TIMESTAMP)) AND ($to IS NULL OR timestamp < CAST($to AS TIMESTAMP))
GROUP BY stage, stage_position, channel
ORDER BY stage_position, stage, visitors DESC, channel
