import { vi } from 'vitest';
import { createTracker, type Tracker, type TrackerOptions } from '../../src/createTracker';
import { memoryQueue } from '../../src/queue/memoryQueue';
import type { Queue } from '../../src/types';
import { recordListeners } from './page';
import { settle } from './settle';
import { spySend, type SpySend } from './spySend';

export const COLLECTOR = 'https://collector.example/v1/batch';

const running: [Tracker, () => void][] = [];

/**
 * A tracker with an in-memory queue (its push, read and remove spied on) and a spy send, unless the test
 * passes its own. Every tracker made here is stopped by `stopTrackers()`.
 */
export const makeTracker = (options: Partial<Omit<TrackerOptions, 'send'>> & { send?: SpySend } = {}) => {
  const queue: Queue = options.queue || memoryQueue();
  const send = options.send || spySend();
  const push = vi.spyOn(queue, 'push');
  const read = vi.spyOn(queue, 'read');
  const remove = vi.spyOn(queue, 'remove');
  const [tracker, unlisten] = recordListeners(() => createTracker({ collector: COLLECTOR, ...options, queue, send }));
  running.push([tracker, unlisten]);
  return { tracker, queue, send, push, read, remove };
};

/** Stops every tracker made by makeTracker, and removes its listeners even if stop() hangs. */
export const stopTrackers = async () => {
  for (const [tracker, unlisten] of running.splice(0)) {
    let stopping: Promise<void> | undefined;
    try {
      stopping = tracker.stop();
    } catch {}
    await Promise.race([stopping?.catch(() => {}), settle()]);
    unlisten();
  }
};
