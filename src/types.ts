/** Free-form properties of a touchpoint. Values must survive `JSON.stringify`. */
export type Properties = Record<string, unknown>;

/** The page a touchpoint happened on, as Segment's `context.page`. */
export interface PageContext {
  url: string;
  path: string;
  title: string;
  /** The previous page: `document.referrer` on a load, the previous URL after an SPA route change. */
  referrer: string;
  search: string;
}

/** What is known about where and how a touchpoint happened (Segment's `context`). */
export interface TouchpointContext {
  page: PageContext;
  /** From the landing URL's `utm_*` parameters, in Segment's naming (`utm_campaign` is `name`). */
  campaign?: Record<string, string>;
  library: { name: string; version: string };
  locale?: string;
  userAgent?: string;
  screen?: { width: number; height: number };
  timezone?: string;
  /** Changes after 30 minutes without a touchpoint, or when a visitor arrives from another campaign. */
  sessionId: string;
  [key: string]: unknown;
}

/** One event on the wire, in the Segment Spec's shape. */
export interface Touchpoint {
  type: 'track' | 'page' | 'identify';
  /** The event's name, for `track`. */
  event?: string;
  /** The page's name, for `page`. */
  name?: string;
  /** Touchpoint fields live here: `touchpoint`, `touchpointKind`, `stage`, `channel`, `momentOfTruth`. */
  properties: Properties;
  /** For `identify`. */
  traits?: Properties;
  context: TouchpointContext;
  /** A UUID; the same across retries, so collectors deduplicate on it. */
  messageId: string;
  anonymousId: string;
  userId: string | null;
  /** When it happened, ISO 8601. */
  timestamp: string;
}

/** How a `track()` call or a capture describes its touchpoint beyond name and properties. */
export interface TrackOptions {
  /** The journey stage; wins over every rule and default. */
  stage?: string;
  /** Marks the touchpoint a moment of truth. */
  momentOfTruth?: boolean;
  /** The element the visitor acted on. Processors may read it (rules by CSS selector); it is never sent. */
  element?: Element;
  /** `page` for page views; captures set it, `track()` callers need not. @default 'track' */
  type?: 'page';
}

/** Records a touchpoint: what `tracker.track` does, and what a capture is handed. */
export type Emit = (event: string, properties?: Properties, options?: TrackOptions) => void;

/** Reports one of touchtrail's own failures, so it is counted (and logged in debug mode) instead of reaching the page. */
export type Fail = (error: unknown) => void;

/**
 * Starts listening for touchpoints and returns the function that stops it. `persist` says whether the capture may
 * write to storage now (false while consent is pending or a privacy signal forbids it): ask it before each write.
 */
export type Capture = (emit: Emit, fail: Fail, persist: () => boolean) => () => void;

/**
 * Changes a touchpoint, drops it (returns `null`), or adds touchpoints after it (returns an array, the touchpoint
 * first; see `derive`). Synchronous; the processors after it see every touchpoint it returns. `persist` is false
 * while the visitor's consent is pending or a privacy signal forbids storage: a processor keeps its state in
 * memory then.
 */
export type Processor = ((touchpoint: Touchpoint, element?: Element, persist?: boolean) => Touchpoint | Touchpoint[] | null) & {
  /**
   * Settles once the processor has what it needs, such as a rules file it fetches: touchpoints wait for it (at
   * most a second, and not once the page is hidden) rather than be processed without it.
   */
  ready?: Promise<unknown>;
};

/** A touchpoint waiting for delivery, as the queue stores it. */
export interface QueuedEvent {
  /** `[time, sequence, messageId]`: keys sort oldest first, and in tracking order within a tab. */
  key: [number, number, string];
  /** The page load (tab) that tracked it: a live tab sends its own, one tab sends the rest. */
  tab: string;
  event: Touchpoint;
  /** Its size in UTF-8 bytes, once serialised. */
  bytes: number;
}

/** Where touchpoints wait until the collector has them. */
export interface Queue {
  /** Stores events; resolves to how many of the oldest were dropped to stay within bounds. */
  push(events: QueuedEvent[]): Promise<number>;
  /** Every stored event, oldest first. */
  read(): Promise<QueuedEvent[]>;
  /** Deletes delivered (or given-up) events; ones already gone are skipped. */
  remove(events: QueuedEvent[]): Promise<void>;
}

/** What became of a request: an HTTP status (0 when unknown: offline, blocked, or a beacon the browser refused). */
export interface Delivery {
  status: number;
  /** The `Retry-After` header, when the collector sent one. */
  retryAfter?: string | null;
}

/** Sends one body to the collector. `unloading` is true when the page is being hidden or left. */
export type Send = (url: string, body: string, unloading: boolean) => Promise<Delivery>;

/** What a serializer knows of the batch besides its events. */
export interface BatchMeta {
  /** Events dropped (the oldest first) to keep the queue within its bounds, not yet reported. */
  dropped: number;
  /** Events the collector refused for good (a 4xx other than 408 and 429), not yet reported. */
  failed: number;
}

/** Turns a batch into the request body. */
export type Serialize = (events: Touchpoint[], meta: BatchMeta) => string;
