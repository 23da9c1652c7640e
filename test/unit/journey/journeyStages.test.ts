import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { pageViews } from '../../../src/capture/pageViews';
import type { Tracker } from '../../../src/createTracker';
import { channels } from '../../../src/journey/channels';
import { journeyStages, type JourneyStagesOptions } from '../../../src/journey/journeyStages';
import type { Rules } from '../../../src/journey/parseRules';
import type { Properties, Touchpoint } from '../../../src/types';
import { makeTracker, stopTrackers } from '../../helpers/makeTracker';
import { resetPage, setUrl } from '../../helpers/page';
import { deferred, settle } from '../../helpers/settle';
import { touchpoint } from '../../helpers/touchpoints';

let warn: ReturnType<typeof vi.spyOn>;

beforeEach(() => {
  localStorage.clear();
  warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
});

afterEach(() => {
  vi.restoreAllMocks();
  localStorage.clear();
});

/** A touchpoint as createTracker builds it: a track event, or a page view of `url` when `event` is 'Page View'. */
const tp = (event: string, properties: Properties = {}, url = 'https://shop.example/', campaign?: Record<string, string>): Touchpoint => {
  const { pathname, search } = new URL(url);
  const page = event == 'Page View';
  return touchpoint({
    type: page ? 'page' : 'track',
    event: page ? undefined : event,
    properties: { touchpoint: event, touchpointKind: page ? 'page_view' : 'custom', ...properties },
    context: {
      page: { url, path: pathname, search, title: '', referrer: '' },
      library: { name: 'touchtrail', version: '0' },
      sessionId: 'session-1',
      ...(campaign && { campaign }),
    },
  });
};
const view = (url: string) => tp('Page View', {}, 'https://shop.example' + url);

/** Runs one touchpoint through the processor: the touchpoint, and the Journey Stage Reached it caused, if any. */
const run = (processor: ReturnType<typeof journeyStages>, t: Touchpoint, element?: Element) => {
  const out = processor(t, element);
  const [first, reached, ...rest] = Array.isArray(out) ? out : [out];
  expect(rest).toEqual([]);
  expect(first).toBe(t);
  return { p: t.properties, reached };
};
const stageOf = (t: Touchpoint, options?: JourneyStagesOptions, element?: Element) => run(journeyStages(options), t, element).p;

describe('where a stage comes from', () => {
  test('an explicit stage wins over a rule and the default', () => {
    const rules: Rules = { touchpoints: [{ event: 'Order Completed', stage: 'decision' }] };
    const p = stageOf(tp('Order Completed', { touchpointKind: 'checkout_step', stage: 'retention' }), { rules });
    expect(p).toMatchObject({ stage: 'retention', stageFrom: 'explicit' });
  });

  test('touchpointStage counts as explicit, and is not sent twice', () => {
    const p = stageOf(tp('Pricing CTA', { touchpointKind: 'tagged', touchpointStage: 'decision' }));
    expect(p).toMatchObject({ stage: 'decision', stageFrom: 'explicit' });
    expect(p).not.toHaveProperty('touchpointStage');
  });

  test('a rule wins over the default', () => {
    const rules: Rules = { touchpoints: [{ event: 'Order Completed', stage: 'decision' }] };
    expect(stageOf(tp('Order Completed', { touchpointKind: 'checkout_step' }), { rules })).toMatchObject({ stage: 'decision', stageFrom: 'rule' });
    expect(stageOf(tp('Order Completed', { touchpointKind: 'checkout_step' }))).toMatchObject({ stage: 'purchase', stageFrom: 'default' });
  });

  test('an explicit stage that is not one of the stages is reported and ignored', () => {
    const p = stageOf(tp('Order Completed', { touchpointKind: 'checkout_step', stage: 'purchse' }));
    expect(p).toMatchObject({ stage: 'purchase', stageFrom: 'default' });
    expect(warn).toHaveBeenCalledWith('touchtrail: stage "purchse" is not one of awareness,consideration,decision,purchase,retention,advocacy; ignored.');
  });

  test.each<[string, Touchpoint, string]>([
    ['a landing from a Google ad', view('/?gclid=Cj0KCQ'), 'awareness'],
    ['a landing from a Microsoft ad on the pricing page', view('/pricing?msclkid=1a2b'), 'awareness'],
    ['a landing from a paid social ad', view('/shoes?fbclid=IwAR3x'), 'awareness'],
    ['a landing tagged utm_medium=cpc', view('/?utm_source=google&utm_medium=cpc'), 'awareness'],
    ['a landing tagged utm_medium=display', view('/?utm_medium=display'), 'awareness'],
    ['a landing tagged utm_medium=social-cpc (paid, as GA4 reads it)', view('/?utm_source=facebook&utm_medium=social-cpc'), 'awareness'],
    ['a landing tagged utm_medium=Paid_Social', view('/?utm_source=facebook&utm_medium=Paid_Social'), 'awareness'],
    ['a landing tagged utm_medium=interstitial (display, as GA4 reads it)', view('/?utm_source=network&utm_medium=interstitial'), 'awareness'],
    ['a landing tagged utm_medium=expandable', view('/?utm_medium=expandable'), 'awareness'],
    ['the pricing page', view('/pricing'), 'consideration'],
    ['a product page', view('/products/trail-shoe-42'), 'consideration'],
    ['a product preview page ("review" inside a word is no review)', view('/products/42/preview'), 'consideration'],
    ['the features of a plan, with underscores', view('/plan_features'), 'consideration'],
    ['a comparison page', view('/compare/pro-vs-team'), 'consideration'],
    ['a plans page', view('/plans'), 'consideration'],
    ['Product Viewed', tp('Product Viewed', { touchpointKind: 'product' }), 'consideration'],
    ['Product Added', tp('Product Added', { touchpointKind: 'product' }), 'consideration'],
    ['Checkout Started', tp('Checkout Started', { touchpointKind: 'checkout_step' }), 'decision'],
    ['Checkout Step Viewed', tp('Checkout Step Viewed', { touchpointKind: 'checkout_step' }), 'decision'],
    ['Payment Info Entered', tp('Payment Info Entered', { touchpointKind: 'checkout_step' }), 'decision'],
    ['Checkout Abandoned', tp('Checkout Abandoned', { touchpointKind: 'checkout_step' }), 'decision'],
    ['Order Completed', tp('Order Completed', { touchpointKind: 'checkout_step' }), 'purchase'],
    ['the account page', view('/account/orders'), 'retention'],
    ['the email preferences of the account ("refer" inside a word is no referral)', view('/account/preferences'), 'retention'],
    ['a sign-in page', view('/sign-in'), 'retention'],
    ['a login page', view('/login?next=%2Fcart'), 'retention'],
    ['the docs', view('/docs/getting-started'), 'retention'],
    ['a help article', view('/help/returns'), 'retention'],
    ['the support page', view('/support'), 'retention'],
    ['Chat Opened', tp('Chat Opened', { touchpointKind: 'chat_open', vendor: 'intercom' }), 'retention'],
    ['a link to the help centre', tp('Link Clicked', { touchpointKind: 'link_click', linkType: 'outbound', href: 'https://help.shop.example/' }), 'retention'],
    ['a share link', tp('Link Clicked', { touchpointKind: 'link_click', linkType: 'share', href: 'https://www.facebook.com/sharer/sharer.php?u=x' }), 'advocacy'],
    ['a link to review us', tp('Link Clicked', { touchpointKind: 'link_click', linkType: 'outbound', href: 'https://www.trustpilot.com/evaluate/shop.example' }), 'advocacy'],
    ['Product Reviewed', tp('Product Reviewed'), 'advocacy'],
    ['the referral programme', view('/refer-a-friend'), 'advocacy'],
    ['the referrals page', view('/account/referrals'), 'advocacy'],
    ['the reviews of a product', view('/products/42/reviews'), 'advocacy'],
    ['an invitation', view('/invite/team'), 'advocacy'],
  ])('the default for %s is %s', (_, t, stage) => {
    expect(stageOf(t)).toMatchObject({ stage, stageFrom: 'default' });
  });

  test.each<[string, () => Touchpoint]>([
    ['the home page', () => view('/')],
    ['a blog post', () => view('/blog/how-to-lace')],
    ['a page on shareholders ("share" inside a word is no share)', () => view('/shareholders')],
    ['a post on design inspiration ("sign-in" across words is no sign-in)', () => view('/blog/design-inspiration')],
    ['a post on productivity ("product" inside a word is no product)', () => view('/productivity-tips')],
    ['a preview link', () => tp('Link Clicked', { touchpointKind: 'link_click', linkType: 'internal', href: 'https://shop.example/preview' })],
    ['an email landing', () => view('/?utm_source=newsletter&utm_medium=email')],
    ['Page Engagement', () => tp('Page Engagement', { touchpointKind: 'engagement' })],
    ['Form Submitted', () => tp('Form Submitted', { touchpointKind: 'form_submit' })],
    ['a custom event', () => tp('Wishlist Saved')],
  ])('%s has no default: it takes the stage the visitor is in', (_, make) => {
    expect(stageOf(make())).toMatchObject({ stage: 'awareness', stageFrom: 'journey' });
    localStorage.setItem('touchtrail.stage', 'decision');
    expect(stageOf(make())).toMatchObject({ stage: 'decision', stageFrom: 'journey' });
  });
});

describe('stage lists', () => {
  test('renamed stages: defaults go where `defaults` says, rules and explicit stages use the new names', () => {
    const options: JourneyStagesOptions = {
      stages: ['discover', 'evaluate', 'buy', 'love'],
      defaults: { awareness: 'discover', consideration: 'evaluate', decision: 'buy', purchase: 'buy', retention: 'love', advocacy: 'love' },
    };
    expect(stageOf(view('/?gclid=x'), options).stage).toBe('discover');
    expect(stageOf(view('/pricing'), options).stage).toBe('evaluate');
    expect(stageOf(tp('Checkout Started', { touchpointKind: 'checkout_step' }), options).stage).toBe('buy');
    expect(stageOf(tp('Order Completed', { touchpointKind: 'checkout_step' }), options).stage).toBe('buy');
    expect(stageOf(tp('Chat Opened', { touchpointKind: 'chat_open' }), options).stage).toBe('love');
    expect(stageOf(tp('Signed Up', { stage: 'evaluate' }), options)).toMatchObject({ stage: 'evaluate', stageFrom: 'explicit' });
    const rules: Rules = { touchpoints: [{ url: '/webinars/*', stage: 'discover' }] };
    expect(stageOf(view('/webinars/spring'), { ...options, rules })).toMatchObject({ stage: 'discover', stageFrom: 'rule' });
  });

  test('a reduced list: defaults of dropped stages do not apply, unless mapped; null switches one off', () => {
    const stages = ['awareness', 'consideration', 'purchase'];
    expect(stageOf(tp('Checkout Started', { touchpointKind: 'checkout_step' }), { stages })).toMatchObject({ stage: 'awareness', stageFrom: 'journey' });
    expect(stageOf(tp('Order Completed', { touchpointKind: 'checkout_step' }), { stages }).stage).toBe('purchase');
    expect(stageOf(tp('Chat Opened', { touchpointKind: 'chat_open' }), { stages }).stageFrom).toBe('journey');
    expect(stageOf(tp('Checkout Started', { touchpointKind: 'checkout_step' }), { stages, defaults: { decision: 'purchase' } }).stage).toBe('purchase');
    expect(stageOf(view('/pricing'), { defaults: { consideration: null } }).stageFrom).toBe('journey');
    // A rule whose stage is not listed does not apply either.
    expect(stageOf(view('/help'), { stages, rules: { touchpoints: [{ url: '/help', stage: 'retention' }] } }).stageFrom).toBe('journey');
  });

  test('a reordered list decides what is further', () => {
    const stages = ['consideration', 'awareness', 'decision'];
    const processor = journeyStages({ stages });
    expect(run(processor, view('/?gclid=x')).reached.properties).toMatchObject({ from: null, to: 'awareness' });
    // consideration comes before awareness here: going there is not moving on.
    expect(run(processor, view('/pricing')).reached).toBeUndefined();
  });

  test("a rules document's stages win over the options'", () => {
    const p = stageOf(tp('Signed Up', { stage: 'onboarding' }), { stages: ['a', 'b'], rules: { stages: ['trial', 'onboarding'] } });
    expect(p).toMatchObject({ stage: 'onboarding', stageFrom: 'explicit' });
  });
});

describe('the furthest stage', () => {
  test('Journey Stage Reached follows the touchpoint that moved the visitor on, with from, to and cause', () => {
    const t = view('/pricing');
    const { reached } = run(journeyStages(), t);
    expect(reached).toEqual({
      ...t,
      type: 'track',
      event: 'Journey Stage Reached',
      name: undefined,
      properties: {
        touchpoint: 'Journey Stage Reached',
        touchpointKind: 'stage_reached',
        stage: 'consideration',
        from: null,
        to: 'consideration',
        cause: { name: 'Page View', messageId: t.messageId },
      },
      messageId: expect.any(String),
    });
    expect(reached.messageId).not.toBe(t.messageId);
    expect(localStorage.getItem('touchtrail.stage')).toBe('consideration');
  });

  test('across visits (new instances sharing localStorage): only when moving further, never backwards or twice', () => {
    const reachedBy = (processor: ReturnType<typeof journeyStages>, t: Touchpoint) => run(processor, t).reached?.properties;

    const visit1 = journeyStages();
    expect(reachedBy(visit1, view('/blog/trail-running'))).toMatchObject({ from: null, to: 'awareness', cause: { name: 'Page View' } });
    expect(reachedBy(visit1, view('/blog/other'))).toBeUndefined();
    expect(reachedBy(visit1, view('/pricing'))).toMatchObject({ from: 'awareness', to: 'consideration' });
    expect(reachedBy(visit1, view('/pricing'))).toBeUndefined();

    const visit2 = journeyStages();
    // Back on the home page: still considering.
    const home = view('/');
    expect(reachedBy(visit2, home)).toBeUndefined();
    expect(home.properties.stage).toBe('consideration');
    expect(reachedBy(visit2, view('/?gclid=again'))).toBeUndefined(); // awareness is behind
    const chat = tp('Chat Opened', { touchpointKind: 'chat_open' });
    // Stages may be skipped: from consideration straight to retention.
    expect(reachedBy(visit2, chat)).toEqual({
      touchpoint: 'Journey Stage Reached',
      touchpointKind: 'stage_reached',
      stage: 'retention',
      from: 'consideration',
      to: 'retention',
      cause: { name: 'Chat Opened', messageId: chat.messageId },
    });

    const visit3 = journeyStages();
    expect(reachedBy(visit3, tp('Checkout Started', { touchpointKind: 'checkout_step' }))).toBeUndefined();
    expect(reachedBy(visit3, tp('Order Completed', { touchpointKind: 'checkout_step' }))).toBeUndefined();
    expect(reachedBy(visit3, tp('Link Clicked', { touchpointKind: 'link_click', linkType: 'share', href: 'https://x.com/intent/post' }))).toMatchObject({
      from: 'retention',
      to: 'advocacy',
    });
    expect(localStorage.getItem('touchtrail.stage')).toBe('advocacy');
  });

  test('a stored stage that the list no longer has counts as none reached', () => {
    localStorage.setItem('touchtrail.stage', 'evaluate');
    expect(run(journeyStages(), view('/')).reached.properties).toMatchObject({ from: null, to: 'awareness' });
  });

  test('where localStorage is blocked, the journey lasts as long as the processor', () => {
    vi.spyOn(Storage.prototype, 'getItem').mockImplementation(() => {
      throw new DOMException('blocked', 'SecurityError');
    });
    vi.spyOn(Storage.prototype, 'setItem').mockImplementation(() => {
      throw new DOMException('blocked', 'SecurityError');
    });
    const processor = journeyStages();
    expect(run(processor, view('/pricing')).reached).toBeDefined();
    expect(run(processor, view('/pricing')).reached).toBeUndefined();
    expect(run(processor, view('/')).p.stage).toBe('consideration');
  });

  test('Journey Stage Reached touchpoints pass through untouched', () => {
    const processor = journeyStages();
    const { reached } = run(processor, view('/pricing'));
    const copy = structuredClone(reached);
    expect(processor(reached)).toBe(reached);
    expect(reached).toEqual(copy);
  });
});

describe('rules', () => {
  const rules: Rules = {
    touchpoints: [
      { selector: '.pricing-card .cta', name: 'Pricing CTA', stage: 'decision', momentOfTruth: true },
      { url: '/customers/*', name: 'Case study', stage: 'consideration' },
      { event: 'Form Submitted', selector: '#demo-request', name: 'Demo requested', stage: 'decision' },
      { kind: 'chat_open', url: '/pricing', stage: 'consideration' },
      { utmMedium: 'qr', name: 'Flyer QR code', stage: 'awareness' },
      { event: 'Checkout Abandoned', momentOfTruth: true },
      { event: 'Checkout Abandoned', name: 'Gave up', momentOfTruth: false, stage: 'retention' },
    ],
  };

  test('by selector: the element, or one of its ancestors, matches', () => {
    document.body.innerHTML = '<div class="pricing-card"><button class="cta"><span>Buy</span></button></div>';
    const button = document.querySelector('button')!;
    const p = stageOf(tp('Button Clicked'), { rules }, button.querySelector('span')!);
    expect(p).toMatchObject({ touchpoint: 'Pricing CTA', stage: 'decision', stageFrom: 'rule', momentOfTruth: true });
    expect(stageOf(tp('Button Clicked'), { rules })).toMatchObject({ touchpoint: 'Button Clicked', stageFrom: 'journey' });
    document.body.innerHTML = '';
  });

  test('by URL, event, kind and utm_medium; every condition of a rule must hold', () => {
    expect(stageOf(view('/customers/acme'), { rules })).toMatchObject({ touchpoint: 'Case study', stage: 'consideration' });
    expect(stageOf(view('/customers'), { rules }).stageFrom).toBe('journey');
    document.body.innerHTML = '<form id="demo-request"></form><form id="newsletter"></form>';
    const [demo, newsletter] = document.querySelectorAll('form');
    expect(stageOf(tp('Form Submitted', { touchpointKind: 'form_submit' }), { rules }, demo)).toMatchObject({ touchpoint: 'Demo requested', stage: 'decision' });
    expect(stageOf(tp('Form Submitted', { touchpointKind: 'form_submit' }), { rules }, newsletter).stageFrom).toBe('journey');
    document.body.innerHTML = '';
    expect(stageOf(tp('Chat Opened', { touchpointKind: 'chat_open' }, 'https://shop.example/pricing'), { rules })).toMatchObject({ stage: 'consideration', stageFrom: 'rule' });
    expect(stageOf(tp('Chat Opened', { touchpointKind: 'chat_open' }, 'https://shop.example/account'), { rules })).toMatchObject({ stage: 'retention', stageFrom: 'default' });
    expect(stageOf(tp('Page View', {}, 'https://shop.example/?utm_medium=qr', { medium: 'qr', source: 'flyer' }), { rules })).toMatchObject({
      touchpoint: 'Flyer QR code',
      stage: 'awareness',
      stageFrom: 'rule',
    });
  });

  test('utmMedium compares without case, as channels does: utm_medium=QR matches the rule "qr", and the other way', () => {
    const qr = (medium: string) => tp('Page View', {}, `https://shop.example/?utm_medium=${medium}`, { medium, source: 'flyer' });
    expect(stageOf(qr('QR'), { rules })).toMatchObject({ touchpoint: 'Flyer QR code', stageFrom: 'rule' });
    const upper: Rules = { touchpoints: [{ utmMedium: 'QR', stage: 'consideration' }] };
    expect(stageOf(qr('qr'), { rules: upper })).toMatchObject({ stage: 'consideration', stageFrom: 'rule' });
  });

  test('a url rule matches the path as the visitor reads it (non-ASCII, spaces) and with or without a trailing slash', () => {
    const rules: Rules = { touchpoints: [{ url: '/pricing/', stage: 'decision' }, { url: '/produits/été', stage: 'decision' }, { url: '/summer sale', stage: 'decision' }] };
    for (const path of ['/pricing', '/pricing/', '/produits/%C3%A9t%C3%A9', '/summer%20sale/'])
      expect(stageOf(view(path), { rules }), path).toMatchObject({ stage: 'decision', stageFrom: 'rule' });
  });

  test('for each field the first matching rule that sets it wins', () => {
    const p = stageOf(tp('Checkout Abandoned', { touchpointKind: 'checkout_step' }), { rules });
    // The first says moment of truth; the second names it and stages it.
    expect(p).toMatchObject({ touchpoint: 'Gave up', stage: 'retention', momentOfTruth: true });
  });

  test('names and moments of truth from markup or code win over rules', () => {
    document.body.innerHTML = '<div class="pricing-card"><button class="cta">Buy</button></div>';
    const button = document.querySelector('button')!;
    const p = stageOf(tp('Pro plan', { touchpointKind: 'tagged', momentOfTruth: 'false' }), { rules }, button);
    expect(p.touchpoint).toBe('Pro plan');
    expect(p).not.toHaveProperty('momentOfTruth');
    document.body.innerHTML = '';
    expect(stageOf(tp('Signed Up', { momentOfTruth: true }))).toMatchObject({ momentOfTruth: true });
  });

  test('a selector the browser cannot parse matches nothing, and costs nothing else', () => {
    document.body.innerHTML = '<button>Buy</button>';
    const p = stageOf(view('/pricing'), { rules: { touchpoints: [{ selector: 'button[', stage: 'decision' }, { url: '/pricing', name: 'Pricing' }] } }, document.body.firstElementChild!);
    expect(p).toMatchObject({ touchpoint: 'Pricing', stage: 'consideration', stageFrom: 'default' });
    document.body.innerHTML = '';
  });

  test('rules that arrive later (a promise, such as loadRules) apply from the moment they do', async () => {
    const later = deferred<Rules>();
    const processor = journeyStages({ rules: later.promise });
    expect(run(processor, view('/webinars/spring')).p).toMatchObject({ stageFrom: 'journey' });
    later.resolve({ stages: ['discover', 'evaluate'], touchpoints: [{ url: '/webinars/*', stage: 'evaluate', name: 'Webinar' }] });
    await settle();
    expect(run(processor, view('/webinars/spring')).p).toMatchObject({ touchpoint: 'Webinar', stage: 'evaluate', stageFrom: 'rule' });
  });

  test('rules given as a promise make the processor say when it is ready; rules in hand need no wait', async () => {
    const later = deferred<Rules>();
    const processor = journeyStages({ rules: later.promise });
    let ready = false;
    processor.ready!.then(() => (ready = true));
    await settle();
    expect(ready).toBe(false);
    later.resolve({ touchpoints: [] });
    await settle();
    expect(ready).toBe(true);
    // A rules file that fails to load is ready too: the defaults apply.
    await expect(journeyStages({ rules: Promise.reject(new Error('offline')) }).ready).resolves.toBeUndefined();
    expect(journeyStages({ rules: { touchpoints: [] } }).ready).toBeUndefined();
    expect(journeyStages().ready).toBeUndefined();
  });

  test('through a tracker, the first page view waits for rules that arrive by promise, and is tagged by them', async () => {
    setUrl('/webinars/spring');
    const later = deferred<Rules>();
    const { tracker, send, push } = makeTracker({ captures: [pageViews()], processors: [journeyStages({ rules: later.promise })] });
    await settle();
    expect(push).not.toHaveBeenCalled();
    later.resolve({ touchpoints: [{ url: '/webinars/*', stage: 'consideration', name: 'Webinar' }] });
    await settle();
    await tracker.flush();
    expect(send.events[0]!.properties).toMatchObject({ touchpoint: 'Webinar', stage: 'consideration', stageFrom: 'rule' });
    await stopTrackers();
    resetPage();
  });

  test('a promise of rules that resolves to nothing leaves the defaults working', async () => {
    const processor = journeyStages({ rules: Promise.resolve(undefined as unknown as Rules) });
    await settle();
    expect(run(processor, view('/pricing')).p).toMatchObject({ stage: 'consideration', stageFrom: 'default' });
  });

  test('a promise of rules that rejects leaves the defaults working', async () => {
    const processor = journeyStages({ rules: Promise.reject(new Error('offline')) });
    await settle();
    expect(run(processor, view('/pricing')).p.stage).toBe('consideration');
  });
});

describe('interaction', () => {
  test.each<[Touchpoint, string]>([
    [view('/pricing'), 'indirect'],
    [tp('Page Engagement', { touchpointKind: 'engagement' }), 'indirect'],
    [tp('Product Viewed', { touchpointKind: 'product' }), 'indirect'],
    [tp('Checkout Step Viewed', { touchpointKind: 'checkout_step' }), 'indirect'],
    [tp('Checkout Abandoned', { touchpointKind: 'checkout_step' }), 'indirect'],
    [tp('Link Clicked', { touchpointKind: 'link_click' }), 'direct'],
    [tp('Pricing CTA', { touchpointKind: 'tagged' }), 'direct'],
    [tp('Chat Opened', { touchpointKind: 'chat_open' }), 'direct'],
    [tp('Form Submitted', { touchpointKind: 'form_submit' }), 'direct'],
    [tp('Checkout Step Completed', { touchpointKind: 'checkout_step' }), 'direct'],
    [tp('Payment Info Entered', { touchpointKind: 'checkout_step' }), 'direct'],
    [tp('Order Completed', { touchpointKind: 'checkout_step' }), 'direct'],
    [tp('Product Added', { touchpointKind: 'product' }), 'direct'],
    [tp('Signed Up'), 'direct'],
    [tp('Newsletter Seen', { interaction: 'indirect' }), 'indirect'],
  ])('%# %o is %s', (t, interaction) => {
    expect(stageOf(t).interaction).toBe(interaction);
  });
});

describe('never throws', () => {
  test.each<[string, unknown]>([
    ['no context', { type: 'track', event: 'X', properties: {} }],
    ['no properties', { type: 'track', event: 'X', context: { page: {} } }],
    ['a getter that throws', { type: 'track', get properties(): never { throw new Error('boom'); } }],
  ])('%s: the touchpoint goes on unchanged', (_, t) => {
    expect(journeyStages()(t as Touchpoint)).toBe(t);
  });

  test('with persist false (consent not given), nothing is written', () => {
    const processor = journeyStages() as (t: Touchpoint, e?: Element, persist?: boolean) => unknown;
    processor(view('/pricing'), undefined, false);
    expect(localStorage.getItem('touchtrail.stage')).toBeNull();
  });
});

describe('in a tracker, visit after visit', () => {
  afterEach(async () => {
    await stopTrackers();
    resetPage();
  });

  test('each tracker (a new page load) sends Journey Stage Reached only when the visitor moves further, with its channel', async () => {
    const visit = async (url: string, act: (tracker: Tracker) => void) => {
      setUrl(url);
      const { tracker, send } = makeTracker({ captures: [pageViews()], processors: [journeyStages(), channels()] });
      act(tracker);
      await tracker.flush();
      await tracker.stop();
      return send.events.filter((e) => e.event == 'Journey Stage Reached').map((e) => [e.properties.from, e.properties.to, e.properties.cause.name, e.properties.channel]);
    };
    expect(await visit('/pricing?gclid=abc', () => {})).toEqual([[null, 'awareness', 'Page View', 'paid_search']]);
    expect(await visit('/pricing', () => {})).toEqual([['awareness', 'consideration', 'Page View', 'paid_search']]);
    expect(await visit('/', (t) => t.track('Checkout Started', { touchpointKind: 'checkout_step' }))).toEqual([
      ['consideration', 'decision', 'Checkout Started', 'paid_search'],
    ]);
    expect(await visit('/pricing?gclid=again', (t) => t.track('Product Viewed', { touchpointKind: 'product' }))).toEqual([]);
    expect(await visit('/thanks', (t) => t.track('Order Completed', { touchpointKind: 'checkout_step' }, { stage: 'purchase' }))).toEqual([
      ['decision', 'purchase', 'Order Completed', 'paid_search'],
    ]);
  });
});
