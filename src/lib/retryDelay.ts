/**
 * How long to wait before retry number `attempt` (1, 2, …): the collector's `Retry-After` when it gave one
 * (seconds or an HTTP date), else exponential backoff from 1 s to `max`, with jitter (half to all of the step) so that many
 * visitors' browsers do not come back at the same instant after an outage.
 */
export const retryDelay = (attempt: number, retryAfter?: string | null, max = 60_000): number => {
  if (retryAfter) {
    const seconds = Number(retryAfter);
    const ms = retryAfter.trim() && !isNaN(seconds) ? seconds * 1000 : Date.parse(retryAfter) - Date.now();
    // A Retry-After in the past or unreadable falls through to backoff; one over an hour is capped.
    if (ms > 0) return Math.min(ms, 3_600_000);
  }
  const ceiling = Math.min(max, 1000 * 2 ** (attempt - 1));
  return ceiling / 2 + Math.random() * (ceiling / 2);
};
