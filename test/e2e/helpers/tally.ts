import type { TestCollector } from './testCollector';

/**
 * Counts what a scenario tracked against what the collector accepted (2xx answers only), and prints the line
 * the delivery suite reports. Test events carry a unique `properties.id`; a duplicate after deduplication is a
 * tracked event that arrived under two different messageIds, which a collector could not drop.
 */
export const tally = (scenario: string, tracked: string[], ...collectors: TestCollector[]) => {
  const wanted = new Set(tracked);
  const accepted = collectors
    .flatMap((c) => c.received)
    .filter((r) => r.status >= 200 && r.status < 300)
    .flatMap((r) => r.events)
    .filter((e) => wanted.has(e?.properties?.id));
  const byMessage = new Map(accepted.map((e) => [e.messageId, e]));
  const ids = new Set([...byMessage.values()].map((e) => e.properties.id));
  const result = {
    tracked: wanted.size,
    delivered: ids.size,
    lost: wanted.size - ids.size,
    duplicatesAfterDedupe: byMessage.size - ids.size,
    rawDuplicates: accepted.length - byMessage.size,
    requests: collectors.reduce((n, c) => n + c.received.length, 0),
  };
  // Names in parentheses are checks while waiting, not results: they stay quiet.
  if (!scenario.startsWith('(')) console.log(
    `${scenario}: tracked ${result.tracked}, delivered ${result.delivered}, lost ${result.lost}, ` +
      `duplicates after dedupe ${result.duplicatesAfterDedupe} (raw duplicates ${result.rawDuplicates}, requests ${result.requests})`,
  );
  return result;
};
