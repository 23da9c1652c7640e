// Four visitors' journeys, as touchtrail's script tag sends them, for the journey report's SQL:
// - ada lands from a Google ad, buys, and shares her order (advocacy);
// - ben lands from the newsletter, starts the checkout and abandons it at payment;
// - cleo comes from a DuckDuckGo search straight to a product, buys, then asks the chat for help (retention);
// - dan's events were tagged by the SDK's journey processors (stage and channel sent), one with a stage the
//   collector does not list (onboarding).
// Ada, ben and cleo send no stage or channel: the report gives them its own (sql/journey_touchpoints.sql).

const SHOP = 'https://shop.example';

type Step = {
  type?: 'page' | 'track' | 'identify';
  event?: string;
  path: string;
  search?: string;
  referrer?: string;
  campaign?: Record<string, string>;
  properties?: Record<string, unknown>;
};

let n = 0;

/** One visitor's events, a minute apart from 2025-03-01 `hour`:00 UTC, in one session. */
const journey = (visitor: string, hour: number, steps: Step[]) =>
  steps.map((step, index) => {
    const type = step.type ?? (step.event ? 'track' : 'page');
    const event = type === 'track' ? step.event : undefined;
    return {
      type,
      ...(event && { event }),
      properties: {
        touchpoint: event ?? (type === 'page' ? 'Page View' : 'Identify'),
        touchpointKind: type === 'page' ? 'page_view' : 'custom',
        ...step.properties,
      },
      context: {
        page: { url: SHOP + step.path + (step.search ?? ''), path: step.path, title: step.path, referrer: step.referrer ?? '', search: step.search ?? '' },
        ...(step.campaign && { campaign: step.campaign }),
        library: { name: 'touchtrail', version: '0.1.0' },
        sessionId: `${visitor}-session`,
      },
      messageId: `${visitor}-${++n}`,
      anonymousId: visitor,
      userId: null,
      timestamp: new Date(Date.UTC(2025, 2, 1, hour, index)).toISOString(),
    };
  });

const checkout = (step: number, stepName: string, event: string, extra = {}) => ({
  event,
  path: '/checkout/' + (step === 4 ? 'confirmation' : stepName === 'checkout' ? 'cart' : stepName),
  properties: { touchpointKind: 'checkout_step', step, stepName, ...extra },
});

const shippingForm = {
  event: 'Form Submitted',
  path: '/checkout/shipping',
  properties: { touchpoint: 'Shipping details sent', touchpointKind: 'form_submit', formId: 'shipping', momentOfTruth: true },
};

const buy = (revenue: number) => [
  checkout(1, 'checkout', 'Checkout Started', { value: revenue }),
  checkout(2, 'shipping', 'Checkout Step Viewed'),
  shippingForm,
  checkout(2, 'shipping', 'Checkout Step Completed'),
  checkout(3, 'payment', 'Checkout Step Viewed'),
  checkout(3, 'payment', 'Payment Info Entered'),
  checkout(4, 'confirmation', 'Order Completed', { revenue, order_id: `order-${revenue}` }),
];

let views = 0;

/** A Page Experience as the webVitals capture sends it; `update` sends a page view's again, with later values. */
const experience = (path: string, lcp: number, inp: number, cls: number, rating: string, extra: Record<string, unknown> = {}) => ({
  event: 'Page Experience',
  path,
  properties: { touchpointKind: 'page_experience', path, viewId: `view-${extra.update ? views : ++views}`, lcp, inp, cls, rating, ...extra },
});

export const journeyFixture = [
  ...journey('ada', 10, [
    { path: '/', search: '?utm_source=google&utm_medium=cpc&utm_campaign=spring', campaign: { source: 'google', medium: 'cpc', name: 'spring' } },
    experience('/', 1800, 120, 0.05, 'good'),
    { event: 'Link Clicked', path: '/', properties: { touchpointKind: 'link_click', linkType: 'internal', href: `${SHOP}/products/trail-runner`, text: 'Shop the Trail Runner' } },
    { path: '/products/trail-runner' },
    { event: 'Product Added', path: '/products/trail-runner', properties: { touchpointKind: 'product', product_id: 'TR-1' } },
    ...buy(120),
    { path: '/checkout/confirmation' },
    { event: 'Link Clicked', path: '/checkout/confirmation', properties: { touchpointKind: 'link_click', linkType: 'share', href: 'https://twitter.com/intent/tweet?url=x' } },
    { event: 'Page Engagement', path: '/checkout/confirmation', properties: { touchpointKind: 'engagement', engagedTime: 4000 } },
  ]),
  ...journey('ben', 11, [
    { path: '/', search: '?utm_source=newsletter&utm_medium=email', campaign: { source: 'newsletter', medium: 'email' } },
    { path: '/pricing' },
    experience('/pricing', 3000, 150, 0.3, 'poor'),
    // The same page view's, once a slower interaction came: only this one counts.
    experience('/pricing', 4200, 300, 0.3, 'poor', { update: true }),
    { path: '/products/day-pack' },
    checkout(1, 'checkout', 'Checkout Started'),
    checkout(2, 'shipping', 'Checkout Step Viewed'),
    shippingForm,
    checkout(2, 'shipping', 'Checkout Step Completed'),
    checkout(3, 'payment', 'Checkout Step Viewed'),
    // The payment page was slow, and a checkout page is a moment of truth of its own to webVitals.
    experience('/checkout/payment', 5200, 640, 0.01, 'poor', { momentOfTruth: true, slowMomentOfTruth: true }),
    checkout(3, 'payment', 'Checkout Abandoned'),
  ]),
  ...journey('cleo', 12, [
    { path: '/products/trail-runner', referrer: 'https://duckduckgo.com/' },
    experience('/products/trail-runner', 2600, 150, 0.02, 'needs-improvement'),
    { event: 'Product Added', path: '/products/trail-runner', properties: { touchpointKind: 'product', product_id: 'TR-1' } },
    ...buy(80),
    { path: '/help' },
    { event: 'Chat Opened', path: '/help', properties: { touchpointKind: 'chat_open', vendor: 'intercom' } },
    { event: 'Form Submitted', path: '/help', properties: { touchpoint: '=HYPERLINK("https://evil.example")', touchpointKind: 'form_submit', formId: 'contact' } },
    { type: 'identify', path: '/help' },
  ]),
  ...journey('dan', 13, [
    { path: '/', search: '?fbclid=abc', properties: { stage: 'awareness', stageFrom: 'default', channel: 'paid_social' } },
    { event: 'Journey Stage Reached', path: '/', properties: { touchpointKind: 'stage_reached', stage: 'awareness', to: 'awareness', channel: 'paid_social' } },
    { path: '/features', properties: { stage: 'consideration', stageFrom: 'default', channel: 'paid_social', momentOfTruth: true, touchpoint: 'Features page' } },
    { event: 'Webinar Joined', path: '/webinar', properties: { stage: 'onboarding', stageFrom: 'rule', channel: 'paid_social' } },
  ]),
];
