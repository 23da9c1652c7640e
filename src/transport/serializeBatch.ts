import type { Serialize } from '../types';

/**
 * The default body: a Segment-Spec batch, which Segment's HTTP API, RudderStack, Jitsu and the reference
 * collector accept as it is. Losses are reported beside the batch, where Segment-compatible endpoints ignore them.
 */
export const serializeBatch: Serialize = (batch, { dropped, failed }) =>
  JSON.stringify({ batch, sentAt: new Date().toISOString(), ...(dropped && { dropped }), ...(failed && { failed }) });
