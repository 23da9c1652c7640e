import type { Serialize } from '../types';
import { stringify } from '../lib/stringify';

/**
 * The default body: a Segment-Spec batch, which Segment's HTTP API, RudderStack, Jitsu and the reference
 * collector accept as it is. Losses are reported beside the batch, where Segment-compatible endpoints ignore them.
 */
export const serializeBatch: Serialize = (batch, { dropped, failed }) =>
  stringify({ batch, sentAt: new Date().toISOString(), ...(dropped && { dropped }), ...(failed && { failed }) });
