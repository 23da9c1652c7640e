import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { pageViews } from '../../../src/capture/pageViews';
import { pageTransition, resetPage, setPrerendering, setUrl } from '../../helpers/page';

const originalPushState = History.prototype.pushState;
const originalReplaceState = History.prototype.replaceState;

let stops: (() => void)[] = [];

/** Starts the capture with a spy emit; `views()` is how many page views it has emitted. */
const startCapture = (options?: Parameters<typeof pageViews>[0]) => {
  const emit = vi.fn();
  const fail = vi.fn();
  const stop = pageViews(options)(emit, fail);
  stops.push(stop);
  return { emit, fail, stop, views: () => emit.mock.calls.length };
};

/** Lets the capture look once the call stack has unwound, as it does after a route change. */
const later = () => vi.runOnlyPendingTimers();

beforeEach(() => {
  vi.useFakeTimers();
  setUrl('/start');
});

afterEach(() => {
  stops.forEach((stop) => stop());
  stops = [];
  vi.useRealTimers();
  resetPage();
  // A test that fails half-way must not leave a wrapper behind for the next one.
  delete (history as any).pushState;
  delete (history as any).replaceState;
});

test('counts the initial page view at once, as a page touchpoint', () => {
  const { emit } = startCapture();
  expect(emit).toHaveBeenCalledTimes(1);
  expect(emit).toHaveBeenCalledWith('Page View', {}, { type: 'page' });
});

describe('SPA route changes', () => {
  test('pushState to a new URL counts once, after the call stack unwinds (routers set the title after the URL)', () => {
    const { emit, views } = startCapture();
    history.pushState({}, '', '/pricing');
    expect(views()).toBe(1);
    later();
    expect(views()).toBe(2);
    later();
    expect(views()).toBe(2);
    expect(emit).toHaveBeenLastCalledWith('Page View', {}, { type: 'page' });
  });

  test('the view is counted with the URL in place: location is already the new page when emit runs', () => {
    const seen: string[] = [];
    const stop = pageViews()(() => seen.push(location.pathname), vi.fn());
    stops.push(stop);
    history.pushState({}, '', '/a');
    later();
    expect(seen).toEqual(['/start', '/a']);
  });

  test('pushState or replaceState to the same URL is not a page view', () => {
    const { views } = startCapture();
    history.pushState({ step: 2 }, '', '/start');
    history.replaceState({ scroll: 120 }, '', '/start');
    history.replaceState({ scroll: 240 }, '');
    later();
    expect(views()).toBe(1);
  });

  test('replaceState to a new URL is a page view', () => {
    const { views } = startCapture();
    history.replaceState({}, '', '/start?tab=reviews');
    later();
    expect(views()).toBe(2);
  });

  // Sites, tag managers, consent tools and Next.js apps tidy the address after a campaign landing:
  // history.replaceState(null, '', location.pathname). The visitor has not moved.
  test('a replaceState that only drops campaign parameters (a landing tidying its utm_*, its click id) is the same view, counted with its campaign', () => {
    setUrl('/spring-sale?utm_source=newsletter&utm_medium=email&utm_campaign=spring&gclid=abc&color=red');
    const seen: string[] = [];
    const stop = pageViews()(() => seen.push(location.search), vi.fn());
    stops.push(stop);
    history.replaceState(history.state, '', '/spring-sale?gclid=abc&color=red');
    later();
    history.replaceState(history.state, '', '/spring-sale?color=red');
    later();
    expect(seen).toEqual(['?utm_source=newsletter&utm_medium=email&utm_campaign=spring&gclid=abc&color=red']);
  });

  // nuqs and similar routers replace the URL and drop a parameter that returns to its default value.
  test('a replaceState that drops any other parameter (back to the first page, a filter cleared) is a new view', () => {
    setUrl('/products?page=2&color=red');
    const { views } = startCapture();
    history.replaceState({}, '', '/products?color=red');
    later();
    expect(views()).toBe(2);
    history.replaceState({}, '', '/products');
    later();
    expect(views()).toBe(3);
  });

  // Vue Router's push saves the scroll in the entry it leaves (replaceState), then pushes the next one, in one task.
  test('a replaceState then a pushState in one task is a push: a new view even with fewer parameters', () => {
    setUrl('/search?q=shoes&utm_source=x');
    const { views } = startCapture();
    history.replaceState({ scroll: 0 }, '', '/search?q=shoes&utm_source=x');
    history.pushState({}, '', '/search?q=shoes');
    later();
    expect(views()).toBe(2);
  });

  test('a replaceState to another path, or that adds or changes a parameter, is a new view', () => {
    setUrl('/list?page=2&utm_source=x');
    const { views } = startCapture();
    history.replaceState({}, '', '/list?page=3');
    later();
    expect(views()).toBe(2);
    history.replaceState({}, '', '/list?page=3&sort=price');
    later();
    expect(views()).toBe(3);
    history.replaceState({}, '', '/other?page=3');
    later();
    expect(views()).toBe(4);
  });

  test('a pushState that drops query parameters is a new view, and so is going back to the address before a tidy', () => {
    setUrl('/landing?gclid=abc');
    const { views } = startCapture();
    history.pushState({}, '', '/landing');
    later();
    expect(views()).toBe(2);
    history.replaceState({}, '', '/landing?gclid=abc');
    later();
    expect(views()).toBe(3);
    history.replaceState({}, '', '/landing');
    later();
    expect(views()).toBe(3);
    setUrl('/landing?gclid=abc');
    window.dispatchEvent(new PopStateEvent('popstate'));
    later();
    expect(views()).toBe(4);
  });

  test('with { hash: true }, a tidying replaceState that also changes the #fragment is a new view', () => {
    setUrl('/app?utm_source=x#/home');
    const { views } = startCapture({ hash: true });
    history.replaceState({}, '', '/app#/settings');
    later();
    expect(views()).toBe(2);
  });

  test('a change of query is a new page; a change of #fragment is not, by default', () => {
    const { views } = startCapture();
    history.pushState({}, '', '/start?page=2');
    later();
    expect(views()).toBe(2);
    history.pushState({}, '', '/start?page=2#reviews');
    later();
    expect(views()).toBe(2);
  });

  test('several route changes in one task count as the one page they end on', () => {
    const { views } = startCapture();
    history.pushState({}, '', '/a');
    history.replaceState({}, '', '/a/b'); // a redirect inside the router
    later();
    expect(views()).toBe(2);
  });

  test('back and forward (popstate) count when they change the URL', () => {
    const { views } = startCapture();
    history.pushState({}, '', '/next');
    later();
    setUrl('/start'); // the browser goes back…
    window.dispatchEvent(new PopStateEvent('popstate')); // …and says so
    later();
    expect(views()).toBe(3);
  });

  test('a popstate that leaves the URL as it was is not a page view', () => {
    const { views } = startCapture();
    window.dispatchEvent(new PopStateEvent('popstate'));
    later();
    expect(views()).toBe(1);
  });

  test('a Navigation API router (an intercepted navigation, no history call) counts by currententrychange, once', () => {
    const navigation = new EventTarget();
    (window as any).navigation = navigation;
    try {
      const { views } = startCapture();
      setUrl('/catalog'); // the browser commits the intercepted navigation's URL…
      navigation.dispatchEvent(new Event('currententrychange')); // …and its entry changes
      later();
      expect(views()).toBe(2);
      // A pushState also changes the entry: both signals, one page view.
      history.pushState({}, '', '/catalog/shoes');
      navigation.dispatchEvent(new Event('currententrychange'));
      later();
      expect(views()).toBe(3);
    } finally {
      delete (window as any).navigation;
    }
  });

  test('a Navigation API router that replaces the entry to drop query parameters is the same view', () => {
    const navigation = new EventTarget();
    (window as any).navigation = navigation;
    try {
      setUrl('/catalog?utm_medium=email');
      const { views } = startCapture();
      setUrl('/catalog'); // navigation.navigate('/catalog', { history: 'replace' }), intercepted
      navigation.dispatchEvent(Object.assign(new Event('currententrychange'), { navigationType: 'replace' }));
      later();
      expect(views()).toBe(1);
    } finally {
      delete (window as any).navigation;
    }
  });

  test('history keeps working through the wrapper: arguments, state and return value pass through', () => {
    startCapture();
    const result = history.pushState({ n: 1 }, '', '/x');
    expect(result).toBeUndefined();
    expect(history.state).toEqual({ n: 1 });
    expect(location.pathname).toBe('/x');
  });

  test('a router that wrapped history before us still sees every call', () => {
    const routerSaw: unknown[] = [];
    const before = history.pushState;
    history.pushState = function (this: History, ...args: Parameters<History['pushState']>) {
      routerSaw.push(args[2]);
      return before.apply(this, args);
    };
    const { views } = startCapture();
    history.pushState({}, '', '/routed');
    later();
    expect(routerSaw).toEqual(['/routed']);
    expect(views()).toBe(2);
  });
});

describe('hash-routed apps, with { hash: true }', () => {
  test('a new #fragment counts', () => {
    const { views } = startCapture({ hash: true });
    setUrl('/start#/settings');
    window.dispatchEvent(new HashChangeEvent('hashchange'));
    later();
    expect(views()).toBe(2);
  });

  test('back/forward across fragments fires popstate and hashchange together: counted once', () => {
    const { views } = startCapture({ hash: true });
    setUrl('/start#/a');
    window.dispatchEvent(new PopStateEvent('popstate'));
    window.dispatchEvent(new HashChangeEvent('hashchange'));
    later();
    expect(views()).toBe(2);
  });

  test('without { hash: true }, fragment changes are not page views, whatever fires', () => {
    const { views } = startCapture();
    setUrl('/start#/a');
    window.dispatchEvent(new PopStateEvent('popstate'));
    window.dispatchEvent(new HashChangeEvent('hashchange'));
    later();
    expect(views()).toBe(1);
  });

  test('pushState to a new fragment counts with { hash: true }', () => {
    const { views } = startCapture({ hash: true });
    history.pushState({}, '', '#/b');
    later();
    expect(views()).toBe(2);
  });
});

describe('the back/forward cache', () => {
  test('a page restored from the bfcache (pageshow persisted) is a new view of the same URL', () => {
    const { views } = startCapture();
    pageTransition('pageshow', true);
    expect(views()).toBe(2);
  });

  test('a normal pageshow (first load) is not counted twice', () => {
    const { views } = startCapture();
    pageTransition('pageshow', false);
    later();
    expect(views()).toBe(1);
  });
});

describe('prerendering', () => {
  test('a prerendered page is counted only when it is shown (prerenderingchange), once', () => {
    setPrerendering(true);
    const { views } = startCapture();
    expect(views()).toBe(0);
    history.pushState({}, '', '/prerendered-route');
    later();
    expect(views()).toBe(0);
    setPrerendering(false);
    document.dispatchEvent(new Event('prerenderingchange'));
    expect(views()).toBe(1);
    document.dispatchEvent(new Event('prerenderingchange'));
    expect(views()).toBe(1);
  });
});

describe('stop()', () => {
  test('puts history back as it was', () => {
    const { stop } = startCapture({ hash: true });
    expect(history.pushState).not.toBe(originalPushState);
    stop();
    expect(history.pushState).toBe(originalPushState);
    expect(history.replaceState).toBe(originalReplaceState);
  });

  test('emits nothing afterwards: route changes, popstate, hashchange, pageshow, prerenderingchange', () => {
    const { stop, views } = startCapture({ hash: true });
    stop();
    history.pushState({}, '', '/after');
    setUrl('/after#x');
    window.dispatchEvent(new PopStateEvent('popstate'));
    window.dispatchEvent(new HashChangeEvent('hashchange'));
    pageTransition('pageshow', true);
    document.dispatchEvent(new Event('prerenderingchange'));
    later();
    expect(views()).toBe(1);
  });

  test('a route change just before stop() is not counted after it', () => {
    const { stop, views } = startCapture();
    history.pushState({}, '', '/late');
    stop();
    later();
    expect(views()).toBe(1);
  });

  test('when a router wrapped history after us, stop() leaves the router’s wrapper in place, and ours goes inert', () => {
    const { stop, views } = startCapture();
    const ours = history.pushState;
    const routerSaw: unknown[] = [];
    const routerWrapper = function (this: History, ...args: Parameters<History['pushState']>) {
      routerSaw.push(args[2]);
      return ours.apply(this, args);
    };
    history.pushState = routerWrapper;
    stop();
    expect(history.pushState).toBe(routerWrapper);
    history.pushState({}, '', '/still-routed');
    later();
    expect(routerSaw).toEqual(['/still-routed']);
    expect(location.pathname).toBe('/still-routed');
    expect(views()).toBe(1);
  });
});

test('an emit that throws is reported to fail and never reaches the page', () => {
  const fail = vi.fn();
  const error = new Error('boom');
  let calls = 0;
  const stop = pageViews()(() => {
    if (++calls > 1) throw error;
  }, fail);
  stops.push(stop);
  expect(() => {
    history.pushState({}, '', '/boom');
    later();
  }).not.toThrow();
  expect(fail).toHaveBeenCalledWith(error);
});
