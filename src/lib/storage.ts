/**
 * localStorage that never throws: it is missing in some sandboxed iframes, throws in Safari's old private mode,
 * and throws when the quota is full. Identity lives here because events need it synchronously.
 */
export const storage = {
  get(key: string): string | null {
    try {
      return localStorage.getItem(key);
    } catch {
      return null;
    }
  },
  set(key: string, value: string): void {
    try {
      localStorage.setItem(key, value);
    } catch {
      // Identity then lasts as long as the page does.
    }
  },
  /** Removes every key that `ours` matches, from localStorage and sessionStorage. */
  clear(ours: RegExp): void {
    for (const name of ['localStorage', 'sessionStorage'] as const) {
      try {
        const store = window[name];
        Object.keys(store).forEach((key) => ours.test(key) && store.removeItem(key));
      } catch {}
    }
  },
};
