/**
 * Lets every pending promise callback and queued microtask run (touchpoints are processed in a
 * queueMicrotask batch, and delivery chains a few awaits). Works under fake timers, which leave
 * microtasks alone.
 */
export const settle = async (rounds = 50): Promise<void> => {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
};

export interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

/** A promise that the test settles by hand. */
export const deferred = <T>(): Deferred<T> => {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
};
