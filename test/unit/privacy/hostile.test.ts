// A hostile page (issue 7): globals that other scripts broke or patched, and properties that JSON cannot carry.
// track() must never throw at the page, what is sent must be valid JSON in the Segment batch shape, and an event
// above the size cap is trimmed (properties.truncated), never sent broken.
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { pageViews } from '../../../src/capture/pageViews';
import { parseRules } from '../../../src/journey/parseRules';
import { httpSend } from '../../../src/transport/httpSend';
import { COLLECTOR, makeTracker, stopTrackers } from '../../helpers/makeTracker';
import { resetPage, setUrl } from '../../helpers/page';
import type { SpySend } from '../../helpers/spySend';

const MAX_BATCH_BYTES = 60_000;
const bytes = (s: string) => new TextEncoder().encode(s).length;

/** Checks one request body: JSON, a Segment batch, every event in the Segment shape; returns the events. */
const segmentBatch = (body: string, maxBytes = MAX_BATCH_BYTES) => {
  const json = JSON.parse(body);
  expect(json).toEqual({ batch: expect.any(Array), sentAt: expect.any(String) });
  for (const event of json.batch) {
    expect(event).toMatchObject({
      type: expect.stringMatching(/^(track|page|identify)$/),
      messageId: expect.any(String),
      anonymousId: expect.any(String),
      timestamp: expect.any(String),
      properties: expect.any(Object),
      context: expect.objectContaining({ page: expect.any(Object), library: expect.any(Object) }),
    });
    expect(Array.isArray(event.properties)).toBe(false);
  }
  expect(bytes(body), 'a body within maxBatchBytes').toBeLessThanOrEqual(maxBytes);
  return json.batch as any[];
};

const allEvents = (send: SpySend) => send.requests.flatMap((r) => segmentBatch(r.body));

const originalPushState = History.prototype.pushState;
const originalReplaceState = History.prototype.replaceState;
let warn: ReturnType<typeof vi.spyOn>;

beforeEach(() => {
  localStorage.clear();
  warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
});

afterEach(async () => {
  await stopTrackers();
  vi.useRealTimers();
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
  delete (Array.prototype as any).toJSON;
  delete (history as any).pushState;
  delete (history as any).replaceState;
  History.prototype.pushState = originalPushState;
  History.prototype.replaceState = originalReplaceState;
  resetPage();
  localStorage.clear();
});

// ---------------------------------------------------------------------------------------------------------------

describe('globals the page broke', () => {
  // Prototype.js 1.6 (still on many old shops): every array serialises itself to a JSON *string*.
  const installPrototypeJs = () => {
    (Array.prototype as any).toJSON = function (this: unknown[]) {
      return '[' + this.map((v) => JSON.stringify(v)).join(', ') + ']';
    };
  };

  test('Array.prototype.toJSON returning a string (Prototype.js): the body is still a batch with an array', async () => {
    installPrototypeJs();
    const { tracker, send } = makeTracker();
    expect(() => tracker.track('Cart Viewed', { total: 3 })).not.toThrow();
    tracker.page();
    await tracker.flush();
    // The page's toJSON is back in place afterwards: touchtrail set it aside only for its own call.
    expect(typeof (Array.prototype as any).toJSON).toBe('function');
    delete (Array.prototype as any).toJSON;
    const events = allEvents(send);
    expect(events.map((e) => e.type)).toEqual(['track', 'page']);
  });

  // Prototype.js puts a toJSON on Array.prototype that turns arrays into strings: jsonSafe calls the toJSON of
  // Decimal, Temporal and the like, but must not call that one, or { items: [1, 2, 3] } would arrive as "[1, 2, 3]".
  test('Array.prototype.toJSON (Prototype.js): array properties are still sent as arrays', async () => {
    installPrototypeJs();
    const { tracker, send } = makeTracker();
    tracker.track('Cart Viewed', { items: [1, 2, 3], tags: ['a', 'b'] });
    await tracker.flush();
    delete (Array.prototype as any).toJSON;
    expect(allEvents(send)[0].properties).toMatchObject({ items: [1, 2, 3], tags: ['a', 'b'] });
  });

  test('JSON.stringify and JSON.parse wrapped by a polyfill: the body is valid', async () => {
    const native = { stringify: JSON.stringify, parse: JSON.parse };
    let calls = 0;
    vi.spyOn(JSON, 'stringify').mockImplementation(function (this: JSON, value: any, replacer?: any, space?: any) {
      calls++;
      return native.stringify.call(JSON, value, replacer, space);
    });
    vi.spyOn(JSON, 'parse').mockImplementation((text: string, reviver?: any) => native.parse.call(JSON, text, reviver));
    const { tracker, send } = makeTracker();
    tracker.track('Polyfilled', { n: 1, list: [1, 2] });
    await tracker.flush();
    vi.restoreAllMocks();
    expect(calls).toBeGreaterThan(0);
    expect(allEvents(send)[0]).toMatchObject({ event: 'Polyfilled', properties: { n: 1, list: [1, 2] } });
  });

  test('JSON.stringify replaced by an old json2-style polyfill that ignores toJSON on arrays: the body is valid', async () => {
    const native = JSON.stringify;
    // What json2.js-era code did: a wrapper that strips undefined and passes its own replacer.
    vi.spyOn(JSON, 'stringify').mockImplementation((value: any) => native(value, (_k, v) => (v === undefined ? null : v)));
    const { tracker, send } = makeTracker();
    tracker.track('Old polyfill', { a: 1 });
    await tracker.flush();
    vi.restoreAllMocks();
    expect(allEvents(send)[0]).toMatchObject({ event: 'Old polyfill', properties: { a: 1 } });
  });

  describe('fetch wrapped by another library (an error tracker, an APM agent)', () => {
    const network = () => {
      const requests: { url: string; init: RequestInit }[] = [];
      const fetch = vi.fn(async (url: RequestInfo | URL, init: RequestInit = {}) => {
        requests.push({ url: String(url), init });
        return new Response('{}', { status: 200 });
      });
      vi.stubGlobal('fetch', fetch);
      return requests;
    };
    const wrap = () => {
      const seen: string[] = [];
      const inner = window.fetch;
      window.fetch = function (this: unknown, ...args: Parameters<typeof fetch>) {
        seen.push(String(args[0]));
        return inner.apply(this, args);
      } as typeof fetch;
      return seen;
    };

    test.each(['before', 'after'])('wrapped %s the tracker started: our request goes through the wrapper, as sent', async (when) => {
      const requests = network();
      let seen = when == 'before' ? wrap() : [];
      const { tracker } = makeTracker({ send: httpSend as unknown as SpySend });
      if (when == 'after') seen = wrap();
      tracker.track('Through the wrapper', { n: 1 });
      await tracker.flush();
      expect(seen).toEqual([COLLECTOR]);
      expect(requests).toHaveLength(1);
      const { url, init } = requests[0]!;
      expect(url).toBe(COLLECTOR);
      expect(init).toMatchObject({ method: 'POST', keepalive: true });
      expect(segmentBatch(init.body as string)[0]).toMatchObject({ event: 'Through the wrapper', properties: { n: 1 } });
    });

    test('a wrapper that throws synchronously: track() and flush() do not throw, and the event is kept for later', async () => {
      const requests = network();
      const inner = window.fetch;
      let broken = true;
      window.fetch = function (this: unknown, ...args: Parameters<typeof fetch>) {
        if (broken) throw new TypeError('wrapper broke');
        return inner.apply(this, args);
      } as typeof fetch;
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
      const { tracker } = makeTracker({ send: httpSend as unknown as SpySend });
      expect(() => tracker.track('Despite the wrapper')).not.toThrow();
      await expect(tracker.flush()).resolves.toBeUndefined();
      broken = false;
      await vi.advanceTimersByTimeAsync(60_000);
      expect(requests.flatMap((r) => segmentBatch(r.init.body as string)).map((e) => e.event)).toEqual(['Despite the wrapper']);
    });
  });

  describe('history.pushState patched by routers', () => {
    // A router patches history as touchtrail does: wraps the method it finds, calls it, then does its own work.
    const router = (name: string, log: string[]) => {
      for (const method of ['pushState', 'replaceState'] as const) {
        const inner = history[method];
        history[method] = function (this: History, ...args: Parameters<History['pushState']>) {
          const result = inner.apply(this, args);
          log.push(`${name}:${method}:${location.pathname}`);
          return result;
        };
      }
    };

    test('one before and one after the tracker: both still work, each navigation is one page view', async () => {
      vi.useFakeTimers();
      const log: string[] = [];
      router('before', log);
      const { tracker, send } = makeTracker({ captures: [pageViews()] });
      router('after', log);
      history.pushState({}, '', '/products');
      vi.advanceTimersByTime(0);
      history.replaceState({ scroll: 10 }, '', '/products');
      vi.advanceTimersByTime(0);
      history.pushState({}, '', '/products/42');
      vi.advanceTimersByTime(0);
      await tracker.flush();
      expect(log).toEqual([
        'before:pushState:/products',
        'after:pushState:/products',
        'before:replaceState:/products',
        'after:replaceState:/products',
        'before:pushState:/products/42',
        'after:pushState:/products/42',
      ]);
      expect(allEvents(send).map((e) => e.context.page.path)).toEqual(['/', '/products', '/products/42']);

      // Stopped: the routers go on working, and no page view is recorded any more.
      await tracker.stop();
      log.length = 0;
      history.pushState({}, '', '/after-stop');
      vi.advanceTimersByTime(10_000);
      expect(log).toEqual(['before:pushState:/after-stop', 'after:pushState:/after-stop']);
      expect(allEvents(send).map((e) => e.context.page.path)).toEqual(['/', '/products', '/products/42']);
    });

    test('a router whose pushState also calls replaceState (to stamp a key): one page view', async () => {
      vi.useFakeTimers();
      const { tracker, send } = makeTracker({ captures: [pageViews()] });
      const inner = history.pushState;
      history.pushState = function (this: History, state: unknown, unused: string, url?: string | URL | null) {
        inner.call(this, state, unused, url);
        history.replaceState({ key: 'k1' }, '', url);
      };
      history.pushState({}, '', '/checkout');
      vi.advanceTimersByTime(0);
      await tracker.flush();
      expect(allEvents(send).map((e) => e.context.page.path)).toEqual(['/', '/checkout']);
    });

    test('a router that patches History.prototype instead of history', async () => {
      vi.useFakeTimers();
      const log: string[] = [];
      History.prototype.pushState = function (this: History, ...args: Parameters<History['pushState']>) {
        log.push('prototype router');
        return originalPushState.apply(this, args);
      };
      const { tracker, send } = makeTracker({ captures: [pageViews()] });
      history.pushState({}, '', '/from-prototype');
      vi.advanceTimersByTime(0);
      await tracker.flush();
      expect(log).toEqual(['prototype router']);
      expect(allEvents(send).map((e) => e.context.page.path)).toEqual(['/', '/from-prototype']);
    });
  });

  describe('Object.prototype polluted with an enumerable property', () => {
    // Assertions run once the prototype is clean again: the test runner itself is not written for a polluted page.
    const polluted = async <T>(value: unknown, run: () => Promise<T>): Promise<T> => {
      (Object.prototype as any).polluted = value;
      try {
        return await run();
      } finally {
        delete (Object.prototype as any).polluted;
      }
    };

    test('track() works and the pollution is not sent', async () => {
      const { tracker, send } = makeTracker({ captures: [pageViews()] });
      await polluted('yes', async () => {
        expect(() => tracker.track('Polluted', { own: 1 })).not.toThrow();
        tracker.identify('user-1', { plan: 'pro' });
        await tracker.flush();
      });
      const events = allEvents(send);
      expect(events.map((e) => e.event ?? e.type)).toEqual(['page', 'Polluted', 'identify']);
      expect(send.requests.map((r) => r.body).join('')).not.toContain('polluted');
    });

    // Only the campaign's own keys are masked and sent: what a page put on Object.prototype must not be sent, and a
    // function there (old libraries added `each`, `extend`, …) must not break redaction on a campaign landing.
    test.each([
      ['a string', 'yes'],
      ['a function', function each() {}],
    ])('with utm_* in the URL, a polluted %s is neither sent nor breaks redaction', async (_, value) => {
      setUrl('/?utm_source=news&utm_medium=email');
      const { tracker, send } = makeTracker({ captures: [pageViews()] });
      await polluted(value, async () => {
        tracker.track('Campaign Landing');
        await tracker.flush();
      });
      const events = allEvents(send);
      expect(events.map((e) => e.event ?? e.type)).toEqual(['page', 'Campaign Landing']);
      expect(events[1].context.campaign).toEqual({ source: 'news', medium: 'email' });
    });

    // Granting consent stores only the identity's own keys: on a polluted page an inherited one would become
    // localStorage 'touchtrail.polluted'.
    test('granting consent writes only touchtrail’s own keys', async () => {
      const { tracker } = makeTracker({ consent: 'pending' });
      await polluted('yes', async () => {
        tracker.track('Waiting');
        await tracker.flush();
        tracker.consent('granted');
        await tracker.flush();
      });
      expect(Object.keys(localStorage).filter((k) => k.startsWith('touchtrail.'))).not.toContain('touchtrail.polluted');
    });

    // parseRules reads only a document's own keys: on a polluted page an inherited one would be reported as an error in
    // a valid document.
    test('parseRules: a valid document has no errors', async () => {
      const result = await polluted('yes', async () => parseRules({ defaults: { decision: 'decision' } }));
      expect(result.errors).toEqual([]);
    });
  });
});

// ---------------------------------------------------------------------------------------------------------------

const revokedProxy = () => {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
};

/** A Proxy whose every trap throws: the worst object a page can hand over. */
const hostileProxy = () =>
  new Proxy(
    {},
    new Proxy({}, { get: (_, trap) => () => { throw new Error(`trap ${String(trap)}`); } }),
  );

const cyclic = () => {
  const a: any = { name: 'a', list: [] };
  a.self = a;
  a.list.push(a, { back: a });
  return a;
};

class Money {
  #cents = 1999;
  currency = 'EUR';
  get amount() {
    return this.#cents / 100;
  }
}

// Each value goes in as a property next to `kept: 1`; the touchpoint must arrive with `kept`, whatever the value.
// Values too big to be spread into an object as a whole (track() copies the properties object it is given).
const BULKY = ['a 1 MB string', 'a Uint8Array of 1 MB', 'a 100,000-element array', 'an object with 10,000 keys'];

const VALUES: [string, () => unknown, ((v: any) => void)?][] = [
  ['a cyclic object', cyclic, (v) => expect(v).toMatchObject({ name: 'a' })],
  ['a cyclic array', () => ((a: any[]) => (a.push(a, 1), a))([]), (v) => expect(v).toContain(1)],
  ['a 1 MB string', () => 'x'.repeat(1 << 20), (v) => expect(v.length).toBeLessThanOrEqual(8193)],
  ['a 100,000-element array', () => Array.from({ length: 100_000 }, (_, i) => i), (v) => expect(v.length).toBeLessThanOrEqual(1000)],
  ['an object with 10,000 keys', () => Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, i]))],
  ['a BigInt', () => 12345678901234567890n, (v) => expect(v).toBe('12345678901234567890')],
  ['a function', () => () => 'secret', (v) => expect(v).toBeUndefined()],
  ['a Symbol', () => Symbol('s'), (v) => expect(v).toBeUndefined()],
  ['a DOM element', () => document.createElement('div'), (v) => expect(v).toBeUndefined()],
  ['document', () => document, (v) => expect(v).toBeUndefined()],
  ['window', () => window],
  ['a Date', () => new Date('2024-05-01T10:00:00Z'), (v) => expect(v).toBe('2024-05-01T10:00:00.000Z')],
  ['an invalid Date', () => new Date('nope'), (v) => expect(v).toBeNull()],
  ['a Map', () => new Map([['a', 1]])],
  ['a Set', () => new Set([1, 2])],
  ['a WeakMap', () => new WeakMap()],
  ['a Promise', () => Promise.resolve(1)],
  ['an Error', () => new Error('boom')],
  ['a RegExp', () => /x/g],
  ['a Uint8Array of 1 MB', () => new Uint8Array(1 << 20)],
  ['an ArrayBuffer', () => new ArrayBuffer(16)],
  ['a class instance with a private field', () => new Money(), (v) => expect(v).toEqual({ currency: 'EUR' })],
  ['NaN, Infinity and -0', () => ({ nan: NaN, inf: -Infinity, zero: -0 }), (v) => expect(v).toEqual({ nan: null, inf: null, zero: 0 })],
  ['a string with lone surrogates', () => '\uD800a\uDFFFb', (v) => expect(typeof v).toBe('string')],
  [
    'an object with a throwing getter',
    () => ({
      ok: 1,
      get bad(): never {
        throw new Error('getter');
      },
    }),
    (v) => expect(v).toEqual({ ok: 1 }),
  ],
  [
    'an object with a throwing toJSON',
    () => ({
      toJSON() {
        throw new Error('toJSON');
      },
    }),
    (v) => expect(v).toBeUndefined(),
  ],
  ['an object whose toJSON returns itself', () => ({ toJSON() { return this; } })],
  ['an object nested 10,000 deep', () => { let o: any = {}; for (let i = 0; i < 10_000; i++) o = { o }; return o; }],
  ['an array nested 1,000 deep', () => { let a: any = []; for (let i = 0; i < 1000; i++) a = [a]; return a; }],
  ['a null-prototype object', () => Object.assign(Object.create(null), { a: 1 }), (v) => expect(v).toEqual({ a: 1 })],
  ['__proto__, constructor and prototype keys', () => JSON.parse('{"__proto__":{"x":1},"constructor":"c","prototype":"p"}')],
];

describe('properties JSON cannot carry', () => {
  test.each(VALUES)('%s: track() does not throw, the touchpoint arrives, the body is a valid batch', async (_, make, check) => {
    const { tracker, send } = makeTracker();
    const value = make();
    expect(() => tracker.track('Hostile', { kept: 1, value })).not.toThrow();
    tracker.track('Next');
    await expect(tracker.flush()).resolves.toBeUndefined();
    const events = allEvents(send);
    expect(events.map((e) => e.event)).toEqual(['Hostile', 'Next']);
    expect(events[0].properties.kept).toBe(1);
    check?.(events[0].properties.value);
  });

  test.each(VALUES.filter(([name]) => !BULKY.includes(name)))('%s as the properties object itself, and in identify traits: nothing throws', async (_, make) => {
    const { tracker, send } = makeTracker();
    expect(() => tracker.track('Itself', make() as any)).not.toThrow();
    expect(() => tracker.identify('user-1', make() as any)).not.toThrow();
    expect(() => tracker.page(make() as any)).not.toThrow();
    await expect(tracker.flush()).resolves.toBeUndefined();
    allEvents(send);
  });

  // A Proxy whose traps throw (a hostile object, or a revoked Proxy: MobX, Immer and Vue hand those out once a draft
  // or store is disposed) may fail on any read, not only a getter's: it is left out, and the rest of the touchpoint is
  // still sent rather than dropped whole.
  test.each([
    ['a Proxy that throws on every trap', hostileProxy],
    ['a revoked Proxy', revokedProxy],
  ])('%s, as one property: the touchpoint still arrives without it', async (_, make) => {
    const { tracker, send } = makeTracker();
    expect(() => tracker.track('Hostile', { kept: 1, value: make() })).not.toThrow();
    await tracker.flush();
    expect(allEvents(send).map((e) => e.event)).toEqual(['Hostile']);
  });

  test('a Proxy that throws on every trap, as the properties object or the name: nothing throws', async () => {
    const { tracker, send } = makeTracker();
    expect(() => tracker.track('Hostile', hostileProxy() as any)).not.toThrow();
    expect(() => tracker.track('Revoked', revokedProxy() as any)).not.toThrow();
    expect(() => tracker.track(hostileProxy() as any)).not.toThrow();
    expect(() => tracker.track('Hostile', {}, hostileProxy() as any)).not.toThrow();
    expect(() => tracker.identify('user', hostileProxy() as any)).not.toThrow();
    expect(() => tracker.page(hostileProxy() as any)).not.toThrow();
    await expect(tracker.flush()).resolves.toBeUndefined();
    allEvents(send);
  });

  // A shared reference is copied wherever it appears: a small graph whose levels point at the same children (as
  // normalised stores and component trees do) costs 10^depth visits unless the whole value has a budget, and at depth 8
  // that froze the page for minutes. Here depth 5: 100,000 visits of 6 objects without a budget.
  test('a small graph of shared references costs bounded work', async () => {
    let reads = 0;
    let node: any = { leaf: 1 };
    for (let depth = 0; depth < 5; depth++) {
      const child = node;
      node = {};
      for (let k = 0; k < 10; k++)
        Object.defineProperty(node, `k${k}`, { enumerable: true, get: () => (reads++, child) });
    }
    const { tracker } = makeTracker();
    tracker.track('Store Snapshot', { state: node });
    await tracker.flush();
    expect(reads).toBeLessThan(20_000);
  });
});

describe('the cost of hostile input', () => {
  // The email pattern must run in linear time: one that backtracked over a long run of word characters without an '@'
  // took ~0.3 s per field per event for 8 KB of letters, and hours (a frozen tab) for 1 MB. Found when a test with a
  // 1 MB title hung.
  test('a long title (8 KB of letters, no email in it) is redacted in linear time', async () => {
    document.title = 'a'.repeat(8192);
    const { tracker, send } = makeTracker();
    tracker.track('Long Title');
    const started = performance.now();
    await tracker.flush();
    const took = performance.now() - started;
    expect(allEvents(send).map((e) => e.event)).toEqual(['Long Title']);
    expect(took).toBeLessThan(50);
  });

  // Traits must be an object, as track()'s properties must: a string spread into traits becomes one key per
  // character ({ 0: 'p', 1: 'r', 2: 'o' }), a slow copy in the page's own call when the string is long.
  test('identify() with traits that are a string: a warning, and no character-indexed traits', async () => {
    const { tracker, send } = makeTracker();
    tracker.identify('user-1', 'pro' as any);
    await tracker.flush();
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('identify('));
    expect(allEvents(send)[0]?.traits ?? {}).not.toHaveProperty('0');
  });
});

describe('the size cap', () => {
  test('an event above the cap is trimmed to what names it (properties.truncated), sent whole and valid', async () => {
    const { tracker, send } = makeTracker();
    const huge = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`field${i}`, 'x'.repeat(1 << 20)]));
    expect(() => tracker.track('Huge', huge, { stage: 'decision', momentOfTruth: true })).not.toThrow();
    tracker.track('Small', { n: 1 });
    await tracker.flush();
    const events = allEvents(send);
    expect(events.map((e) => e.event)).toEqual(['Huge', 'Small']);
    expect(events[0].properties).toEqual({ touchpoint: 'Huge', touchpointKind: 'custom', stage: 'decision', momentOfTruth: true, truncated: true });
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('"Huge" was larger than a request may be'));
  });

  test('a 100,000-element array of objects is cut and the event still fits', async () => {
    const { tracker, send } = makeTracker();
    tracker.track('Many', { items: Array.from({ length: 100_000 }, (_, i) => ({ id: i, name: `item ${i}` })) });
    await tracker.flush();
    const [event] = allEvents(send);
    expect(event.event).toBe('Many');
  });

  // Properties are not all that can make an event too large: identify()'s traits, track()'s name and the page's
  // title can too, and a body over the browser's 64 KB keepalive budget is refused (a beacon at unload is then lost).
  test.each([
    ['identify() with huge traits', (t: any) => t.identify('user-1', Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`t${i}`, 'y'.repeat(10_000)])))],
    ['a 1 MB event name', (t: any) => t.track('n'.repeat(1 << 20))],
    ['a 70 KB page title', (t: any) => ((document.title = 'lorem '.repeat(12_000)), t.track('Titled'))],
  ])('%s: the body stays within maxBatchBytes', async (_, act) => {
    const { tracker, send } = makeTracker();
    expect(() => act(tracker)).not.toThrow();
    await tracker.flush();
    expect(send.requests.length).toBeGreaterThan(0);
    allEvents(send);
  });
});
