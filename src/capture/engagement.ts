import type { Capture } from '../types';
import { on } from '../lib/on';
import { onUrlChange } from '../lib/onUrlChange';

/** Options of `engagement`. */
export interface EngagementOptions {
  /**
   * How long, in ms, a visitor still counts as engaged after their last input (pointer, key, wheel, scroll) or
   * after the page was shown; 5 s is the window Chartbeat uses for engaged time. A reader who scrolls every few
   * seconds stays engaged; a tab left open on a visible screen stops counting after this long.
   * @default 5000
   */
  idleAfter?: number;
  /** Treat a change of the URL's `#fragment` as a new page, for hash-routed apps; give it what `pageViews` gets. @default false */
  hash?: boolean;
}

/**
 * Captures how much of each page a visitor took in: `Page Engagement` with `engagedTime` (ms, since the last
 * report of the same page) and `maxScrollDepth` (0–100, the furthest the bottom of the viewport reached, in percent
 * of the document's height when reported), for the page in `url`.
 *
 * Time is engaged while the page is visible and the visitor did something within the last `idleAfter` ms. A
 * report goes when the page is hidden (another tab, an app switch, closing), when it is left (pagehide), on an
 * SPA route change (for the route that was left: announced by the Navigation API, before the URL changes and with
 * that route as its page; without it, just after), and when the tracker stops;
 * only when it says something new: at least 1 s of engaged time not yet reported, or a deeper scroll. Summing
 * `engagedTime` and taking the largest `maxScrollDepth` of a page gives its totals.
 */
export const engagement =
  ({ idleAfter = 5000, hash = false }: EngagementOptions = {}): Capture =>
  (emit, fail) => {
    // The page being measured: its URL without the #fragment, unless fragments are pages.
    const page = (href: string) => (hash ? href : href.split('#')[0]!);
    const here = () => page(location.href);
    let url = here();
    // The page the navigation announced last leads to: the report of the page it leaves is made already.
    let left: string | undefined;
    // Engaged ms not yet reported; time is counted up to `from`, and the visitor is engaged until `until`.
    let engaged = 0;
    let from = 0;
    let until = 0;
    // The furthest the bottom of the viewport reached, in px, and the depth last reported.
    let bottom = 0;
    let reported = 0;
    let frame = 0;

    const count = () => {
      const now = Date.now();
      engaged += Math.max(0, Math.min(now, until) - from);
      from = now;
    };
    const active = () => {
      if (!document.hidden) count(), (until = from + idleAfter);
    };
    // scrollY forces a layout if one is pending: read it once a frame at most, when the browser lays out anyway.
    // Hidden pages get no frames; report() reads it then.
    let height = 1;
    const measure = () => ((bottom = Math.max(bottom, scrollY + innerHeight)), (height = document.documentElement.scrollHeight));
    const soon = () => (frame ||= requestAnimationFrame(() => ((frame = 0), measure())));
    // `fresh` false: the last frame's measures, in a router's call, where reading them could force a layout.
    const report = (fresh = true) => {
      count();
      if (document.hidden) until = 0;
      // Not a moment engaged since the last report: nothing new, or a prerendered page that was never shown.
      if (!engaged) return;
      if (fresh) measure();
      const depth = Math.min(100, Math.round((100 * bottom) / height)) || 0;
      if (engaged < 1000 && depth <= reported) return;
      emit('Page Engagement', { touchpointKind: 'engagement', engagedTime: engaged, maxScrollDepth: depth, url });
      engaged = 0;
      reported = depth;
    };

    const undo = [
      ...['pointerdown', 'pointermove', 'keydown', 'wheel'].map((type) => on(document, type, active, fail, true)),
      // Capture phase, so that scrolling any scroller counts as activity; only the window's scroll moves `bottom`.
      on(document, 'scroll', () => (active(), soon()), fail, true),
      on(document, 'visibilitychange', () => (document.hidden ? report() : (active(), soon())), fail),
      on(window, 'pagehide', () => report(), fail),
      onUrlChange(
        () => {
          if (here() == url) return;
          if (here() != left) report();
          left = undefined;
          url = here();
          engaged = bottom = reported = 0;
          soon();
        },
        fail,
        hash,
      ),
    ];
    // The Navigation API announces a route change before the URL changes: the route left is reported while it is
    // still the page, so that its touchpoint carries its own page and comes before the next route's Page View.
    const navigation = (window as { navigation?: EventTarget }).navigation;
    if (navigation) {
      // The document's height, kept current for that report without reading layout: content that renders after the
      // last frame (an SPA's data) changes it, scrolled to or not. Layout is done when a ResizeObserver calls back.
      const resized = new ResizeObserver(() => (height = document.documentElement.scrollHeight));
      resized.observe(document.documentElement);
      undo.push(
        () => resized.disconnect(),
        on(
          navigation,
          'navigate',
          (event: { destination: { url: string; sameDocument: boolean }; canIntercept?: boolean; downloadRequest?: string | null }) => {
            const to = page(event.destination.url);
            // Each navigation replaces the one announced before it, which may have been cancelled or never committed.
            left = undefined;
            // A link a router will intercept still says sameDocument false (the spec keeps a navigation's original
            // nature); canIntercept says it may stay. If it does not (the page unloads), pagehide finds nothing new.
            if ((event.destination.sameDocument || event.canIntercept) && event.downloadRequest == null && to != url)
              report(false), (left = to);
          },
          fail,
        ),
        // A navigation that failed or was aborted before its URL changed: a later change to that URL is reported.
        on(navigation, 'navigateerror', () => (left = undefined), fail),
      );
    }
    active();
    soon();
    // A frame still pending at stop only moves `bottom`, which nothing reads any more.
    return () => {
      undo.forEach((u) => u());
      report();
    };
  };
