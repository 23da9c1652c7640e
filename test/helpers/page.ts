/** Helpers that play the browser's part around the SDK, in jsdom. */

// The unpatched methods: changing the URL through them is what the browser does on back/forward,
// and what a test does to set the scene without a capture seeing it.
const replaceState = History.prototype.replaceState;

/** Puts `url` in the address bar without going through (possibly patched) history methods. */
export const setUrl = (url: string) => replaceState.call(history, null, '', url);

/** Sets document.visibilityState and, unless told not to, fires visibilitychange as the browser does. */
export const setVisibility = (state: DocumentVisibilityState, fire = true) => {
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
  if (fire) document.dispatchEvent(new Event('visibilitychange'));
};

/** Sets document.prerendering (Chromium's prerendering API, absent from jsdom). */
export const setPrerendering = (value: boolean | undefined) => {
  if (value === undefined) delete (document as any).prerendering;
  else Object.defineProperty(document, 'prerendering', { configurable: true, get: () => value });
};

/** Fires pagehide or pageshow. */
export const pageTransition = (type: 'pagehide' | 'pageshow', persisted = false) =>
  window.dispatchEvent(new PageTransitionEvent(type, { persisted }));

/** Puts the page back as a test found it. */
export const resetPage = () => {
  delete (document as any).visibilityState;
  delete (document as any).prerendering;
  setUrl('/');
  document.title = '';
};

/**
 * Records the listeners that `fn` adds to window and document, and returns `fn`'s result with a function
 * that removes them: a test's tracker must not hear the next test's events, even if its stop() never finishes.
 */
export const recordListeners = <T>(fn: () => T): [T, () => void] => {
  const added: [EventTarget, string, EventListenerOrEventListenerObject, unknown][] = [];
  const original = EventTarget.prototype.addEventListener;
  EventTarget.prototype.addEventListener = function (this: EventTarget, type: string, listener: any, options?: any) {
    if (this === window || this === document) added.push([this, type, listener, options]);
    return original.call(this, type, listener, options);
  };
  let result: T;
  try {
    result = fn();
  } finally {
    EventTarget.prototype.addEventListener = original;
  }
  return [result, () => added.forEach(([target, type, listener, options]) => target.removeEventListener(type, listener, options as any))];
};

/**
 * A minimal Web Locks API (jsdom has none): exclusive locks by name, `ifAvailable`, and `query()`.
 * `hold(name)` takes a lock for another (simulated) tab and returns the function that releases it.
 */
export const fakeLocks = () => {
  const held = new Set<string>();
  const waiting = new Map<string, (() => void)[]>();
  const release = (name: string) => {
    held.delete(name);
    waiting.get(name)?.shift()?.();
  };
  const request = async (name: string, optionsOrCallback: any, maybeCallback?: any): Promise<unknown> => {
    const callback = maybeCallback || optionsOrCallback;
    const options = maybeCallback ? optionsOrCallback : {};
    if (held.has(name)) {
      if (options.ifAvailable) return callback(null);
      await new Promise<void>((resolve) => waiting.set(name, [...(waiting.get(name) || []), resolve]));
    }
    held.add(name);
    try {
      return await callback({ name, mode: 'exclusive' });
    } finally {
      release(name);
    }
  };
  const locks = {
    request,
    query: async () => ({ held: [...held].map((name) => ({ name, mode: 'exclusive' })), pending: [] }),
    held,
    hold(name: string) {
      held.add(name);
      return () => release(name);
    },
  };
  return locks;
};

/** Installs `locks` as navigator.locks; returns the function that takes it away again. */
export const installLocks = (locks: ReturnType<typeof fakeLocks>) => {
  Object.defineProperty(navigator, 'locks', { configurable: true, value: locks });
  return () => delete (navigator as any).locks;
};

/** Runs `body` while reading window.localStorage throws, as in a sandboxed iframe or with storage blocked. */
export const withoutLocalStorage = (body: () => void) => {
  const original = Object.getOwnPropertyDescriptor(window, 'localStorage')!;
  Object.defineProperty(window, 'localStorage', {
    configurable: true,
    get() {
      throw new DOMException('denied', 'SecurityError');
    },
  });
  try {
    body();
  } finally {
    Object.defineProperty(window, 'localStorage', original);
  }
};
