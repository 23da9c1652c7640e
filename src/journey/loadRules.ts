import { createStore, get, set } from 'idb-keyval';
import type { Rules } from './parseRules';
import { parseRules } from './parseRules';

/** Options of `loadRules`. */
export interface LoadRulesOptions {
  /** The stage names that rules are checked against when the document lists none of its own. @default the six default stages */
  stages?: string[];
  /**
   * A cached copy of the file younger than this (ms) is used without asking the server again; an older one is used
   * at once and refreshed in the background, so a change reaches a visitor on a later page, never by slowing this one.
   * @default 600000 (10 minutes)
   */
  maxAge?: number;
  /** The IndexedDB database the file is cached in: its own, so that it never meets the queue's. @default 'touchtrail-rules' */
  database?: string;
  /** Cache the file in IndexedDB; false (consent pending, a privacy signal) fetches it each page load. @default true */
  cache?: boolean;
}

// Safari has hung on a first IndexedDB open; rules that never come must not wait longer than this for the cache.
const CACHE_TIMEOUT = 1000;

/**
 * Loads a rules document, from a URL or given inline, checks it with `parseRules`, reports every problem with
 * `console.warn` and resolves to what was valid. Never rejects: a missing, unreachable or broken file resolves to
 * no rules, and tracking goes on with markup and the built-in defaults.
 *
 * A URL is fetched once and cached in IndexedDB; later page loads use the cache at once and refresh it in the
 * background when it is older than `maxAge`. Give the promise to `journeyStages({ rules })`, which applies the
 * rules as soon as it resolves.
 */
export const loadRules = (
  source: string | object,
  { stages, maxAge = 600_000, database = 'touchtrail-rules', cache = true }: LoadRulesOptions = {},
): Promise<Rules> => {
  const warn = (...problem: unknown[]) => console.warn('touchtrail: rules', ...problem);
  const use = (doc: unknown, from: string): Rules => {
    const { rules, errors } = parseRules(doc, stages);
    errors.forEach((error) => warn(`${from}: ${error}`));
    return rules;
  };
  if (typeof source != 'string') return Promise.resolve(use(source, 'inline'));
  let url = source;
  const store = cache ? createStore(database, 'rules') : undefined;
  // What was fetched is cached as text, good or bad, and checked on every load, so its problems stay visible.
  const download = (): Promise<string> =>
    fetch(url, { cache: 'no-cache' })
      .then((response) => {
        if (!response.ok) throw `${url} answered ${response.status}`;
        return response.text();
      })
      .then((body) => {
        // idb-keyval opens the database on first use, and throws there when IndexedDB is missing.
        Promise.resolve({ at: Date.now(), body })
          .then((entry) => (store ? set(url, entry, store) : undefined))
          .catch(() => {});
        return body;
      });
  // In promises, so that a bad URL, or IndexedDB missing or blocked, rejects instead of throwing at the page.
  return new Promise<void>((resolve) => resolve(void (url = new URL(source, document.baseURI).href)))
    .then(() =>
      new Promise<{ at: number; body: string } | undefined>((resolve, reject) => {
        setTimeout(resolve, CACHE_TIMEOUT);
        // Reading opens the database, which creates it: not without leave to store.
        if (store) get(url, store).then(resolve, reject);
        else resolve(undefined);
      }).catch(() => undefined),
    )
    .then((entry) => {
      if (!entry?.body) return download();
      // A refresh waits until the page's own work is done: the rules in hand are good enough meanwhile.
      if (Date.now() - entry.at > maxAge) setTimeout(() => download().catch((error) => warn('not refreshed:', error)), 1000);
      return entry.body;
    })
    .then((body) => use(body, url))
    .catch((error) => (warn('not loaded:', error), {}));
};
