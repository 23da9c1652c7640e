/**
 * A token bucket per client: each client may send `burst` requests at once, then `perSecond` a second.
 * `take(client)` spends a token and says whether there was one; when there was not, `retryAfter` is the
 * whole number of seconds until there is, for the Retry-After header (touchtrail waits at least that long).
 *
 * A bucket that has refilled to the brim says nothing a new bucket would not, so full buckets are forgotten:
 * memory grows with the clients of the last `burst / perSecond` seconds, not with every client ever seen.
 *
 * @param {object} options
 * @param {number} [options.perSecond=10] Tokens added a second.
 * @param {number} [options.burst=60] The most tokens a bucket holds: the requests a client may send at once.
 * @param {() => number} [options.now=Date.now] The clock, in ms; tests pass their own.
 */
export const rateLimiter = ({ perSecond = 10, burst = 60, now = Date.now } = {}) => {
  if (!(perSecond > 0) || !(burst >= 1)) throw new TypeError('rateLimit needs perSecond > 0 and burst >= 1');
  const buckets = new Map();
  const refill = (bucket, at) => Math.min(burst, bucket.tokens + ((at - bucket.at) / 1000) * perSecond);
  let sweptAt = now();

  return {
    take(client) {
      const at = now();
      // Sweeping at most once per refill period keeps take() O(1) on average, however many clients there are.
      if (at - sweptAt > (burst / perSecond) * 1000) {
        for (const [key, bucket] of buckets) if (refill(bucket, at) >= burst) buckets.delete(key);
        sweptAt = at;
      }
      const bucket = buckets.get(client) || { tokens: burst, at };
      bucket.tokens = refill(bucket, at);
      bucket.at = at;
      buckets.set(client, bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return { ok: true, retryAfter: 0 };
      }
      return { ok: false, retryAfter: Math.max(1, Math.ceil((1 - bucket.tokens) / perSecond)) };
    },
    /** How many clients have a bucket that is not full: for tests and curiosity. */
    get size() {
      return buckets.size;
    },
  };
};
