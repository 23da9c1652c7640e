// @vitest-environment node
// Pure code: no DOM needed, and jsdom is the slow part of a test file.
import { afterEach, expect, test, vi } from 'vitest';
import { serializeBatch } from '../../../src/transport/serializeBatch';
import { touchpoint } from '../../helpers/touchpoints';

afterEach(() => vi.useRealTimers());

test('is a Segment-Spec batch: { batch, sentAt } with the events as they are', () => {
  vi.useFakeTimers({ now: new Date('2024-05-01T10:00:05.123Z') });
  const events = [touchpoint(), touchpoint({ type: 'page', name: 'Home', event: undefined })];
  const body = JSON.parse(serializeBatch(events, { dropped: 0, failed: 0 }));
  expect(body).toEqual({ batch: JSON.parse(JSON.stringify(events)), sentAt: '2024-05-01T10:00:05.123Z' });
  expect(Object.keys(body)).toEqual(['batch', 'sentAt']);
});

test('sentAt is when the batch is serialised (at each retry), not when the events happened', () => {
  vi.useFakeTimers({ now: new Date('2024-05-01T10:00:00Z') });
  const events = [touchpoint()];
  vi.setSystemTime(new Date('2024-05-01T10:05:00Z'));
  expect(JSON.parse(serializeBatch(events, { dropped: 0, failed: 0 })).sentAt).toBe('2024-05-01T10:05:00.000Z');
  expect(JSON.parse(serializeBatch(events, { dropped: 0, failed: 0 })).batch[0].timestamp).toBe('2024-05-01T10:00:00.000Z');
});

test('reports dropped and failed beside the batch, only when there are some', () => {
  const events = [touchpoint()];
  expect(JSON.parse(serializeBatch(events, { dropped: 3, failed: 0 }))).toMatchObject({ dropped: 3 });
  expect(JSON.parse(serializeBatch(events, { dropped: 3, failed: 0 }))).not.toHaveProperty('failed');
  expect(JSON.parse(serializeBatch(events, { dropped: 0, failed: 2 }))).toMatchObject({ failed: 2 });
  expect(JSON.parse(serializeBatch(events, { dropped: 0, failed: 2 }))).not.toHaveProperty('dropped');
  expect(JSON.parse(serializeBatch(events, { dropped: 4, failed: 5 }))).toMatchObject({ dropped: 4, failed: 5 });
});

test('is plain JSON text (what goes as text/plain), events in the order given', () => {
  const events = [touchpoint(), touchpoint(), touchpoint()];
  const body = serializeBatch(events, { dropped: 0, failed: 0 });
  expect(typeof body).toBe('string');
  expect(JSON.parse(body).batch.map((e: any) => e.messageId)).toEqual(events.map((e) => e.messageId));
});
