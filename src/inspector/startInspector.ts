import type { Rules } from '../journey/parseRules';
import type { Touchpoint } from '../types';
import { linkSelector } from '../lib/linkSelector';
import { explain } from './explain';
import { h } from './h';
import { createOutlines } from './outlines';
import { createPanel } from './panel';
import { styles } from './styles';

/** What the inspector starts with. */
export interface InspectorOptions {
  /** Touchpoints announced before it started (the loader keeps them), listed first. */
  touchpoints?: unknown[];
  /** The rules the tracker follows, or a promise of them (`loadRules(url)`'s); a `touchtrail:rules` event replaces them. */
  rules?: unknown;
}

/** The element that holds the inspector's shadow root: its name is the page's way to find (or hide) it. */
const TAG = 'touchtrail-inspector';

// What journeyStages sees as the element of each kind of touchpoint, found from where the visitor acted.
const ACTED_ON: Record<string, string> = {
  tagged: '[data-touchpoint]:not([data-touchpoint=""])',
  link_click: linkSelector,
  form_submit: 'form',
  chat_open: '*',
  checkout_step: '*',
};

/**
 * Starts the in-page inspector: outlines of the page's touchpoints, and a panel listing every touchpoint that debug
 * mode announces (`touchtrail:touchpoint` events on window) with its name, event, kind, stage and why, channel and
 * moment-of-truth flag. Everything lives in one shadow root, under an element marked `data-touchpoint-ignore`, so
 * that the page's CSS does not reach it and touchtrail does not record clicks on it. Styled by a constructed
 * stylesheet and CSSOM only, with no inline script or style, so it runs under a strict Content-Security-Policy.
 * Never throws into the page. Returns the function that removes it.
 */
export const startInspector = ({ touchpoints = [], rules: given }: InspectorOptions = {}): (() => void) => {
  const stops: (() => void)[] = [];
  let stopped = false;
  const stop = () => {
    stopped = true;
    stops.splice(0).forEach((fn) => guarded(fn)());
  };
  const guarded =
    <A extends unknown[]>(fn: (...args: A) => unknown) =>
    (...args: A) => {
      try {
        fn(...args);
      } catch (error) {
        console.warn('touchtrail inspector:', error);
      }
    };
  const listen = (target: EventTarget, type: string, fn: (event: any) => void, options: AddEventListenerOptions = {}) => {
    const listener = guarded(fn);
    target.addEventListener(type, listener, options);
    stops.push(() => target.removeEventListener(type, listener, options));
  };

  try {
    if (document.querySelector(TAG)) return () => {};
    let rules: Rules = {};

    const host = document.createElement(TAG);
    host.setAttribute('data-touchpoint-ignore', '');
    // CSSOM, which a strict CSP allows (a style attribute in markup it would not), and !important against the page.
    const place: [string, string][] = [['all', 'initial'], ['display', 'block'], ['position', 'fixed'], ['top', '0'], ['left', '0'],
      ['width', '0'], ['height', '0'], ['z-index', '2147483647']];
    place.forEach(([property, value]) => host.style.setProperty(property, value, 'important'));
    const root = host.attachShadow({ mode: 'open' });
    try {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(styles);
      root.adoptedStyleSheets = [sheet];
    } catch {} // a browser without constructed stylesheets shows it unstyled, and working
    const layer = h('div', 'layer', [], { 'aria-hidden': 'true' });
    const outlines = createOutlines(layer, () => rules);
    const panel = createPanel((on) => outlines.show(on));
    root.append(layer, panel.element);
    // On <html>, not <body>: frameworks that re-render the body leave it alone.
    document.documentElement.append(host);
    stops.push(() => host.remove());

    // Where the visitor last acted, for rules with a selector: journeyStages had the element, the touchpoint has not.
    // pointerdown and keydown come before the click that touchtrail records, and the touchpoint follows in a microtask.
    let acted: { target: Element; at: number } | undefined;
    const remember = (event: Event) => {
      const path = event.composedPath();
      if (!path.includes(host) && path[0] instanceof Element) acted = { target: path[0], at: Date.now() };
    };
    for (const type of ['pointerdown', 'mousedown', 'touchstart', 'keydown', 'click', 'submit'])
      listen(window, type, remember, { capture: true, passive: true });
    const actedOn = (t: Touchpoint) => {
      const p = t.properties;
      const selector = ACTED_ON[p.touchpointKind as string];
      const element = selector && acted && Date.now() - acted.at < 5000 ? acted.target.closest(selector) : null;
      return element && (p.touchpointKind != 'tagged' || element.getAttribute('data-touchpoint') == p.touchpoint) ? element : undefined;
    };

    const receive = (detail: unknown) => {
      if (!detail || typeof detail != 'object') return;
      // A copy: what the tracker does with the object later is not what fired.
      const t = JSON.parse(JSON.stringify(detail)) as Touchpoint;
      if (!t.properties || typeof t.properties != 'object') t.properties = {};
      const element = actedOn(t);
      panel.add(t, () => explain(t, rules, element));
      if (element) outlines.fired(element, String(t.properties.touchpoint), t.properties.stage);
      // A page view may be a new route: other elements, other rules by URL.
      if (t.type == 'page') rescan();
    };

    const useRules = (value: unknown) => {
      if (stopped || !value || typeof value != 'object') return;
      rules = value as Rules;
      const n = rules.touchpoints?.length || 0;
      panel.status(
        n || rules.stages
          ? `Rules: ${n} touchpoint rule${n == 1 ? '' : 's'}` + (rules.stages ? `; stages: ${rules.stages.join(', ')}` : '')
          : 'Rules: none',
      );
      outlines.scan();
      panel.refresh();
    };

    // Outlines follow the page: a scan when it changes (at most every 250 ms), a move when it scrolls or resizes
    // (at most once a frame), and a move every second for what shifts without either (images, fonts).
    let scanning: ReturnType<typeof setTimeout> | undefined;
    const rescan = () => (scanning ||= setTimeout(guarded(() => ((scanning = undefined), outlines.scan())), 250));
    let frame = 0;
    const later = window.requestAnimationFrame || ((fn: () => void) => setTimeout(fn, 16));
    const move = () => (frame ||= later(guarded(() => ((frame = 0), outlines.place()))) as number);
    const observer = new MutationObserver(guarded(rescan));
    observer.observe(document.documentElement, {
      childList: true,
      subtree: true,
      attributes: true,
      attributeFilter: ['data-touchpoint', 'data-touchpoint-stage', 'data-touchpoint-ignore', 'class', 'id', 'href'],
    });
    const every = setInterval(guarded(() => document.visibilityState != 'hidden' && move()), 1000);
    stops.push(() => observer.disconnect(), () => clearTimeout(scanning), () => clearInterval(every));
    listen(window, 'scroll', move, { capture: true, passive: true });
    listen(window, 'resize', move, { passive: true });
    listen(window, 'popstate', rescan);

    touchpoints.forEach(guarded(receive));
    listen(window, 'touchtrail:touchpoint', (event: CustomEvent) => receive(event.detail));
    listen(window, 'touchtrail:rules', (event: CustomEvent) => useRules(event.detail));
    if (given && typeof (given as Promise<unknown>).then == 'function') {
      panel.status('Rules: loading…');
      (given as Promise<unknown>).then(guarded(useRules), () => {});
    } else useRules(given);
    outlines.scan();
  } catch (error) {
    console.warn('touchtrail inspector:', error);
    stop();
  }
  return stop;
};
