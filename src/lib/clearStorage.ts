/** Removes every key that `ours` matches, from localStorage and sessionStorage; blocked storage is skipped. */
export const clearStorage = (ours: RegExp): void => {
  for (const name of ['localStorage', 'sessionStorage'] as const) {
    try {
      const store = window[name];
      Object.keys(store).forEach((key) => ours.test(key) && store.removeItem(key));
    } catch {}
  }
};
