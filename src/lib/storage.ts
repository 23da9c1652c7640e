/**
 * localStorage that never throws: it is missing in some sandboxed iframes, throws in Safari's old private mode,
 * and throws when the quota is full. Identity and the journey live here because events need them synchronously.
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
      // What was to be kept then lasts as long as the page does.
    }
  },
};
