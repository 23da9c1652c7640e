/**
 * A page that loads the script-tag build against `collector`, with a short flush interval so that scenarios
 * run in seconds. `head` is inserted before the SDK (an init script that breaks IndexedDB, say).
 */
export const sitePage = (collector: string, { head = '', flushInterval = 200, title = 'Site' } = {}) =>
  `<!doctype html><title>${title}</title>${head}
<script src="/touchtrail.min.js" data-collector="${collector}" data-flush-interval="${flushInterval}"></script>
<a id="away" href="/other">other</a>`;

/** Tracks `count` test events with ids `${prefix}-0…`, in the page; returns the ids. */
export const trackIn = async (page: import('playwright-core').Page, prefix: string, count = 1, extra = {}) =>
  page.evaluate(
    ([prefix, count, extra]) =>
      Array.from({ length: count as number }, (_, n) => {
        const id = `${prefix}-${n}`;
        (window as any).touchtrail.track('Test Event', { id, n, ...(extra as object) });
        return id;
      }),
    [prefix, count, extra] as const,
  );
