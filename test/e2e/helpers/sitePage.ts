/**
 * A page that loads the script-tag build against `collector`, with a short flush interval so that scenarios
 * run in seconds. `head` is inserted before the SDK (an init script that breaks IndexedDB, say).
 */
export const sitePage = (collector: string, { head = '', flushInterval = 200, title = 'Site' } = {}) =>
  `<!doctype html><title>${title}</title>${head}
<script src="/touchtrail.min.js" data-collector="${collector}" data-flush-interval="${flushInterval}"></script>
<a id="away" href="/other">other</a>`;

// Ids stay unique across the calls of a run, so that a test's retry, which meets the log of its first attempt in the
// same collector, cannot mistake those events for duplicates of its own.
let calls = 0;

/** Tracks `count` test events with ids `${name}.${call}-0…`, in the page; returns the ids. */
export const trackIn = async (page: import('playwright-core').Page, name: string, count = 1, extra = {}) => {
  const prefix = `${name}.${++calls}`;
  return page.evaluate(
    ([prefix, count, extra]) =>
      Array.from({ length: count as number }, (_, n) => {
        const id = `${prefix}-${n}`;
        (window as any).touchtrail.track('Test Event', { id, n, ...(extra as object) });
        return id;
      }),
    [prefix, count, extra] as const,
  );
};
