import type { Fail } from '../types';
import { guard } from './guard';

/**
 * Adds a listener that can never throw into the page, and returns the function that removes it.
 * Passive, so that no listener of ours can delay a scroll or a touch.
 */
export const on = (target: EventTarget, type: string, listener: (event: any) => unknown, fail: Fail, capture = false) => {
  const guarded = guard(listener, fail);
  const options = { capture, passive: true };
  target.addEventListener(type, guarded, options);
  return () => target.removeEventListener(type, guarded, options);
};
