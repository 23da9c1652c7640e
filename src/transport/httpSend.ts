import type { Send } from '../types';
import { byteLength } from '../lib/byteLength';

/**
 * The default transport. Bodies go as `text/plain` (the default for a string body), so no CORS preflight is
 * needed: a preflight cannot finish while a page unloads, and the beacon would be lost without a word.
 */
export const httpSend: Send = async (url, body, unloading) => {
  // sendBeacon survives the page; it says false when the 64 KB in-flight budget is spent, and the events stay queued.
  if (unloading && navigator.sendBeacon) return { status: navigator.sendBeacon(url, body) ? 202 : 0 };
  // keepalive lets a request finish after a navigation, but all of a page's keepalive requests in flight share
  // one 64 KB budget, and fetch fails outright past it: then the same request goes without keepalive.
  const post = (keepalive: boolean) => fetch(url, { method: 'POST', body, keepalive });
  try {
    const response = await post(byteLength(body) < 65_000).catch(() => post(false));
    // Cross-origin, Retry-After is readable only if the collector sends Access-Control-Expose-Headers: Retry-After.
    return { status: response.status, retryAfter: response.headers.get('Retry-After') };
  } catch {
    return { status: 0 };
  }
};
