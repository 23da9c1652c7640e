import type { Capture, Emit, PageContext, Properties, Processor, Queue, Send, Serialize, Touchpoint, TouchpointContext } from './types';
import { checkOptions } from './core/checkOptions';
import { createDelivery } from './core/createDelivery';
import { createIdentity } from './core/createIdentity';
import { serializeBatch } from './transport/serializeBatch';
import { campaign } from './lib/campaign';
import { guard } from './lib/guard';
import { on } from './lib/on';
import { pageContext } from './lib/pageContext';
import { jsonSafe } from './lib/jsonSafe';
import { privacySignal } from './lib/privacySignal';
import { clearStorage } from './lib/clearStorage';
import { uuid } from './lib/uuid';
import { redact, type RedactOptions } from './privacy/redact';
import { idbQueue } from './queue/idbQueue';
import { httpSend } from './transport/httpSend';
import { version } from './version';

/** How a tracker is set up. Only `collector` is required. */
export interface TrackerOptions {
  /** Where batches are POSTed: any collector that speaks the Segment Spec's batch format, or `serialize`'s. */
  collector: string;
  /** What to capture on its own, such as `[pageViews()]`. @default [] */
  captures?: Capture[];
  /** Run in order on every touchpoint before it is queued; one that returns null drops it. @default [] */
  processors?: Processor[];
  /** Send as soon as this many touchpoints wait. @default 20 */
  batchSize?: number;
  /** Send waiting touchpoints after this many ms; the page's first burst (its page view) goes at once. @default 2000 */
  flushInterval?: number;
  /** The largest request body, in bytes; browsers allow 64 KB for all requests that outlive a page. @default 60000 */
  maxBatchBytes?: number;
  /** Turns a batch into the request body. @default serializeBatch, a Segment-Spec batch */
  serialize?: Serialize;
  /** Where touchpoints wait for delivery. @default idbQueue() */
  queue?: Queue;
  /** How a body reaches the collector. @default httpSend: fetch with keepalive, sendBeacon when the page goes */
  send?: Send;
  /** Logs every touchpoint and every failure of touchtrail's own to the console. @default false */
  debug?: boolean;
  /**
   * The visitor's consent. While `pending`, touchpoints wait in memory only (nothing is written to storage,
   * no identifier is kept) until `tracker.consent()` grants or denies; `denied` stores and sends nothing.
   * @default 'granted'
   */
  consent?: ConsentState;
  /**
   * What Global Privacy Control or Do Not Track, when the browser sends either, changes: `storageless` tracks
   * without writing anything to storage (no lasting identifier), `off` tracks nothing, `ignore` changes nothing.
   * @default 'storageless'
   */
  privacySignals?: 'storageless' | 'off' | 'ignore';
  /** Keeps personal data out of what touchtrail collects from the page; `false` turns it off. @default {} */
  redact?: RedactOptions | false;
  /** Sees every touchpoint last, after every processor: return it (changed or not), or null to drop it. */
  beforeSend?: (touchpoint: Touchpoint) => Touchpoint | null;
}

/** A visitor's consent to tracking. */
export type ConsentState = 'granted' | 'denied' | 'pending';

/** A running tracker. */
export interface Tracker {
  /** Records a touchpoint. Never throws: bad input is reported in the console and ignored. */
  track: Emit;
  /** Records a page view by hand, for routers that `pageViews()` cannot see. */
  page(properties?: Properties): void;
  /** Ties this visitor's touchpoints, before and after, to a user id of the site's; `traits` describe the user. */
  identify(userId: string, traits?: Properties): void;
  /** Sends what is waiting now; resolves when it is sent or a retry is scheduled. */
  flush(): Promise<void>;
  /** Stops every capture and listener, sending what is waiting first. */
  stop(): Promise<void>;
  /** Records the visitor's consent: `granted` sends what waited, `denied` discards it and deletes what was stored. */
  consent(state: ConsentState): void;
}

/** Starts a tracker: captures emit touchpoints, processors tag them, the queue keeps them, the transport sends them. */
export const createTracker = (options: TrackerOptions): Tracker => {
  const collector = checkOptions(options);
  const { debug = false, beforeSend, redact: redaction = {} } = options;
  const log = (...args: unknown[]) => debug && console.warn('touchtrail:', ...args);
  // touchtrail's own failures never reach the page: they are counted, and shown in debug mode.
  let failures = 0;
  const fail = (error: unknown) => log(`failure ${++failures}:`, error);
  const signal = options.privacySignals != 'ignore' && privacySignal();
  const storageless = signal && options.privacySignals != 'off';
  let consent: ConsentState = signal && !storageless ? 'denied' : options.consent || 'granted';
  const identity = createIdentity(consent == 'granted' && !storageless, !storageless);
  const processors: Processor[] = [
    ...(redaction !== false ? [redact(redaction || {})] : []),
    ...(options.processors || []),
    ...(beforeSend ? [beforeSend] : []),
  ];
  // Created once consent is granted: before that, nothing may open IndexedDB (opening creates the database).
  let delivery: ReturnType<typeof createDelivery> | undefined;
  let queue: Queue | undefined;
  const deliver = () =>
    (delivery ||= createDelivery({
      collector,
      // Storageless, there is no queue: the delivery's own memory is the only place events wait, as with a queue
      // that fails. (A memory queue as well only counted as dropped events that were still in that memory.)
      queue: (queue = storageless ? { push: async () => 0, read: async () => [], remove: async () => {} } : options.queue || idbQueue()),
      remember: !storageless,
      send: options.send || httpSend,
      serialize: options.serialize || serializeBatch,
      batchSize: options.batchSize || 20,
      flushInterval: options.flushInterval ?? 2000,
      maxBatchBytes: options.maxBatchBytes || 60_000,
      fail,
    }));
  if (consent == 'granted') deliver();
  // Touchpoints processed while consent is pending: in memory only, at most this many.
  let held: Touchpoint[] = [];
  const library = { name: 'touchtrail', version };
  // Misuse is the site developer's to fix, so it is always shown, and ignored rather than thrown at the page.
  const misuse = (problem: string) => console.warn(`touchtrail: ${problem}; ignored.`);

  // Touchpoints of the current task wait here, and are processed and stored together in a microtask:
  // track() itself only builds an object, and one IndexedDB transaction takes each slice of the burst.
  let pending: [Touchpoint, Element | undefined, number][] = [];
  // Touchpoints processed in one task at most. The benchmark's 5,000 calls took 327 ms of long tasks to process in
  // one (65 µs each, on a desktop CPU); 100 take about 7 ms, under a long task's 50 ms on a phone four times slower.
  const SLICE = 100;
  let pageKey = '';
  let page: PageContext;
  let utm: Record<string, string> | undefined;
  // What does not change while the page lives.
  const device = { locale: navigator.language, userAgent: navigator.userAgent, screen: { width: screen.width, height: screen.height } };
  let pageUrl = '';
  let referrer = document.referrer;
  // The campaign this page arrived with: it may start a session once. Later touchpoints of the page carry it too,
  // but are no new arrival (two tabs of two campaigns would otherwise take turns starting sessions).
  let landed = '';
  let stopped = false;

  const process = (all?: boolean) => {
    // In slices of SLICE, each in a task of its own: a burst of thousands must not become one long task.
    const burst = all ? pending : pending.slice(0, SLICE);
    pending = pending.slice(burst.length);
    if (pending.length) setTimeout(process);
    const out: Touchpoint[] = [];
    // The burst's session so far: asked again only for a new arrival, so that a burst reads and writes
    // localStorage once, not once for each touchpoint.
    let session = '';
    for (const [touchpoint, element, time] of burst) {
      try {
        touchpoint.messageId = uuid();
        touchpoint.timestamp = new Date(time).toISOString();
        // Done here, not in track(): cycles, BigInts, DOM nodes and the like are the page's cost only once per burst.
        touchpoint.properties = jsonSafe(touchpoint.properties, (path, why) =>
          console.warn(`touchtrail: property ${path} of "${touchpoint.properties.touchpoint}" is ${why}; left out.`),
        ) as Properties;
        if (touchpoint.traits) touchpoint.traits = jsonSafe(touchpoint.traits, () => {}) as Properties;
        const c = touchpoint.context;
        const arrival = c.campaign ? new URLSearchParams(c.campaign) + '' : '';
        const landing = arrival != landed ? (landed = arrival) : '';
        c.sessionId = session && !landing ? session : (session = identity.session(time, landing));
        // Each processor sees what the one before it kept or added (such as a Journey Stage Reached).
        let kept = [touchpoint];
        // Processors may keep state (the furthest stage, first touch): in storage only with consent and no signal.
        const persist = mayStore();
        for (const processor of processors) {
          kept = kept.flatMap((t) => processor(t, element, persist) || []);
          // A processor that returns anything but touchpoints (a promise from an async beforeSend, say) is a bug:
          // those results are dropped, never put on the wire.
          if (kept.some((t) => typeof t?.messageId != 'string')) {
            fail(new TypeError('a processor or beforeSend returned something other than a touchpoint or null'));
            kept = kept.filter((t) => typeof t?.messageId == 'string');
          }
        }
        // In debug mode each touchpoint is also announced on window, for the inspector and the site's own tools.
        if (debug) kept.forEach((t) => (log(t.type, t.properties.touchpoint, t), dispatchEvent(new CustomEvent('touchtrail:touchpoint', { detail: t }))));
        out.push(...kept);
      } catch (error) {
        // A processor that throws might be the one that redacts: drop the touchpoint rather than send it unredacted.
        fail(error);
      }
    }
    if (consent == 'granted') guard(deliver().add, fail)(out);
    else if (consent == 'pending') held = held.concat(out).slice(-1000);
  };

  const record = (type: Touchpoint['type'], name: string, properties: Properties, element?: Element, traits?: Properties) => {
    if (consent == 'denied' || stopped) return;
    try {
      if (type === 'page') {
        // An SPA route change: the page before it is the referrer of this one and of what follows.
        if (pageUrl && pageUrl !== location.href) referrer = pageUrl;
        pageUrl = location.href;
      }
      // The page's part of the context changes only with the URL, the title or the referrer: it is built once for
      // each and shared, so that track() reads the location but parses nothing.
      const key = `${location.href}\n${document.title}\n${referrer}`;
      if (key !== pageKey) {
        pageKey = key;
        page = pageContext(referrer);
        utm = campaign(location.search);
      }
      const context: TouchpointContext = { page, library, ...device, sessionId: '' };
      if (utm) context.campaign = utm;
      // messageId and timestamp are filled in by process(), from the time taken here.
      const touchpoint: Touchpoint = {
        type,
        properties: { touchpoint: name, touchpointKind: type === 'page' ? 'page_view' : 'custom', ...properties },
        context,
        messageId: '',
        anonymousId: identity.anonymousId,
        userId: identity.userId,
        timestamp: '',
      };
      if (type === 'track') touchpoint.event = name;
      if (type === 'page' && properties.name) touchpoint.name = String(properties.name);
      if (traits) touchpoint.traits = traits;
      if (!pending.length) queueMicrotask(() => loading || process());
      pending.push([touchpoint, element, Date.now()]);
    } catch (error) {
      fail(error);
    }
  };

  const track: Emit = (event, properties, trackOptions) => {
    // Nothing here may throw at the page: a Symbol for a name, a getter that throws, options that are null.
    try {
      if (typeof event != 'string' || !event) return misuse(`track() needs an event name, got a ${typeof event}`);
      if (properties != null && typeof properties != 'object') return misuse(`track("${event}") takes properties as an object`);
      const { stage, momentOfTruth, element, type = 'track' } = trackOptions || {};
      record(type, event, { ...properties, ...(stage && { stage }), ...(momentOfTruth != null && { momentOfTruth }) }, element);
    } catch (error) {
      fail(error);
    }
  };

  const mayStore = () => consent == 'granted' && !storageless;
  // Touchpoints wait for processors that are still loading (the first page view for the rules file), but at most a
  // second.
  let loading = processors.some((p) => p.ready);
  const ready = () => ((loading = false), pending.length && process());
  if (loading) Promise.race([Promise.allSettled(processors.map((p) => p.ready)), new Promise((resolve) => setTimeout(resolve, 1000))]).then(ready, ready);
  // What waits (for a processor, or a burst's later slices) is processed at once when the page is hidden or left:
  // there may be no later task.
  const leave = () => ((loading = false), pending.length && process(true));
  const stops = [
    on(document, 'visibilitychange', () => document.visibilityState == 'hidden' && leave(), fail),
    on(window, 'pagehide', leave, fail),
    ...(options.captures || []).map((capture) => guard(capture, fail)(track, fail, mayStore)),
  ];

  return {
    track,
    page: (properties) => track('Page View', properties, { type: 'page' }),
    identify(userId, traits) {
      if (typeof userId != 'string' || !userId) return misuse(`identify() needs a user id, got a ${typeof userId}`);
      if (traits != null && typeof traits != 'object') return misuse(`identify("${userId}") takes traits as an object`);
      identity.userId = userId;
      guard(() => record('identify', 'Identify', {}, undefined, { ...traits }), fail)();
    },
    flush() {
      if (pending.length) process(true);
      return delivery ? delivery.flush() : Promise.resolve();
    },
    consent(state) {
      if (!['granted', 'denied', 'pending'].includes(state)) return misuse(`consent() takes "granted", "denied" or "pending", got a ${typeof state}`);
      // A privacy signal with privacySignals: 'off' outranks any consent; a stopped tracker starts nothing again.
      if ((consent == 'denied' && signal && !storageless) || (stopped && state == 'granted')) return;
      consent = state;
      identity.persist(state == 'granted' && !storageless);
      if (state == 'granted') {
        const waiting = held;
        held = [];
        guard(deliver().add, fail)(waiting);
      } else if (state == 'denied') {
        held = [];
        delivery?.stop();
        delivery = undefined;
        // What was stored is deleted: the queue's events, and the identity, session, journey and checkout notes.
        // A queue of the site's own may hold events of earlier visits, and so may touchtrail's IndexedDB when this
        // page never opened it; opening a database creates it, so an earlier visit's is looked for first.
        // Under a privacy signal this page stored nothing, but an earlier visit may have: deleting is always allowed.
        let stored = (!storageless && queue) || options.queue;
        queue = undefined;
        (async () => {
          if (!stored && (await indexedDB.databases?.())?.some((d) => d.name == 'touchtrail')) stored = idbQueue();
          if (stored) await stored.remove(await stored.read());
        })().catch(fail);
        clearStorage(/^touchtrail[.:]/);
      }
    },
    async stop() {
      stops.forEach((stop) => stop && guard(stop, fail)());
      if (pending.length) process(true);
      stopped = true;
      await delivery?.flush();
      delivery?.stop();
    },
  };
};
