import type { Capture, Properties } from '../types';
import {
  onCLS,
  onFCP,
  onINP,
  onLCP,
  onTTFB,
  type CLSMetricWithAttribution,
  type INPMetricWithAttribution,
  type LCPMetricWithAttribution,
  type MetricWithAttribution,
} from 'web-vitals/attribution';
import { guard } from '../lib/guard';
import { matchPath } from '../lib/matchPath';
import { on } from '../lib/on';
import { onUrlChange } from '../lib/onUrlChange';
import { uuid } from '../lib/uuid';

/** Options of `webVitals`. */
export interface WebVitalsOptions {
  /**
   * The pages where slowness costs customers most: path globs as `checkoutSteps` reads them (`'/checkout/*'`),
   * RegExps tested against path, query and hash, or a function of the page's URL. A Page Experience of such a page
   * carries `momentOfTruth: true`, and `slowMomentOfTruth: true` when its LCP or INP is poor.
   * @default [/\b(checkout|cart|basket|pay|payment|billing)\b/i]
   */
  momentsOfTruth?: (string | RegExp)[] | ((url: URL) => boolean);
  /**
   * Measures each soft navigation (an SPA route change the browser itself recognises, Chromium 151 and later) as a
   * page of its own, as web-vitals' `reportSoftNavs` does. Where the browser recognises none, one Page Experience
   * covers the whole document: its INP and CLS include every route shown in it.
   * @default true
   */
  softNavigations?: boolean;
}

type Metrics = {
  LCP?: LCPMetricWithAttribution;
  INP?: INPMetricWithAttribution;
  CLS?: CLSMetricWithAttribution;
  FCP?: MetricWithAttribution;
  TTFB?: MetricWithAttribution;
};
/** One page view's metrics: `_sent` Page Experiences so far, `_dirty` when a metric changed since the last. */
type View = { _id: string; _url: string; _type: string; _m: Metrics; _sent: number; _dirty?: boolean };

const RATINGS = ['good', 'needs-improvement', 'poor'];
const PHASES = ['input-delay', 'processing-duration', 'presentation-delay'];
// Metrics of an earlier soft navigation still arrive after the next one begins: INP's final value waits for an idle
// callback (at most 1 s), so that page view's Page Experience goes this long after the next page view begins.
const SETTLE = 2000;
// Page views whose Page Experience went out are kept this many at most, for the late metric that updates one.
const KEEP = 4;

/**
 * Captures the page experience of each page view, measured by Google's web-vitals library: LCP, INP, CLS, FCP and
 * TTFB with their ratings and what explains them (the LCP element, the INP target and its longest phase, the element
 * of the largest layout shift). One `Page Experience` touchpoint (`touchpointKind: 'page_experience'`) per page view
 * goes when the page is hidden or left, when the next soft navigation has settled, or when the tracker stops. If the
 * visitor comes back and a metric changes (a slower interaction, a new shift), a Page Experience goes again on the
 * next hide with every value, the same `viewId` and `update: true`: the last of a `viewId` holds the final values.
 */
export const webVitals =
  ({ momentsOfTruth = [/\b(checkout|cart|basket|pay|payment|billing)\b/i], softNavigations = true }: WebVitalsOptions = {}): Capture =>
  (emit, fail) => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // Page views by the time they began (0 for the document's own; a soft navigation's or a restore's start time).
    const views = new Map<number, View>();
    // The URLs the document has shown, from when: where an interaction happened, when no soft navigation says so.
    const routes: [number, string][] = [[0, location.href]];
    const urlAt = (time: number) => routes.filter(([t]) => t <= time).pop()?.[1];
    // A site's function that throws costs the flag, not the Page Experience.
    const matches = guard((url: string) => {
      const u = new URL(url, location.href);
      return typeof momentsOfTruth == 'function'
        ? momentsOfTruth(u)
        : momentsOfTruth.some((p) => (typeof p == 'string' ? matchPath(p, u.pathname) : p.test(u.pathname + u.search + u.hash)));
    }, fail);

    const properties = ({ _id: id, _url: url, _type: type, _m: m }: View): Properties => {
      const path = new URL(url, location.href).pathname;
      const p: Properties = { touchpointKind: 'page_experience', url, path, navigationType: type, viewId: id };
      let worst = 0;
      for (const metric of Object.values(m) as MetricWithAttribution[]) {
        const key = metric.name.toLowerCase();
        // Milliseconds need no fractions, and CLS no more than four decimals: bytes on every page view.
        p[key] = metric.name == 'CLS' ? Math.round(metric.value * 1e4) / 1e4 : Math.round(metric.value);
        p[key + 'Rating'] = metric.rating;
        worst = Math.max(worst, RATINGS.indexOf(metric.rating));
      }
      p.rating = RATINGS[worst];
      const { LCP: lcp, INP: inp, CLS: cls } = m;
      if (lcp?.attribution.target) p.lcpElement = lcp.attribution.target;
      // The interaction may have happened on another route than the page view's, in a document without soft navigations.
      const inpUrl = urlAt(inp?.attribution.interactionTime ?? -1) || url;
      if (inp) {
        const a = inp.attribution;
        if (a.interactionTarget) p.inpTarget = a.interactionTarget;
        const phases = [a.inputDelay, a.processingDuration, a.presentationDelay];
        p.inpPhase = PHASES[phases.indexOf(Math.max(...phases))];
        const inpPath = new URL(inpUrl, location.href).pathname;
        if (inpPath != path) p.inpPath = inpPath;
      }
      if (cls?.attribution.largestShiftTarget) p.clsLargestShiftTarget = cls.attribution.largestShiftTarget;
      if (matches(url) || (inp && matches(inpUrl))) p.momentOfTruth = true;
      if ((lcp?.rating == 'poor' && matches(url)) || (inp?.rating == 'poor' && matches(inpUrl))) p.slowMomentOfTruth = true;
      return p;
    };

    // Sends the Page Experience of every page view begun before `before` that has something new to say.
    const send = (before = Infinity) => {
      views.forEach((view, start) => {
        if (!view._dirty || start >= before) return;
        view._dirty = false;
        const p = properties(view);
        if (view._sent++) p.update = true;
        emit('Page Experience', p);
      });
      for (const [start, view] of views) if (views.size > KEEP && !view._dirty) views.delete(start);
    };

    const report = guard((metric: MetricWithAttribution) => {
      if (stopped) return;
      const start = metric.navigationStartTime || 0;
      let view = views.get(start);
      if (!view) {
        // A page view begun after the document's own that is no soft navigation (a bfcache restore) shows the URL the
        // document had then: web-vitals hands it the navigationURL of the metric before it, the landing's.
        const url = (start && metric.navigationType != 'soft-navigation' && urlAt(start)) || metric.navigationURL || location.href;
        views.set(start, (view = { _id: uuid(), _url: url, _type: metric.navigationType, _m: {}, _sent: 0 }));
        if (start) {
          clearTimeout(timer);
          timer = setTimeout(guard(() => send(start), fail), SETTLE);
        }
      }
      view._m[metric.name] = metric as never;
      view._dirty = true;
    }, fail);

    const options = { reportSoftNavs: softNavigations };
    onLCP(report, options);
    // Every change of INP, not only its value at hide: web-vitals handles an interaction's entries in an idle callback
    // (up to 1 s later), and a page hidden before then (a Pay click that navigates away) is forced to report while INP
    // is still unset, then never reports it. Reported as it changes, it is here when the page goes.
    onINP(report, { ...options, reportAllChanges: true });
    onCLS(report, options);
    onFCP(report, options);
    onTTFB(report, options);

    // web-vitals hands over the final CLS, INP and LCP in its own visibilitychange listener, on window in the capture
    // phase; this one, on document, runs after it, so the Page Experience has them.
    const undo = [
      on(document, 'visibilitychange', () => document.visibilityState == 'hidden' && send(), fail),
      onUrlChange(() => routes.push([performance.now(), location.href]) > 50 && routes.shift(), fail),
    ];
    return () => {
      send();
      stopped = true;
      clearTimeout(timer);
      undo.forEach((u) => u());
    };
  };
