// The script tag's start, shared by its two builds (tag.ts, tagWithVitals.ts): it reads its options from its own
// <script> tag, starts a tracker with every capture, replays the calls the stub snippet queued, and takes the stub's
// place. Importing it does nothing; each build calls it once.
import type { ConsentState, Tracker, TrackerOptions } from '../createTracker';
import { createTracker } from '../createTracker';
import { chatOpens } from '../capture/chatOpens';
import { checkoutSteps } from '../capture/checkoutSteps';
import { engagement } from '../capture/engagement';
import { forms } from '../capture/forms';
import { linkClicks, type LinkType } from '../capture/linkClicks';
import { pageViews } from '../capture/pageViews';
import { taggedClicks } from '../capture/taggedClicks';
import { channels } from '../journey/channels';
import { journeyStages } from '../journey/journeyStages';
import { loadRules } from '../journey/loadRules';
import { loadInspector } from '../inspector/loadInspector';
import { privacySignal } from '../lib/privacySignal';
import type { Capture } from '../types';

type Stub = ((...args: unknown[]) => void) & { q?: ArrayLike<unknown>[] };
const w = window as unknown as { touchtrail?: Stub & Partial<Tracker> };

// The data- attribute that sets an option: flushInterval is data-flush-interval.
const attribute = (name: string) => 'data-' + name.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());

/**
 * Starts the script tag's tracker, with the captures `more` adds from the tag's `data-*` attributes (the vitals
 * build's webVitals), so that `touchtrail.stop()` stops them with the others.
 */
export const startTag = (more: (data: DOMStringMap, list: (value?: string) => string[] | undefined) => Capture[] = () => []) => {
  try {
    // A second copy of the tag (hard-coded and again through a tag manager, or both builds) would double every
    // touchpoint: the first one keeps the page.
    if (w.touchtrail?.track) {
      return console.warn(
        'touchtrail: the script tag is on this page twice, and touchtrail is already running: this copy does nothing. Remove one of the tags (a tag manager may add one).',
      );
    }
    // currentScript is null only when this runs as a module or from a callback; the attribute finds the tag then.
    const script = (document.currentScript || document.querySelector('script[data-collector]')) as HTMLScriptElement | null;
    const data = script?.dataset || {};
    // ?touchtrail-debug in the page's address turns debug mode on for this visit, and the inspector with it.
    const debug = data.debug === 'true' || new URLSearchParams(location.search).has('touchtrail-debug');
    const number = (value?: string) => (value ? Number(value) : undefined);
    const list = (value?: string) => value?.split(/[\s,]+/).filter(Boolean);
    // Every capture is on unless its data- attribute says "false".
    const on = (name: string) => data[name] !== 'false';
    const hash = data.hash === 'true';
    const json = (name: string) => {
      try {
        return data[name] ? JSON.parse(data[name]!) : undefined;
      } catch {
        console.warn(`touchtrail: ${attribute(name)} is not valid JSON; ignored.`);
      }
    };
    // data-config: the marketer's rules file, fetched once, cached, refreshed in the background.
    // Cached only where touchtrail may store: consent given (or not asked for) and no privacy signal.
    const mayStore = !data.consent?.match(/pending|denied/) && !(data.privacySignals != 'ignore' && privacySignal());
    // data-stages names the stages where the rules file lists none: its rules are checked against them.
    const rules = data.config ? loadRules(data.config, { cache: mayStore, stages: list(data.stages) }) : undefined;
    // A capture that can start only once the rules have said how (which pages are the checkout).
    const later =
      (made: Promise<Capture | undefined>): Capture =>
      (emit, fail, persist) => {
        let stop: (() => void) | undefined;
        let stopped = false;
        made.then((capture) => {
          if (!stopped && capture) stop = capture(emit, fail, persist);
        }, fail);
        return () => ((stopped = true), stop?.());
      };
    const checkout = () =>
      checkoutSteps({
        steps: json('checkoutSteps'),
        confirmation: data.checkoutConfirmation,
        dataLayer: data.dataLayer === 'false' ? false : data.dataLayer,
      });
    const tracker = createTracker({
      collector: data.collector!,
      captures: [
        pageViews({ hash }),
        ...(on('linkClicks')
          ? [
              linkClicks({
                linkTypes: list(data.linkTypes) as LinkType[] | undefined,
                downloadExtensions: list(data.downloadExtensions),
                internalHosts: list(data.internalHosts),
              }),
            ]
          : []),
        ...(on('forms') ? [forms({ countPrevented: data.formsCountPrevented === 'true' })] : []),
        ...(on('engagement') ? [engagement({ hash })] : []),
        ...(on('checkout')
          ? [rules ? later(rules.then((r) => (r.checkoutSteps ? checkoutSteps({ ...r.checkoutSteps }) : checkout()))) : checkout()]
          : []),
        ...(on('chat') ? [chatOpens({ launcher: data.chatLauncher })] : []),
        ...(on('taggedClicks') ? [taggedClicks({ links: !on('linkClicks'), forms: !on('forms') })] : []),
        ...more(data, list),
      ],
      // Stages before channels, so that a Journey Stage Reached gets its channel too.
      processors: on('journey')
        ? [journeyStages({ rules, stages: list(data.stages) }), channels({ internalHosts: list(data.internalHosts) })]
        : [],
      batchSize: number(data.batchSize),
      flushInterval: number(data.flushInterval),
      debug,
      consent: data.consent as ConsentState | undefined,
      privacySignals: data.privacySignals as TrackerOptions['privacySignals'],
      redact: data.redact === 'false' ? false : { allowParams: list(data.allowParams) },
    });
    const call = (method: unknown, ...args: unknown[]) => {
      const fn = tracker[method as keyof Tracker] as ((...a: unknown[]) => unknown) | undefined;
      if (typeof fn === 'function') return fn(...args);
      console.warn(`touchtrail: there is no touchtrail("${String(method)}"); use track, page, identify, consent, flush or stop.`);
    };
    const queued = w.touchtrail?.q || [];
    // In debug mode, the inspector: a file of its own beside this one; touchpoints wait for it.
    if (debug && script) loadInspector(script, rules);
    w.touchtrail = Object.assign(call, tracker);
    for (const args of Array.from(queued)) call(...(Array.from(args) as [unknown, ...unknown[]]));
  } catch (error) {
    // A wrong data- attribute must not break the page; the message says what to fix, named as the tag names it.
    console.error(error instanceof TypeError ? error.message.replace(/option "(\w+)"/, (_, name) => attribute(name)) : error);
  }
};
