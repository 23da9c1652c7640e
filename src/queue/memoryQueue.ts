import type { Queue, QueuedEvent } from '../types';
import type { QueueBounds } from './QueueBounds';

/** A queue that lives as long as the page: for tests, and for browsers without a working IndexedDB. */
export const memoryQueue = ({ maxEvents = 5000, maxBytes = 5_000_000 }: QueueBounds = {}): Queue => {
  let events: QueuedEvent[] = [];
  return {
    async push(added) {
      events.push(...added);
      let dropped = 0;
      let bytes = events.reduce((sum, e) => sum + e.bytes, 0);
      while (events.length > maxEvents || (bytes > maxBytes && events.length > 1)) {
        bytes -= events.shift()!.bytes;
        dropped++;
      }
      return dropped;
    },
    async read() {
      return events.slice();
    },
    async remove(removed) {
      const ids = new Set(removed.map((e) => e.event.messageId));
      events = events.filter((e) => !ids.has(e.event.messageId));
    },
  };
};
