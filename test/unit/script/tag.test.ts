import { afterEach, beforeEach, expect, test, vi, type MockInstance } from 'vitest';
import { settle } from '../../helpers/settle';

// web-vitals measures what jsdom cannot: replaced by one that hands the test its callbacks (as webVitals.test does).
const vitals = vi.hoisted(() => ({ callbacks: {} as Record<string, ((metric: any) => void)[]> }));
vi.mock('web-vitals/attribution', () => {
  const on = (name: string) => (callback: (metric: any) => void) => void (vitals.callbacks[name] ||= []).push(callback);
  return { onLCP: on('LCP'), onINP: on('INP'), onCLS: on('CLS'), onFCP: on('FCP'), onTTFB: on('TTFB') };
});

const seen: any[] = [];
const listen = (e: Event) => seen.push((e as CustomEvent).detail);
let script: HTMLScriptElement;
let warn: MockInstance<typeof console.warn>;
// The warning about a second copy of the tag (debug mode logs touchpoints to console.warn too).
const twice = () => warn.mock.calls.map(([message]) => message).filter((message) => /twice/.test(message));

beforeEach(() => {
  vi.resetModules();
  vitals.callbacks = {};
  seen.length = 0;
  vi.stubGlobal('fetch', vi.fn(async () => new Response('', { status: 200 })));
  script = document.createElement('script');
  script.dataset.collector = 'https://collector.example/v1/batch';
  script.dataset.debug = 'true'; // debug mode announces every processed touchpoint on window
  script.dataset.chat = 'false';
  document.head.append(script);
  addEventListener('touchtrail:touchpoint', listen);
  vi.spyOn(console, 'log').mockImplementation(() => {});
  vi.spyOn(console, 'info').mockImplementation(() => {});
  vi.spyOn(console, 'debug').mockImplementation(() => {});
  warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
});
afterEach(async () => {
  await (window as any).touchtrail?.stop?.();
  delete (window as any).touchtrail;
  removeEventListener('touchtrail:touchpoint', listen);
  script.remove();
  document.body.innerHTML = '';
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

test('the tag included twice (hard-coded and again through a tag manager) counts each click once, and says so once', async () => {
  await import('../../../src/script/tag');
  vi.resetModules();
  await import('../../../src/script/tag'); // the second copy runs while the first is already the global tracker
  document.body.innerHTML = '<a href="https://partner.example/">Partner</a>';
  document.querySelector('a')!.addEventListener('click', (e) => e.preventDefault());
  document.querySelector('a')!.click();
  await settle();
  expect(seen.filter((t) => t.event == 'Link Clicked')).toHaveLength(1);
  expect(twice()).toEqual([expect.stringMatching(/on this page twice.*Remove one of the tags/)]);
});

test('the stub snippet is replaced, and the calls it queued are replayed', async () => {
  const stub = Object.assign((...args: unknown[]) => void stub.q.push(args), { q: [] as unknown[][] });
  (window as any).touchtrail = stub;
  stub('track', 'Queued before load');
  await import('../../../src/script/tag');
  await settle();
  expect((window as any).touchtrail.track).toBeTypeOf('function');
  expect(seen.map((t) => t.event)).toContain('Queued before load');
  expect(twice()).toEqual([]);
});

test('the vitals build: web vitals is a capture of the tracker, so touchtrail.stop() stops it', async () => {
  await import('../../../src/script/tagWithVitals');
  expect(vitals.callbacks.LCP).toHaveLength(1);
  await (window as any).touchtrail.stop();
  seen.length = 0;
  // After stop(), the browser reports an LCP and the page is hidden.
  vitals.callbacks.LCP!.forEach((cb) =>
    cb({ name: 'LCP', value: 1200, rating: 'good', navigationStartTime: 0, navigationType: 'navigate', navigationURL: location.href, attribution: {} }),
  );
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
  document.dispatchEvent(new Event('visibilitychange'));
  delete (document as any).visibilityState;
  await settle();
  expect(seen.map((t) => t.event)).toEqual([]);
});

test("data-stages names the stages a rules file's rules are checked against, when the file lists none", async () => {
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string) =>
      String(url).endsWith('/rules.json')
        ? new Response(JSON.stringify({ touchpoints: [{ url: '/pricing', name: 'Pricing', stage: 'evaluate' }] }), { status: 200 })
        : new Response('{}', { status: 200 }),
    ),
  );
  history.replaceState(null, '', '/pricing');
  script.dataset.config = '/rules.json';
  script.dataset.stages = 'learn,evaluate,buy';
  await import('../../../src/script/tag');
  await vi.waitFor(() => expect(seen.find((t) => t.type == 'page')).toBeDefined(), { timeout: 3000 });
  expect(warn.mock.calls.flat().join('\n')).not.toContain('expected one of');
  expect(seen.find((t) => t.type == 'page').properties).toMatchObject({ touchpoint: 'Pricing', stage: 'evaluate', stageFrom: 'rule' });
  history.replaceState(null, '', '/');
});

test('a wrong data- attribute is named as the tag names it, and the page goes on', async () => {
  const error = vi.spyOn(console, 'error').mockImplementation(() => {});
  script.dataset.batchSize = 'twenty';
  await import('../../../src/script/tag');
  expect(error).toHaveBeenCalledWith('touchtrail: data-batch-size must be a whole number from 1 to 1000, got NaN');
});
