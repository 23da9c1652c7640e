import type { Capture } from '../types';
import { guard } from '../lib/guard';
import { on } from '../lib/on';

/** Options of `pageViews`. */
export interface PageViewsOptions {
  /** Count a change of the URL's `#fragment` as a page view, for hash-routed apps. @default false */
  hash?: boolean;
}

/**
 * Captures page views: the first load, SPA route changes (pushState, replaceState, back and forward), pages
 * restored from the back/forward cache, and prerendered pages once they are shown, never before.
 * One view per real navigation: a route change that leaves the URL as it was is not one.
 */
export const pageViews =
  ({ hash = false }: PageViewsOptions = {}): Capture =>
  (emit, fail) => {
    let last: string | undefined;
    let stopped = false;
    const doc = document as Document & { prerendering?: boolean };

    const view = () => {
      const url = location.pathname + location.search + (hash ? location.hash : '');
      // A prerendered page may never be seen; it is counted on prerenderingchange, when it is.
      if (stopped || doc.prerendering || url === last) return;
      last = url;
      emit('Page View', {}, { type: 'page' });
    };
    // Routers often set the title after they push the URL: look once the call stack has unwound.
    const soon = () => setTimeout(guard(view, fail));

    // Wrap history's methods rather than replace them: a router may have wrapped them before us, or wrap us after.
    const patch = (method: 'pushState' | 'replaceState') => {
      const original = history[method];
      const patched = function (this: History, ...args: Parameters<History['pushState']>) {
        const result = original.apply(this, args);
        soon();
        return result;
      };
      history[method] = patched;
      // Put the original back only if nobody wrapped ours since; otherwise ours stays, inert once stopped.
      return () => history[method] === patched && (history[method] = original);
    };

    const undo = [
      patch('pushState'),
      patch('replaceState'),
      on(window, 'popstate', soon, fail),
      on(window, 'pageshow', (event: PageTransitionEvent) => event.persisted && ((last = undefined), view()), fail),
      on(document, 'prerenderingchange', view, fail),
    ];
    if (hash) undo.push(on(window, 'hashchange', soon, fail));
    view();
    return () => {
      stopped = true;
      undo.forEach((u) => u());
    };
  };
