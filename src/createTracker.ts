import type { Capture, Emit, Properties, Processor, Queue, Send, Serialize, Touchpoint, TouchpointContext } from './types';
import { checkOptions } from './core/checkOptions';
import { createDelivery } from './core/createDelivery';
import { createIdentity } from './core/createIdentity';
import { serializeBatch } from './transport/serializeBatch';
import { campaign } from './lib/campaign';
import { guard } from './lib/guard';
import { pageContext } from './lib/pageContext';
import { uuid } from './lib/uuid';
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
  /** Send waiting touchpoints after this many ms. @default 2000 */
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
}

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
}

/** Starts a tracker: captures emit touchpoints, processors tag them, the queue keeps them, the transport sends them. */
export const createTracker = (options: TrackerOptions): Tracker => {
  const collector = checkOptions(options);
  const { processors = [], debug = false } = options;
  const log = (...args: unknown[]) => debug && console.warn('touchtrail:', ...args);
  // touchtrail's own failures never reach the page: they are counted, and shown in debug mode.
  let failures = 0;
  const fail = (error: unknown) => (failures++, log(error));
  const identity = createIdentity();
  const delivery = createDelivery({
    collector,
    queue: options.queue || idbQueue(),
    send: options.send || httpSend,
    serialize: options.serialize || serializeBatch,
    batchSize: options.batchSize || 20,
    flushInterval: options.flushInterval ?? 2000,
    maxBatchBytes: options.maxBatchBytes || 60_000,
    fail,
  });
  const library = { name: 'touchtrail', version };
  // Misuse is the site developer's to fix, so it is always shown, and ignored rather than thrown at the page.
  const misuse = (problem: string) => console.warn(`touchtrail: ${problem}; ignored.`);

  // Touchpoints of the current task wait here, and are processed and stored together in a microtask:
  // track() itself only builds an object, and one IndexedDB transaction takes the whole burst.
  let pending: [Touchpoint, Element | undefined][] = [];
  let pageUrl = '';
  let referrer = document.referrer;

  const process = () => {
    const burst = pending;
    pending = [];
    const out: Touchpoint[] = [];
    for (const [touchpoint, element] of burst) {
      try {
        const c = touchpoint.context;
        c.sessionId = identity.session(Date.parse(touchpoint.timestamp), c.campaign && new URLSearchParams(c.campaign) + '');
        // Each processor sees what the one before it kept or added (such as a Journey Stage Reached).
        let kept = [touchpoint];
        for (const processor of processors) kept = kept.flatMap((t) => processor(t, element) || []);
        kept.forEach((t) => log(t.type, t.properties.touchpoint, t));
        out.push(...kept);
      } catch (error) {
        // A processor that throws might be the one that redacts: drop the touchpoint rather than send it unredacted.
        fail(error);
      }
    }
    guard(delivery.add, fail)(out);
  };

  const record = (type: Touchpoint['type'], name: string, properties: Properties, element?: Element, traits?: Properties) => {
    try {
      if (type === 'page') {
        // An SPA route change: the page before it is the referrer of this one and of what follows.
        if (pageUrl && pageUrl !== location.href) referrer = pageUrl;
        pageUrl = location.href;
      }
      const context: TouchpointContext = {
        page: pageContext(referrer),
        library,
        locale: navigator.language,
        userAgent: navigator.userAgent,
        screen: { width: screen.width, height: screen.height },
        sessionId: '',
      };
      const utm = campaign(location.search);
      if (utm) context.campaign = utm;
      const touchpoint: Touchpoint = {
        type,
        properties: { touchpoint: name, touchpointKind: type === 'page' ? 'page_view' : 'custom', ...properties },
        context,
        messageId: uuid(),
        anonymousId: identity.anonymousId,
        userId: identity.userId,
        timestamp: new Date().toISOString(),
      };
      if (type === 'track') touchpoint.event = name;
      if (type === 'page' && properties.name) touchpoint.name = String(properties.name);
      if (traits) touchpoint.traits = traits;
      if (!pending.length) queueMicrotask(process);
      pending.push([touchpoint, element]);
    } catch (error) {
      fail(error);
    }
  };

  const track: Emit = (event, properties, trackOptions = {}) => {
    if (typeof event != 'string' || !event) return misuse(`track() needs an event name, got ${event}`);
    if (properties != null && typeof properties != 'object') return misuse(`track("${event}") takes properties as an object`);
    const { stage, momentOfTruth, element, type = 'track' } = trackOptions;
    record(type, event, { ...properties, ...(stage && { stage }), ...(momentOfTruth && { momentOfTruth }) }, element);
  };

  const stops = (options.captures || []).map((capture) => guard(capture, fail)(track, fail));

  return {
    track,
    page: (properties) => track('Page View', properties, { type: 'page' }),
    identify(userId, traits) {
      if (typeof userId != 'string' || !userId) return misuse(`identify() needs a user id, got ${userId}`);
      identity.userId = userId;
      record('identify', 'Identify', {}, undefined, { ...traits });
    },
    flush() {
      if (pending.length) process();
      return delivery.flush();
    },
    async stop() {
      stops.forEach((stop) => stop && guard(stop, fail)());
      if (pending.length) process();
      await delivery.flush();
      delivery.stop();
    },
  };
};
