import { createServer } from 'node:http';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { basicAuth } from './basicAuth.js';
import { checkBatch } from './checkBatch.js';
import { fileIn } from './fileIn.js';
import { httpError } from './httpError.js';
import { journeyCsv } from './journeyCsv.js';
import { journeyReport } from './journeyReport.js';
import { liveUpdates } from './liveUpdates.js';
import { openStore } from './openStore.js';
import { rateLimiter } from './rateLimiter.js';
import { readBody } from './readBody.js';
import { sendEventsExport } from './sendEventsExport.js';
import { sendFile } from './sendFile.js';

const here = dirname(fileURLToPath(import.meta.url));
const PUBLIC_DIR = join(here, 'public');
const DIST_DIR = resolve(here, '../../dist');
// The script-tag builds a site can load: everything but web vitals, and everything.
const SCRIPTS = ['/touchtrail.min.js', '/touchtrail.vitals.min.js'];

// The body types a browser sends without a CORS preflight (text/plain: sendBeacon, fetch with a string body),
// and the one server-side Segment clients send. An empty type is taken too, as curl and some proxies send none.
const BODY_TYPES = ['', 'text/plain', 'application/json'];

// The collector's own pages and data: behind `reportAuth` when it is set, unlike /v1/batch and the sites.
const REPORT_PAGES = { '/': 'index.html', '/journey': 'journey.html' };

const sendJson = (res, status, value, headers = {}) => {
  res.writeHead(status, { ...headers, 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(value));
};

/** `sites` as [prefix, { dir, fallback, files }], longest prefix first, so that /shop/admin/ could win over /shop/. */
const siteList = (sites = {}) =>
  Object.entries(sites)
    .map(([prefix, site]) => {
      if (!/^\/[^?#]*\/$/.test(prefix)) throw new TypeError(`a site's prefix must start and end with "/", got ${JSON.stringify(prefix)}`);
      const { dir, fallback, files = {} } = typeof site === 'string' ? { dir: site } : site;
      return [prefix, { dir: resolve(dir), fallback, files }];
    })
    .sort(([a], [b]) => b.length - a.length);

/**
 * Starts the reference collector: POST /v1/batch stores Segment-Spec batches in DuckDB; `/` shows what arrived
 * and `/journey` the customer journey built from it; /api/… gives both as JSON, /export/… as files. With `sites`
 * it serves static sites (the demo shop) and the SDK's script-tag builds at /touchtrail.min.js and
 * /touchtrail.vitals.min.js.
 *
 * @param {object} options
 * @param {number} [options.port=8787] 0 picks a free port; `url` then says which.
 * @param {string} [options.host='127.0.0.1']
 * @param {string} [options.database=':memory:'] A DuckDB file (created if needed), or ':memory:' for a throwaway one.
 * @param {string[]} [options.allowedOrigins] Origins whose pages may send batches. @default any origin
 * @param {Record<string, string | { dir: string, fallback?: string, files?: Record<string, string | Buffer> }>} [options.sites]
 *   Static sites by URL prefix: `{ '/shop/': 'examples/shop' }`. `fallback` is the file sent for paths that
 *   name none (an SPA's index.html); `files` are served as if they were in `dir` (a bundle built in memory).
 * @param {string[]} [options.stages] The journey stages, first to last, as the SDK is configured. @default the SDK's six
 * @param {number} [options.maxBodyBytes=1048576] Larger bodies are refused with 413.
 * @param {{ perSecond?: number, burst?: number } | false} [options.rateLimit] Batches per client (IP address):
 *   `burst` at once, then `perSecond`; more are refused with 429 and Retry-After. @default { perSecond: 10, burst: 60 }
 * @param {boolean} [options.trustProxy=false] Take the client's address from X-Forwarded-For: its last entry, the one
 *   the proxy in front of the collector appended (behind exactly one proxy that appends it, as nginx and load
 *   balancers do).
 * @param {string} [options.reportAuth] "user:password": the report, the APIs and the exports then need HTTP Basic
 *   authentication. Batches and sites never do. @default open (the collector listens on 127.0.0.1 unless told otherwise)
 * @param {(line: string) => void} [options.log] Told of every batch taken or refused.
 */
export const createCollector = async ({
  port = 8787,
  host = '127.0.0.1',
  database = ':memory:',
  allowedOrigins,
  sites,
  stages,
  maxBodyBytes = 1024 * 1024,
  rateLimit = {},
  trustProxy = false,
  reportAuth,
  log = () => {},
} = {}) => {
  const served = siteList(sites);
  const limiter = rateLimit === false ? null : rateLimiter(rateLimit);
  const authorized = reportAuth ? basicAuth(reportAuth) : () => true;
  const store = await openStore(database, { stages });
  const live = liveUpdates();

  // The page's own origin is always allowed: the demo sites post to the collector that serves them.
  const originAllowed = (origin, req) =>
    !allowedOrigins || allowedOrigins.includes(origin) || origin === `http://${req.headers.host}`;

  const corsHeaders = (req) => {
    const origin = req.headers.origin;
    if (!origin || !originAllowed(origin, req)) return {};
    return {
      // Reflected rather than '*', so that a list of origins can be enforced; Vary keeps caches from mixing them.
      'Access-Control-Allow-Origin': origin,
      Vary: 'Origin',
      // Without it a cross-origin page cannot read Retry-After, and the SDK would retry sooner than asked.
      'Access-Control-Expose-Headers': 'Retry-After',
    };
  };

  // Behind a proxy every request comes from the proxy: one bucket for the whole world, unless it says who sent it.
  // The last entry, not the first: the proxy appends the address it saw to whatever the client sent, so every
  // entry before it is the client's to make up, and a made-up one would be a fresh budget.
  const clientOf = (req) =>
    (trustProxy && String(req.headers['x-forwarded-for'] || '').split(',').pop().trim()) || req.socket.remoteAddress || '';

  const receiveBatch = async (req, res, cors) => {
    const origin = req.headers.origin;
    if (origin && !originAllowed(origin, req)) throw httpError(403, `origin ${origin} may not send batches to this collector`);
    if (limiter) {
      const { ok, retryAfter } = limiter.take(clientOf(req));
      // 429 with Retry-After: the SDK keeps the batch and sends it again no sooner than asked.
      if (!ok) throw httpError(429, `too many batches from this client; try again in ${retryAfter} s`, { 'Retry-After': String(retryAfter) });
    }
    const type = (req.headers['content-type'] || '').split(';')[0].trim().toLowerCase();
    if (!BODY_TYPES.includes(type)) throw httpError(415, `Content-Type must be text/plain or application/json, got ${type}`);
    const text = await readBody(req, maxBodyBytes);
    if (!text.trim()) throw httpError(400, 'the body is empty; send {"batch": [...]}');
    let body;
    try {
      body = JSON.parse(text);
    } catch (error) {
      throw httpError(400, `the body is not valid JSON: ${error.message}`);
    }
    const problem = checkBatch(body);
    if (problem) throw httpError(400, problem);
    let result;
    try {
      result = await store.insertBatch(body);
    } catch (error) {
      // Something in the events that checkBatch let through and DuckDB refuses: sent again it would be refused
      // again, so 400 (the SDK gives up and counts it) rather than 503 (the SDK would send it forever).
      if (error.unstorable) throw httpError(400, error.message);
      // Not the client's fault, and likely to pass: 503 with Retry-After makes the SDK keep the batch and retry.
      console.error('touchtrail collector: could not store a batch:', error);
      return sendJson(res, 503, { error: `the batch could not be stored: ${error.message}` }, { ...cors, 'Retry-After': '5' });
    }
    log(`batch of ${body.batch.length}: ${result.accepted} stored, ${result.duplicates} duplicates` +
      (body.dropped ? `, ${body.dropped} dropped by the client` : '') + (body.failed ? `, ${body.failed} failed` : ''));
    sendJson(res, 200, { ok: true, ...result }, cors);
    if (result.accepted) live.notify('stored', { accepted: result.accepted });
  };

  const journey = ({ from, to } = {}) => store.withJourney((query) => journeyReport(query, { stages: store.stages, from, to }));
  const report = (query) => journey({ from: query.get('from'), to: query.get('to') });

  /** The collector's own pages, APIs and exports; false when the path is none of them. */
  // No CORS headers here: the report's pages are same-origin, and with them any website its owner visits could
  // read every stored event from a collector on 127.0.0.1 (which has no reportAuth by default).
  const serveReport = async (req, res, path, query) => {
    if (path === '/api/events') {
      const limit = Math.min(Math.max(Number.parseInt(query.get('limit') ?? '50', 10) || 50, 1), 1000);
      return sendJson(res, 200, { events: await store.latestEvents(limit) });
    }
    if (path === '/api/stats') return sendJson(res, 200, await store.stats());
    // Which sites this collector serves, so that its pages link to them only when they are there.
    if (path === '/api/sites') return sendJson(res, 200, { sites: served.map(([prefix]) => prefix) });
    if (path === '/api/journey') return sendJson(res, 200, await report(query));
    if (path === '/api/live') return live.subscribe(req, res);
    if (path === '/export/journey.json') {
      return sendJson(res, 200, await report(query), { 'Content-Disposition': 'attachment; filename="touchtrail-journey.json"' });
    }
    if (path === '/export/journey.csv') {
      const part = query.get('part') || 'map';
      const csv = journeyCsv(await report(query), part);
      res.writeHead(200, {
        'Content-Type': 'text/csv; charset=utf-8; header=present',
        'Content-Disposition': `attachment; filename="touchtrail-journey-${part}.csv"`,
        'Cache-Control': 'no-store',
      });
      return res.end(csv);
    }
    const exported = /^\/export\/events\.(parquet|ndjson)$/.exec(path);
    if (exported) return sendEventsExport(res, store, exported[1], { since: query.get('since') });
    if (REPORT_PAGES[path]) return sendFile(res, join(PUBLIC_DIR, REPORT_PAGES[path]));
    // The pages' scripts and styles; never the pages themselves under another name.
    const file = extname(path) !== '.html' && fileIn(PUBLIC_DIR, path.slice(1));
    if (file && (await sendFile(res, file))) return;
    return false;
  };

  const serveSite = async (res, path) => {
    const found = served.find(([prefix]) => path.startsWith(prefix) || path === prefix.slice(0, -1));
    if (!found) return false;
    const [prefix, { dir, fallback, files }] = found;
    if (path === prefix.slice(0, -1)) {
      res.writeHead(308, { Location: prefix });
      res.end();
      return true;
    }
    const relative = path.slice(prefix.length);
    if (files[relative] !== undefined) return sendFile(res, join(dir, relative), files[relative]);
    const file = fileIn(dir, relative);
    // "Pretty" URLs: /shop/pricing is pricing.html, as most static hosts serve it.
    if (file && ((await sendFile(res, file)) || (!extname(file) && (await sendFile(res, `${file}.html`))))) return true;
    // An SPA's routes are its index.html; a missing file with an extension (a script, an image) stays a 404.
    if (fallback && !extname(relative)) return sendFile(res, join(dir, fallback));
    return false;
  };

  const handle = async (req, res) => {
    const { pathname: path, searchParams: query } = new URL(req.url, 'http://collector');
    // Cross-origin pages may send batches, and read the answers to them; nothing else.
    const cors = path === '/v1/batch' ? corsHeaders(req) : {};
    try {
      if (req.method === 'OPTIONS' && path === '/v1/batch') {
        if (req.headers.origin && !cors['Access-Control-Allow-Origin']) throw httpError(403, `origin ${req.headers.origin} is not allowed`);
        res.writeHead(204, {
          ...cors,
          'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
          // fetch with a JSON Content-Type needs a preflight; the SDK's text/plain bodies do not.
          'Access-Control-Allow-Headers': req.headers['access-control-request-headers'] || 'Content-Type',
          // Chromium caps it at 2 hours; without it every JSON batch would cost two requests.
          'Access-Control-Max-Age': '7200',
        });
        return res.end();
      }
      if (path === '/v1/batch') {
        if (req.method !== 'POST') throw httpError(405, 'send batches with POST', { Allow: 'POST, OPTIONS' });
        return await receiveBatch(req, res, cors);
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') throw httpError(405, `${req.method} is not served here`, { Allow: 'GET, HEAD' });
      if (served.length && SCRIPTS.includes(path)) {
        if (await sendFile(res, join(DIST_DIR, path))) return;
        throw httpError(404, `dist${path} is not built yet: run \`npm run build\``);
      }
      if (await serveSite(res, path)) return;
      if (!authorized(req)) {
        throw httpError(401, 'the report needs a user name and password', { 'WWW-Authenticate': 'Basic realm="touchtrail report", charset="UTF-8"' });
      }
      if ((await serveReport(req, res, path, query)) !== false) return;
      throw httpError(404, `nothing at ${path}`);
    } catch (error) {
      const status = error.status || 500;
      if (status === 500) console.error('touchtrail collector:', error);
      if (path === '/v1/batch') log(`refused with ${status}: ${error.message}`);
      // An export may fail after its headers went out: then all that can be done is to cut the answer short.
      if (res.headersSent) return res.destroy();
      // The 413 answer goes out before the body is read; closing the connection keeps its rest from being read as a request.
      const headers = { ...cors, ...error.headers, ...(status === 413 && { Connection: 'close' }) };
      sendJson(res, status, { error: status === 500 ? 'the collector failed; see its log' : error.message }, headers);
    }
  };

  const server = createServer((req, res) => void handle(req, res));
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  }).catch(async (error) => {
    live.close();
    await store.close();
    throw error;
  });
  const address = server.address();
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${shownHost}:${address.port}`;

  return {
    /** Where the server listens, with the port it got: `http://127.0.0.1:8787`. */
    url,
    /** Where a tracker's `collector` (or `data-collector`) should point. */
    endpoint: `${url}/v1/batch`,
    /** Where the "what arrived" page is. */
    arrivedUrl: `${url}/`,
    /** Where the journey map is. */
    journeyUrl: `${url}/journey`,
    /** Where each site is, by its prefix: `{ '/shop/': 'http://127.0.0.1:8787/shop/' }`. */
    siteUrls: Object.fromEntries(served.map(([prefix]) => [prefix, `${url}${prefix}`])),
    server,
    events: store.latestEvents,
    stats: store.stats,
    query: store.query,
    /** The journey report, as /api/journey gives it. */
    journey,
    /** Stops taking requests, lets the ones under way finish, then closes the database file. */
    async close() {
      const closed = new Promise((resolve) => server.close(resolve));
      // Event streams never finish on their own.
      live.close();
      server.closeIdleConnections();
      // A browser may hold a connection open mid-request (a stalled keepalive fetch); it must not keep the process up.
      const force = setTimeout(() => server.closeAllConnections(), 2000);
      await closed;
      clearTimeout(force);
      await store.close();
    },
  };
};
