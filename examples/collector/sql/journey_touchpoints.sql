-- journey_touchpoints: every stored touchpoint as the journey report reads it, one row per event.
--
-- This view is the only part of the report that knows how events are stored (JSON paths, DuckDB's functions);
-- the figures (journey_*.sql) are plain SQL over it and over journey_stages (position, stage). To run the report
-- on a warehouse, rewrite this file in its dialect (docs/journey-map.md has the translations) and run the
-- other files as they are.
--
-- Stage and channel are what the SDK sent (properties.stage, properties.channel, set by the journeyStages and
-- channels processors). Where they are missing (events from before those processors, or from other clients),
-- the report fills them in, and says so in stage_source and channel_source:
--   stage:   the SDK's own built-in default for the touchpoint (the rules of src/journey/journeyStages.ts,
--            repeated below), else the furthest stage the visitor had reached before it, else the first stage.
--   channel: the landing of the touchpoint's session, classified like GA4's default channel groups, in short.
CREATE OR REPLACE VIEW journey_touchpoints AS
WITH base AS (
  SELECT
    message_id,
    type,
    event,
    touchpoint AS name,
    touchpoint_kind AS kind,
    timestamp,
    coalesce(anonymous_id, user_id) AS visitor,
    -- touchtrail's session (30 idle minutes, or a new campaign); other clients may send none.
    coalesce(session_id, anonymous_id, user_id) AS session,
    -- A Page Experience may go out after the visitor moved on (an SPA route change): it names its page itself.
    CASE WHEN event = 'Page Experience' THEN coalesce(json_extract_string(properties, '$.path'), path) ELSE path END AS path,
    url,
    coalesce(referrer, '') AS referrer,
    stage AS sent_stage,
    channel AS sent_channel,
    coalesce(moment_of_truth, false) AS moment_of_truth,
    json_extract_string(properties, '$.linkType') AS link_type,
    json_extract_string(properties, '$.href') AS href,
    json_extract_string(properties, '$.text') AS link_text,
    json_extract_string(properties, '$.formId') AS form_id,
    json_extract_string(properties, '$.vendor') AS vendor,
    TRY_CAST(json_extract_string(properties, '$.step') AS INTEGER) AS step,
    json_extract_string(properties, '$.stepName') AS step_name,
    TRY_CAST(json_extract_string(properties, '$.revenue') AS DOUBLE) AS revenue,
    -- An empty id is no id (the SDK sends "" when a data layer has no transaction_id): else every such order of
    -- every visitor would be one order.
    nullif(json_extract_string(properties, '$.order_id'), '') AS order_id,
    TRY_CAST(json_extract_string(properties, '$.lcp') AS DOUBLE) AS lcp,
    TRY_CAST(json_extract_string(properties, '$.inp') AS DOUBLE) AS inp,
    TRY_CAST(json_extract_string(properties, '$.cls') AS DOUBLE) AS cls,
    TRY_CAST(json_extract_string(properties, '$.fcp') AS DOUBLE) AS fcp,
    TRY_CAST(json_extract_string(properties, '$.ttfb') AS DOUBLE) AS ttfb,
    lower(json_extract_string(properties, '$.rating')) AS rating,
    -- webVitals sends a page view's Page Experience again when a metric changes, with the same viewId: the last wins.
    json_extract_string(properties, '$.viewId') AS view_id,
    coalesce(TRY_CAST(json_extract_string(properties, '$.slowMomentOfTruth') AS BOOLEAN), false) AS slow_moment,
    coalesce(json_extract_string(context, '$.page.search'), '') AS search,
    -- The page's own utm_medium, as journeyStages reads it for its default stage (the campaign may be the session's).
    -- try(): a value that decodes to no UTF-8 is no medium, rather than a report that fails.
    lower(coalesce(try(url_decode(regexp_extract(coalesce(json_extract_string(context, '$.page.search'), ''), '[?&]utm_medium=([^&#]*)', 1))), '')) AS search_medium,
    coalesce(lower(json_extract_string(context, '$.campaign.source')), '') AS utm_source,
    coalesce(lower(json_extract_string(context, '$.campaign.medium')), '') AS utm_medium,
    coalesce(lower(json_extract_string(context, '$.campaign.name')), '') AS utm_campaign
  FROM events
  -- identify, group and alias say who someone is, not where they were.
  WHERE type IN ('page', 'screen', 'track')
),
-- "NaN" and "Infinity" cast to DOUBLE as such, and one of them makes every sum and percentile it enters NaN (and the
-- API's JSON a string): no browser measures them, so they are no value.
finite AS (
  SELECT * REPLACE (
    CASE WHEN isfinite(revenue) THEN revenue END AS revenue,
    CASE WHEN isfinite(lcp) THEN lcp END AS lcp,
    CASE WHEN isfinite(inp) THEN inp END AS inp,
    CASE WHEN isfinite(cls) THEN cls END AS cls,
    CASE WHEN isfinite(fcp) THEN fcp END AS fcp,
    CASE WHEN isfinite(ttfb) THEN ttfb END AS ttfb
  )
  FROM base
),
described AS (
  SELECT
    *,
    -- Measures of a page or of the journey, not touchpoints of their own: left out of counts of touchpoints.
    (coalesce(kind, '') IN ('engagement', 'stage_reached', 'page_experience') OR coalesce(event, '') IN ('Page Engagement', 'Page Experience', 'Journey Stage Reached')) AS is_measure,
    -- What journeyStages tests its defaults against: a page by its path, anything else by event, kind, link
    -- type and link. A page's measures go with their page.
    CASE
      WHEN type <> 'track' OR event IN ('Page Engagement', 'Page Experience') THEN coalesce(path, '')
      ELSE coalesce(event, '') || ' ' || coalesce(kind, '') || ' ' || coalesce(link_type, '') || ' ' || coalesce(href, '')
    END AS described,
    -- The touchpoint's name on the map: the name the page or a rule gave it, else what tells it apart from
    -- others of its event ("Page View" for every page would say nothing).
    CASE
      WHEN name IS NOT NULL AND name <> coalesce(event, 'Page View') THEN name
      WHEN type <> 'track' THEN 'Page ' || coalesce(path, '?')
      WHEN event = 'Link Clicked' THEN 'Link Clicked: ' || coalesce(nullif(link_text, ''), link_type, href, '?')
      WHEN kind = 'checkout_step' AND step_name IS NOT NULL THEN event || ': ' || step_name
      WHEN event = 'Chat Opened' AND vendor IS NOT NULL THEN 'Chat Opened: ' || vendor
      WHEN event = 'Form Submitted' THEN 'Form Submitted: ' || coalesce(form_id, path, '?')
      ELSE coalesce(name, event, type)
    END AS touchpoint
  FROM finite
),
defaulted AS (
  SELECT
    *,
    -- journeyStages' built-in defaults, first match wins (src/journey/journeyStages.ts, DEFAULTS, CLICK_ID and
    -- src/lib/adMedium.ts); test/collector/collector.test.ts checks that both stage every touchpoint alike.
    CASE
      WHEN type <> 'track' AND (
        regexp_matches(search, '[?&](\w*clk?id|\w*braid|li_fat_id|epik|rdt_cid|sccid)=', 'i')
        OR regexp_matches(search_medium, '^(.*cp.*|ppc|retargeting|paid.*)$')
        OR regexp_matches(search_medium, '^(display|banner|expandable|interstitial|cpm)$')
      ) THEN 'awareness'
      WHEN event = 'Order Completed' THEN 'purchase'
      WHEN kind = 'checkout_step' THEN 'decision'
      -- Whole words: anything but a letter ends one, so /account/preferences is no referral.
      WHEN regexp_matches(described, '(^|[^a-z])(reviews?|reviewed|refer|referrals?|invite[sd]?|invitations?|share|sharing|trustpilot)([^a-z]|$)', 'i') THEN 'advocacy'
      WHEN regexp_matches(described, '(^|[^a-z])(accounts?|help|helpdesk|support|chat|faqs?|log-?in|sign-?in|docs?|documentation)([^a-z]|$)', 'i') THEN 'retention'
      WHEN regexp_matches(described, '(^|[^a-z])(products?|pricing|plans?|compare|comparisons?|features?|vs)([^a-z]|$)', 'i') THEN 'consideration'
    END AS default_stage
  FROM described
),
positioned AS (
  SELECT
    d.*,
    -- A default whose stage the site does not list (stages renamed) does not apply, as in journeyStages.
    CASE WHEN d.sent_stage IS NULL AND s.position IS NULL THEN NULL ELSE s.position END AS own_position
  FROM defaulted d
  LEFT JOIN journey_stages s ON s.stage = coalesce(d.sent_stage, d.default_stage)
),
reached AS (
  SELECT
    *,
    max(own_position) OVER (
      PARTITION BY visitor ORDER BY timestamp, message_id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
    ) AS reached_before,
    -- The session's landing, for the channel: its first touchpoint.
    first_value(utm_source) OVER (PARTITION BY session ORDER BY timestamp, message_id) AS landing_source,
    first_value(utm_medium) OVER (PARTITION BY session ORDER BY timestamp, message_id) AS landing_medium,
    first_value(utm_campaign) OVER (PARTITION BY session ORDER BY timestamp, message_id) AS landing_campaign,
    first_value(search) OVER (PARTITION BY session ORDER BY timestamp, message_id) AS landing_search,
    first_value(regexp_extract(referrer, '^[a-zA-Z]+://([^/:?#]+)', 1)) OVER (PARTITION BY session ORDER BY timestamp, message_id) AS landing_referrer_host,
    first_value(regexp_extract(coalesce(url, ''), '^[a-zA-Z]+://([^/:?#]+)', 1)) OVER (PARTITION BY session ORDER BY timestamp, message_id) AS landing_host,
    -- An order reported again (its confirmation page reloaded, or reported by two inputs): the same order_id, a new
    -- messageId. Counted once, by order_id as GA4 counts transaction_id, else by its messageId.
    event = 'Order Completed' AND row_number() OVER (
      PARTITION BY event = 'Order Completed', coalesce(order_id, message_id) ORDER BY timestamp, message_id
    ) > 1 AS repeated_order
  FROM positioned
),
classified AS (
  SELECT
    *,
    regexp_matches(landing_medium, '^(.*cp.*|ppc|retargeting|paid.*)$') AS paid,
    CASE
      -- A campaign named for shopping is shopping, wherever it ran, as in GA4 (and src/journey/channels.ts).
      WHEN regexp_matches(landing_campaign, '(^|[^a-df-z])shop|shopping') THEN 'shopping'
      -- Webmail next: mail.google.com is an email opened in Gmail, not a search.
      WHEN regexp_matches(landing_referrer_host, '(^|\.)(e?mail|webmail|outlook|gmx)(\.|$)') THEN 'email'
      -- Shopping sites before search, as GA4 checks them.
      WHEN regexp_matches(landing_source || ' ' || landing_referrer_host, '(^|[ .])(amazon|ebay|etsy|shopify|walmart|aliexpress|alibaba|mercadolibre|rakuten)([ .]|$)') THEN 'shopping'
      WHEN regexp_matches(landing_source || ' ' || landing_referrer_host, '(^|[ .])(google|bing|yahoo|duckduckgo|baidu|yandex|ecosia|naver|qwant|startpage|brave|kagi)([ .]|$)') THEN 'search'
      WHEN regexp_matches(landing_source || ' ' || landing_referrer_host, '(^|[ .])(facebook|fb|instagram|linkedin|lnkd|twitter|pinterest|reddit|tiktok|snapchat|threads|bsky|mastodon|quora)([ .]|$)|(^|[ .])(t\.co|x\.com)( |$)') THEN 'social'
      WHEN regexp_matches(landing_source || ' ' || landing_referrer_host, '(^|[ .])(youtube|youtu|vimeo|twitch|dailymotion)([ .]|$)') THEN 'video'
      ELSE ''
    END AS site_kind
  FROM reached
)
SELECT
  c.message_id,
  c.type,
  c.event,
  c.kind,
  c.touchpoint,
  c.timestamp,
  c.visitor,
  c.session,
  c.path,
  CASE WHEN c.sent_stage IS NOT NULL THEN c.sent_stage WHEN c.own_position IS NOT NULL THEN c.default_stage ELSE j.stage END AS stage,
  CASE WHEN c.sent_stage IS NOT NULL OR c.own_position IS NOT NULL THEN c.own_position ELSE j.position END AS stage_position,
  CASE WHEN c.sent_stage IS NOT NULL THEN 'sent' WHEN c.own_position IS NOT NULL THEN 'report_default' ELSE 'report_journey' END AS stage_source,
  CASE
    WHEN c.sent_channel IS NOT NULL THEN c.sent_channel
    WHEN regexp_matches(c.landing_medium, '^(qr|print|offline)$') THEN 'offline'
    WHEN c.paid AND c.site_kind = 'shopping' THEN 'paid_shopping'
    WHEN regexp_matches(c.landing_search, '[?&](gclid|gbraid|wbraid|msclkid|yclid)=', 'i') OR (c.paid AND c.site_kind = 'search') THEN 'paid_search'
    WHEN regexp_matches(c.landing_search, '[?&](fbclid|ttclid|li_fat_id|twclid|epik|rdt_cid|sccid)=', 'i') OR (c.paid AND c.site_kind = 'social') THEN 'paid_social'
    WHEN c.paid AND c.site_kind = 'video' THEN 'paid_video'
    WHEN regexp_matches(c.landing_medium, '^(display|banner|expandable|interstitial|cpm)$') THEN 'display'
    WHEN c.paid THEN 'paid_other'
    WHEN c.site_kind = 'shopping' THEN 'organic_shopping'
    WHEN c.site_kind = 'social' OR regexp_matches(c.landing_medium, '^(social|social-network|social-media|sm)$') THEN 'organic_social'
    WHEN c.site_kind = 'video' OR c.landing_medium LIKE '%video%' THEN 'organic_video'
    WHEN c.site_kind = 'search' OR c.landing_medium = 'organic' THEN 'organic_search'
    WHEN c.site_kind = 'email' OR regexp_matches(c.landing_source || ' ' || c.landing_medium, '(^| )(email|e-mail|e_mail)( |$)') THEN 'email'
    WHEN regexp_matches(c.landing_medium, '^(referral|app|link)$') THEN 'referral'
    WHEN regexp_matches(c.landing_medium, '^affiliates?$') THEN 'affiliate'
    WHEN c.landing_source = '' AND c.landing_medium = '' AND c.landing_referrer_host NOT IN ('', c.landing_host) THEN 'referral'
    WHEN c.landing_source = '' AND c.landing_medium = '' THEN 'direct'
    ELSE 'unassigned'
  END AS channel,
  CASE WHEN c.sent_channel IS NOT NULL THEN 'sent' ELSE 'report' END AS channel_source,
  c.moment_of_truth,
  c.is_measure,
  c.step,
  c.step_name,
  c.revenue,
  c.order_id,
  c.repeated_order,
  c.lcp,
  c.inp,
  c.cls,
  c.fcp,
  c.ttfb,
  c.rating,
  c.view_id,
  c.slow_moment
FROM classified c
LEFT JOIN journey_stages j ON j.position = coalesce(c.reached_before, 1)
