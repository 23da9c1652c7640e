-- The report's headline numbers, and how many touchpoints the report had to stage or attribute itself.
SELECT
  CAST(count(DISTINCT visitor) AS INTEGER) AS visitors,
  CAST(count(DISTINCT session) AS INTEGER) AS sessions,
  CAST(sum(CASE WHEN is_measure THEN 0 ELSE 1 END) AS INTEGER) AS touchpoints,
  -- An order reported twice is one order, and its revenue counts once.
  CAST(sum(CASE WHEN event = 'Order Completed' AND NOT repeated_order THEN 1 ELSE 0 END) AS INTEGER) AS orders,
  coalesce(sum(CASE WHEN event = 'Order Completed' AND NOT repeated_order THEN revenue END), 0) AS revenue,
  CAST(sum(CASE WHEN NOT is_measure AND stage_source <> 'sent' THEN 1 ELSE 0 END) AS INTEGER) AS staged_by_report,
  CAST(sum(CASE WHEN NOT is_measure AND channel_source <> 'sent' THEN 1 ELSE 0 END) AS INTEGER) AS channel_by_report,
  min(timestamp) AS first_at,
  max(timestamp) AS last_at
FROM journey_touchpoints
WHERE ($from IS NULL OR timestamp >= CAST($from AS TIMESTAMP)) AND ($to IS NULL OR timestamp < CAST($to AS TIMESTAMP))
