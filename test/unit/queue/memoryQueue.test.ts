// @vitest-environment node
// Pure code: no DOM needed, and jsdom is the slow part of a test file.
import { expect, test } from 'vitest';
import { memoryQueue } from '../../../src/queue/memoryQueue';
import type { QueuedEvent } from '../../../src/types';
import { queued, touchpoint } from '../../helpers/touchpoints';

const sized = (bytes: number, tab = 'tab-a'): QueuedEvent => ({ ...queued(tab), bytes });
const ids = (events: QueuedEvent[]) => events.map((e) => e.event.messageId);

test('reads back what was pushed, oldest first', async () => {
  const queue = memoryQueue();
  const a = queued('tab-a');
  const b = queued('tab-b');
  const c = queued('tab-a');
  expect(await queue.push([a, b])).toBe(0);
  expect(await queue.push([c])).toBe(0);
  expect(ids(await queue.read())).toEqual(ids([a, b, c]));
});

test('read returns a copy: changing it does not change the queue', async () => {
  const queue = memoryQueue();
  await queue.push([queued('t')]);
  const first = await queue.read();
  first.length = 0;
  expect(await queue.read()).toHaveLength(1);
});

test('remove deletes the given events, by messageId, and skips those already gone', async () => {
  const queue = memoryQueue();
  const [a, b, c] = [queued('t'), queued('t'), queued('t')];
  await queue.push([a, b, c]);
  await queue.remove([b]);
  expect(ids(await queue.read())).toEqual(ids([a, c]));
  // A copy of the event (as read from storage) removes it too; one already gone is no error.
  await queue.remove([{ ...a, event: { ...a.event } }, b]);
  expect(ids(await queue.read())).toEqual(ids([c]));
});

test('beyond maxEvents it drops the oldest and says how many', async () => {
  const queue = memoryQueue({ maxEvents: 3 });
  const events = Array.from({ length: 5 }, () => queued('t'));
  expect(await queue.push(events.slice(0, 2))).toBe(0);
  expect(await queue.push(events.slice(2))).toBe(2);
  expect(ids(await queue.read())).toEqual(ids(events.slice(2)));
  expect(await queue.push([queued('t')])).toBe(1);
  expect(await queue.read()).toHaveLength(3);
});

test('beyond maxBytes it drops the oldest until the rest fit, and says how many', async () => {
  const queue = memoryQueue({ maxBytes: 250 });
  const [a, b, c, d] = [sized(100), sized(100), sized(100), sized(100)];
  expect(await queue.push([a, b])).toBe(0);
  expect(await queue.push([c])).toBe(1);
  expect(ids(await queue.read())).toEqual(ids([b, c]));
  expect(await queue.push([d])).toBe(1);
  expect(ids(await queue.read())).toEqual(ids([c, d]));
});

test('removed events free their bytes for new ones', async () => {
  const queue = memoryQueue({ maxBytes: 250 });
  const [a, b, c] = [sized(100), sized(100), sized(100)];
  await queue.push([a, b]);
  await queue.remove([a]);
  expect(await queue.push([c])).toBe(0);
  expect(ids(await queue.read())).toEqual(ids([b, c]));
});

test('keeps the newest event even when it alone is larger than maxBytes', async () => {
  const queue = memoryQueue({ maxBytes: 250 });
  const small = sized(100);
  const huge = sized(1000);
  await queue.push([small]);
  expect(await queue.push([huge])).toBe(1);
  expect(ids(await queue.read())).toEqual(ids([huge]));
});

test('each queue is its own: two memory queues share nothing', async () => {
  const one = memoryQueue();
  const two = memoryQueue();
  await one.push([queued('t', touchpoint())]);
  expect(await two.read()).toEqual([]);
});
