import type { Properties, Touchpoint } from '../types';
import { uuid } from './uuid';

/**
 * A new track touchpoint caused by `cause` (a Journey Stage Reached after the touchpoint that moved the stage):
 * the same visitor, page and time, its own messageId.
 */
export const derive = (cause: Touchpoint, event: string, properties: Properties): Touchpoint => ({
  ...cause,
  type: 'track',
  event,
  name: undefined,
  properties: { touchpoint: event, ...properties },
  messageId: uuid(),
});
