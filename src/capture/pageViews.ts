import type { Capture } from '../types';
import { clickIds } from '../lib/clickIds';
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
 * One view per real navigation: a route change that leaves the URL as it was is not one, and neither is a
 * replaceState that keeps the path (and, with `hash`, the fragment) and only drops campaign parameters (utm_*, ad
 * click ids): that is a page tidying its address after a landing (consent tools and Next.js do it too), and the
 * landing, counted with its campaign, is the view. A replaceState to another path, or that adds, changes or drops
 * any other parameter, and any pushState, back or forward to a new URL, are new views.
 */
export const pageViews =
  ({ hash = false }: PageViewsOptions = {}): Capture =>
  (emit, fail) => {
    let last: string | undefined;
    // The last view's path (with its fragment, if fragments are pages) and its query's pairs, as `&a=1&b=2&`.
    let page: string | undefined;
    let pairs = '';
    const view = (replaced?: boolean) => {
      const { pathname, search } = location;
      const fragment = hash ? location.hash : '';
      const url = pathname + search + fragment;
      // A prerendered page may never be seen; it is counted on prerenderingchange, when it is.
      if ((document as { prerendering?: boolean }).prerendering || url === last) return;
      const was = page;
      const had = pairs;
      last = url;
      page = pathname + fragment;
      pairs = '&' + search.slice(1) + '&';
      // Only campaign parameters gone, in place: the same view (GA4 would count it again, without its campaign). A
      // replace that drops another parameter (?page=2 back to the first page, a filter cleared) is a new view.
      if (
        replaced &&
        page == was &&
        search.slice(1).split('&').every((pair) => !pair || had.includes('&' + pair + '&')) &&
        had.split('&').every((pair) => !pair || pairs.includes('&' + pair + '&') || /^utm_/i.test(pair) || clickIds.includes(pair.split('=')[0]!))
      )
        return;
      emit('Page View', {}, { type: 'page' });
    };
    const undo = [
      onUrlChange(view, fail, hash),
      on(window, 'pageshow', (event: PageTransitionEvent) => event.persisted && ((last = undefined), view()), fail),
      on(document, 'prerenderingchange', () => view(), fail),
    ];
    view();
    return () => undo.forEach((u) => u());
  };
