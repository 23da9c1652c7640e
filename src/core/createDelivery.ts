import type { Delivery, Fail, Queue, QueuedEvent, Send, Serialize, Touchpoint } from '../types';
import { byteLength } from '../lib/byteLength';
import { on } from '../lib/on';
import { retryDelay } from '../lib/retryDelay';
import { storage } from '../lib/storage';
import { stringify } from '../lib/stringify';
import { uuid } from '../lib/uuid';
import { cut } from '../lib/cut';

export interface DeliveryOptions {
  collector: string;
  queue: Queue;
  send: Send;
  serialize: Serialize;
  batchSize: number;
  flushInterval: number;
  maxBatchBytes: number;
  fail: Fail;
  /** May note beaconed events in localStorage (false when nothing may be stored). */
  remember: boolean;
}

type FetchLater = (url: string, init: RequestInit) => { activated: boolean };

// The lock a tab holds while it lives: stored events of tabs that hold none are the backlog.
const TAB_LOCK = 'touchtrail:tab:';
// Only the holder of this lock sends the backlog, so tabs never send the same stored events at once.
const BACKLOG_LOCK = 'touchtrail:backlog';
// Sending the whole stored backlog means reading it all; no more often than this.
const BACKLOG_EVERY = 60_000;
// The messageIds of events beaconed as the page went away. IndexedDB may not commit their deletion before the
// page is gone; this synchronous note stops the next visit from sending them again.
const SENT = 'touchtrail.sent';
// Events this tab holds in memory at most (the rest wait in IndexedDB, if it works).
const MAX_IN_MEMORY = 10_000;

/**
 * Keeps touchpoints until the collector has them: persists each before sending it, sends this tab's events in
 * batches, retries with backoff, beacons what is left when the page is hidden or left, and sends the events
 * that closed tabs and earlier visits left behind.
 */
export const createDelivery = (o: DeliveryOptions) => {
  const tab = uuid();
  const locks = navigator.locks;
  const fetchLater = (window as { fetchLater?: FetchLater }).fetchLater;
  // This tab's unsent events, oldest first; those in a request whose answer is pending are in `inflight`.
  let mine: QueuedEvent[] = [];
  const inflight = new Set<QueuedEvent>();
  // Beaconed while the collector failed, and kept for the retry (see deliver).
  const beaconed = new WeakSet<QueuedEvent>();
  // Events the queue failed to store (IndexedDB broken or full): stored with the next burst, if it works then.
  let unsaved: QueuedEvent[] = [];
  let persisted: Promise<unknown> = Promise.resolve();
  let armed: AbortController | undefined;
  let sequence = 0;
  let running: Promise<void> | undefined;
  // A flush asked for while a run is on its way: it runs once that one is done.
  let next: Promise<void> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let attempt = 0;
  let retryAt = 0;
  // The last failure was the network's (no answer), not the collector's: coming online is worth a retry at once.
  let unreachable = false;
  // The backlog is read after the page's start, not with its first burst.
  let backlogAt = Date.now() + o.flushInterval;
  let first = true;
  let dropped = 0;
  let failed = 0;
  let stopped = false;
  // Chromium fires pagehide while the page still says it is visible: events tracked in a pagehide handler
  // (engagement, checkout abandonment) must be beaconed at once all the same.
  let unloading = false;
  let releaseTab: (() => void) | undefined;

  // Runs a queue operation so that a queue which throws, rather than rejects, cannot reach the page.
  const queued = <T>(operation: () => Promise<T>) => new Promise<T>((resolve) => resolve(operation()));

  const holdTab = () => {
    locks?.request(TAB_LOCK + tab, () => new Promise<void>((resolve) => (releaseTab = resolve))).catch(o.fail);
  };

  const schedule = (delay: number) => {
    if (timer === undefined && !stopped) timer = setTimeout(() => ((timer = undefined), flush()), delay);
  };

  // The oldest events that fit in one request, skipping those already in one.
  const take = (from: QueuedEvent[]): QueuedEvent[] => {
    const chunk: QueuedEvent[] = [];
    let bytes = 128; // the batch's own keys: sentAt, and the dropped and failed counts
    for (const e of from) {
      if (inflight.has(e)) continue;
      if (chunk.length && bytes + e.bytes + 1 > o.maxBatchBytes) break;
      chunk.push(e);
      bytes += e.bytes + 1;
    }
    return chunk;
  };

  const body = (chunk: QueuedEvent[], reported = { dropped: 0, failed: 0 }) =>
    o.serialize(
      chunk.map((e) => e.event),
      reported,
    );

  // Where the browser has fetchLater, the oldest unsent events always have a deferred request waiting: the
  // browser sends it when the page is destroyed or enters the back/forward cache, even if no pagehide handler
  // gets to run (a killed tab, a crash). Re-armed whenever what is unsent changes.
  const arm = () => {
    armed?.abort();
    armed = undefined;
    const chunk = take(mine);
    if (!fetchLater || !chunk.length || stopped) return;
    try {
      armed = new AbortController();
      fetchLater(o.collector, { method: 'POST', body: body(chunk), signal: armed.signal });
    } catch (error) {
      // Over its quota, or blocked by a policy: the beacon at pagehide remains.
      armed = undefined;
      o.fail(error);
    }
  };

  // While the collector fails or the browser is offline, a beacon's fate is unknown: its events stay stored and
  // go again on the next visit (a duplicate the collector drops) rather than risk losing them.
  const healthy = () => !attempt && navigator.onLine !== false;

  // Sends a chunk and settles it by the answer: true when the collector took it (or refused it for good).
  const deliver = async (chunk: QueuedEvent[], unloading: boolean): Promise<boolean> => {
    // Losses are reported by one request at a time: taken out now, put back if this request fails.
    const reported = { dropped, failed };
    dropped = failed = 0;
    const keep = unloading && !healthy();
    chunk.forEach((e) => inflight.add(e));
    arm();
    let answer: Delivery;
    try {
      answer = await o.send(o.collector, body(chunk, reported), unloading);
    } catch (error) {
      o.fail(error);
      answer = { status: 0 };
    }
    chunk.forEach((e) => inflight.delete(e));
    const { status } = answer;
    // 408 and 429 say "later"; any other 4xx says the batch will never be accepted, so retrying it is pointless.
    const final = (status >= 200 && status < 300) || (status >= 400 && status < 500 && status !== 408 && status !== 429);
    if (!final) {
      dropped += reported.dropped;
      failed += reported.failed;
      if (!unloading) {
        unreachable = !status;
        retryAt = Date.now() + retryDelay(++attempt, answer.retryAfter);
        clearTimeout(timer);
        timer = undefined;
        schedule(retryAt - Date.now());
      }
      arm();
      return false;
    }
    if (status >= 300) {
      // Refused, with the counts it carried: those go with the next request, and this batch joins them.
      dropped += reported.dropped;
      failed += reported.failed + chunk.length;
      o.fail(new Error(`collector refused ${chunk.length} events with HTTP ${status}; they are dropped`));
    }
    if (!unloading) attempt = 0;
    // A beacon whose fate is unknown: its events stay in memory too, and go again with the retry while the page
    // lives (there may be no queue to keep them for the next visit); one beacon each is enough.
    if (keep) return chunk.forEach((e) => beaconed.add(e)), true;
    mine = mine.filter((e) => !chunk.includes(e));
    arm();
    if (unloading && o.remember) storage.set(SENT, `${storage.get(SENT) || ''} ${chunk.map((e) => e.event.messageId).join(' ')}`.slice(-40_000));
    queued(() => o.queue.remove(chunk)).catch(o.fail);
    return true;
  };

  const sendBacklog = async () => {
    const held = new Set(locks ? ((await locks.query()).held || []).map((lock) => lock.name) : []);
    const sent = new Set((storage.get(SENT) || '').split(' '));
    let rest = (await o.queue.read()).filter((e) => e.tab !== tab && !held.has(TAB_LOCK + e.tab));
    // Beaconed as their page went away, but still stored: delivered already, so only deleted.
    const done = new Set(rest.filter((e) => sent.has(e.event.messageId)).map((e) => e.event.messageId));
    if (done.size) {
      await o.queue.remove(rest.filter((e) => done.has(e.event.messageId)));
      rest = rest.filter((e) => !done.has(e.event.messageId));
      // Forget only these: other notes may be of pages whose lock is still being released.
      storage.set(SENT, (storage.get(SENT) || '').split(' ').filter((id) => !done.has(id)).join(' '));
    }
    // Stopped (consent denied, the tracker stopped) between two requests: the rest is not sent.
    for (let chunk = take(rest); chunk.length && !stopped && Date.now() >= retryAt; chunk = take(rest)) {
      // Not taken: the retry that deliver() scheduled tries the backlog again too.
      if (!(await deliver(chunk, false))) return void (backlogAt = 0);
      rest = rest.slice(chunk.length);
    }
  };

  // `only`: the page's first burst, sent on its own. What is tracked while it is on its way waits for the next
  // flush or the beacon at pagehide, rather than join a request that may still be in flight when the page goes (its
  // answer would never come, and the next visit would send those events again).
  const run = async (only?: QueuedEvent[]) => {
    // Persisted before sent: at worst a stored event is sent twice, never lost. A queue that failed counts as done,
    // and so does one still silent after 3 s: the events are in memory, and go from there.
    await Promise.race([persisted, new Promise((resolve) => setTimeout(resolve, 3000))]);
    while (!stopped && Date.now() >= retryAt) {
      // (Those of the first burst that a flush() has not sent meanwhile.)
      const chunk = take(only ? only.filter((e) => mine.includes(e)) : mine);
      if (!chunk.length || !(await deliver(chunk, false)) || only) break;
    }
    if (!only && !stopped && Date.now() >= Math.max(retryAt, backlogAt)) {
      backlogAt = Date.now() + BACKLOG_EVERY;
      await (locks
        ? locks.request(BACKLOG_LOCK, { ifAvailable: true }, (lock) => lock && sendBacklog())
        : sendBacklog()
      ).catch(o.fail);
    }
    if (Date.now() < retryAt) schedule(retryAt - Date.now());
  };

  /** Sends what is waiting now; resolves when this tab's queue is empty or a retry is scheduled. */
  const flush = (only?: QueuedEvent[]): Promise<void> => {
    // A flush of the first burst only leaves the timer of what came after it.
    if (!only) clearTimeout(timer), (timer = undefined);
    // The run on its way may send only the first burst, or started before the events this flush is for: another
    // follows it (one for all the flushes asked for meanwhile).
    if (running && !only) return (next ||= running.then(() => ((next = undefined), flush())));
    return (running ||= run(only)
      .catch(o.fail)
      .finally(() => (running = undefined)));
  };

  /** The page is hidden or going away: beacon what is waiting, as far as the browser's budget allows. */
  const leave = async () => {
    for (let chunk; (chunk = take(mine.filter((e) => !beaconed.has(e)))).length; ) {
      if (!(await deliver(chunk, true))) return;
    }
  };

  const add = (events: Touchpoint[]) => {
    const added: QueuedEvent[] = [];
    for (const event of events) {
      try {
        let bytes = byteLength(stringify(event));
        // An event that could never fit in a request is cut down to what names it, rather than sent broken.
        // (take()'s own 129 bytes for the batch's keys and a comma.)
        if (bytes + 129 > o.maxBatchBytes) {
          const { touchpoint, touchpointKind, stage, channel, momentOfTruth } = event.properties;
          const short = (text: unknown) => cut(String(text ?? ''), 500);
          event.properties = { touchpoint: short(touchpoint), touchpointKind, stage, channel, momentOfTruth, truncated: true };
          // The name, the page's fields and identify's traits may be what is large.
          if (event.event) event.event = short(event.event);
          if (event.name) event.name = short(event.name);
          if (event.traits) event.traits = { truncated: true };
          // A copy: the page's context is shared by every touchpoint of the page.
          const page = (event.context.page = { ...event.context.page });
          (Object.keys(page) as (keyof typeof page)[]).forEach((key) => (page[key] = short(page[key])));
          bytes = byteLength(stringify(event));
          console.warn(`touchtrail: "${touchpoint}" was larger than a request may be; its properties were left out.`);
        }
        added.push({ key: [Date.now(), sequence++, event.messageId], tab, event, bytes });
      } catch (error) {
        o.fail(error);
      }
    }
    if (!added.length) return;
    mine.push(...added);
    if (mine.length > MAX_IN_MEMORY) dropped += mine.splice(0, mine.length - MAX_IN_MEMORY).length;
    // (Those of them delivered from memory since are done: stored now, they would go again on the next visit.)
    const saving = unsaved.filter((e) => mine.includes(e)).concat(added);
    unsaved = [];
    persisted = queued(() => o.queue.push(saving)).then(
      (n) => (dropped += n),
      (error) => {
        // Kept in memory and sent from there; stored with the next burst if the queue works again by then.
        unsaved = saving.filter((e) => mine.includes(e));
        o.fail(error);
      },
    );
    // The page's first burst (its page view) goes at once; what follows waits for company.
    const soon = first;
    first = false;
    // Tracked while hidden or unloading (a background tab, a pagehide handler): there may be no next flush.
    if (unloading || document.visibilityState === 'hidden') leave();
    else {
      arm();
      if (mine.length >= o.batchSize) flush();
      else {
        // In a task of its own, so that a flush() of this task, which sends everything, still can.
        if (soon) setTimeout(() => flush(added));
        schedule(o.flushInterval);
      }
    }
  };

  const unlisten = [
    on(document, 'visibilitychange', () => document.visibilityState === 'hidden' && leave(), o.fail),
    on(window, 'pagehide', () => ((unloading = true), leave(), releaseTab?.()), o.fail),
    // Back from the back/forward cache: this tab is alive again.
    on(window, 'pageshow', (event: PageTransitionEvent) => event.persisted && ((unloading = false), holdTab(), flush()), o.fail),
    // A collector that answered (a 503, a 429 with Retry-After) is not helped by the network coming back.
    on(window, 'online', () => unreachable && ((attempt = retryAt = 0), flush()), o.fail),
  ];
  holdTab();
  // Events that earlier visits and closed tabs left behind go out soon, without delaying the page's start.
  const backlogTimer = setTimeout(() => flush(), o.flushInterval);

  return {
    add,
    flush,
    stop() {
      stopped = true;
      armed?.abort();
      clearTimeout(timer);
      clearTimeout(backlogTimer);
      unlisten.forEach((off) => off());
      releaseTab?.();
    },
  };
};
