-- Checkout drop-off per step: the sessions that reached each step, and those whose checkout ended there with
-- Checkout Abandoned. An abandonment stands unless the same session later completed an order or reached a step
-- with a higher number: going back to the cart after leaving the payment page is no coming back. A session counts
-- once, at its last abandonment that stands. Order Completed is the step after the last, named "confirmation".
WITH checkout AS (
  SELECT session, event, step, step_name, timestamp, message_id
  FROM journey_touchpoints
  WHERE kind = 'checkout_step' AND step IS NOT NULL
    AND ($from IS NULL OR timestamp >= CAST($from AS TIMESTAMP)) AND ($to IS NULL OR timestamp < CAST($to AS TIMESTAMP))
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
standing AS (
  SELECT a.session, a.step, row_number() OVER (PARTITION BY a.session ORDER BY a.timestamp DESC, a.message_id DESC) AS nth
  FROM checkout a
  WHERE a.event = 'Checkout Abandoned'
    AND NOT EXISTS (
      SELECT 1
      FROM checkout later
      WHERE later.session = a.session
        AND (later.timestamp > a.timestamp OR (later.timestamp = a.timestamp AND later.message_id > a.message_id))
        AND (later.event = 'Order Completed' OR (later.event <> 'Checkout Abandoned' AND later.step > a.step))
    )
),
abandoned AS (
  SELECT step, count(*) AS sessions
  FROM standing
  WHERE nth = 1
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
