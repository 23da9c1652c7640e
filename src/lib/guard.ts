import type { Fail } from '../types';

/** Wraps a function so that what it throws is reported to `fail` instead of reaching the page. */
export const guard =
  <A extends unknown[], R>(fn: (...args: A) => R, fail: Fail) =>
  (...args: A): R | undefined => {
    try {
      return fn(...args);
    } catch (error) {
      fail(error);
    }
  };
