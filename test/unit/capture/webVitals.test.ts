import { afterEach, beforeEach, expect, test, vi, type Mock } from 'vitest';
import type { Emit, Fail } from '../../../src/types';
import { webVitals, type WebVitalsOptions } from '../../../src/capture/webVitals';
import { makeTracker, stopTrackers } from '../../helpers/makeTracker';
import { resetPage, setUrl, setVisibility } from '../../helpers/page';
import { settle } from '../../helpers/settle';

// web-vitals measures what jsdom cannot (paints, layout shifts, Event Timing): it is replaced by one that hands
// the test each metric's callback, so the test plays the browser and decides what is reported, and when.
const vitals = vi.hoisted(() => ({ callbacks: {} as Record<string, ((metric: any) => void)[]>, options: [] as any[] }));
vi.mock('web-vitals/attribution', () => {
  const on = (name: string) => (callback: (metric: any) => void, options: unknown) => {
    (vitals.callbacks[name] ||= []).push(callback);
    vitals.options.push(options);
  };
  return { onLCP: on('LCP'), onINP: on('INP'), onCLS: on('CLS'), onFCP: on('FCP'), onTTFB: on('TTFB') };
});

const ORIGIN = location.origin;
const thresholds: Record<string, [number, number]> = {
  LCP: [2500, 4000],
  INP: [200, 500],
  CLS: [0.1, 0.25],
  FCP: [1800, 3000],
  TTFB: [800, 1800],
};
const ATTRIBUTION: Record<string, object> = {
  LCP: { target: 'main>img.hero' },
  INP: { interactionTarget: 'button#pay', inputDelay: 10, processingDuration: 420, presentationDelay: 30 },
  CLS: { largestShiftTarget: 'div.banner' },
  FCP: {},
  TTFB: {},
};

/** A metric as web-vitals/attribution reports it: its rating from the value, for the page `url`. */
const metric = (name: string, value: number, extra: Record<string, any> = {}) => {
  const [good, poor] = thresholds[name]!;
  return {
    name,
    value,
    rating: value > poor ? 'poor' : value > good ? 'needs-improvement' : 'good',
    delta: value,
    id: `v6-${name}`,
    entries: [],
    navigationType: 'navigate',
    navigationId: 1,
    navigationStartTime: 0,
    navigationURL: `${ORIGIN}/`,
    attribution: ATTRIBUTION[name],
    ...extra,
  };
};
/** The browser reports a metric, as web-vitals would. */
const report = (name: string, value: number, extra?: Record<string, any>) =>
  vitals.callbacks[name]!.forEach((callback) => callback(metric(name, value, extra)));
/** Every metric of a page load, all of them good, for `url`. */
const loadPage = (url = `${ORIGIN}/`, extra: Record<string, any> = {}) => {
  const at = { navigationURL: url, ...extra };
  report('TTFB', 120.4, at);
  report('FCP', 800.2, at);
  report('LCP', 1500.6, at);
  report('CLS', 0.012345, at);
  report('INP', 80, at);
};

let emit: Mock<Emit>;
let fail: Mock<Fail>;
let stop: (() => void) | undefined;

beforeEach(() => {
  vi.useFakeTimers();
  vitals.callbacks = {};
  vitals.options = [];
  emit = vi.fn<Emit>();
  fail = vi.fn<Fail>();
});

afterEach(async () => {
  stop?.();
  stop = undefined;
  await stopTrackers();
  vi.useRealTimers();
  resetPage();
});

const start = (options?: WebVitalsOptions) => (stop = webVitals(options)(emit, fail));
const experiences = () => emit.mock.calls.filter(([name]) => name === 'Page Experience').map(([, properties]) => properties!);

test('hiding the page sends one Page Experience with every metric, its rating and what explains it', () => {
  start();
  loadPage(`${ORIGIN}/pricing?plan=pro`);
  expect(emit).not.toHaveBeenCalled();
  setVisibility('hidden');
  expect(experiences()).toEqual([
    {
      touchpointKind: 'page_experience',
      url: `${ORIGIN}/pricing?plan=pro`,
      path: '/pricing',
      navigationType: 'navigate',
      viewId: expect.any(String),
      ttfb: 120,
      ttfbRating: 'good',
      fcp: 800,
      fcpRating: 'good',
      lcp: 1501,
      lcpRating: 'good',
      cls: 0.0123,
      clsRating: 'good',
      inp: 80,
      inpRating: 'good',
      rating: 'good',
      lcpElement: 'main>img.hero',
      inpTarget: 'button#pay',
      inpPhase: 'processing-duration',
      clsLargestShiftTarget: 'div.banner',
    },
  ]);
  expect(fail).not.toHaveBeenCalled();
});

test('the worst rating of any metric is the page view\'s rating', () => {
  start();
  loadPage();
  report('CLS', 0.18);
  setVisibility('hidden');
  expect(experiences()[0]).toMatchObject({ cls: 0.18, clsRating: 'needs-improvement', lcpRating: 'good', rating: 'needs-improvement' });
});

test('hiding the page again says nothing unless a metric changed; then every value goes again, as an update', () => {
  start();
  loadPage();
  setVisibility('hidden');
  setVisibility('visible');
  setVisibility('hidden');
  expect(experiences()).toHaveLength(1);
  // Back on the page, a slower interaction: web-vitals reports the new INP when the page is next hidden.
  setVisibility('visible');
  report('INP', 640, { attribution: { interactionTarget: 'a.next', inputDelay: 500, processingDuration: 20, presentationDelay: 120 } });
  setVisibility('hidden');
  const [first, update] = experiences();
  expect(update).toMatchObject({ viewId: first!.viewId, update: true, inp: 640, inpRating: 'poor', inpTarget: 'a.next', inpPhase: 'input-delay', lcp: 1501, rating: 'poor' });
  expect(first!.update).toBeUndefined();
});

test('a page measured not at all (prerendered and never shown) sends nothing', () => {
  start();
  setVisibility('hidden');
  expect(emit).not.toHaveBeenCalled();
});

test('a page loaded in the background has only what web-vitals reports for it', () => {
  start();
  report('TTFB', 2000);
  setVisibility('hidden');
  expect(experiences()).toEqual([expect.objectContaining({ ttfb: 2000, ttfbRating: 'poor', rating: 'poor' })]);
  expect(experiences()[0]).not.toHaveProperty('lcp');
  expect(experiences()[0]).not.toHaveProperty('inpPhase');
});

test('a poor LCP or INP on a checkout or payment page flags a slow moment of truth', () => {
  start();
  loadPage(`${ORIGIN}/checkout/payment`);
  report('LCP', 4200, { navigationURL: `${ORIGIN}/checkout/payment` });
  setVisibility('hidden');
  expect(experiences()[0]).toMatchObject({ path: '/checkout/payment', lcpRating: 'poor', momentOfTruth: true, slowMomentOfTruth: true });
});

test('a moment of truth with a good experience is marked, but not slow; a slow page elsewhere is neither', () => {
  start();
  loadPage(`${ORIGIN}/cart`);
  setVisibility('hidden');
  expect(experiences()[0]).toMatchObject({ momentOfTruth: true });
  expect(experiences()[0]).not.toHaveProperty('slowMomentOfTruth');

  stop!();
  emit.mockClear();
  vitals.callbacks = {};
  setVisibility('visible');
  start();
  // A poor CLS is not what the flag is about, and /blog/paying-less is not a payment page.
  loadPage(`${ORIGIN}/blog/paying-less`);
  report('INP', 900, { navigationURL: `${ORIGIN}/blog/paying-less` });
  setVisibility('hidden');
  expect(experiences()[0]).toMatchObject({ inpRating: 'poor' });
  expect(experiences()[0]).not.toHaveProperty('momentOfTruth');
  expect(experiences()[0]).not.toHaveProperty('slowMomentOfTruth');
});

test.each<[string, WebVitalsOptions['momentsOfTruth']]>([
  ['path globs', ['/quote/*', '/signup']],
  ['RegExps on path, query and hash', [/[?&]step=confirm/]],
  ['a function of the URL', (url) => url.searchParams.get('step') === 'confirm'],
])('the site says which pages are moments of truth: %s', (_, momentsOfTruth) => {
  start({ momentsOfTruth });
  loadPage(`${ORIGIN}/quote/new?step=confirm`);
  report('INP', 700, { navigationURL: `${ORIGIN}/quote/new?step=confirm` });
  setVisibility('hidden');
  expect(experiences()[0]).toMatchObject({ momentOfTruth: true, slowMomentOfTruth: true });
});

test('given moments of truth replace the default ones', () => {
  start({ momentsOfTruth: ['/quote'] });
  loadPage(`${ORIGIN}/checkout`);
  report('LCP', 5000, { navigationURL: `${ORIGIN}/checkout` });
  setVisibility('hidden');
  expect(experiences()[0]).not.toHaveProperty('slowMomentOfTruth');
});

test('without soft navigations, an interaction is placed on the route it happened on, which decides the flag', async () => {
  setUrl('/');
  start();
  loadPage(`${ORIGIN}/`);
  history.pushState(null, '', '/checkout/payment');
  vi.advanceTimersByTime(1); // the route change is seen once the call stack has unwound
  const clicked = performance.now() + 5;
  report('INP', 800, { attribution: { ...ATTRIBUTION.INP, interactionTime: clicked } });
  setVisibility('hidden');
  expect(experiences()[0]).toMatchObject({ path: '/', inpPath: '/checkout/payment', momentOfTruth: true, slowMomentOfTruth: true });
  expect(fail).not.toHaveBeenCalled();
});

test('an interaction before the route changed stays on the page it happened on', () => {
  setUrl('/');
  const clicked = performance.now();
  start();
  loadPage(`${ORIGIN}/`);
  vi.advanceTimersByTime(50);
  history.pushState(null, '', '/checkout');
  vi.advanceTimersByTime(1);
  report('INP', 800, { attribution: { ...ATTRIBUTION.INP, interactionTime: clicked } });
  setVisibility('hidden');
  expect(experiences()[0]).not.toHaveProperty('inpPath');
  expect(experiences()[0]).not.toHaveProperty('slowMomentOfTruth');
});

test('web-vitals is asked for soft navigations, unless told not to', () => {
  start();
  expect(vitals.options).toHaveLength(5);
  expect(vitals.options.every((o) => o.reportSoftNavs === true)).toBe(true);
  // INP as it changes: its final report at hide can come too early (an interaction handled in an idle callback).
  expect(vitals.options.filter((o) => o.reportAllChanges)).toHaveLength(1);
  stop!();
  vitals.options = [];
  start({ softNavigations: false });
  expect(vitals.options.every((o) => o.reportSoftNavs === false)).toBe(true);
});

test('each soft navigation is a page view of its own: the one before it is sent once the next has settled', () => {
  start();
  loadPage(`${ORIGIN}/products`);
  // The browser recognises a soft navigation to /products/42 at 5 s: web-vitals finalises the metrics of /products
  // and starts new ones, with TTFB 0.
  const soft = { navigationType: 'soft-navigation', navigationId: 2, navigationStartTime: 5000, navigationURL: `${ORIGIN}/products/42` };
  report('TTFB', 0, soft);
  report('CLS', 0.02);
  report('FCP', 300, soft);
  vi.advanceTimersByTime(500);
  report('INP', 120); // INP's final value for /products waits for an idle callback
  expect(experiences()).toHaveLength(0);
  vi.advanceTimersByTime(1500);
  expect(experiences()).toEqual([expect.objectContaining({ path: '/products', navigationType: 'navigate', inp: 120, cls: 0.02 })]);
  report('LCP', 400, soft);
  setVisibility('hidden');
  const [, second] = experiences();
  expect(second).toMatchObject({ path: '/products/42', navigationType: 'soft-navigation', ttfb: 0, fcp: 300, lcp: 400 });
  expect(second!.viewId).not.toBe(experiences()[0]!.viewId);
  expect(experiences()).toHaveLength(2);
});

test('a page restored from the back/forward cache is a page view of its own', () => {
  start();
  loadPage();
  setVisibility('hidden');
  setVisibility('visible');
  const restored = { navigationType: 'back-forward-cache', navigationStartTime: 90_000 };
  report('TTFB', 0, restored);
  report('FCP', 30, restored);
  report('LCP', 30, restored);
  setVisibility('hidden');
  expect(experiences().map((e) => e.navigationType)).toEqual(['navigate', 'back-forward-cache']);
  expect(experiences()[1]).not.toHaveProperty('update');
});

// A browser without soft navigations (Safari, Firefox, Chromium before 151): the visitor lands on /, goes to
// /checkout/payment by pushState, leaves for the payment provider and comes back with Back, restored from the
// bfcache at /checkout/payment. web-vitals gives a restore the navigationURL of the metric before it (the landing).
test('a page restored from the back/forward cache on an SPA route is a Page Experience of that route', () => {
  setUrl('/');
  start();
  loadPage(`${ORIGIN}/`);
  history.pushState(null, '', '/checkout/payment');
  vi.advanceTimersByTime(1);
  setVisibility('hidden');
  setVisibility('visible');
  const restored = { navigationType: 'back-forward-cache', navigationStartTime: 90_000, navigationURL: `${ORIGIN}/` };
  report('TTFB', 0, restored);
  report('FCP', 30, restored);
  report('LCP', 4500, restored);
  setVisibility('hidden');
  const [landing, restoredView] = experiences();
  expect(landing).toMatchObject({ path: '/', navigationType: 'navigate' });
  expect(restoredView).toMatchObject({
    url: `${ORIGIN}/checkout/payment`,
    path: '/checkout/payment',
    navigationType: 'back-forward-cache',
    momentOfTruth: true,
    slowMomentOfTruth: true,
  });
});

test('stopping sends what was measured, and nothing after', () => {
  start();
  loadPage();
  stop!();
  stop = undefined;
  expect(experiences()).toHaveLength(1);
  report('INP', 900);
  setVisibility('hidden');
  expect(experiences()).toHaveLength(1);
});

test('a momentsOfTruth function that throws is reported, never thrown at the page, and costs only the flag', () => {
  start({
    momentsOfTruth: () => {
      throw new Error('site bug');
    },
  });
  loadPage();
  expect(() => setVisibility('hidden')).not.toThrow();
  expect(fail).toHaveBeenCalledWith(expect.objectContaining({ message: 'site bug' }));
  expect(experiences()).toEqual([expect.objectContaining({ lcp: 1501 })]);
  expect(experiences()[0]).not.toHaveProperty('momentOfTruth');
});

test('in a tracker, the Page Experience goes out as the page is hidden, by beacon', async () => {
  const { send } = makeTracker({ captures: [webVitals()] });
  loadPage(`${ORIGIN}/checkout`);
  report('INP', 700, { navigationURL: `${ORIGIN}/checkout` });
  setVisibility('hidden');
  await settle();
  const sent = send.requests.filter((r) => r.events.some((e) => e.event === 'Page Experience'));
  expect(sent).toHaveLength(1);
  expect(sent[0]!.unloading).toBe(true);
  const [event] = sent[0]!.events.filter((e) => e.event === 'Page Experience');
  expect(event.type).toBe('track');
  expect(event.properties).toMatchObject({
    touchpoint: 'Page Experience',
    touchpointKind: 'page_experience',
    path: '/checkout',
    inp: 700,
    slowMomentOfTruth: true,
  });
});
