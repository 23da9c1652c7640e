import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { pageViews } from '../../src/capture/pageViews';
import { idbQueue } from '../../src/queue/idbQueue';
import { memoryQueue } from '../../src/queue/memoryQueue';
import type { Capture, Processor, Queue, Touchpoint } from '../../src/types';
import { COLLECTOR, makeTracker, stopTrackers } from '../helpers/makeTracker';
import { pageTransition, resetPage, setUrl, setVisibility } from '../helpers/page';
import { deferred, settle } from '../helpers/settle';
import { spySend } from '../helpers/spySend';
import { queued } from '../helpers/touchpoints';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const T0 = new Date('2024-05-01T10:00:00.000Z');
const MINUTE = 60_000;
const { version } = JSON.parse(readFileSync('package.json', 'utf8'));

let warn: ReturnType<typeof vi.spyOn>;

beforeEach(() => {
  localStorage.clear();
  vi.useFakeTimers({ now: T0 });
  warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
});

afterEach(async () => {
  await stopTrackers();
  vi.useRealTimers();
  vi.restoreAllMocks();
  resetPage();
  localStorage.clear();
});

describe('what goes on the wire', () => {
  test('track() sends a Segment-Spec track event in a { batch, sentAt } body', async () => {
    setUrl('/pricing?plan=pro');
    document.title = 'Pricing';
    const { tracker, send } = makeTracker();
    tracker.track('Signup Started', { plan: 'pro', seats: 3 });
    await tracker.flush();
    expect(send).toHaveBeenCalledTimes(1);
    const { url, unloading, json } = send.requests[0]!;
    expect(url).toBe(COLLECTOR);
    expect(unloading).toBe(false);
    expect(Object.keys(json).sort()).toEqual(['batch', 'sentAt']);
    expect(json.sentAt).toBe(T0.toISOString());
    expect(json.batch).toEqual([
      {
        type: 'track',
        event: 'Signup Started',
        properties: { touchpoint: 'Signup Started', touchpointKind: 'custom', plan: 'pro', seats: 3 },
        context: {
          page: {
            // Query parameters other than utm_* and ad click ids are redacted by default.
            url: 'http://localhost:3000/pricing',
            path: '/pricing',
            title: 'Pricing',
            referrer: document.referrer,
            search: '',
          },
          library: { name: 'touchtrail', version },
          locale: navigator.language,
          userAgent: navigator.userAgent,
          screen: { width: screen.width, height: screen.height },
          sessionId: expect.stringMatching(UUID),
        },
        messageId: expect.stringMatching(UUID),
        anonymousId: expect.stringMatching(UUID),
        userId: null,
        timestamp: T0.toISOString(),
      },
    ]);
  });

  test('every event has its own messageId; anonymousId and sessionId are shared', async () => {
    const { tracker, send } = makeTracker();
    tracker.track('A');
    tracker.track('B');
    tracker.page();
    await tracker.flush();
    const [a, b, c] = send.events;
    expect(new Set([a.messageId, b.messageId, c.messageId]).size).toBe(3);
    expect(new Set([a.anonymousId, b.anonymousId, c.anonymousId]).size).toBe(1);
    expect(new Set([a.context.sessionId, b.context.sessionId, c.context.sessionId]).size).toBe(1);
  });

  test('timestamp is when track() was called, sentAt when the batch left', async () => {
    const { tracker, send } = makeTracker({ flushInterval: 5000 });
    tracker.track('First');
    await vi.advanceTimersByTimeAsync(6000);
    tracker.track('Later');
    await vi.advanceTimersByTimeAsync(5000);
    expect(send.requests[1]!.json.sentAt).toBe(new Date(T0.getTime() + 11_000).toISOString());
    expect(send.requests[1]!.events[0].timestamp).toBe(new Date(T0.getTime() + 6000).toISOString());
  });

  test('page() sends a page event: no event name, touchpointKind page_view, name when given', async () => {
    const { tracker, send } = makeTracker();
    tracker.page();
    tracker.page({ name: 'Pricing', category: 'plans' });
    await tracker.flush();
    const [plain, named] = send.events;
    expect(plain.type).toBe('page');
    expect(plain).not.toHaveProperty('event');
    expect(plain).not.toHaveProperty('name');
    expect(plain.properties).toEqual({ touchpoint: 'Page View', touchpointKind: 'page_view' });
    expect(named.name).toBe('Pricing');
    expect(named.properties).toMatchObject({ touchpointKind: 'page_view', name: 'Pricing', category: 'plans' });
  });

  test('stage and momentOfTruth go into properties; the stage option wins over a stage property', async () => {
    const { tracker, send } = makeTracker();
    tracker.track('Checkout Step Viewed', { step: 2, stage: 'consideration' }, { stage: 'decision', momentOfTruth: true });
    tracker.track('Plain');
    await tracker.flush();
    expect(send.events[0].properties).toEqual({
      touchpoint: 'Checkout Step Viewed',
      touchpointKind: 'custom',
      step: 2,
      stage: 'decision',
      momentOfTruth: true,
    });
    expect(send.events[1].properties).not.toHaveProperty('stage');
    expect(send.events[1].properties).not.toHaveProperty('momentOfTruth');
  });

  test('a capture can set touchpointKind', async () => {
    const { tracker, send } = makeTracker();
    tracker.track('Docs link', { touchpointKind: 'link_click', href: '/docs' });
    await tracker.flush();
    expect(send.events[0].properties).toMatchObject({ touchpoint: 'Docs link', touchpointKind: 'link_click' });
  });

  test('the element given to track() reaches processors but is never sent', async () => {
    const button = document.createElement('button');
    const seen: (Element | undefined)[] = [];
    const { tracker, send } = makeTracker({ processors: [(t, element) => (seen.push(element), t)] });
    tracker.track('Click', {}, { element: button });
    await tracker.flush();
    expect(seen).toEqual([button]);
    expect(send.requests[0]!.body).not.toContain('element');
  });

  test('context.campaign carries the utm_* parameters of the URL, in Segment names', async () => {
    setUrl('/?utm_source=newsletter&utm_medium=email&utm_campaign=spring&utm_term=shoes&utm_content=hero&ref=x');
    const { tracker, send } = makeTracker();
    tracker.track('Landing');
    await tracker.flush();
    expect(send.events[0].context.campaign).toEqual({ source: 'newsletter', medium: 'email', name: 'spring', term: 'shoes', content: 'hero' });
  });

  test('without utm parameters there is no context.campaign', async () => {
    const { tracker, send } = makeTracker();
    tracker.track('Direct');
    await tracker.flush();
    expect(send.events[0].context).not.toHaveProperty('campaign');
  });

  test('after an SPA route change the previous page is the referrer, of the page view and what follows', async () => {
    setUrl('/home');
    const { tracker, send } = makeTracker({ captures: [pageViews()] });
    history.pushState({}, '', '/pricing');
    vi.advanceTimersByTime(0);
    tracker.track('Plan Selected');
    await tracker.flush();
    const [home, pricing, selected] = send.events;
    expect(home.type).toBe('page');
    expect(home.context.page.path).toBe('/home');
    expect(home.context.page.referrer).toBe(document.referrer);
    expect(pricing.type).toBe('page');
    expect(pricing.context.page.path).toBe('/pricing');
    expect(pricing.context.page.referrer).toBe('http://localhost:3000/home');
    expect(selected.context.page.referrer).toBe('http://localhost:3000/home');
  });

  test('a custom serialize gets the events and the loss counts, and its output is the body', async () => {
    const serialize = vi.fn((events: Touchpoint[], meta: { dropped: number; failed: number }) =>
      events.map((e) => `${e.type}:${e.event ?? e.name}:${meta.dropped}`).join('\n'),
    );
    const { tracker, send } = makeTracker({ serialize });
    tracker.track('One');
    await tracker.flush();
    expect(send.requests[0]!.body).toBe('track:One:0');
  });
});

describe('identify', () => {
  test('sends an identify event with the traits, and ties later events to the user', async () => {
    const { tracker, send } = makeTracker();
    tracker.track('Before');
    tracker.identify('user-42', { plan: 'pro' });
    tracker.track('After');
    await tracker.flush();
    const [before, identify, after] = send.events;
    expect(before.userId).toBeNull();
    expect(identify).toMatchObject({ type: 'identify', userId: 'user-42', traits: { plan: 'pro' } });
    expect(identify).not.toHaveProperty('event');
    expect(after.userId).toBe('user-42');
    expect(after.anonymousId).toBe(before.anonymousId);
  });

  test('the user id lasts: a tracker on the next page load still sends it', async () => {
    const first = makeTracker();
    first.tracker.identify('user-42');
    await first.tracker.flush();
    const next = makeTracker();
    next.tracker.track('Returned');
    await next.tracker.flush();
    expect(next.send.events[0].userId).toBe('user-42');
  });

  test.each([[''], [undefined], [42], [null], [{ id: 'x' }]])('identify(%j) warns, records nothing and keeps the user id', async (bad) => {
    const { tracker, send, push } = makeTracker();
    tracker.identify('user-1');
    await tracker.flush();
    expect(() => tracker.identify(bad as any)).not.toThrow();
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('identify()'));
    tracker.track('Next');
    await tracker.flush();
    expect(push).toHaveBeenCalledTimes(2);
    expect(send.events.at(-1).userId).toBe('user-1');
  });
});

describe('identity and session', () => {
  test('anonymousId persists across trackers (page loads) of one visitor', async () => {
    const first = makeTracker();
    first.tracker.track('One');
    await first.tracker.flush();
    const second = makeTracker();
    second.tracker.track('Two');
    await second.tracker.flush();
    expect(second.send.events[0].anonymousId).toBe(first.send.events[0].anonymousId);
  });

  test('a visitor who cleared storage is a new anonymousId', async () => {
    const first = makeTracker();
    first.tracker.track('One');
    await first.tracker.flush();
    localStorage.clear();
    const second = makeTracker();
    second.tracker.track('Two');
    await second.tracker.flush();
    expect(second.send.events[0].anonymousId).not.toBe(first.send.events[0].anonymousId);
  });

  test('the session lasts while touchpoints come less than 30 minutes apart, and rotates after 30 idle minutes', async () => {
    const { tracker, send } = makeTracker();
    tracker.track('A');
    await tracker.flush();
    vi.setSystemTime(T0.getTime() + 25 * MINUTE);
    tracker.track('B');
    await tracker.flush();
    vi.setSystemTime(T0.getTime() + 50 * MINUTE);
    tracker.track('C');
    await tracker.flush();
    vi.setSystemTime(T0.getTime() + 81 * MINUTE);
    tracker.track('D');
    tracker.track('E');
    await tracker.flush();
    const [a, b, c, d, e] = send.events.map((x) => x.context.sessionId);
    expect(b).toBe(a);
    expect(c).toBe(a);
    expect(d).not.toBe(a);
    expect(d).toMatch(UUID);
    expect(e).toBe(d);
  });

  test('the session rotates when the visitor arrives from a new utm campaign', async () => {
    const { tracker, send } = makeTracker();
    tracker.track('Direct');
    await tracker.flush();
    setUrl('/?utm_source=ads&utm_campaign=spring');
    tracker.track('Spring landing');
    tracker.track('Spring browsing');
    await tracker.flush();
    setUrl('/pricing');
    tracker.track('Pricing');
    await tracker.flush();
    setUrl('/?utm_source=ads&utm_campaign=summer');
    tracker.track('Summer landing');
    await tracker.flush();
    const [direct, spring, springAgain, pricing, summer] = send.events.map((x) => x.context.sessionId);
    expect(spring).not.toBe(direct);
    expect(springAgain).toBe(spring);
    expect(pricing).toBe(spring);
    expect(summer).not.toBe(spring);
  });

  test('two tabs that landed from two campaigns start one session each, not one per touchpoint', async () => {
    setUrl('/?utm_source=ads&utm_campaign=spring');
    const spring = makeTracker();
    spring.tracker.track('Spring landing');
    await spring.tracker.flush();
    setUrl('/?utm_source=ads&utm_campaign=retarget');
    const retarget = makeTracker();
    retarget.tracker.track('Retarget landing');
    await retarget.tracker.flush();
    // The visitor goes back and forth between the tabs; each page's URL still carries its campaign.
    for (let i = 0; i < 2; i++) {
      setUrl('/?utm_source=ads&utm_campaign=spring');
      spring.tracker.track('Spring click');
      await spring.tracker.flush();
      setUrl('/?utm_source=ads&utm_campaign=retarget');
      retarget.tracker.track('Retarget click');
      await retarget.tracker.flush();
    }
    const [springLanding, ...springClicks] = spring.send.events.map((e) => e.context.sessionId);
    const [retargetLanding, ...retargetClicks] = retarget.send.events.map((e) => e.context.sessionId);
    expect(retargetLanding).not.toBe(springLanding);
    expect(new Set([retargetLanding, ...springClicks, ...retargetClicks])).toEqual(new Set([retargetLanding]));
  });

  test('two trackers (tabs) of one visitor share the session', async () => {
    const one = makeTracker();
    const two = makeTracker();
    one.tracker.track('Tab 1');
    two.tracker.track('Tab 2');
    await one.tracker.flush();
    await two.tracker.flush();
    expect(two.send.events[0].context.sessionId).toBe(one.send.events[0].context.sessionId);
  });
});

describe('processing', () => {
  test('track() only records: the burst is processed and stored together in a microtask, one queue.push per burst', async () => {
    const { tracker, push } = makeTracker();
    for (let i = 0; i < 5; i++) tracker.track(`Event ${i}`);
    expect(push).not.toHaveBeenCalled();
    await settle();
    expect(push).toHaveBeenCalledTimes(1);
    expect(push.mock.calls[0]![0].map((e) => e.event.event)).toEqual(['Event 0', 'Event 1', 'Event 2', 'Event 3', 'Event 4']);
    tracker.track('Next task');
    tracker.page();
    await settle();
    expect(push).toHaveBeenCalledTimes(2);
    expect(push.mock.calls[1]![0]).toHaveLength(2);
  });

  test('a large burst is processed in slices of 100, a task each, in order', async () => {
    const { tracker, push, send } = makeTracker({ batchSize: 1000 });
    for (let i = 0; i < 600; i++) tracker.track(`Event ${i}`);
    await settle();
    expect(push.mock.calls.map((call) => call[0].length)).toEqual([100]);
    await vi.advanceTimersByTimeAsync(10);
    expect(push.mock.calls.map((call) => call[0].length)).toEqual([100, 100, 100, 100, 100, 100]);
    await tracker.flush();
    expect(send.events.map((e) => e.event)).toEqual(Array.from({ length: 600 }, (_, i) => `Event ${i}`));
  });

  test('the slices still waiting are processed at once when the page is hidden, and beaconed', async () => {
    const { tracker, push, send } = makeTracker({ batchSize: 1000 });
    for (let i = 0; i < 600; i++) tracker.track(`Event ${i}`);
    await settle();
    setVisibility('hidden');
    expect(push.mock.calls.map((call) => call[0].length)).toEqual([100, 500]);
    await settle();
    expect(send.requests.every((r) => r.unloading)).toBe(true);
    expect(send.events).toHaveLength(600);
  });

  test('processors run in order on every touchpoint, which carries its session by then, and may change it', async () => {
    const order: string[] = [];
    const first: Processor = (t) => (order.push(`first:${t.event}`), { ...t, properties: { ...t.properties, stage: 'awareness' } });
    const second: Processor = (t) => (order.push(`second:${t.properties.stage}`), expect(t.context.sessionId).toMatch(UUID), t);
    const { tracker, send } = makeTracker({ processors: [first, second] });
    tracker.track('Landing');
    await tracker.flush();
    expect(order).toEqual(['first:Landing', 'second:awareness']);
    expect(send.events[0].properties.stage).toBe('awareness');
  });

  test('a processor that returns null drops that touchpoint (later processors never see it); the rest go', async () => {
    const later = vi.fn((t: Touchpoint) => t);
    const consent: Processor = (t) => (t.event === 'Secret' ? null : t);
    const { tracker, send, push } = makeTracker({ processors: [consent, later] });
    tracker.track('Secret');
    tracker.track('Public');
    await tracker.flush();
    expect(send.events.map((e) => e.event)).toEqual(['Public']);
    expect(later).toHaveBeenCalledTimes(1);
    expect(push.mock.calls[0]![0]).toHaveLength(1);
  });

  test('a processor may add touchpoints after the one it was given (an array); the processors after it see them all', async () => {
    const seenBySecond: string[] = [];
    const addStage: Processor = (t) =>
      t.event === 'Order Completed' ? [t, { ...t, event: 'Journey Stage Reached', messageId: crypto.randomUUID() }] : t;
    const second: Processor = (t) => (seenBySecond.push(t.event!), t);
    const { tracker, send } = makeTracker({ processors: [addStage as Processor, second] });
    tracker.track('Order Completed');
    await tracker.flush();
    expect(seenBySecond).toEqual(['Order Completed', 'Journey Stage Reached']);
    expect(send.events.map((e) => e.event)).toEqual(['Order Completed', 'Journey Stage Reached']);
  });

  describe('a processor that is still loading (ready)', () => {
    // A processor that tags with what a rules file says, once it has come.
    const loadingProcessor = () => {
      let stage = 'default';
      let loaded!: () => void;
      const processor: Processor = (t) => ({ ...t, properties: { ...t.properties, stage } });
      processor.ready = new Promise<void>((resolve) => (loaded = () => ((stage = 'from rules'), resolve())));
      return { processor, loaded };
    };

    test('touchpoints wait until it is ready, and are then processed with what it loaded', async () => {
      const { processor, loaded } = loadingProcessor();
      const { tracker, push, send } = makeTracker({ processors: [processor] });
      tracker.track('Landing');
      await settle();
      expect(push).not.toHaveBeenCalled();
      loaded();
      await settle();
      expect(push).toHaveBeenCalledTimes(1);
      tracker.track('Later');
      await tracker.flush();
      expect(send.events.map((e) => [e.event, e.properties.stage])).toEqual([
        ['Landing', 'from rules'],
        ['Later', 'from rules'],
      ]);
    });

    test('they wait a second at most: a rules file that never comes costs the rules, not the touchpoints', async () => {
      const { processor } = loadingProcessor();
      const { tracker, push, send } = makeTracker({ processors: [processor] });
      tracker.track('Landing');
      await vi.advanceTimersByTimeAsync(999);
      expect(push).not.toHaveBeenCalled();
      await vi.advanceTimersByTimeAsync(1);
      expect(push).toHaveBeenCalledTimes(1);
      await tracker.flush();
      expect(send.events.map((e) => e.properties.stage)).toEqual(['default']);
    });

    test('they do not wait once the page is hidden: it may not get another chance', async () => {
      const { processor } = loadingProcessor();
      const { tracker, send } = makeTracker({ processors: [processor] });
      tracker.track('Landing');
      await settle();
      setVisibility('hidden');
      await settle();
      expect(send.requests.map((r) => r.unloading)).toEqual([true]);
      expect(send.events.map((e) => e.event)).toEqual(['Landing']);
    });

    test('flush() does not wait', async () => {
      const { processor } = loadingProcessor();
      const { tracker, send } = makeTracker({ processors: [processor] });
      tracker.track('Landing');
      await tracker.flush();
      expect(send.events.map((e) => e.event)).toEqual(['Landing']);
    });
  });

  test('a burst whose touchpoints are all dropped stores and sends nothing', async () => {
    const { tracker, send, push } = makeTracker({ processors: [() => null] });
    tracker.track('A');
    tracker.track('B');
    await tracker.flush();
    await vi.advanceTimersByTimeAsync(5000);
    expect(push).not.toHaveBeenCalled();
    expect(send).not.toHaveBeenCalled();
  });

  test('a processor that throws drops that touchpoint (it might be the redactor), without throwing at the page', async () => {
    const redact: Processor = (t) => {
      if (t.properties.email) throw new Error('cannot redact');
      return t;
    };
    const { tracker, send } = makeTracker({ processors: [redact] });
    expect(() => tracker.track('Form Sent', { email: 'a@example.com' })).not.toThrow();
    tracker.track('Other');
    await expect(tracker.flush()).resolves.toBeUndefined();
    expect(send.events.map((e) => e.event)).toEqual(['Other']);
    expect(send.requests[0]!.body).not.toContain('a@example.com');
  });

  test('in debug mode touchtrail’s own failures and every touchpoint are logged; otherwise the console stays quiet', async () => {
    const boom = new Error('processor broke');
    const broken: Processor = () => {
      throw boom;
    };
    const quiet = makeTracker({ processors: [broken] });
    quiet.tracker.track('X');
    await quiet.tracker.flush();
    expect(warn).not.toHaveBeenCalled();
    const loud = makeTracker({ processors: [broken], debug: true });
    loud.tracker.track('X');
    await loud.tracker.flush();
    expect(warn).toHaveBeenCalledWith('touchtrail:', 'failure 1:', boom);
  });

  test('a capture that throws when started does not stop the tracker', async () => {
    const broken: Capture = () => {
      throw new Error('capture broke');
    };
    const { tracker, send } = makeTracker({ captures: [broken, pageViews()] });
    tracker.track('Still works');
    await tracker.flush();
    expect(send.events.map((e) => e.type)).toEqual(['page', 'track']);
  });
});

describe('track() with bad input', () => {
  test.each([
    ['no name', []],
    ['an empty name', ['']],
    ['a number as name', [42]],
    ['null as name', [null]],
    ['an object as name', [{ event: 'x' }]],
    ['properties as a string', ['Event', 'plan=pro']],
    ['properties as a number', ['Event', 5]],
    ['properties as true', ['Event', true]],
  ])('%s: warns, records nothing, never throws', async (_, args) => {
    const { tracker, send, push } = makeTracker();
    expect(() => (tracker.track as any)(...args)).not.toThrow();
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/^touchtrail: .*ignored/));
    await tracker.flush();
    await vi.advanceTimersByTimeAsync(5000);
    expect(push).not.toHaveBeenCalled();
    expect(send).not.toHaveBeenCalled();
  });

  test('properties that JSON cannot carry are made safe: a cycle is left out with a warning, a BigInt becomes a string', async () => {
    const cyclic: Record<string, unknown> = { kept: 1 };
    cyclic.self = cyclic;
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { tracker, send } = makeTracker();
    expect(() => tracker.track('Cyclic', cyclic)).not.toThrow();
    expect(() => tracker.track('Big', { n: 10n })).not.toThrow();
    tracker.track('Fine');
    await expect(tracker.flush()).resolves.toBeUndefined();
    expect(send.events.map((e) => e.event)).toEqual(['Cyclic', 'Big', 'Fine']);
    expect(send.events[0]!.properties).toMatchObject({ kept: 1 });
    // The cycle is cut where it comes back round: properties.self is the object once, without its own self.
    expect(send.events[0]!.properties.self).toEqual({ kept: 1 });
    expect(send.events[1]!.properties.n).toBe('10');
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('property self.self of "Cyclic" is a circular reference'));
    warn.mockRestore();
  });

  test('an Error, a Map and a Set are sent readable, not as the {} JSON makes of them', async () => {
    const { tracker, send } = makeTracker();
    const error = new TypeError('card declined');
    tracker.track('Payment Failed', { error, cart: new Map([['sku-1', 2]]), tags: new Set(['gift']) });
    await tracker.flush();
    expect(send.events[0]!.properties).toMatchObject({
      error: { name: 'TypeError', message: 'card declined' },
      cart: { 'sku-1': 2 },
      tags: ['gift'],
    });
  });

  // A Symbol or a null-prototype object cannot go into a template literal: the warning must be built without one
  // (identify()'s too), or track() would throw at the page, which the Tracker type promises it never does.
  test.each([
    ['a Symbol as name', [Symbol('signup')]],
    ['a null-prototype object as name', [Object.create(null)]],
  ])('%s: warns, never throws', (_, args) => {
    const { tracker } = makeTracker();
    expect(() => (tracker.track as any)(...args)).not.toThrow();
  });

  test('identify(Symbol()) warns, never throws', () => {
    const { tracker } = makeTracker();
    expect(() => tracker.identify(Symbol('user') as any)).not.toThrow();
  });

  // Options of null cannot be destructured, and properties whose getter throws (a Proxy, a lazy model object) throw
  // when copied: track() must survive both, since it may never throw at the page.
  test('track(name, properties, null) never throws', () => {
    const { tracker } = makeTracker();
    expect(() => tracker.track('Event', {}, null as any)).not.toThrow();
  });

  test('properties with a getter that throws never make track() throw', () => {
    const { tracker } = makeTracker();
    const model = {
      get price(): number {
        throw new Error('not loaded');
      },
    };
    expect(() => tracker.track('Event', model)).not.toThrow();
  });
});

describe('delivery through the tracker', () => {
  test('sends when batchSize touchpoints wait', async () => {
    const { tracker, send } = makeTracker({ batchSize: 3 });
    tracker.track('1');
    tracker.track('2');
    await settle();
    expect(send).not.toHaveBeenCalled();
    tracker.track('3');
    await settle();
    expect(send).toHaveBeenCalledTimes(1);
    expect(send.events).toHaveLength(3);
  });

  test('the first burst (the page view) is sent at once; what follows waits up to flushInterval for company', async () => {
    const { tracker, send } = makeTracker({ flushInterval: 3000 });
    tracker.page();
    await vi.advanceTimersByTimeAsync(0);
    expect(send).toHaveBeenCalledTimes(1);
    tracker.track('Waits');
    await vi.advanceTimersByTimeAsync(1000);
    tracker.track('Joins it');
    await vi.advanceTimersByTimeAsync(1999);
    expect(send).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(send).toHaveBeenCalledTimes(2);
    expect(send.requests[1]!.events.map((e) => e.event)).toEqual(['Waits', 'Joins it']);
  });

  test('flushInterval 0 sends in the next task', async () => {
    const { tracker, send } = makeTracker({ flushInterval: 0 });
    tracker.track('Now');
    await settle();
    await vi.advanceTimersByTimeAsync(0);
    expect(send).toHaveBeenCalledTimes(1);
  });

  test('flush() sends what was tracked in this very task', async () => {
    const { tracker, send } = makeTracker();
    tracker.track('Just now');
    await tracker.flush();
    expect(send.events.map((e) => e.event)).toEqual(['Just now']);
  });

  test('a 503 is retried with the very same events: same messageIds and timestamps', async () => {
    const { tracker, send, queue } = makeTracker({ send: spySend(503, 200) });
    tracker.track('Order Completed', { total: 42 });
    tracker.page();
    await tracker.flush();
    await vi.advanceTimersByTimeAsync(1000);
    expect(send).toHaveBeenCalledTimes(2);
    expect(send.requests[1]!.events).toEqual(send.requests[0]!.events);
    expect(await queue.read()).toEqual([]);
  });

  test('what is tracked while the page is hidden is beaconed at once', async () => {
    setVisibility('hidden', false);
    const { tracker, send } = makeTracker();
    tracker.track('Background');
    await settle();
    expect(send).toHaveBeenCalledTimes(1);
    expect(send.requests[0]!.unloading).toBe(true);
  });

  test('visibilitychange to hidden and pagehide beacon what waits (unloading = true)', async () => {
    const { tracker, send } = makeTracker();
    tracker.track('Before hiding');
    await settle();
    setVisibility('hidden');
    await settle();
    expect(send.requests.map((r) => [r.unloading, r.events.map((e) => e.event)])).toEqual([[true, ['Before hiding']]]);
    setVisibility('visible');
    tracker.track('Before leaving');
    await settle();
    pageTransition('pagehide');
    await settle();
    expect(send.requests.map((r) => [r.unloading, r.events.map((e) => e.event)])).toEqual([
      [true, ['Before hiding']],
      [true, ['Before leaving']],
    ]);
  });

  test('nothing listens to unload or beforeunload, whatever is captured', () => {
    const winAdd = vi.spyOn(window, 'addEventListener');
    const docAdd = vi.spyOn(document, 'addEventListener');
    makeTracker({ captures: [pageViews({ hash: true })] });
    const types = [...winAdd.mock.calls, ...docAdd.mock.calls].map((c) => c[0]);
    expect(types).toEqual(expect.arrayContaining(['visibilitychange', 'pagehide']));
    expect(types).not.toContain('unload');
    expect(types).not.toContain('beforeunload');
  });

  test('a queue whose push rejects: the events are delivered from memory', async () => {
    const queue: Queue = {
      push: async () => {
        throw new DOMException('broken', 'UnknownError');
      },
      read: async () => [],
      remove: async () => {},
    };
    const { tracker, send } = makeTracker({ queue });
    tracker.track('Kept in memory');
    await vi.advanceTimersByTimeAsync(2000);
    expect(send.events.map((e) => e.event)).toEqual(['Kept in memory']);
  });

  test('an IndexedDB that hangs (Safari’s first open) times out, and the events are delivered from memory', async () => {
    vi.useRealTimers();
    vi.useFakeTimers({ now: T0, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    vi.spyOn(indexedDB, 'open').mockImplementation(() => ({}) as IDBOpenDBRequest);
    const { tracker, send } = makeTracker({ queue: idbQueue({ database: 'hangs' }) });
    tracker.track('Despite IndexedDB');
    await vi.advanceTimersByTimeAsync(3000);
    await settle();
    expect(send.events.map((e) => e.event)).toEqual(['Despite IndexedDB']);
  });

  // A queue that never answers must not hold delivery up: waiting on it without a limit, nothing would be sent until
  // the page was hidden, and flush() and stop() would never resolve.
  test('a queue whose push never settles: flush() still resolves and the events are delivered from memory', async () => {
    const queue: Queue = { push: () => new Promise<number>(() => {}), read: async () => [], remove: async () => {} };
    const { tracker, send } = makeTracker({ queue });
    tracker.track('Kept in memory');
    let flushed = false;
    tracker.flush().then(() => (flushed = true));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(flushed).toBe(true);
    expect(send.events.map((e) => e.event)).toEqual(['Kept in memory']);
  });

  test('the backlog a closed tab left in the queue is sent once and removed', async () => {
    const queue = memoryQueue();
    const left = [queued('closed-tab'), queued('closed-tab')];
    await queue.push(left);
    const { tracker, send } = makeTracker({ queue });
    await vi.advanceTimersByTimeAsync(2000);
    expect(send.messageIds).toEqual(left.map((e) => e.event.messageId));
    expect(await queue.read()).toEqual([]);
    await vi.advanceTimersByTimeAsync(5 * MINUTE);
    tracker.track('Later');
    await tracker.flush();
    await vi.advanceTimersByTimeAsync(5 * MINUTE);
    expect(send.messageIds.filter((id) => left.some((e) => e.event.messageId === id))).toHaveLength(2);
  });
});

describe('stop()', () => {
  test('sends what waits, stops the captures, and nothing is sent afterwards', async () => {
    const pushState = History.prototype.pushState;
    const { tracker, send } = makeTracker({ captures: [pageViews()] });
    tracker.track('Last words');
    await tracker.stop();
    expect(send.events.map((e) => e.event ?? e.type)).toEqual(['page', 'Last words']);
    expect(history.pushState).toBe(pushState);
    history.pushState({}, '', '/after-stop');
    await vi.advanceTimersByTimeAsync(10 * MINUTE);
    setVisibility('hidden');
    pageTransition('pagehide');
    await settle();
    expect(send).toHaveBeenCalledTimes(1);
  });
});

describe('under a privacy signal (storageless: there is no queue, memory is all there is)', () => {
  beforeEach(() => Object.defineProperty(navigator, 'globalPrivacyControl', { configurable: true, value: true }));
  afterEach(() => delete (navigator as any).globalPrivacyControl);

  test('stop() while the page view is on a slow way still sends what was tracked after it', async () => {
    const first = deferred<number>();
    const { tracker, send } = makeTracker({ send: spySend(first.promise) });
    tracker.page();
    await vi.advanceTimersByTimeAsync(2500);
    tracker.track('Added To Cart');
    await settle();
    const stopping = tracker.stop();
    first.resolve(200);
    await stopping;
    expect(send.events.map((e) => e.event ?? e.type)).toEqual(['page', 'Added To Cart']);
  });

  test('what is beaconed while the collector fails stays in memory, and goes with the retry while the tab lives', async () => {
    const { tracker, send } = makeTracker();
    send.otherwise(503);
    tracker.page();
    await vi.advanceTimersByTimeAsync(0);
    tracker.track('Checkout Step Viewed');
    await settle();
    // The visitor switches tabs: the browser takes the beacon, but the collector is down.
    send.answer(202);
    setVisibility('hidden');
    await settle();
    setVisibility('visible');
    send.otherwise(200);
    await vi.advanceTimersByTimeAsync(10 * MINUTE);
    const delivered = send.requests.filter((r) => !r.unloading).flatMap((r) => r.events.map((e: any) => e.event ?? e.type));
    // (The page view's first attempts met the 503s.)
    expect(delivered.slice(-2)).toEqual(['page', 'Checkout Step Viewed']);
    // Beaconed once, however often the page is hidden afterwards.
    expect(send.requests.filter((r) => r.unloading)).toHaveLength(1);
  });
});

describe('after stop()', () => {
  test('nothing is tracked, and a late consent("granted") starts nothing again', async () => {
    const { tracker, send } = makeTracker({ consent: 'pending' });
    tracker.track('Waited');
    await settle();
    await tracker.stop();
    tracker.consent('granted');
    tracker.track('After stop');
    await settle();
    setVisibility('hidden');
    pageTransition('pagehide');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(send).not.toHaveBeenCalled();
  });
});
