// The script-tag build: the only module with side effects. It reads its options from its own <script> tag,
// starts a tracker with every capture, replays the calls the stub snippet queued, and takes the stub's place.
import type { ConsentState, Tracker, TrackerOptions } from '../createTracker';
import { createTracker } from '../createTracker';
import { chatOpens } from '../capture/chatOpens';
import { checkoutSteps } from '../capture/checkoutSteps';
import { engagement } from '../capture/engagement';
import { forms } from '../capture/forms';
import { linkClicks, type LinkType } from '../capture/linkClicks';
import { pageViews } from '../capture/pageViews';

type Stub = ((...args: unknown[]) => void) & { q?: ArrayLike<unknown>[] };
const w = window as unknown as { touchtrail?: Stub & Partial<Tracker> };

try {
  // currentScript is null only when this runs as a module or from a callback; the attribute finds the tag then.
  const script = (document.currentScript || document.querySelector('script[data-collector]')) as HTMLScriptElement | null;
  const data = script?.dataset || {};
  const number = (value?: string) => (value ? Number(value) : undefined);
  const list = (value?: string) => value?.split(/[\s,]+/).filter(Boolean);
  // Every capture is on unless its data- attribute says "false".
  const on = (name: string) => data[name] !== 'false';
  const hash = data.hash === 'true';
  const json = (name: string) => {
    try {
      return data[name] ? JSON.parse(data[name]!) : undefined;
    } catch {
      console.warn(`touchtrail: data-${name.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())} is not valid JSON; ignored.`);
    }
  };
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
        ? [
            checkoutSteps({
              steps: json('checkoutSteps'),
              confirmation: data.checkoutConfirmation,
              dataLayer: data.dataLayer === 'false' ? false : data.dataLayer,
            }),
          ]
        : []),
      ...(on('chat') ? [chatOpens({ launcher: data.chatLauncher })] : []),
    ],
    batchSize: number(data.batchSize),
    flushInterval: number(data.flushInterval),
    debug: data.debug === 'true',
    consent: data.consent as ConsentState | undefined,
    privacySignals: data.privacySignals as TrackerOptions['privacySignals'],
    redact: data.redact === 'false' ? false : { allowParams: list(data.allowParams) },
  });
  const call = (method: unknown, ...args: unknown[]) => {
    const fn = tracker[method as keyof Tracker] as ((...a: unknown[]) => unknown) | undefined;
    if (typeof fn === 'function') return fn(...args);
    console.warn(`touchtrail: there is no touchtrail("${String(method)}"); use track, page, identify, flush or stop.`);
  };
  const queued = w.touchtrail?.q || [];
  w.touchtrail = Object.assign(call, tracker);
  for (const args of Array.from(queued)) call(...(Array.from(args) as [unknown, ...unknown[]]));
} catch (error) {
  // A wrong data-collector must not break the page; the message says what to fix.
  console.error(error);
}
