// Consent and privacy signals (issue 7): while consent is pending nothing may be written to storage of any kind
// (localStorage, sessionStorage, cookies, IndexedDB; not even opening a database, since opening creates one);
// granting sends what waited, denying discards it and deletes what touchtrail stored; GPC / DNT make the tracker
// storageless (or off, or change nothing).
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { checkoutSteps } from '../../../src/capture/checkoutSteps';
import { forms } from '../../../src/capture/forms';
import { linkClicks } from '../../../src/capture/linkClicks';
import { pageViews } from '../../../src/capture/pageViews';
import { createTracker, type Tracker, type TrackerOptions } from '../../../src/createTracker';
import { channels } from '../../../src/journey/channels';
import { journeyStages } from '../../../src/journey/journeyStages';
import { idbQueue } from '../../../src/queue/idbQueue';
import { memoryQueue } from '../../../src/queue/memoryQueue';
import type { Touchpoint } from '../../../src/types';
import { COLLECTOR } from '../../helpers/makeTracker';
import { pageTransition, recordListeners, resetPage, setUrl, setVisibility } from '../../helpers/page';
import { spySend, type SpySend } from '../../helpers/spySend';
import { queued } from '../../helpers/touchpoints';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

// ---------------------------------------------------------------------------------------------------------------
// Every write to storage, of every kind, while a test watches.

let writes: string[] = [];
const { setItem, removeItem, clear } = Storage.prototype;
const cookie = Object.getOwnPropertyDescriptor(Document.prototype, 'cookie')!;
const { open, deleteDatabase } = IDBFactory.prototype;
const area = (s: Storage) => (s === localStorage ? 'localStorage' : s === sessionStorage ? 'sessionStorage' : 'Storage');

const watchStorage = () => {
  vi.spyOn(Storage.prototype, 'setItem').mockImplementation(function (this: Storage, key: string, value: string) {
    writes.push(`${area(this)}.setItem(${key})`);
    return setItem.call(this, key, value);
  });
  vi.spyOn(Storage.prototype, 'removeItem').mockImplementation(function (this: Storage, key: string) {
    writes.push(`${area(this)}.removeItem(${key})`);
    return removeItem.call(this, key);
  });
  vi.spyOn(Storage.prototype, 'clear').mockImplementation(function (this: Storage) {
    writes.push(`${area(this)}.clear()`);
    return clear.call(this);
  });
  Object.defineProperty(document, 'cookie', {
    configurable: true,
    get() {
      return cookie.get!.call(this);
    },
    set(value: string) {
      writes.push(`document.cookie = ${value}`);
      cookie.set!.call(this, value);
    },
  });
  vi.spyOn(IDBFactory.prototype, 'open').mockImplementation(function (this: IDBFactory, name: string, version?: number) {
    writes.push(`indexedDB.open(${name})`);
    return open.call(this, name, version);
  });
  vi.spyOn(IDBFactory.prototype, 'deleteDatabase').mockImplementation(function (this: IDBFactory, name: string) {
    writes.push(`indexedDB.deleteDatabase(${name})`);
    return deleteDatabase.call(this, name);
  });
};

/** Forgets what was written so far: the scene a test set up is not what it checks. */
const startWatching = () => {
  writes = [];
};

/** Lets fake-indexeddb (which schedules with setImmediate) and the tracker's promise chains finish. */
const idle = async (rounds = 30) => {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
};

const databases = async () => (await indexedDB.databases()).map((d) => d.name);
const touchtrailKeys = () => Object.keys(localStorage).filter((k) => k.startsWith('touchtrail.')).sort();

// ---------------------------------------------------------------------------------------------------------------
// Trackers with the default queue (IndexedDB): the point is to see whether it is opened.

const running: [Tracker, () => void][] = [];

const start = (options: Partial<TrackerOptions> = {}) => {
  const send: SpySend = (options.send as SpySend) || spySend();
  const [tracker, unlisten] = recordListeners(() =>
    createTracker({ collector: COLLECTOR, flushInterval: 60_000, ...options, send }),
  );
  running.push([tracker, unlisten]);
  return { tracker, send };
};

/** The page cancels clicks after we saw them: jsdom cannot navigate. */
const cancel = (event: Event) => event.preventDefault();

/** What a browser does on a form submission that nobody cancels (jsdom stops after the submit event). */
const submit = (form: HTMLFormElement) => {
  if (form.dispatchEvent(new SubmitEvent('submit', { bubbles: true, cancelable: true })))
    form.dispatchEvent(new Event('formdata', { bubbles: true }));
};

/** A visit's worth of activity: page views, a link click, a form, track, identify, an SPA navigation, a flush, leaving. */
const browse = async (tracker: Tracker) => {
  document.body.innerHTML = `<a id="link" href="/pricing">Pricing</a>
    <form id="newsletter" action="/subscribe"><input name="email" value="ada@example.com"></form>`;
  tracker.track('Signup Started', { plan: 'pro' });
  tracker.page({ name: 'Home' });
  tracker.identify('user-42', { plan: 'pro' });
  document.getElementById('link')!.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true }));
  submit(document.getElementById('newsletter') as HTMLFormElement);
  history.pushState({}, '', '/pricing?utm_source=news&utm_medium=email');
  await new Promise((resolve) => setTimeout(resolve, 5));
  await tracker.flush();
  setVisibility('hidden');
  pageTransition('pagehide');
  await idle();
};

beforeEach(() => {
  localStorage.clear();
  sessionStorage.clear();
  // A fresh IndexedDB for every test, so that "no database exists" means this test created none.
  vi.stubGlobal('indexedDB', new IDBFactory());
  document.addEventListener('click', cancel);
  watchStorage();
  startWatching();
  vi.spyOn(console, 'warn').mockImplementation(() => {});
});

afterEach(async () => {
  for (const [tracker, unlisten] of running.splice(0)) {
    try {
      await Promise.race([tracker.stop(), idle()]);
    } catch {}
    unlisten();
  }
  vi.useRealTimers();
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
  delete (document as any).cookie;
  document.removeEventListener('click', cancel);
  document.body.innerHTML = '';
  resetPage();
  localStorage.clear();
  sessionStorage.clear();
});

// ---------------------------------------------------------------------------------------------------------------

describe('consent pending', () => {
  test('nothing is written to storage, no cookie is set and no IndexedDB database is even opened, whatever happens', async () => {
    const { tracker, send } = start({ consent: 'pending', captures: [pageViews(), linkClicks(), forms()] });
    await browse(tracker);
    expect(writes).toEqual([]);
    expect(await databases()).toEqual([]);
    expect(send).not.toHaveBeenCalled();
    expect(touchtrailKeys()).toEqual([]);
  });

  test('the watch sees writes: the same visit with consent granted writes identity and opens the queue', async () => {
    // The control for the test above: it shows that the spies catch what touchtrail writes.
    const { tracker } = start({ captures: [pageViews(), linkClicks(), forms()] });
    await browse(tracker);
    expect(writes).toEqual(expect.arrayContaining(['localStorage.setItem(touchtrail.aid)', 'indexedDB.open(touchtrail)']));
  });

  // journeyStages() and channels() keep the visitor's furthest stage and first/last touch in localStorage: createTracker
  // must tell them (their third argument, persist) that they may not.
  test('with the journey processors (journeyStages, channels) nothing is written either', async () => {
    const { tracker, send } = start({
      consent: 'pending',
      captures: [pageViews(), linkClicks()],
      processors: [journeyStages(), channels()],
    });
    await browse(tracker);
    expect(send).not.toHaveBeenCalled();
    expect(writes).toEqual([]);
  });

  // Captures are told whether they may store (the third argument, persist()); checkoutSteps keeps the checkout's
  // progress in memory until they may.
  test('the checkoutSteps capture writes nothing to sessionStorage', async () => {
    setUrl('/checkout');
    const { tracker } = start({ consent: 'pending', captures: [checkoutSteps({ steps: [{ url: '/checkout', step: 1, name: 'checkout' }] })] });
    await new Promise((resolve) => setTimeout(resolve, 5));
    await tracker.flush();
    expect(writes).toEqual([]);
  });

  test('granted sends what was tracked while pending: the same touchpoints, same messageIds, in order', async () => {
    const seen: Touchpoint[] = [];
    const { tracker, send } = start({
      consent: 'pending',
      captures: [pageViews()],
      beforeSend: (t) => (seen.push(structuredClone(t)), t),
    });
    tracker.track('A', { n: 1 });
    tracker.identify('user-7');
    tracker.track('B', { n: 2 });
    history.pushState({}, '', '/next');
    await new Promise((resolve) => setTimeout(resolve, 5));
    tracker.track('C', { n: 3 });
    await tracker.flush();
    expect(send).not.toHaveBeenCalled();
    expect(seen.map((t) => t.event ?? t.type)).toEqual(['page', 'A', 'identify', 'B', 'page', 'C']);
    expect(writes).toEqual([]);

    tracker.consent('granted');
    await tracker.flush();
    await idle();
    expect(send.messageIds).toEqual(seen.map((t) => t.messageId));
    // Exactly what was processed then: same timestamps, same session, same ids.
    expect(send.events).toEqual(JSON.parse(JSON.stringify(seen)));
    expect(send.events.every((e) => e.anonymousId === seen[0]!.anonymousId)).toBe(true);
    // Now, and only now, they are stored (persisted before sent) and the identity is kept.
    expect(writes).toContain('indexedDB.open(touchtrail)');
    expect(writes).toContain('localStorage.setItem(touchtrail.aid)');
  });

  test('what is tracked after granting goes too, after what waited', async () => {
    const { tracker, send } = start({ consent: 'pending' });
    tracker.track('Before');
    await tracker.flush();
    tracker.consent('granted');
    tracker.track('After');
    await tracker.flush();
    await idle();
    expect(send.events.map((e) => e.event)).toEqual(['Before', 'After']);
    expect(new Set(send.messageIds).size).toBe(2);
  });

  test('granted, then pending again: nothing more is written while pending', async () => {
    const { tracker } = start();
    tracker.track('Granted');
    await tracker.flush();
    tracker.consent('pending');
    await idle();
    startWatching();
    tracker.track('Pending');
    await tracker.flush();
    await idle();
    expect(writes).toEqual([]);
  });

  test('identity is not persisted while pending, and is on grant', async () => {
    localStorage.setItem('site.theme', 'dark');
    startWatching();
    const first = start({ consent: 'pending' });
    first.tracker.track('One');
    first.tracker.identify('user-42');
    await first.tracker.flush();
    expect(writes).toEqual([]);
    expect(touchtrailKeys()).toEqual([]);

    // The next page load, consent still pending: nothing was kept, so it is a stranger.
    let secondId = '';
    const second = start({ consent: 'pending', beforeSend: (t) => ((secondId = t.anonymousId), t) });
    second.tracker.track('Elsewhere');
    await second.tracker.flush();
    await idle();

    const firstSeen: Touchpoint[] = [];
    first.tracker.consent('granted');
    await first.tracker.flush();
    await idle();
    firstSeen.push(...first.send.events);
    const anonymousId = firstSeen[0]!.anonymousId;
    expect(anonymousId).toMatch(UUID);
    expect(secondId).toMatch(UUID);
    expect(secondId).not.toBe(anonymousId);
    expect(localStorage.getItem('touchtrail.aid')).toBe(anonymousId);
    expect(localStorage.getItem('touchtrail.uid')).toBe('user-42');
    expect(localStorage.getItem('touchtrail.session')).toContain(firstSeen[0]!.context.sessionId);

    // And the visit after that is the same visitor.
    const third = start();
    third.tracker.track('Back');
    await third.tracker.flush();
    expect(third.send.events[0]).toMatchObject({ anonymousId, userId: 'user-42' });
  });

  test('denied discards what was tracked while pending: nothing is ever sent, even when the page goes', async () => {
    const { tracker, send } = start({ consent: 'pending', captures: [pageViews()] });
    tracker.track('Secret');
    await tracker.flush();
    tracker.consent('denied');
    tracker.track('After denial');
    await tracker.flush();
    setVisibility('hidden');
    pageTransition('pagehide');
    await idle();
    expect(send).not.toHaveBeenCalled();
    // Granting later sends only what is tracked from then on: what was discarded stays discarded.
    tracker.consent('granted');
    tracker.track('After grant');
    await tracker.flush();
    await idle();
    expect(send.events.map((e) => e.event)).toEqual(['After grant']);
  });

  test("denied deletes what touchtrail stored: its localStorage keys and the queue's events; the site's keys stay", async () => {
    // An earlier, consented visit left its identity, journey notes and undelivered events behind.
    for (const key of ['aid', 'uid', 'session', 'stage', 'touch', 'sent']) localStorage.setItem(`touchtrail.${key}`, 'x');
    localStorage.setItem('site.cart', '3');
    localStorage.setItem('touchtrailer', 'not ours');
    await idbQueue().push([queued('closed-tab'), queued('closed-tab'), queued('closed-tab')]);
    expect(await idbQueue().read()).toHaveLength(3);

    const { tracker, send } = start({ consent: 'pending' });
    tracker.track('Pending');
    await tracker.flush();
    tracker.consent('denied');
    await idle();
    expect(Object.keys(localStorage).sort()).toEqual(['site.cart', 'touchtrailer']);
    expect(await idbQueue().read()).toEqual([]);
    // The stored backlog is not sent on the way out either.
    expect(send).not.toHaveBeenCalled();
  });

  // The checkoutSteps capture keeps the visitor's checkout progress in sessionStorage ('touchtrail:checkout'): a
  // denial must delete what touchtrail stored anywhere, not only its localStorage keys.
  test("denied deletes the checkout note the checkoutSteps capture kept in sessionStorage", async () => {
    sessionStorage.setItem('touchtrail:checkout', JSON.stringify({ step: 2, stepName: 'shipping' }));
    sessionStorage.setItem('site.tab', '1');
    const { tracker } = start({ consent: 'pending' });
    tracker.consent('denied');
    await idle();
    expect(Object.keys(sessionStorage)).toEqual(['site.tab']);
  });

  test('denied while granted and retrying: the queue is emptied, identity deleted, and the retry never comes', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const { tracker, send } = start({ send: spySend(503) });
    tracker.track('Stored');
    await tracker.flush();
    await idle();
    expect(send).toHaveBeenCalledTimes(1);
    expect(await idbQueue().read()).toHaveLength(1);
    expect(touchtrailKeys()).not.toEqual([]);
    tracker.consent('denied');
    await idle();
    expect(await idbQueue().read()).toEqual([]);
    expect(touchtrailKeys()).toEqual([]);
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    tracker.track('Denied');
    await tracker.flush();
    pageTransition('pagehide');
    await idle();
    expect(send).toHaveBeenCalledTimes(1);
    expect(touchtrailKeys()).toEqual([]);
  });

  // Opening IndexedDB creates the database: a visitor who never consented and denies (or a CMP that confirms
  // "denied" again on every page) must not get an empty 'touchtrail' database for it.
  test.each(['pending', 'denied'] as const)(
    'consent("denied") from %s, when nothing was ever stored, creates no IndexedDB database',
    async (initial) => {
      const { tracker } = start({ consent: initial });
      tracker.track('Something');
      tracker.consent('denied');
      await idle();
      expect(await databases()).toEqual([]);
    },
  );
});

describe("consent('denied') with a custom queue (the queue option is public)", () => {
  // consent('denied') is the one call a consent banner must be able to make: a site's queue whose read() throws
  // (storage blocked) or returns a plain array instead of a promise must not make it throw, nor leave the denial half
  // done. Found by fuzz.test.ts.
  test.each([
    [
      'read() throws',
      () => {
        throw new Error('storage blocked');
      },
    ],
    ['read() returns an array', () => []],
  ])('%s: consent("denied") does not throw', (_, read) => {
    const queue = { push: async () => 0, read: read as any, remove: async () => {} };
    const { tracker } = start({ queue });
    expect(() => tracker.consent('denied')).not.toThrow();
  });

  // A queue written as a class needs its `this`: remove() must be called on the queue, or the stored events of a
  // visitor who denied consent would stay.
  test('a queue written as a class has its events deleted', async () => {
    class ArrayQueue {
      events: any[] = [];
      unbound = false;
      async push(events: any[]) {
        this.events.push(...events);
        return 0;
      }
      async read() {
        return this.events.slice();
      }
      async remove(events: any[]) {
        // Written defensively only so that the bug shows as a failed assertion, not as an unhandled rejection.
        if (!this) return void (queue.unbound = true);
        this.events = this.events.filter((e) => !events.includes(e));
      }
    }
    const queue = new ArrayQueue();
    await queue.push([queued('closed-tab'), queued('closed-tab')]);
    const { tracker } = start({ queue, consent: 'pending' });
    tracker.consent('denied');
    await idle();
    expect(queue.unbound).toBe(false);
    expect(queue.events).toEqual([]);
  });
});

describe('consent denied from the start', () => {
  test('sends and stores nothing, whatever happens', async () => {
    const { tracker, send } = start({ consent: 'denied', captures: [pageViews(), linkClicks(), forms()] });
    await browse(tracker);
    await tracker.stop();
    expect(send).not.toHaveBeenCalled();
    expect(writes).toEqual([]);
    expect(await databases()).toEqual([]);
  });

  test('processors never even see a touchpoint', async () => {
    const processor = vi.fn((t: Touchpoint) => t);
    const { tracker } = start({ consent: 'denied', processors: [processor], captures: [pageViews()] });
    tracker.track('Nope');
    await tracker.flush();
    expect(processor).not.toHaveBeenCalled();
  });

  test('a later grant starts tracking from then on', async () => {
    const { tracker, send } = start({ consent: 'denied' });
    tracker.track('Before');
    tracker.consent('granted');
    tracker.track('After');
    await tracker.flush();
    await idle();
    expect(send.events.map((e) => e.event)).toEqual(['After']);
  });
});

describe('consent() with a bad value', () => {
  const BAD: [string, unknown][] = [
    ['"yes"', 'yes'],
    ['""', ''],
    ['"GRANTED"', 'GRANTED'],
    ['" granted"', ' granted'],
    ['undefined', undefined],
    ['null', null],
    ['true', true],
    ['1', 1],
    ['an object', { state: 'granted' }],
    ['an array', ['granted']],
    ['a function', () => 'granted'],
  ];

  test.each(BAD)('consent(%s) while pending warns and changes nothing', async (_, bad) => {
    const warn = vi.mocked(console.warn);
    const { tracker, send } = start({ consent: 'pending' });
    tracker.track('Waiting');
    expect(() => tracker.consent(bad as any)).not.toThrow();
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/^touchtrail: consent\(\) .*ignored/));
    await tracker.flush();
    await idle();
    expect(send).not.toHaveBeenCalled();
    expect(writes).toEqual([]);
    // Still pending: the touchpoint was kept, and granting sends it.
    tracker.consent('granted');
    await tracker.flush();
    await idle();
    expect(send.events.map((e) => e.event)).toEqual(['Waiting']);
  });

  test.each(BAD)('consent(%s) while granted warns and tracking goes on', async (_, bad) => {
    const { tracker, send } = start();
    expect(() => tracker.consent(bad as any)).not.toThrow();
    tracker.track('Still');
    await tracker.flush();
    expect(send.events.map((e) => e.event)).toEqual(['Still']);
    expect(localStorage.getItem('touchtrail.aid')).toMatch(UUID);
  });

  test.each(BAD)('consent(%s) while denied warns and nothing is tracked', async (_, bad) => {
    const { tracker, send } = start({ consent: 'denied' });
    tracker.consent(bad as any);
    tracker.track('Still not');
    await tracker.flush();
    expect(send).not.toHaveBeenCalled();
    expect(writes).toEqual([]);
  });

  // A Symbol or a null-prototype object cannot go into a template literal: consent()'s warning must be built
  // without one, as track()'s and identify()'s are, or consent() would throw at the page.
  test.each([
    ['a Symbol', Symbol('granted')],
    ['a null-prototype object', Object.create(null)],
  ])('consent(%s) never throws', (_, bad) => {
    const { tracker } = start({ consent: 'pending' });
    expect(() => tracker.consent(bad as any)).not.toThrow();
  });
});

describe('consent and privacySignals options', () => {
  // A typo in a CMP integration (consent: 'yes') would otherwise throw every touchpoint away without a word: it must
  // be refused at start-up with a TypeError that names the option, as every other option is.
  test.each(['yes', 'Granted', 'accepted', true, 1])('consent: %j throws a TypeError naming "consent"', (bad) => {
    expect(() => createTracker({ collector: COLLECTOR, send: spySend(), consent: bad as any })).toThrow(
      expect.objectContaining({ name: 'TypeError', message: expect.stringContaining('"consent"') }),
    );
  });

  // Likewise a typo in privacySignals ('of', 'Off', true) would otherwise be taken as 'storageless'.
  test.each(['of', 'Off', 'none', true])('privacySignals: %j throws a TypeError naming "privacySignals"', (bad) => {
    expect(() => createTracker({ collector: COLLECTOR, send: spySend(), privacySignals: bad as any })).toThrow(
      expect.objectContaining({ name: 'TypeError', message: expect.stringContaining('"privacySignals"') }),
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------

const SIGNALS: [string, () => void][] = [
  ['navigator.globalPrivacyControl = true', () => Object.defineProperty(navigator, 'globalPrivacyControl', { configurable: true, value: true })],
  ["navigator.doNotTrack = '1'", () => Object.defineProperty(navigator, 'doNotTrack', { configurable: true, value: '1' })],
  ["window.doNotTrack = '1' (old Edge, Safari)", () => Object.defineProperty(window, 'doNotTrack', { configurable: true, value: '1' })],
];

describe('privacy signals', () => {
  afterEach(() => {
    delete (navigator as any).globalPrivacyControl;
    delete (navigator as any).doNotTrack;
    delete (window as any).doNotTrack;
  });

  describe.each(SIGNALS)('%s', (_, signal) => {
    beforeEach(() => signal());

    test("by default ('storageless'): events are sent, nothing is written, no IndexedDB is opened", async () => {
      const { tracker, send } = start({ captures: [pageViews(), linkClicks(), forms()] });
      document.body.innerHTML = `<a id="link" href="/pricing">Pricing</a>`;
      tracker.track('Signup Started');
      tracker.identify('user-42');
      document.getElementById('link')!.click();
      await tracker.flush();
      await idle();
      expect(send.events.map((e) => e.event ?? e.type)).toEqual(['page', 'Signup Started', 'identify', 'Link Clicked']);
      expect(send.events[0].anonymousId).toMatch(UUID);
      expect(writes).toEqual([]);
      expect(await databases()).toEqual([]);
      // No lasting identifier: the next page load is someone new.
      const next = start();
      next.tracker.track('Next page');
      await next.tracker.flush();
      expect(next.send.events[0].anonymousId).not.toBe(send.events[0].anonymousId);
      expect(next.send.events[0].userId).toBeNull();
    });

    // The note of beaconed events (touchtrail.sent) is for deduplicating against the stored queue; storageless
    // there is none, and no note.
    test('storageless: leaving the page (a beacon) writes nothing either', async () => {
      const { tracker, send } = start();
      // Once the first burst has gone, the next one waits for flushInterval, and so is beaconed.
      tracker.track('First');
      await tracker.flush();
      tracker.track('Before leaving');
      await idle();
      setVisibility('hidden');
      pageTransition('pagehide');
      await idle();
      expect(send.requests.some((r) => r.unloading)).toBe(true);
      expect(writes).toEqual([]);
    });

    test('storageless: identifiers an earlier visit stored are left alone: a new anonymousId and no userId', async () => {
      localStorage.setItem('touchtrail.aid', 'aid-of-an-earlier-visit');
      localStorage.setItem('touchtrail.uid', 'user-42');
      const { tracker, send } = start();
      tracker.track('Browsing');
      await tracker.flush();
      expect(send.events[0].anonymousId).toMatch(UUID);
      expect(send.events[0].anonymousId).not.toBe('aid-of-an-earlier-visit');
      expect(send.events[0].userId).toBeNull();
    });

    test("storageless: consent('denied') deletes what an earlier visit left in touchtrail's IndexedDB", async () => {
      await idbQueue().push([queued('earlier-visit')]);
      const { tracker } = start();
      tracker.consent('denied');
      await idle();
      expect(await idbQueue().read()).toEqual([]);
    });

    test("storageless: consent('denied') deletes what an earlier visit left in the site's own queue", async () => {
      const queue = memoryQueue();
      await queue.push([queued('earlier-visit')]);
      const { tracker } = start({ queue });
      tracker.consent('denied');
      await idle();
      expect(await queue.read()).toEqual([]);
    });

    test('storageless with consent pending, then granted: sent, and still nothing written', async () => {
      const { tracker, send } = start({ consent: 'pending' });
      tracker.track('Waited');
      await tracker.flush();
      tracker.consent('granted');
      tracker.track('Then');
      await tracker.flush();
      await idle();
      expect(send.events.map((e) => e.event)).toEqual(['Waited', 'Then']);
      expect(writes).toEqual([]);
      expect(await databases()).toEqual([]);
    });

    test('storageless with the journey processors: nothing is written either', async () => {
      const { tracker, send } = start({ captures: [pageViews()], processors: [journeyStages(), channels()] });
      tracker.track('Order Completed');
      await tracker.flush();
      await idle();
      expect(send.events.length).toBeGreaterThan(0);
      expect(writes).toEqual([]);
    });

    test("privacySignals: 'off' sends nothing and stores nothing, and consent('granted') does not change that", async () => {
      const { tracker, send } = start({ privacySignals: 'off', captures: [pageViews(), linkClicks(), forms()] });
      await browse(tracker);
      tracker.consent('granted');
      tracker.track('After consent');
      await tracker.flush();
      await idle();
      expect(send).not.toHaveBeenCalled();
      expect(writes).toEqual([]);
      expect(await databases()).toEqual([]);
    });

    test("privacySignals: 'ignore' tracks as usual: sent, identity kept, events queued in IndexedDB", async () => {
      const { tracker, send } = start({ privacySignals: 'ignore' });
      tracker.track('As usual');
      await tracker.flush();
      await idle();
      expect(send.events.map((e) => e.event)).toEqual(['As usual']);
      expect(localStorage.getItem('touchtrail.aid')).toBe(send.events[0].anonymousId);
      expect(writes).toContain('indexedDB.open(touchtrail)');
    });
  });

  test.each([
    ['globalPrivacyControl false', () => Object.defineProperty(navigator, 'globalPrivacyControl', { configurable: true, value: false })],
    ["doNotTrack '0'", () => Object.defineProperty(navigator, 'doNotTrack', { configurable: true, value: '0' })],
    ["doNotTrack 'unspecified'", () => Object.defineProperty(navigator, 'doNotTrack', { configurable: true, value: 'unspecified' })],
  ])('%s is no signal: identity is kept', async (_, set) => {
    set();
    const { tracker, send } = start();
    tracker.track('Normal');
    await tracker.flush();
    expect(localStorage.getItem('touchtrail.aid')).toBe(send.events[0].anonymousId);
  });
});
