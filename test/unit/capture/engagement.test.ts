import { afterEach, beforeEach, expect, test, vi, type Mock } from 'vitest';
import type { Emit, Fail } from '../../../src/types';
import { engagement, type EngagementOptions } from '../../../src/capture/engagement';

let emit: Mock<Emit>;
let fail: Mock<Fail>;
let stop: (() => void) | undefined;
let hidden: boolean;
let scrollY: number;
let scrollReads: number;

// jsdom has no layout and is always visible: the viewport, the document's height, the scroll position and the
// visibility are ours to set.
beforeEach(() => {
  vi.useFakeTimers();
  emit = vi.fn<Emit>();
  fail = vi.fn<Fail>();
  hidden = false;
  scrollY = 0;
  scrollReads = 0;
  Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden });
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (hidden ? 'hidden' : 'visible') });
  Object.defineProperty(window, 'innerHeight', { configurable: true, value: 1000 });
  Object.defineProperty(window, 'scrollY', { configurable: true, get: () => (scrollReads++, scrollY) });
  Object.defineProperty(document.documentElement, 'scrollHeight', { configurable: true, value: 4000 });
  history.replaceState(null, '', '/article?id=1');
});

afterEach(() => {
  stop?.();
  stop = undefined;
  vi.useRealTimers();
  history.replaceState(null, '', '/');
  expect(fail).not.toHaveBeenCalled();
});

const start = (options?: EngagementOptions) => {
  stop = engagement(options)(emit, fail);
  vi.advanceTimersByTime(20); // the first frame measures the first viewport
};
const wait = (ms: number) => vi.advanceTimersByTime(ms);
const setVisible = (visible: boolean) => {
  hidden = !visible;
  document.dispatchEvent(new Event('visibilitychange'));
};
const input = (type = 'pointermove') => document.dispatchEvent(new Event(type));
const scrollTo = (y: number) => {
  scrollY = y;
  document.dispatchEvent(new Event('scroll'));
  wait(20);
};
const reports = () => emit.mock.calls.map((call) => call[1]!);

test('hiding the page reports the engaged time and the deepest scroll, for this page', () => {
  start(); // 20 ms
  wait(1960);
  scrollTo(1000); // 20 ms; the bottom of the viewport at 2000 of 4000 px
  wait(1000);
  setVisible(false);
  expect(emit).toHaveBeenCalledTimes(1);
  expect(emit).toHaveBeenCalledWith('Page Engagement', {
    touchpointKind: 'engagement',
    engagedTime: 3000,
    maxScrollDepth: 50,
    url: 'http://localhost:3000/article?id=1',
  });
});

test('time stops counting idleAfter ms after the last input, and resumes with the next', () => {
  start();
  wait(3980); // shown at 0: engaged until 5000
  input('keydown'); // at 4000: engaged until 9000
  wait(20_000);
  input('pointerdown'); // at 24000: engaged until 29000
  wait(2000);
  setVisible(false);
  expect(reports()[0]!.engagedTime).toBe(9000 + 2000);
});

test('the idleAfter option sets how long a visitor stays engaged without input', () => {
  start({ idleAfter: 30_000 });
  wait(19_980);
  setVisible(false);
  expect(reports()[0]!.engagedTime).toBe(20_000);
});

test('hidden time does not count; each report holds the time since the last one', () => {
  start();
  wait(1980);
  setVisible(false);
  wait(60_000);
  setVisible(true);
  wait(1500);
  setVisible(false);
  expect(reports().map((r) => r.engagedTime)).toEqual([2000, 1500]);
});

test('nothing is reported when nothing new happened: under 1 s more and no deeper scroll', () => {
  start();
  wait(1980);
  setVisible(false);
  setVisible(true);
  wait(500);
  setVisible(false);
  window.dispatchEvent(new Event('pagehide'));
  expect(emit).toHaveBeenCalledTimes(1);
  // A deeper scroll is news even in a short visit, and the short time so far goes with it.
  setVisible(true);
  wait(180);
  scrollTo(3000);
  setVisible(false);
  expect(emit).toHaveBeenCalledTimes(2);
  expect(reports()[1]).toMatchObject({ engagedTime: 200 + 500, maxScrollDepth: 100 });
});

test('scrolling reads the position once a frame, never in the scroll handler', () => {
  start();
  scrollReads = 0;
  scrollY = 500;
  for (let i = 0; i < 30; i++) document.dispatchEvent(new Event('scroll'));
  expect(scrollReads).toBe(0);
  wait(20);
  expect(scrollReads).toBe(1);
  scrollY = 0;
  document.dispatchEvent(new Event('scroll'));
  wait(20);
  setVisible(false);
  expect(reports()[0]!.maxScrollDepth).toBe(38); // the deepest, 1500 of 4000, not the last
});

test('depth is measured against the height when reported, and never exceeds 100', () => {
  start();
  scrollTo(3000);
  Object.defineProperty(document.documentElement, 'scrollHeight', { configurable: true, value: 8000 }); // more loaded
  wait(1000);
  setVisible(false);
  expect(reports()[0]!.maxScrollDepth).toBe(50);
  Object.defineProperty(document.documentElement, 'scrollHeight', { configurable: true, value: 600 }); // a short page
  setVisible(true);
  wait(1000);
  setVisible(false);
  expect(reports()[1]!.maxScrollDepth).toBe(100);
});

test('pagehide reports, and the visibilitychange that follows it adds nothing', () => {
  start();
  wait(2980);
  window.dispatchEvent(new Event('pagehide'));
  setVisible(false);
  expect(reports()).toEqual([expect.objectContaining({ engagedTime: 3000, maxScrollDepth: 25 })]);
});

test('an SPA route change reports the route that was left, by its URL, and starts afresh', () => {
  start();
  scrollTo(2000);
  wait(2960);
  history.pushState(null, '', '/article?id=2');
  wait(0);
  expect(reports()).toEqual([
    { touchpointKind: 'engagement', engagedTime: 3000, maxScrollDepth: 75, url: 'http://localhost:3000/article?id=1' },
  ]);
  scrollY = 0;
  wait(1500);
  setVisible(false);
  expect(reports()[1]).toEqual({ touchpointKind: 'engagement', engagedTime: 1500, maxScrollDepth: 25, url: 'http://localhost:3000/article?id=2' });
});

// jsdom has neither the Navigation API nor ResizeObserver: a navigation object to fire navigate on, and a
// ResizeObserver whose callbacks the test runs (as a browser does after layout).
let resizeCallbacks: (() => void)[] = [];
class FakeResizeObserver {
  constructor(private callback: () => void) {}
  observe() {
    resizeCallbacks.push(this.callback);
  }
  disconnect() {
    resizeCallbacks = resizeCallbacks.filter((c) => c != this.callback);
  }
}
const withNavigation = (body: (navigation: EventTarget) => void) => {
  const navigation = new EventTarget();
  Object.assign(window, { navigation, ResizeObserver: FakeResizeObserver });
  try {
    body(navigation);
  } finally {
    delete (window as any).navigation;
    delete (window as any).ResizeObserver;
    resizeCallbacks = [];
  }
};
const announce = (navigation: EventTarget, url: string, sameDocument = true, more: Record<string, unknown> = {}) =>
  navigation.dispatchEvent(
    Object.assign(new Event('navigate', { cancelable: true }), { destination: { url: new URL(url, location.href).href, sameDocument }, ...more }),
  );
/** A link click a router may intercept: per the HTML spec, destination.sameDocument stays false until it is intercepted. */
const linkClick = (navigation: EventTarget, url: string, more: Record<string, unknown> = {}) =>
  announce(navigation, url, false, { canIntercept: true, downloadRequest: null, ...more });

test('with the Navigation API, the route left is reported before the URL changes, from the last frame, and once', () =>
  withNavigation((navigation) => {
    // A router: it announces the navigation (the browser fires navigate inside pushState), then changes the URL.
    const route = (path: string) => {
      announce(navigation, path);
      history.pushState(null, '', path);
    };
    start();
    scrollTo(2000);
    wait(2960);
    const reads = scrollReads;
    let urlWhenReported = '';
    emit.mockImplementation(() => void (urlWhenReported = location.href));
    route('/article?id=2');
    // Reported in the navigate event, while the page is still the one left; scrollY is not read in the router's call.
    expect(urlWhenReported).toBe('http://localhost:3000/article?id=1');
    expect(scrollReads).toBe(reads);
    expect(reports()).toEqual([
      { touchpointKind: 'engagement', engagedTime: 3000, maxScrollDepth: 75, url: 'http://localhost:3000/article?id=1' },
    ]);
    // The URL change that follows reports nothing more, and the new route is measured afresh.
    wait(0);
    expect(reports()).toHaveLength(1);
    scrollY = 0;
    wait(1500);
    setVisible(false);
    expect(reports()[1]).toMatchObject({ engagedTime: 1500, url: 'http://localhost:3000/article?id=2' });
  }));

test('with a Navigation API router, a link it intercepts reports the route left before the URL changes, once', () =>
  withNavigation((navigation) => {
    history.replaceState(null, '', '/products');
    start();
    wait(2980);
    let urlWhenReported = '';
    emit.mockImplementation(() => void (urlWhenReported = location.href));
    linkClick(navigation, '/pricing'); // the router calls event.intercept()…
    History.prototype.replaceState.call(history, null, '', '/pricing'); // …the browser commits the URL…
    navigation.dispatchEvent(new Event('currententrychange')); // …and the entry changes
    wait(1);
    expect(reports()).toEqual([expect.objectContaining({ engagedTime: 3000, url: 'http://localhost:3000/products' })]);
    expect(urlWhenReported).toBe('http://localhost:3000/products');
  }));

test('a link no router intercepts reports before the page unloads, and pagehide adds nothing', () =>
  withNavigation((navigation) => {
    start();
    wait(2980);
    linkClick(navigation, '/pricing');
    window.dispatchEvent(new Event('pagehide'));
    expect(reports()).toEqual([expect.objectContaining({ engagedTime: 3000, url: 'http://localhost:3000/article?id=1' })]);
  }));

test('a navigation that fails or is cancelled before its URL changes does not cost the next report to that URL', () =>
  withNavigation((navigation) => {
    start();
    wait(2980);
    linkClick(navigation, '/pricing');
    navigation.dispatchEvent(new Event('navigateerror')); // the router's handler failed; the URL never changed
    input();
    wait(2000);
    history.pushState(null, '', '/pricing'); // later, the visitor gets there
    wait(0);
    expect(reports()).toEqual([
      expect.objectContaining({ engagedTime: 3000, url: 'http://localhost:3000/article?id=1' }),
      expect.objectContaining({ engagedTime: 2000, url: 'http://localhost:3000/article?id=1' }),
    ]);
    // A cancelled navigate is followed by the navigation that does happen, which announces itself afresh.
    input();
    wait(1000);
    linkClick(navigation, '/plans'); // cancelled by the page: the visitor stays
    input();
    wait(2000);
    linkClick(navigation, '/plans');
    history.pushState(null, '', '/plans');
    wait(0);
    expect(reports()).toHaveLength(4);
    expect(reports().slice(2)).toEqual([
      expect.objectContaining({ engagedTime: 1000, url: 'http://localhost:3000/pricing' }),
      expect.objectContaining({ engagedTime: 2000, url: 'http://localhost:3000/pricing' }),
    ]);
  }));

test('a download link reports nothing before it happens: the page stays', () =>
  withNavigation((navigation) => {
    start();
    wait(3000);
    linkClick(navigation, '/price-list.pdf', { downloadRequest: '' });
    expect(emit).not.toHaveBeenCalled();
  }));

test('content that renders after the last frame counts in that report: the height follows ResizeObserver', () =>
  withNavigation((navigation) => {
    Object.defineProperty(document.documentElement, 'scrollHeight', { configurable: true, value: 1000 }); // a skeleton
    start();
    wait(2960);
    // The data arrives and renders; the visitor does not scroll.
    Object.defineProperty(document.documentElement, 'scrollHeight', { configurable: true, value: 5000 });
    resizeCallbacks.forEach((callback) => callback());
    announce(navigation, '/article?id=2');
    expect(reports()[0]!.maxScrollDepth).toBe(20);
  }));

test('a navigation no router can intercept (another origin), or to a #fragment of this page, reports nothing before it happens', () =>
  withNavigation((navigation) => {
    start();
    wait(2000);
    announce(navigation, 'http://localhost:3000/elsewhere', false);
    announce(navigation, 'http://localhost:3000/article?id=1#comments');
    expect(emit).not.toHaveBeenCalled();
  }));

test('stop() disconnects the ResizeObserver', () =>
  withNavigation(() => {
    start();
    expect(resizeCallbacks).toHaveLength(1);
    stop!();
    stop = undefined;
    expect(resizeCallbacks).toHaveLength(0);
  }));

test('a URL change that is not a new page (same path and query, another #fragment) reports nothing', () => {
  start();
  wait(2000);
  history.replaceState(null, '', '/article?id=1#comments');
  history.pushState(null, '', '/article?id=1');
  wait(0);
  expect(emit).not.toHaveBeenCalled();
});

test('with hash, a new #fragment is a new page', () => {
  start({ hash: true });
  wait(2000);
  history.pushState(null, '', '/article?id=1#/settings');
  wait(0);
  expect(reports()[0]!.url).toBe('http://localhost:3000/article?id=1');
});

test('a page that was never shown (prerendered, then dropped) reports nothing', () => {
  hidden = true;
  start();
  wait(5000);
  window.dispatchEvent(new Event('pagehide'));
  expect(emit).not.toHaveBeenCalled();
});

test('stop() reports what is new and removes every listener', () => {
  start();
  wait(1980);
  stop!();
  stop = undefined;
  expect(emit).toHaveBeenCalledTimes(1);
  input();
  scrollTo(3000);
  wait(5000);
  setVisible(false);
  window.dispatchEvent(new Event('pagehide'));
  history.pushState(null, '', '/elsewhere');
  wait(0);
  expect(emit).toHaveBeenCalledTimes(1);
});

test('an emit that throws is reported to fail, never to the page', () => {
  const error = new Error('boom');
  emit.mockImplementation(() => {
    throw error;
  });
  start();
  wait(2000);
  expect(() => setVisible(false)).not.toThrow();
  expect(fail).toHaveBeenCalledWith(error);
  fail.mockClear();
  emit.mockReset();
});
