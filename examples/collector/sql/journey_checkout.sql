-- Checkout drop-off per step: the sessions that reached each step, and those whose checkout ended there with
-- Checkout Abandoned (their last checkout touchpoint is the abandonment: a later step or order means they came
-- back). Order Completed is the step after the last, named "confirmation".
WITH checkout AS (
  SELECT session, event, step, step_name, timestamp, message_id
  FROM journey_touchpoints
  WHERE kind = 'checkout_step' AND step IS NOT NULL
    AND timestamp >= CAST($from AS TIMESTAMP) AND timestamp < CAST($to AS TIMESTAMP)
),
steps AS (
  SELECT step, step_name, row_number() OVER (PARTITION BY step ORDER BY count(*) DESC, step_name) AS nth
  FROM checkout
  GROUP BY step, step_name
),
reached AS (
  SELECT step, count(DISTINCT session) AS sessions
  FROM checkout
  WHERE event <> 'Checkout Abandoned'
  GROUP BY step
),
last_touch AS (
  SELECT session, event, step, row_number() OVER (PARTITION BY session ORDER BY timestamp DESC, message_id DESC) AS nth
  FROM checkout
),
abandoned AS (
  SELECT step, count(*) AS sessions
  FROM last_touch
  WHERE nth = 1 AND event = 'Checkout Abandoned'
  GROUP BY step
)
SELECT
  s.step,
  s.step_name,
  CAST(coalesce(r.sessions, 0) AS INTEGER) AS sessions,
  CAST(coalesce(a.sessions, 0) AS INTEGER) AS abandoned
FROM steps s
LEFT JOIN reached r ON r.step = s.step
LEFT JOIN abandoned a ON a.step = s.step
WHERE s.nth = 1
ORDER BY s.step
