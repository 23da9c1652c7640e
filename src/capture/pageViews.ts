import type { Capture } from '../types';
import { on } from '../lib/on';
import { onUrlChange } from '../lib/onUrlChange';

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
    const view = () => {
      const url = location.pathname + location.search + (hash ? location.hash : '');
      // A prerendered page may never be seen; it is counted on prerenderingchange, when it is.
      if ((document as { prerendering?: boolean }).prerendering || url === last) return;
      last = url;
      emit('Page View', {}, { type: 'page' });
    };
    const undo = [
      onUrlChange(view, fail, hash),
      on(window, 'pageshow', (event: PageTransitionEvent) => event.persisted && ((last = undefined), view()), fail),
      on(document, 'prerenderingchange', view, fail),
    ];
    view();
    return () => undo.forEach((u) => u());
  };
