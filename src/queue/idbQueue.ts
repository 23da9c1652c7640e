import { createStore, promisifyRequest, type UseStore } from 'idb-keyval';
import type { Queue, QueuedEvent } from '../types';
import type { QueueBounds } from './QueueBounds';

/** Where and how long to wait for IndexedDB. */
export interface IdbQueueOptions extends QueueBounds {
  /** The IndexedDB database, touchtrail's own so that it never meets the site's. @default 'touchtrail' */
  database?: string;
  /** A request still pending after this many ms has failed; Safari has hung on the first open. @default 3000 */
  timeout?: number;
}

// Records have array keys; the running byte total sits under this string key, which sorts before every array.
const TOTAL = 'bytes';
// A function, not a constant: importing this module must work where IndexedDB does not exist (server rendering).
const records = () => IDBKeyRange.lowerBound([]);
const sum = (events: QueuedEvent[]) => events.reduce((bytes, e) => bytes + e.bytes, 0);
const total = async (events: IDBObjectStore) => ((await promisifyRequest(events.get(TOTAL))) as number | undefined) || 0;
// Writes the byte total and waits for the commit: a quota error arrives as an abort at commit, after every put
// succeeded, so stored means committed.
const commit = (events: IDBObjectStore, bytes: number) => (events.put(Math.max(0, bytes), TOTAL), promisifyRequest(events.transaction));

/**
 * A queue in IndexedDB, one record per event, shared by the tabs of an origin. Nothing is opened until the first
 * call. When a request fails (blocked, quota, or a connection the browser closed, as iOS does after backgrounding)
 * the promise rejects and the next call opens the database afresh; the tracker keeps the events in memory meanwhile.
 */
export const idbQueue = ({
  database = 'touchtrail',
  timeout = 3000,
  maxEvents = 5000,
  maxBytes = 5_000_000,
}: IdbQueueOptions = {}): Queue => {
  let db: UseStore | undefined;

  const run = <T>(mode: IDBTransactionMode, work: (events: IDBObjectStore) => Promise<T>): Promise<T> =>
    // Inside a promise, so that an open that throws (IndexedDB blocked or missing) rejects instead of throwing.
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(reject, timeout, new Error('IndexedDB timed out'));
      (db ||= createStore(database, 'events'))(mode, work).then(resolve, reject).finally(() => clearTimeout(timer));
    }).catch((error) => {
      db = undefined;
      throw error;
    });

  // Stores `added` in one transaction, then drops the oldest until within bounds; `room` drops that many
  // more first, to make space after the browser said the storage quota was full.
  const save = (burst: QueuedEvent[], room = 0) =>
    run('readwrite', async (events) => {
      // A burst larger than the bounds on its own keeps only its newest events.
      let added = burst.slice(-maxEvents);
      while (added.length > 1 && sum(added) > maxBytes) added = added.slice(1);
      let dropped = burst.length - added.length;
      const stored = await promisifyRequest(events.count(records()));
      let count = stored + added.length;
      // The store was empty: start the total afresh, so that drift from removals counted twice cannot last.
      let bytes = (stored && (await total(events))) + sum(added);
      const over = () => room > 0 || count > maxEvents || bytes > maxBytes;
      if (over()) {
        const cursor = events.openCursor(records());
        await new Promise<void>((resolve, reject) => {
          cursor.onerror = () => reject(cursor.error);
          cursor.onsuccess = () => {
            const oldest = cursor.result;
            if (!oldest || !over()) return resolve();
            bytes -= (oldest.value as QueuedEvent).bytes;
            count--;
            room--;
            dropped++;
            oldest.delete();
            oldest.continue();
          };
        });
      }
      for (const e of added) events.put(e, e.key);
      await commit(events, bytes);
      return dropped;
    });

  return {
    push: (added) =>
      save(added).catch((error) => {
        if ((error as DOMException)?.name != 'QuotaExceededError') throw error;
        return save(added, added.length * 2);
      }),

    read: () => run('readonly', (events) => promisifyRequest(events.getAll(records()))),

    remove: (removed) =>
      run('readwrite', async (events) => {
        // Deletes first, in the task that asked: at pagehide there may be no later task.
        removed.forEach((e) => events.delete(e.key));
        // An event removed twice (by two tabs) is subtracted twice: the total errs low, so the bound errs loose,
        // and it is reset when the store next empties.
        await commit(events, (await total(events)) - sum(removed));
      }),
  };
};
