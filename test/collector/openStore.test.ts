import { afterEach, beforeEach, expect, test } from 'vitest';
// @ts-expect-error: plain JavaScript.
import { openStore } from '../../examples/collector/openStore.js';

let store: any;
beforeEach(async () => {
  store = await openStore(':memory:');
});
afterEach(async () => {
  await store.close();
});

const event = (messageId: string, timestamp = '2025-03-01T12:00:00Z') => ({ type: 'track', event: 'Signup', messageId, anonymousId: 'anon-1', timestamp });

test('an event whose values DuckDB refuses is unstorable, named by its place, and nothing of its batch is stored', async () => {
  // A time after 9999 in UTC: a string DuckDB cannot cast to TIMESTAMP, however often it is sent.
  const refused = store.insertBatch({ batch: [event('m-1'), event('m-2', '+010000-01-01T00:00:00Z')] });
  await expect(refused).rejects.toMatchObject({ unstorable: true, message: expect.stringMatching(/^batch\[1\] cannot be stored: Conversion Error: /) });
  expect(await store.stats()).toMatchObject({ events: 0, batches: 0 });
  // The store is still usable: the error was the event's, not the database's.
  expect(await store.insertBatch({ batch: [event('m-1')] })).toEqual({ accepted: 1, duplicates: 0 });
});

test('an event nested too deep to walk is unstorable too, not a database failure that asks for it again', async () => {
  const deep = JSON.parse('['.repeat(5000) + ']'.repeat(5000));
  const refused = store.insertBatch({ batch: [{ ...event('m-1'), properties: { deep } }] });
  await expect(refused).rejects.toMatchObject({ unstorable: true, message: 'batch[0] cannot be stored: it is nested too deep' });
  expect(await store.insertBatch({ batch: [event('m-2')] })).toEqual({ accepted: 1, duplicates: 0 });
});
