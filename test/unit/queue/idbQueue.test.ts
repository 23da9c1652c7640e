import { afterEach, describe, expect, test, vi } from 'vitest';
import { idbQueue } from '../../../src/queue/idbQueue';
import type { QueuedEvent } from '../../../src/types';
import { touchpoint } from '../../helpers/touchpoints';

// Real timers throughout: fake-indexeddb schedules its work with setImmediate.
let n = 0;
const freshDatabase = () => `touchtrail-test-${++n}-${Math.random()}`;

const event = (time: number, sequence: number, tab = 'tab-a', bytes = 100): QueuedEvent => {
  const tp = touchpoint();
  return { key: [time, sequence, tp.messageId], tab, event: tp, bytes };
};
const ids = (events: QueuedEvent[]) => events.map((e) => e.event.messageId);

afterEach(() => vi.restoreAllMocks());

describe('idbQueue', () => {
  test('an empty queue reads as []', async () => {
    expect(await idbQueue({ database: freshDatabase() }).read()).toEqual([]);
  });

  test('stores events as they were given (a structured clone)', async () => {
    const queue = idbQueue({ database: freshDatabase() });
    const e = event(1000, 0);
    expect(await queue.push([e])).toBe(0);
    const [stored] = await queue.read();
    expect(stored).toEqual(e);
    expect(stored).not.toBe(e);
  });

  test('reads oldest first by time, and in tracking order within a tab, whatever the order of pushes', async () => {
    const queue = idbQueue({ database: freshDatabase() });
    const later = event(2000, 0, 'tab-b');
    const first = event(1000, 0, 'tab-a');
    const second = event(1000, 1, 'tab-a');
    const third = event(1000, 2, 'tab-a');
    const sameMsLaterSeq = event(1000, 10, 'tab-a');
    // Sequence numbers compare as numbers, not strings: 10 comes after 2.
    await queue.push([later, third]);
    await queue.push([sameMsLaterSeq, first]);
    await queue.push([second]);
    expect(ids(await queue.read())).toEqual(ids([first, second, third, sameMsLaterSeq, later]));
  });

  test('the byte total it keeps never shows up as an event', async () => {
    const queue = idbQueue({ database: freshDatabase() });
    await queue.push([event(1, 0)]);
    const all = await queue.read();
    expect(all).toHaveLength(1);
    expect(all.every((e) => Array.isArray(e.key))).toBe(true);
  });

  test('is shared: another queue on the same database (another tab) sees the same events', async () => {
    const database = freshDatabase();
    const e = event(1, 0, 'tab-a');
    await idbQueue({ database }).push([e]);
    expect(ids(await idbQueue({ database }).read())).toEqual(ids([e]));
    expect(await idbQueue({ database: freshDatabase() }).read()).toEqual([]);
  });

  test('remove deletes the given events and skips those already gone', async () => {
    const queue = idbQueue({ database: freshDatabase() });
    const [a, b, c] = [event(1, 0), event(1, 1), event(1, 2)];
    await queue.push([a, b, c]);
    await queue.remove([b]);
    expect(ids(await queue.read())).toEqual(ids([a, c]));
    await expect(queue.remove([b, a])).resolves.toBeUndefined();
    expect(ids(await queue.read())).toEqual(ids([c]));
  });

  test('beyond maxEvents it drops the oldest and resolves to how many', async () => {
    const queue = idbQueue({ database: freshDatabase(), maxEvents: 3 });
    const events = [0, 1, 2, 3, 4].map((i) => event(1000 + i, 0));
    expect(await queue.push(events.slice(0, 2))).toBe(0);
    expect(await queue.push(events.slice(2))).toBe(2);
    expect(ids(await queue.read())).toEqual(ids(events.slice(2)));
    const newest = event(2000, 0);
    expect(await queue.push([newest])).toBe(1);
    expect(ids(await queue.read())).toEqual(ids([...events.slice(3), newest]));
  });

  // A single push larger than the bounds (a burst, or the events createDelivery pushes again after IndexedDB failed
  // for a while) keeps its newest and counts the rest, as the Queue contract says: deleting what was stored first
  // would leave the queue over its bounds, and the loss unreported.
  test('a single push larger than maxEvents keeps only the newest and counts the rest', async () => {
    const queue = idbQueue({ database: freshDatabase(), maxEvents: 3 });
    const events = [0, 1, 2, 3, 4].map((i) => event(1000 + i, 0));
    expect(await queue.push(events)).toBe(2);
    expect(ids(await queue.read())).toEqual(ids(events.slice(2)));
  });

  test('a single push larger than maxBytes keeps only the newest that fit and counts the rest', async () => {
    const queue = idbQueue({ database: freshDatabase(), maxBytes: 250 });
    const events = [0, 1, 2].map((i) => event(1000 + i, 0, 'tab', 100));
    expect(await queue.push(events)).toBe(1);
    expect(ids(await queue.read())).toEqual(ids(events.slice(1)));
  });

  test('when the storage quota is full it drops the oldest to make room, stores the new events and counts the drops', async () => {
    const queue = idbQueue({ database: freshDatabase() });
    const stored = [0, 1, 2, 3, 4].map((i) => event(1000 + i, 0));
    await queue.push(stored);
    const put = IDBObjectStore.prototype.put;
    let refusals = 0;
    // The browser refuses the first write of the next push as over quota.
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (this: IDBObjectStore, value: any, key?: IDBValidKey) {
      if (Array.isArray(key) && refusals++ === 0) throw new DOMException('quota', 'QuotaExceededError');
      return put.call(this, value, key);
    });
    const fresh = event(2000, 0);
    const dropped = await queue.push([fresh]);
    vi.restoreAllMocks();
    expect(refusals).toBeGreaterThan(0);
    expect(dropped).toBeGreaterThanOrEqual(1);
    const left = await queue.read();
    expect(ids(left)).toEqual(ids([...stored.slice(dropped), fresh]));
  });

  test('other errors while storing reject push, and store nothing of that push', async () => {
    const queue = idbQueue({ database: freshDatabase() });
    const bad = { ...event(1, 0), event: { ...touchpoint(), properties: { fn: () => 1 } } } as unknown as QueuedEvent;
    await expect(queue.push([bad])).rejects.toBeDefined();
    expect(await queue.read()).toEqual([]);
  });

  // push settles only once the transaction commits: a full quota may show only as an abort at commit (in Chromium),
  // after every request succeeded, and a push that had already resolved would have createDelivery take as stored
  // events that never were.
  test('push settles with the transaction: one that aborts (quota at commit) rejects', async () => {
    const queue = idbQueue({ database: freshDatabase() });
    const put = IDBObjectStore.prototype.put;
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (this: IDBObjectStore, value: any, key?: IDBValidKey) {
      const request = put.call(this, value, key);
      // The browser gives up on the transaction once the script has issued its writes.
      const tx = this.transaction;
      queueMicrotask(() => {
        try {
          tx.abort();
        } catch {
          // already aborted by an earlier write of this transaction
        }
      });
      return request;
    });
    const outcome = await queue.push([event(1, 0)]).then(
      () => 'resolved',
      () => 'rejected',
    );
    vi.restoreAllMocks();
    expect(await queue.read()).toEqual([]); // nothing was stored…
    expect(outcome).toBe('rejected'); // …so push must not say it was
  });

  test('beyond maxBytes it drops the oldest until the rest fit, and resolves to how many', async () => {
    const queue = idbQueue({ database: freshDatabase(), maxBytes: 250 });
    const [a, b, c, d] = [event(1, 0, 'tab', 100), event(2, 0, 'tab', 100), event(3, 0, 'tab', 100), event(4, 0, 'tab', 100)] as const;
    expect(await queue.push([a, b])).toBe(0);
    expect(await queue.push([c])).toBe(1);
    expect(ids(await queue.read())).toEqual(ids([b, c]));
    expect(await queue.push([d])).toBe(1);
    expect(ids(await queue.read())).toEqual(ids([c, d]));
  });

  test('removed events free their bytes for new ones', async () => {
    const queue = idbQueue({ database: freshDatabase(), maxBytes: 250 });
    const [a, b, c] = [event(1, 0, 'tab', 100), event(2, 0, 'tab', 100), event(3, 0, 'tab', 100)] as const;
    await queue.push([a, b]);
    await queue.remove([a]);
    expect(await queue.push([c])).toBe(0);
    expect(ids(await queue.read())).toEqual(ids([b, c]));
  });

  test('the byte bound counts what other tabs stored', async () => {
    const database = freshDatabase();
    const [a, b, c] = [event(1, 0, 'tab-1', 100), event(2, 0, 'tab-2', 100), event(3, 0, 'tab-3', 100)] as const;
    await idbQueue({ database, maxBytes: 250 }).push([a, b]);
    expect(await idbQueue({ database, maxBytes: 250 }).push([c])).toBe(1);
    expect(ids(await idbQueue({ database }).read())).toEqual(ids([b, c]));
  });

  test('keeps the newest event even when it alone is larger than maxBytes', async () => {
    const queue = idbQueue({ database: freshDatabase(), maxBytes: 250 });
    const small = event(1, 0, 'tab', 100);
    const huge = event(2, 0, 'tab', 1000);
    await queue.push([small]);
    expect(await queue.push([huge])).toBe(1);
    expect(ids(await queue.read())).toEqual(ids([huge]));
  });

  test('opens nothing until first used', () => {
    const open = vi.spyOn(indexedDB, 'open');
    idbQueue({ database: freshDatabase() });
    expect(open).not.toHaveBeenCalled();
  });

  test('a request still pending after `timeout` ms rejects; the next call opens the database afresh and works', async () => {
    const database = freshDatabase();
    const realOpen = indexedDB.open.bind(indexedDB);
    // Safari has hung on the first open: a request that never answers.
    const open = vi.spyOn(indexedDB, 'open').mockImplementationOnce(() => ({}) as IDBOpenDBRequest);
    const queue = idbQueue({ database, timeout: 50 });
    const started = Date.now();
    await expect(queue.push([event(1, 0)])).rejects.toThrow(/timed out/);
    expect(Date.now() - started).toBeLessThan(1000);
    open.mockImplementation(realOpen);
    const e = event(2, 0);
    expect(await queue.push([e])).toBe(0);
    expect(ids(await queue.read())).toEqual(ids([e]));
    expect(open).toHaveBeenCalledTimes(2);
  });

  test('after the browser closes the connection (iOS after backgrounding), one call fails and the next reopens', async () => {
    const database = freshDatabase();
    const requests: IDBOpenDBRequest[] = [];
    const realOpen = indexedDB.open.bind(indexedDB);
    vi.spyOn(indexedDB, 'open').mockImplementation((name: string, version?: number) => {
      const request = realOpen(name, version);
      requests.push(request);
      return request;
    });
    const queue = idbQueue({ database });
    const a = event(1, 0);
    await queue.push([a]);
    requests[0]!.result.close();
    await expect(queue.push([event(2, 0)])).rejects.toBeDefined();
    const c = event(3, 0);
    expect(await queue.push([c])).toBe(0);
    expect(requests).toHaveLength(2);
    expect(ids(await queue.read())).toEqual(ids([a, c]));
  });

  test('a read that fails rejects (the tracker then keeps events in memory) and the queue recovers', async () => {
    const database = freshDatabase();
    const realOpen = indexedDB.open.bind(indexedDB);
    const open = vi.spyOn(indexedDB, 'open').mockImplementationOnce(() => {
      // The open fails, as it does when storage is blocked or the profile is broken.
      const request = { error: new DOMException('blocked', 'UnknownError') } as any;
      setTimeout(() => request.onerror?.(new Event('error')));
      return request;
    });
    const queue = idbQueue({ database, timeout: 200 });
    await expect(queue.read()).rejects.toBeDefined();
    open.mockImplementation(realOpen);
    await expect(queue.read()).resolves.toEqual([]);
  });

  // Chrome throws a SecurityError on `indexedDB` in sandboxed iframes and on opaque origins (the case
  // src/lib/storage.ts guards against for localStorage). The Queue contract is promise-based: a rejection.
  test('when IndexedDB throws on open (sandboxed iframe), push rejects instead of throwing', async () => {
    vi.spyOn(indexedDB, 'open').mockImplementation(() => {
      throw new DOMException('access is denied for this document', 'SecurityError');
    });
    const queue = idbQueue({ database: freshDatabase() });
    let result: Promise<number> | undefined;
    expect(() => (result = queue.push([event(1, 0)]))).not.toThrow();
    await expect(result).rejects.toThrow(/denied/);
  });
});
