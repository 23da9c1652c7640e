import type { QueuedEvent, Touchpoint } from '../../src/types';

let count = 0;

/** A well-formed touchpoint, as createTracker would build it. */
export const touchpoint = (overrides: Partial<Touchpoint> = {}): Touchpoint => {
  const name = `Event ${++count}`;
  return {
    type: 'track',
    event: name,
    properties: { touchpoint: name, touchpointKind: 'custom' },
    context: {
      page: { url: 'http://localhost:3000/', path: '/', title: '', referrer: '', search: '' },
      library: { name: 'touchtrail', version: '0.1.0' },
      sessionId: 'session-1',
    },
    messageId: crypto.randomUUID(),
    anonymousId: 'anonymous-1',
    userId: null,
    timestamp: new Date().toISOString(),
    ...overrides,
  };
};

/** A touchpoint padded so that its JSON is exactly `bytes` long (ASCII). */
export const touchpointOfSize = (bytes: number, overrides: Partial<Touchpoint> = {}): Touchpoint => {
  const tp = touchpoint(overrides);
  tp.properties.pad = '';
  const base = JSON.stringify(tp).length;
  if (base > bytes) throw new Error(`a touchpoint is at least ${base} bytes`);
  tp.properties.pad = 'x'.repeat(bytes - base);
  return tp;
};

let sequence = 0;

/** A stored event, as another tab (or an earlier visit) would have left it in the queue. */
export const queued = (tab: string, event: Touchpoint = touchpoint(), time = Date.now()): QueuedEvent => ({
  key: [time, sequence++, event.messageId],
  tab,
  event,
  bytes: new TextEncoder().encode(JSON.stringify(event)).length,
});
