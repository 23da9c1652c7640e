import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { createDelivery, type DeliveryOptions } from '../../../src/core/createDelivery';
import { memoryQueue } from '../../../src/queue/memoryQueue';
import { serializeBatch } from '../../../src/transport/serializeBatch';
import type { Queue, QueuedEvent, Touchpoint } from '../../../src/types';
import { fakeLocks, installLocks, pageTransition, recordListeners, resetPage, setVisibility } from '../../helpers/page';
import { deferred, settle } from '../../helpers/settle';
import { spySend, type SpySend } from '../../helpers/spySend';
import { queued, touchpoint, touchpointOfSize } from '../../helpers/touchpoints';

const COLLECTOR = 'https://collector.example/v1/batch';
const T0 = new Date('2024-05-01T10:00:00.000Z');
const bytesOf = (text: string) => new TextEncoder().encode(text).length;

const running: (() => void)[] = [];
const cleanups: (() => void)[] = [];

/** A delivery with an in-memory queue (spied on) and a spy send, unless given others. */
const start = (options: Partial<Omit<DeliveryOptions, 'send'>> & { send?: SpySend } = {}) => {
  const send = options.send || spySend();
  const queue: Queue = options.queue || memoryQueue();
  const push = vi.spyOn(queue, 'push');
  const read = vi.spyOn(queue, 'read');
  const remove = vi.spyOn(queue, 'remove');
  const fail = vi.fn();
  const [delivery, unlisten] = recordListeners(() =>
    createDelivery({
      collector: COLLECTOR,
      serialize: serializeBatch,
      batchSize: 20,
      flushInterval: 2000,
      maxBatchBytes: 60_000,
      fail,
      remember: true,
      ...options,
      queue,
      send,
    }),
  );
  running.push(() => (delivery.stop(), unlisten()));
  return { delivery, send, queue, push, read, remove, fail };
};

const ids = (events: { messageId: string }[]) => events.map((e) => e.messageId);
const storedIds = async (queue: Queue) => (await queue.read()).map((e) => e.event.messageId);

beforeEach(() => {
  localStorage.clear();
  vi.useFakeTimers({ now: T0 });
});

afterEach(() => {
  running.splice(0).forEach((stop) => stop());
  cleanups.splice(0).forEach((undo) => undo());
  vi.useRealTimers();
  vi.restoreAllMocks();
  resetPage();
  localStorage.clear();
});

describe('persisting and batching', () => {
  test('stores each burst with one queue.push, before anything of it is sent', async () => {
    const { delivery, send, push } = start();
    const events = [touchpoint(), touchpoint(), touchpoint()];
    delivery.add(events);
    expect(push).toHaveBeenCalledTimes(1);
    const stored = push.mock.calls[0]![0];
    expect(stored.map((e) => e.event)).toEqual(events);
    await delivery.flush();
    expect(send).toHaveBeenCalledTimes(1);
    expect(push.mock.invocationCallOrder[0]).toBeLessThan(send.mock.invocationCallOrder[0]!);
  });

  test('stored events carry their tab, a key that sorts in tracking order, and their size', async () => {
    const { delivery, push } = start();
    const events = [touchpoint(), touchpoint()];
    delivery.add(events);
    vi.advanceTimersByTime(5);
    delivery.add([touchpoint()]);
    const [a, b] = push.mock.calls[0]![0];
    const [c] = push.mock.calls[1]![0];
    expect(a!.tab).toBeTruthy();
    expect(new Set([a!.tab, b!.tab, c!.tab]).size).toBe(1);
    expect(a!.key).toEqual([T0.getTime(), expect.any(Number), events[0]!.messageId]);
    expect(b!.key[0]).toBe(T0.getTime());
    expect(b!.key[1]).toBeGreaterThan(a!.key[1]);
    expect(c!.key[0]).toBe(T0.getTime() + 5);
    expect(c!.key[1]).toBeGreaterThan(b!.key[1]);
    expect(a!.bytes).toBe(bytesOf(JSON.stringify(events[0])));
  });

  test('two deliveries (two tabs) tag their events with different tabs', () => {
    const one = start();
    const two = start();
    one.delivery.add([touchpoint()]);
    two.delivery.add([touchpoint()]);
    expect(one.push.mock.calls[0]![0][0]!.tab).not.toBe(two.push.mock.calls[0]![0][0]!.tab);
  });

  test('sends as soon as batchSize events wait, without waiting for the interval', async () => {
    const { delivery, send } = start({ batchSize: 3 });
    delivery.add([touchpoint(), touchpoint()]);
    await settle();
    expect(send).not.toHaveBeenCalled();
    const third = touchpoint();
    delivery.add([third]);
    await settle();
    expect(send).toHaveBeenCalledTimes(1);
    expect(send.requests[0]!.events).toHaveLength(3);
    expect(send.requests[0]!.events[2].messageId).toBe(third.messageId);
  });

  test('sends the first burst at once, and what waits after it after flushInterval ms', async () => {
    const { delivery, send } = start({ flushInterval: 5000 });
    delivery.add([touchpoint()]);
    await vi.advanceTimersByTimeAsync(0);
    expect(send).toHaveBeenCalledTimes(1);
    delivery.add([touchpoint()]);
    await vi.advanceTimersByTimeAsync(4999);
    expect(send).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    await settle();
    expect(send).toHaveBeenCalledTimes(2);
    expect(send.requests.map((r) => r.unloading)).toEqual([false, false]);
  });

  test('what is tracked while the first burst is being stored and sent waits for the next flush, not that request', async () => {
    // The first burst's request may still be in flight when the page goes: what joins it would be sent again by
    // the next visit (its answer never comes); waiting, it leaves by the beacon at pagehide instead.
    const stored = deferred<number>();
    const queue = memoryQueue();
    let pushes = 0;
    const push = queue.push;
    queue.push = (events) => (pushes++ ? push(events) : stored.promise.then(() => push(events)));
    const { delivery, send } = start({ queue, flushInterval: 2000 });
    const first = touchpoint();
    delivery.add([first]);
    await vi.advanceTimersByTimeAsync(0);
    const later = touchpoint();
    delivery.add([later]);
    stored.resolve(0);
    await vi.advanceTimersByTimeAsync(0);
    expect(send.requests.map((r) => ids(r.events))).toEqual([[first.messageId]]);
    await vi.advanceTimersByTimeAsync(2000);
    expect(send.requests.map((r) => ids(r.events))).toEqual([[first.messageId], [later.messageId]]);
  });

  test('what is tracked during a first request slower than flushInterval is sent once that request is answered', async () => {
    const first = deferred<number>();
    const { delivery, send } = start({ send: spySend(first.promise) });
    delivery.add([touchpoint()]);
    await vi.advanceTimersByTimeAsync(1000);
    const later = touchpoint();
    delivery.add([later]);
    // Its timer (and the backlog's) fire while the first request is still open.
    await vi.advanceTimersByTimeAsync(2000);
    first.resolve(200);
    await vi.advanceTimersByTimeAsync(0);
    expect(send.messageIds).toContain(later.messageId);
  });

  test('flush() during the first request resolves only once what was added before it is sent too', async () => {
    const first = deferred<number>();
    const { delivery, send } = start({ send: spySend(first.promise) });
    delivery.add([touchpoint()]);
    await vi.advanceTimersByTimeAsync(2500);
    const later = touchpoint();
    delivery.add([later]);
    const flushed = delivery.flush();
    first.resolve(200);
    await flushed;
    expect(send.messageIds).toContain(later.messageId);
  });

  test('events added before the first burst has gone keep their timer: they are sent flushInterval later', async () => {
    const { delivery, send } = start({ flushInterval: 2000, batchSize: 1000 });
    // Later than the backlog's own timer, which would send them anyway.
    await vi.advanceTimersByTimeAsync(5000);
    const first = touchpoint();
    delivery.add([first]);
    // A second slice of the same burst, in a task that runs before the first burst's flush.
    const next = touchpoint();
    delivery.add([next]);
    await vi.advanceTimersByTimeAsync(0);
    expect(send.requests.map((r) => ids(r.events))).toEqual([[first.messageId]]);
    await vi.advanceTimersByTimeAsync(2000);
    expect(send.requests.map((r) => ids(r.events))).toEqual([[first.messageId], [next.messageId]]);
  });

  test('sends to the collector a Segment batch of the events, oldest first', async () => {
    const { delivery, send } = start();
    const events = [touchpoint(), touchpoint(), touchpoint()];
    delivery.add(events.slice(0, 2));
    delivery.add(events.slice(2));
    await delivery.flush();
    expect(send.requests).toHaveLength(1);
    expect(send.requests[0]!.url).toBe(COLLECTOR);
    expect(send.requests[0]!.json).toEqual({ batch: JSON.parse(JSON.stringify(events)), sentAt: T0.toISOString() });
  });

  test('flush() resolves only once the collector has answered', async () => {
    const answer = deferred<number>();
    const { delivery, queue } = start({ send: spySend(answer.promise) });
    delivery.add([touchpoint()]);
    let done = false;
    const flushing = delivery.flush().then(() => (done = true));
    await settle();
    expect(done).toBe(false);
    answer.resolve(200);
    await flushing;
    expect(await queue.read()).toEqual([]);
  });

  test.each([200, 202, 204])('a %i removes the events from the queue, and they are not sent again', async (status) => {
    const { delivery, send, queue, remove } = start({ send: spySend(status) });
    const events = [touchpoint(), touchpoint()];
    delivery.add(events);
    await delivery.flush();
    await settle();
    expect(remove).toHaveBeenCalled();
    expect(await queue.read()).toEqual([]);
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    delivery.add([touchpoint()]);
    await delivery.flush();
    expect(send.messageIds.filter((id) => ids(events).includes(id))).toEqual(ids(events));
  });

  test('an empty flush sends nothing', async () => {
    const { delivery, send } = start();
    await delivery.flush();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(send).not.toHaveBeenCalled();
  });
});

describe('retries', () => {
  test('a 503 is retried after 0.5 to 1 s, with the same events and messageIds; they stay queued until accepted', async () => {
    const { delivery, send, queue } = start({ send: spySend(503, 200) });
    const events = [touchpoint(), touchpoint()];
    delivery.add(events);
    await delivery.flush();
    expect(send).toHaveBeenCalledTimes(1);
    expect(await storedIds(queue)).toEqual(ids(events));
    await vi.advanceTimersByTimeAsync(499);
    expect(send).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(501);
    await settle();
    expect(send).toHaveBeenCalledTimes(2);
    const [first, retry] = send.requests;
    expect(retry!.events).toEqual(first!.events);
    expect(ids(retry!.events)).toEqual(ids(events));
    expect(await queue.read()).toEqual([]);
  });

  test('each further failure waits about twice as long (0.5-1 s, 1-2 s, 2-4 s)', async () => {
    const { delivery, send } = start({ send: spySend(500, 500, 500, 200) });
    delivery.add([touchpoint()]);
    await delivery.flush();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(send).toHaveBeenCalledTimes(4);
    const gaps = send.requests.slice(1).map((r, i) => r.at - send.requests[i]!.at);
    expect(gaps[0]).toBeGreaterThanOrEqual(500);
    expect(gaps[0]).toBeLessThanOrEqual(1000);
    expect(gaps[1]).toBeGreaterThanOrEqual(1000);
    expect(gaps[1]).toBeLessThanOrEqual(2000);
    expect(gaps[2]).toBeGreaterThanOrEqual(2000);
    expect(gaps[2]).toBeLessThanOrEqual(4000);
  });

  test('the wait stops growing at a cap, and the events keep being retried', async () => {
    const { delivery, send } = start({ send: spySend(...Array(12).fill(503), 200) });
    delivery.add([touchpoint()]);
    await delivery.flush();
    await vi.advanceTimersByTimeAsync(60 * 60_000);
    expect(send).toHaveBeenCalledTimes(13);
    const gaps = send.requests.slice(1).map((r, i) => r.at - send.requests[i]!.at);
    // The last waits are no longer doubling.
    expect(gaps.at(-1)! / gaps.at(-3)!).toBeLessThan(3);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(300_000);
  });

  test('the backoff starts again from 1 s after a success', async () => {
    const { delivery, send } = start({ send: spySend(503, 503, 200, 503, 200) });
    delivery.add([touchpoint()]);
    await delivery.flush();
    await vi.advanceTimersByTimeAsync(1000);
    await vi.advanceTimersByTimeAsync(2000);
    expect(send).toHaveBeenCalledTimes(3); // accepted on the second retry
    delivery.add([touchpoint()]);
    await delivery.flush();
    expect(send).toHaveBeenCalledTimes(4);
    await vi.advanceTimersByTimeAsync(1000);
    expect(send).toHaveBeenCalledTimes(5);
  });

  test('Retry-After in seconds is honoured to the millisecond', async () => {
    const { delivery, send } = start({ send: spySend({ status: 429, retryAfter: '30' }) });
    delivery.add([touchpoint()]);
    await delivery.flush();
    await vi.advanceTimersByTimeAsync(29_999);
    expect(send).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(send).toHaveBeenCalledTimes(2);
  });

  test('Retry-After as an HTTP date is honoured', async () => {
    const { delivery, send } = start({ send: spySend({ status: 503, retryAfter: 'Wed, 01 May 2024 10:02:00 GMT' }) });
    delivery.add([touchpoint()]);
    await delivery.flush();
    await vi.advanceTimersByTimeAsync(119_999);
    expect(send).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(send).toHaveBeenCalledTimes(2);
  });

  test.each([500, 502, 503, 504, 429, 408, 0, 302])('%i is retried until accepted, and nothing is lost', async (status) => {
    const { delivery, send, queue } = start({ send: spySend(status, 200) });
    const events = [touchpoint(), touchpoint()];
    delivery.add(events);
    await delivery.flush();
    expect(await storedIds(queue)).toEqual(ids(events));
    await vi.advanceTimersByTimeAsync(1000);
    expect(send).toHaveBeenCalledTimes(2);
    expect(ids(send.requests[1]!.events)).toEqual(ids(events));
    expect(await queue.read()).toEqual([]);
  });

  test('a send that throws counts as a network failure: reported to fail, and retried', async () => {
    const send = spySend(Promise.reject(new Error('boom')), 200);
    const { delivery, fail, queue } = start({ send });
    delivery.add([touchpoint()]);
    await expect(delivery.flush()).resolves.toBeUndefined();
    expect(fail).toHaveBeenCalledWith(expect.objectContaining({ message: 'boom' }));
    await vi.advanceTimersByTimeAsync(1000);
    expect(send).toHaveBeenCalledTimes(2);
    expect(await queue.read()).toEqual([]);
  });

  test('flush() during the backoff does not send early; events added meanwhile go with the retry', async () => {
    const { delivery, send } = start({ send: spySend({ status: 503, retryAfter: '10' }) });
    const first = touchpoint();
    delivery.add([first]);
    await delivery.flush();
    const second = touchpoint();
    delivery.add([second]);
    await delivery.flush();
    await vi.advanceTimersByTimeAsync(9_000);
    expect(send).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(send).toHaveBeenCalledTimes(2);
    expect(ids(send.requests[1]!.events)).toEqual(ids([first, second]));
  });

  test('coming back online retries at once, without waiting for the backoff', async () => {
    const { delivery, send } = start({ send: spySend({ status: 0 }, 200) });
    delivery.add([touchpoint()]);
    await delivery.flush();
    await vi.advanceTimersByTimeAsync(100);
    expect(send).toHaveBeenCalledTimes(1);
    window.dispatchEvent(new Event('online'));
    await settle();
    expect(send).toHaveBeenCalledTimes(2);
  });

  test("coming back online does not cut short a Retry-After: the collector answered, the network was not the problem", async () => {
    const { delivery, send } = start({ send: spySend({ status: 429, retryAfter: '120' }, 200) });
    delivery.add([touchpoint()]);
    await delivery.flush();
    window.dispatchEvent(new Event('online'));
    await vi.advanceTimersByTimeAsync(119_000);
    expect(send).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(send).toHaveBeenCalledTimes(2);
  });
});

describe('events the collector refuses for good', () => {
  test.each([400, 401, 403, 404, 413, 422])('%i: not retried, removed, and counted in the next batch as failed', async (status) => {
    const { delivery, send, queue, fail } = start({ send: spySend(status) });
    const refused = [touchpoint(), touchpoint()];
    delivery.add(refused);
    await delivery.flush();
    expect(fail).toHaveBeenCalled();
    await settle();
    expect(await queue.read()).toEqual([]);
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(send).toHaveBeenCalledTimes(1);
    const next = touchpoint();
    delivery.add([next]);
    await delivery.flush();
    expect(send.requests[1]!.json.failed).toBe(2);
    expect(ids(send.requests[1]!.events)).toEqual(ids([next]));
    // Reported once: the batch after that one says nothing more.
    delivery.add([touchpoint()]);
    await delivery.flush();
    expect(send.requests[2]!.json).not.toHaveProperty('failed');
  });

  test('the count is not lost when the batch that reports it fails', async () => {
    const { delivery, send } = start({ send: spySend(400, 503, 200, 200) });
    delivery.add([touchpoint()]);
    await delivery.flush();
    delivery.add([touchpoint()]);
    await delivery.flush();
    expect(send.requests[1]!.json.failed).toBe(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(send.requests[2]!.json.failed).toBe(1);
    delivery.add([touchpoint()]);
    await delivery.flush();
    expect(send.requests[3]!.json).not.toHaveProperty('failed');
  });
});

describe('a bounded queue', () => {
  test('when the queue drops its oldest to stay in bounds, the next batch says how many, once', async () => {
    const { delivery, send } = start({ queue: memoryQueue({ maxEvents: 2 }) });
    delivery.add([touchpoint(), touchpoint(), touchpoint(), touchpoint(), touchpoint()]);
    await delivery.flush();
    expect(send.requests[0]!.json.dropped).toBe(3);
    delivery.add([touchpoint()]);
    await delivery.flush();
    expect(send.requests[1]!.json).not.toHaveProperty('dropped');
  });

  test('the dropped count waits for a batch the collector accepts', async () => {
    const { delivery, send } = start({ queue: memoryQueue({ maxEvents: 1 }), send: spySend(503, 200, 200) });
    delivery.add([touchpoint(), touchpoint()]);
    await delivery.flush();
    expect(send.requests[0]!.json.dropped).toBe(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(send.requests[1]!.json.dropped).toBe(1);
    delivery.add([touchpoint()]);
    await delivery.flush();
    expect(send.requests[2]!.json).not.toHaveProperty('dropped');
  });

  // Two requests may be in flight at once (a flush still waiting for its answer when the page is hidden and the rest
  // is beaconed; the fetchLater request): the counts of dropped and failed events must be reported exactly once, never
  // twice, and never go negative.
  test('counts are reported once even when two requests are in flight at once', async () => {
    const inner = memoryQueue();
    let pushes = 0;
    const queue: Queue = {
      push: async (events) => (await inner.push(events), pushes++ === 0 ? 2 : 0),
      read: () => inner.read(),
      remove: (events) => inner.remove(events),
    };
    const slow = deferred<number>();
    const { delivery, send } = start({ queue, send: spySend(slow.promise) });
    delivery.add([touchpoint()]); // the queue drops 2 older events to store it
    const flushing = delivery.flush(); // its request waits for an answer…
    await settle();
    delivery.add([touchpoint()]);
    setVisibility('hidden'); // …while the page is hidden and the rest is beaconed
    await settle();
    slow.resolve(200);
    await flushing;
    delivery.add([touchpoint()]); // tracked while hidden: beaconed at once
    await settle();
    const reported = send.requests.map((r) => r.json.dropped ?? 0);
    expect(reported.every((n) => n >= 0)).toBe(true);
    expect(reported.reduce((a, b) => a + b, 0)).toBe(2);
  });
});

describe('chunks', () => {
  test('a flush sends everything, in chunks that each fit in maxBatchBytes and are as full as possible', async () => {
    const { delivery, send } = start({ maxBatchBytes: 2000 });
    const events = Array.from({ length: 10 }, () => touchpointOfSize(600));
    delivery.add(events);
    await delivery.flush();
    // 128 + 3 × 601 fits in 2000 (take() keeps 128 bytes for the batch's own keys); a fourth event would not.
    expect(send.requests.map((r) => r.events.length)).toEqual([3, 3, 3, 1]);
    for (const r of send.requests) expect(bytesOf(r.body)).toBeLessThanOrEqual(2000);
    expect(send.messageIds).toEqual(ids(events));
  });

  test('an event that fits a small maxBatchBytes keeps its properties', async () => {
    const { delivery, send } = start({ maxBatchBytes: 2000 });
    delivery.add([touchpointOfSize(1500)]);
    await delivery.flush();
    expect(send.requests[0]!.body.length).toBeLessThanOrEqual(2000);
    expect(send.events[0].properties.truncated).toBeUndefined();
  });

  test('an event larger than a request may be is cut down to what names it, marked truncated, and still goes', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { delivery, send, queue } = start({ maxBatchBytes: 2000 });
    const small = touchpointOfSize(600);
    const huge = touchpointOfSize(5000);
    delivery.add([small, huge, touchpointOfSize(600)]);
    await delivery.flush();
    const sent = send.requests.flatMap((r) => r.events);
    expect(sent.map((e) => e.messageId)).toContain(huge.messageId);
    const cut = sent.find((e) => e.messageId === huge.messageId)!;
    expect(cut.properties.truncated).toBe(true);
    expect(JSON.stringify(cut).length).toBeLessThan(1000);
    expect(send.requests.every((r) => r.body.length <= 2000)).toBe(true);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('larger than a request may be'));
    expect(await queue.read()).toEqual([]);
    warn.mockRestore();
  });

  test('when a later chunk fails, the accepted ones are removed and only the rest is retried', async () => {
    const { delivery, send, queue } = start({ maxBatchBytes: 2000, send: spySend(200, 503, 200) });
    const events = Array.from({ length: 6 }, () => touchpointOfSize(600));
    delivery.add(events);
    await delivery.flush();
    expect(send).toHaveBeenCalledTimes(2);
    expect(await storedIds(queue)).toEqual(ids(events.slice(3)));
    await vi.advanceTimersByTimeAsync(1000);
    expect(send).toHaveBeenCalledTimes(3);
    expect(ids(send.requests[2]!.events)).toEqual(ids(events.slice(3)));
    expect(await queue.read()).toEqual([]);
  });

  test('the default limit keeps every body under 60 000 bytes (the 64 KB keepalive budget)', async () => {
    const { delivery, send } = start();
    const events = Array.from({ length: 50 }, () => touchpointOfSize(4000));
    delivery.add(events);
    await delivery.flush();
    expect(send.requests.length).toBeGreaterThan(3);
    for (const r of send.requests) expect(bytesOf(r.body)).toBeLessThanOrEqual(60_000);
    expect(send.messageIds).toEqual(ids(events));
  });

  // The counts of dropped and failed events lengthen the body (`,"dropped":N,"failed":N`): a chunk packed to the
  // limit must leave room for them, since maxBatchBytes is the largest request body.
  test('a body reporting dropped and failed counts still fits in maxBatchBytes', async () => {
    const inner = memoryQueue();
    let pushes = 0;
    const queue: Queue = {
      push: async (events) => (await inner.push(events), pushes++ === 0 ? 1000 : 0),
      read: () => inner.read(),
      remove: (events) => inner.remove(events),
    };
    const { delivery, send } = start({ queue, maxBatchBytes: 2000, send: spySend(400, 200) });
    delivery.add([touchpoint()]); // 1000 dropped by the queue; the collector refuses this one (failed: 1)
    await delivery.flush();
    // Two events that fill a chunk to the byte by take()'s reckoning: 128 + 2 × (935 + 1) = 2000.
    delivery.add([touchpointOfSize(935), touchpointOfSize(935)]);
    await delivery.flush();
    const last = send.requests.at(-1)!;
    expect(last.events).toHaveLength(2);
    expect(last.json).toMatchObject({ dropped: 1000, failed: 1 });
    expect(bytesOf(last.body)).toBeLessThanOrEqual(2000);
  });
});

describe('leaving the page', () => {
  test('visibilitychange to hidden beacons what waits at once (unloading = true)', async () => {
    const { delivery, send } = start();
    const events = [touchpoint(), touchpoint()];
    delivery.add(events);
    await settle();
    setVisibility('hidden');
    await settle();
    expect(send).toHaveBeenCalledTimes(1);
    expect(send.requests[0]!.unloading).toBe(true);
    expect(ids(send.requests[0]!.events)).toEqual(ids(events));
  });

  test('visibilitychange to visible sends nothing', async () => {
    const { delivery, send } = start();
    delivery.add([touchpoint()]);
    setVisibility('visible');
    await settle();
    expect(send).not.toHaveBeenCalled();
  });

  test('pagehide beacons what waits at once (unloading = true)', async () => {
    const { delivery, send } = start();
    const event = touchpoint();
    delivery.add([event]);
    await settle();
    pageTransition('pagehide');
    await settle();
    expect(send).toHaveBeenCalledTimes(1);
    expect(send.requests[0]!.unloading).toBe(true);
    expect(ids(send.requests[0]!.events)).toEqual([event.messageId]);
  });

  test('a beacon the browser takes removes the events: they are not sent again', async () => {
    const { delivery, send, queue } = start({ send: spySend(202) });
    const events = [touchpoint()];
    delivery.add(events);
    setVisibility('hidden');
    await settle();
    expect(await queue.read()).toEqual([]);
    setVisibility('visible');
    await vi.advanceTimersByTimeAsync(120_000);
    await delivery.flush();
    expect(send).toHaveBeenCalledTimes(1);
  });

  test('a beacon the browser refuses (status 0) keeps the events; they go with the next flush', async () => {
    const { delivery, send, queue } = start({ send: spySend(0, 200) });
    const events = [touchpoint(), touchpoint()];
    delivery.add(events);
    setVisibility('hidden');
    await settle();
    expect(send).toHaveBeenCalledTimes(1);
    expect(await storedIds(queue)).toEqual(ids(events));
    setVisibility('visible');
    await vi.advanceTimersByTimeAsync(2000);
    expect(send).toHaveBeenCalledTimes(2);
    expect(send.requests[1]!.unloading).toBe(false);
    expect(ids(send.requests[1]!.events)).toEqual(ids(events));
  });

  test('beacons in chunks under maxBatchBytes', async () => {
    const { delivery, send } = start({ maxBatchBytes: 2000 });
    const events = Array.from({ length: 7 }, () => touchpointOfSize(600));
    delivery.add(events);
    pageTransition('pagehide');
    await settle();
    expect(send.requests.map((r) => r.events.length)).toEqual([3, 3, 1]);
    expect(send.requests.every((r) => r.unloading)).toBe(true);
    expect(send.messageIds).toEqual(ids(events));
  });

  test('events added while the page is hidden are beaconed at once', async () => {
    setVisibility('hidden', false);
    const { delivery, send } = start();
    const event = touchpoint();
    delivery.add([event]);
    await settle();
    expect(send).toHaveBeenCalledTimes(1);
    expect(send.requests[0]!.unloading).toBe(true);
    expect(ids(send.requests[0]!.events)).toEqual([event.messageId]);
  });

  test('while the collector is failing, beaconed events stay stored, and the next visit sends them', async () => {
    const queue = memoryQueue();
    const first = start({ queue, send: spySend(503, 202) });
    const events = [touchpoint()];
    first.delivery.add(events);
    await first.delivery.flush(); // 503: the collector is down
    pageTransition('pagehide'); // the beacon's fate is unknown
    await settle();
    expect(first.send.requests[1]!.unloading).toBe(true);
    expect(await storedIds(queue)).toEqual(ids(events));
    first.delivery.stop();
    // The next page load.
    const next = start({ queue });
    await vi.advanceTimersByTimeAsync(2000);
    expect(ids(next.send.events)).toEqual(ids(events));
    expect(await queue.read()).toEqual([]);
  });

  test('while offline, beaconed events stay stored', async () => {
    const { delivery, queue } = start({ send: spySend(202) });
    Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => false });
    cleanups.push(() => delete (navigator as any).onLine);
    const events = [touchpoint()];
    delivery.add(events);
    pageTransition('pagehide');
    await settle();
    expect(await storedIds(queue)).toEqual(ids(events));
  });

  test('events beaconed at unload are not sent again by the next visit, even if their deletion never committed', async () => {
    const inner = memoryQueue();
    let deletesWork = false;
    const queue: Queue = {
      push: (events) => inner.push(events),
      read: () => inner.read(),
      // IndexedDB may not commit a delete issued as the page goes away.
      remove: (events) => (deletesWork ? inner.remove(events) : Promise.resolve()),
    };
    const first = start({ queue });
    const events = [touchpoint(), touchpoint()];
    first.delivery.add(events);
    pageTransition('pagehide');
    await settle();
    expect(first.send.requests[0]!.unloading).toBe(true);
    first.delivery.stop();
    expect(await inner.read()).toHaveLength(2);
    deletesWork = true;
    const next = start({ queue });
    await vi.advanceTimersByTimeAsync(2000);
    expect(next.send).not.toHaveBeenCalled();
    expect(await inner.read()).toEqual([]);
  });

  test('listens to visibilitychange and pagehide, never to unload or beforeunload (they cost the bfcache), all passive', () => {
    const winAdd = vi.spyOn(window, 'addEventListener');
    const docAdd = vi.spyOn(document, 'addEventListener');
    start();
    const calls = [...winAdd.mock.calls, ...docAdd.mock.calls];
    const types = calls.map((c) => c[0]);
    expect(types).toContain('visibilitychange');
    expect(types).toContain('pagehide');
    expect(types).not.toContain('unload');
    expect(types).not.toContain('beforeunload');
    for (const c of calls) expect(c[2]).toMatchObject({ passive: true });
  });
});

describe('a queue that fails', () => {
  const brokenQueue = (overrides: Partial<Queue> = {}): Queue => ({
    push: vi.fn(async () => {
      throw new DOMException('IndexedDB is broken', 'UnknownError');
    }),
    read: vi.fn(async () => []),
    remove: vi.fn(async () => {}),
    ...overrides,
  });

  test('an event the queue failed to store and then delivered from memory is not stored with the next burst', async () => {
    const queue = memoryQueue();
    const push = queue.push;
    let broken = true;
    // IndexedDB refuses once (blocked, a transient error, the 3 s timeout), then works again.
    queue.push = (events) => (broken ? ((broken = false), Promise.reject(new Error('IndexedDB blocked'))) : push(events));
    const { delivery, send } = start({ queue });
    const first = touchpoint();
    delivery.add([first]);
    await vi.advanceTimersByTimeAsync(10);
    expect(ids(send.events)).toEqual([first.messageId]);
    delivery.add([touchpoint()]);
    await settle();
    // Stored now, it would go again with the next visit's backlog.
    expect(await storedIds(queue)).not.toContain(first.messageId);
  });

  test('when push rejects, the events are still delivered from memory, and the failure is reported', async () => {
    const { delivery, send, fail } = start({ queue: brokenQueue() });
    const events = [touchpoint(), touchpoint()];
    delivery.add(events);
    await vi.advanceTimersByTimeAsync(2000);
    expect(ids(send.events)).toEqual(ids(events));
    expect(fail).toHaveBeenCalledWith(expect.objectContaining({ name: 'UnknownError' }));
  });

  test('when push rejects, retries of those events still work from memory', async () => {
    const { delivery, send } = start({ queue: brokenQueue(), send: spySend(503, 200) });
    const events = [touchpoint()];
    delivery.add(events);
    await delivery.flush();
    await vi.advanceTimersByTimeAsync(1000);
    expect(send.messageIds).toEqual([...ids(events), ...ids(events)]);
  });

  test('events the queue failed to store are stored with the next burst, once it works again', async () => {
    let works = false;
    const inner = memoryQueue();
    const queue: Queue = {
      push: async (events) => {
        if (!works) throw new Error('broken');
        return inner.push(events);
      },
      read: () => inner.read(),
      remove: (events) => inner.remove(events),
    };
    const { delivery, push } = start({ queue, send: spySend({ status: 0 }) });
    const first = touchpoint();
    delivery.add([first]);
    await settle();
    works = true;
    const second = touchpoint();
    delivery.add([second]);
    await settle();
    expect(push.mock.calls[1]![0].map((e) => e.event.messageId)).toEqual(ids([first, second]));
    expect(await storedIds(queue)).toEqual(ids([first, second]));
  });

  test('when read rejects, this tab still delivers its own events', async () => {
    const read = vi.fn(async () => {
      throw new Error('read failed');
    });
    const { delivery, send, fail } = start({ queue: brokenQueue({ push: vi.fn(async () => 0), read }) });
    const event = touchpoint();
    delivery.add([event]);
    // The backlog is read once the page has started.
    await vi.advanceTimersByTimeAsync(2000);
    await delivery.flush();
    expect(read).toHaveBeenCalled();
    expect(ids(send.events)).toEqual([event.messageId]);
    expect(fail).toHaveBeenCalled();
  });

  test('when remove rejects, nothing throws and the delivered events are not sent again by this tab', async () => {
    const remove = vi.fn(async () => {
      throw new Error('remove failed');
    });
    const inner = memoryQueue();
    const { delivery, send } = start({
      queue: { push: (e) => inner.push(e), read: () => inner.read(), remove },
    });
    const event = touchpoint();
    delivery.add([event]);
    await delivery.flush();
    await vi.advanceTimersByTimeAsync(120_000);
    delivery.add([touchpoint()]);
    await delivery.flush();
    expect(send.messageIds.filter((id) => id === event.messageId)).toHaveLength(1);
  });

  test('when push never settles, a page going hidden still beacons the events from memory', async () => {
    const { delivery, send } = start({ queue: brokenQueue({ push: () => new Promise<number>(() => {}) }) });
    const event = touchpoint();
    delivery.add([event]);
    setVisibility('hidden');
    await settle();
    expect(ids(send.events)).toEqual([event.messageId]);
  });

  // A push that never settles (an IndexedDB that hangs, as Safari's has, behind a queue without idbQueue's own
  // timeout) counts as failed after a while: otherwise nothing would be sent until the page was hidden, and every
  // later flush() would wait on the same stuck run.
  test('when push never settles, the events are still delivered from memory', async () => {
    const { delivery, send } = start({ queue: brokenQueue({ push: () => new Promise<number>(() => {}) }) });
    const event = touchpoint();
    delivery.add([event]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(ids(send.events)).toEqual([event.messageId]);
  });

  test('a queue whose push throws synchronously (rather than rejecting) does not make add() throw', async () => {
    const { delivery, send, fail } = start({
      queue: brokenQueue({
        push: () => {
          throw new DOMException('denied', 'SecurityError');
        },
      }),
    });
    const event = touchpoint();
    expect(() => delivery.add([event])).not.toThrow();
    await settle();
    expect(fail).toHaveBeenCalledWith(expect.objectContaining({ name: 'SecurityError' }));
    await vi.advanceTimersByTimeAsync(2000);
    expect(ids(send.events)).toEqual([event.messageId]);
  });
});

describe('the backlog that closed tabs and earlier visits left', () => {
  test('stop() while it is on its way: the rest of it is not sent (consent denied, the tracker stopped)', async () => {
    const queue = memoryQueue();
    await queue.push(Array.from({ length: 6 }, () => queued('closed-tab', touchpointOfSize(600))));
    const answer = deferred<number>();
    const { delivery, send } = start({ queue, send: spySend(answer.promise), maxBatchBytes: 2000 });
    await vi.advanceTimersByTimeAsync(2000);
    expect(send).toHaveBeenCalledTimes(1);
    delivery.stop();
    answer.resolve(200);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(send).toHaveBeenCalledTimes(1);
  });

  test('is sent once, soon after start, and removed from the queue', async () => {
    const queue = memoryQueue();
    const left = [queued('closed-tab'), queued('closed-tab'), queued('earlier-visit')];
    await queue.push(left);
    const { send } = start({ queue });
    await vi.advanceTimersByTimeAsync(2000);
    expect(send).toHaveBeenCalledTimes(1);
    expect(send.requests[0]!.unloading).toBe(false);
    expect(send.messageIds).toEqual(left.map((e) => e.event.messageId));
    expect(await queue.read()).toEqual([]);
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(send).toHaveBeenCalledTimes(1);
  });

  test('goes after this tab’s own events, and is not read more than once a minute', async () => {
    const queue = memoryQueue();
    const backlog = queued('closed-tab');
    await queue.push([backlog]);
    const { delivery, send, read } = start({ queue });
    const mine = touchpoint();
    delivery.add([mine]);
    // The page's first burst goes at once, without reading the backlog: that waits until the page has started.
    await delivery.flush();
    expect(send.messageIds).toEqual([mine.messageId]);
    expect(read).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(2000);
    expect(send.messageIds).toEqual([mine.messageId, backlog.event.messageId]);
    for (let i = 0; i < 5; i++) {
      delivery.add([touchpoint()]);
      await delivery.flush();
    }
    expect(read).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(60_000);
    await delivery.flush();
    expect(read).toHaveBeenCalledTimes(2);
  });

  test('this tab’s own stored events are never sent as backlog (even when their removal failed)', async () => {
    const inner = memoryQueue();
    const queue: Queue = { push: (e) => inner.push(e), read: () => inner.read(), remove: async () => {} };
    const { delivery, send } = start({ queue });
    const event = touchpoint();
    delivery.add([event]);
    await delivery.flush();
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    delivery.add([touchpoint()]);
    await delivery.flush();
    expect(send.messageIds.filter((id) => id === event.messageId)).toHaveLength(1);
  });

  test('a backlog the collector fails to take is kept, and goes with a later flush', async () => {
    const queue = memoryQueue();
    const left = [queued('closed-tab')];
    await queue.push(left);
    const { delivery, send } = start({ queue, send: spySend(503, 200, 200) });
    await vi.advanceTimersByTimeAsync(2000);
    expect(send).toHaveBeenCalledTimes(1);
    expect(await queue.read()).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(60_000);
    delivery.add([touchpoint()]);
    await delivery.flush();
    expect(send.messageIds.filter((id) => id === left[0]!.event.messageId)).toHaveLength(2);
    expect(await queue.read()).toEqual([]);
  });

  // A backlog the collector failed to take must be retried on its own: in a tab that tracks nothing further,
  // nothing else would send it while the page lives.
  test('a backlog the collector fails to take is tried again without anything else happening', async () => {
    const queue = memoryQueue();
    await queue.push([queued('closed-tab')]);
    const { send } = start({ queue, send: spySend(503, 200) });
    await vi.advanceTimersByTimeAsync(2000);
    expect(send).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(send).toHaveBeenCalledTimes(2);
    expect(await queue.read()).toEqual([]);
  });

  test('a big backlog goes in chunks under maxBatchBytes', async () => {
    const queue = memoryQueue();
    const left = Array.from({ length: 7 }, () => queued('closed-tab', touchpointOfSize(600)));
    await queue.push(left);
    const { send } = start({ queue, maxBatchBytes: 2000 });
    await vi.advanceTimersByTimeAsync(2000);
    expect(send.requests.map((r) => r.events.length)).toEqual([3, 3, 1]);
    expect(await queue.read()).toEqual([]);
  });

  describe('with Web Locks', () => {
    let locks: ReturnType<typeof fakeLocks>;
    beforeEach(() => {
      locks = fakeLocks();
      cleanups.push(installLocks(locks));
    });

    test('this tab holds a lock for as long as it lives, and lets go when stopped', async () => {
      const { delivery } = start();
      await settle();
      const mine = [...locks.held].filter((name) => name.startsWith('touchtrail:tab:'));
      expect(mine).toHaveLength(1);
      delivery.stop();
      await settle();
      expect([...locks.held].filter((name) => name.startsWith('touchtrail:tab:'))).toEqual([]);
    });

    test('events of tabs that are still open (holding their lock) are left to them; closed tabs’ are sent', async () => {
      const queue = memoryQueue();
      const live = queued('live-tab');
      const closed = queued('closed-tab');
      await queue.push([live, closed]);
      const release = locks.hold('touchtrail:tab:live-tab');
      cleanups.push(release);
      const { send } = start({ queue });
      await vi.advanceTimersByTimeAsync(2000);
      expect(send.messageIds).toEqual([closed.event.messageId]);
      expect(await storedIds(queue)).toEqual([live.event.messageId]);
    });

    test('only one tab sends the backlog: none while another holds the backlog lock', async () => {
      const queue = memoryQueue();
      await queue.push([queued('closed-tab')]);
      cleanups.push(locks.hold('touchtrail:backlog'));
      const { send } = start({ queue });
      await vi.advanceTimersByTimeAsync(2000);
      expect(send).not.toHaveBeenCalled();
      expect(await queue.read()).toHaveLength(1);
    });
  });
});

describe('fetchLater, where the browser has it', () => {
  let fetchLater: ReturnType<typeof vi.fn>;
  beforeEach(() => {
    fetchLater = vi.fn(() => ({ activated: false }));
    (window as any).fetchLater = fetchLater;
    cleanups.push(() => delete (window as any).fetchLater);
  });
  const lastArmed = () => fetchLater.mock.calls.at(-1) as [string, RequestInit] | undefined;

  test('arms a deferred request with the waiting events, and disarms it once they are delivered', async () => {
    const { delivery } = start();
    const events = [touchpoint(), touchpoint()];
    delivery.add(events);
    const [url, init] = lastArmed()!;
    expect(url).toBe(COLLECTOR);
    expect(init.method).toBe('POST');
    expect(ids(JSON.parse(init.body as string).batch)).toEqual(ids(events));
    expect(init.signal!.aborted).toBe(false);
    await delivery.flush();
    expect(lastArmed()![1].signal!.aborted).toBe(true);
  });

  test('keeps the events armed while the collector fails', async () => {
    const { delivery } = start({ send: spySend(503) });
    const events = [touchpoint()];
    delivery.add(events);
    await delivery.flush();
    const [, init] = lastArmed()!;
    expect(ids(JSON.parse(init.body as string).batch)).toEqual(ids(events));
    expect(init.signal!.aborted).toBe(false);
  });

  test('a fetchLater that throws (over its quota) is reported, and the events still go', async () => {
    fetchLater.mockImplementation(() => {
      throw new DOMException('quota', 'QuotaExceededError');
    });
    const { delivery, send, fail } = start();
    delivery.add([touchpoint()]);
    expect(fail).toHaveBeenCalled();
    await delivery.flush();
    expect(send).toHaveBeenCalledTimes(1);
  });
});

describe('stop()', () => {
  test('no timer, retry or page event sends anything afterwards', async () => {
    const { delivery, send } = start({ send: spySend(503) });
    delivery.add([touchpoint()]);
    await delivery.flush();
    delivery.stop();
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    setVisibility('hidden');
    pageTransition('pagehide');
    window.dispatchEvent(new Event('online'));
    await settle();
    expect(send).toHaveBeenCalledTimes(1);
  });
});
