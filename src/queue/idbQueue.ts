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
  let store: UseStore | undefined;

  const run = <T>(mode: IDBTransactionMode, work: (events: IDBObjectStore) => Promise<T>): Promise<T> => {
    let timer: ReturnType<typeof setTimeout>;
    return Promise.race([
      (store ||= createStore(database, 'events'))(mode, work),
      new Promise<never>((_, reject) => (timer = setTimeout(reject, timeout, new Error('IndexedDB timed out')))),
    ]).then(
      (result) => (clearTimeout(timer), result),
      (error) => {
        clearTimeout(timer);
        store = undefined;
        throw error;
      },
    );
  };

  return {
    push: (added) =>
      run('readwrite', async (events) => {
        let bytes = ((await promisifyRequest(events.get(TOTAL))) as number | undefined) || 0;
        for (const e of added) {
          events.put(e, e.key);
          bytes += e.bytes;
        }
        let count = await promisifyRequest(events.count(records()));
        // The store was empty: start the total afresh, so that drift from removals counted twice cannot last.
        if (count == added.length) bytes = added.reduce((sum, e) => sum + e.bytes, 0);
        let dropped = 0;
        if (count > maxEvents || bytes > maxBytes) {
          const cursor = events.openCursor(records());
          await new Promise<void>((resolve, reject) => {
            cursor.onerror = () => reject(cursor.error);
            cursor.onsuccess = () => {
              const oldest = cursor.result;
              if (!oldest || (count <= maxEvents && bytes <= maxBytes) || count === 1) return resolve();
              bytes -= (oldest.value as QueuedEvent).bytes;
              count--;
              dropped++;
              oldest.delete();
              oldest.continue();
            };
          });
        }
        events.put(bytes, TOTAL);
        return dropped;
      }),

    read: () => run('readonly', (events) => promisifyRequest(events.getAll(records()))),

    remove: (removed) =>
      run('readwrite', async (events) => {
        let bytes = ((await promisifyRequest(events.get(TOTAL))) as number | undefined) || 0;
        for (const e of removed) {
          events.delete(e.key);
          bytes -= e.bytes;
        }
        // An event removed twice (by two tabs) is subtracted twice: the total errs low, so the bound errs loose,
        // and it is reset when the store next empties.
        events.put(Math.max(0, bytes), TOTAL);
      }),
  };
};
