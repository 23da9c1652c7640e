import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkBatch } from './checkBatch.js';
import { openStore } from './openStore.js';

const here = dirname(fileURLToPath(import.meta.url));
const PUBLIC_DIR = join(here, 'public');
const SCRIPT_FILE = resolve(here, '../../dist/touchtrail.min.js');

/** Where the demo site is served, so that `/` stays the "what arrived" page. */
const SITE_PATH = '/site/';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

// Every page this server sends must work under a strict CSP, as the SDK promises sites that have one:
// no inline script or style, and the collector on the page's own origin.
const CSP = "default-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

// The body types a browser sends without a CORS preflight (text/plain: sendBeacon, fetch with a string body),
// and the one server-side Segment clients send. An empty type is taken too, as curl and some proxies send none.
const BODY_TYPES = ['', 'text/plain', 'application/json'];

/** An error with the HTTP status it is answered with. */
const httpError = (status, message) => Object.assign(new Error(message), { status });

const sendJson = (res, status, value, headers = {}) => {
  res.writeHead(status, { ...headers, 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(value));
};

const sendFile = async (res, file) => {
  let body;
  try {
    body = await readFile(file);
  } catch {
    return false;
  }
  const type = TYPES[extname(file)] || 'application/octet-stream';
  // no-cache, so that a rebuilt SDK or an edited demo page shows on the next reload.
  res.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-cache', ...(type.startsWith('text/html') && { 'Content-Security-Policy': CSP }) });
  res.end(body);
  return true;
};

/**
 * The body as a string, read no further than `limit` bytes. An oversized body is answered at once rather
 * than read to its end: a collector must not spend memory on a request it refuses.
 */
const readBody = (req, limit) =>
  new Promise((resolve, reject) => {
    if (Number(req.headers['content-length']) > limit) return reject(httpError(413, `the body is larger than ${limit} bytes`));
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > limit) {
        reject(httpError(413, `the body is larger than ${limit} bytes`));
        req.removeAllListeners('data');
        req.resume();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

/** The file of the static directory a URL path names, or null when it would leave the directory. */
const fileIn = (dir, path) => {
  let relative;
  try {
    relative = decodeURIComponent(path);
  } catch {
    return null;
  }
  if (relative.endsWith('/') || relative === '') relative += 'index.html';
  const file = resolve(dir, `.${sep}${relative}`);
  return file.startsWith(dir + sep) ? file : null;
};

/**
 * Starts the reference collector: POST /v1/batch stores Segment-Spec batches in DuckDB, `/` shows what
 * arrived, `/api/events` and `/api/stats` give it as JSON, and with `staticDir` it serves a site at /site/
 * and the SDK's script-tag build at /touchtrail.min.js.
 *
 * @param {object} options
 * @param {number} [options.port=8787] 0 picks a free port; `url` then says which.
 * @param {string} [options.host='127.0.0.1']
 * @param {string} [options.database=':memory:'] A DuckDB file (created if needed), or ':memory:' for a throwaway one.
 * @param {string[]} [options.allowedOrigins] Origins whose pages may send batches. @default any origin
 * @param {string} [options.staticDir] A directory served at /site/, with the SDK at /touchtrail.min.js.
 * @param {number} [options.maxBodyBytes=1048576] Larger bodies are refused with 413.
 * @param {(line: string) => void} [options.log] Told of every batch taken or refused.
 */
export const createCollector = async ({
  port = 8787,
  host = '127.0.0.1',
  database = ':memory:',
  allowedOrigins,
  staticDir,
  maxBodyBytes = 1024 * 1024,
  log = () => {},
} = {}) => {
  const store = await openStore(database);
  const siteDir = staticDir && resolve(staticDir);

  // The page's own origin is always allowed: the demo site posts to the collector that serves it.
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

  const receiveBatch = async (req, res, cors) => {
    const origin = req.headers.origin;
    if (origin && !originAllowed(origin, req)) throw httpError(403, `origin ${origin} may not send batches to this collector`);
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
      // Not the client's fault, and likely to pass: 503 with Retry-After makes the SDK keep the batch and retry.
      console.error('touchtrail collector: could not store a batch:', error);
      return sendJson(res, 503, { error: `the batch could not be stored: ${error.message}` }, { ...cors, 'Retry-After': '5' });
    }
    log(`batch of ${body.batch.length}: ${result.accepted} stored, ${result.duplicates} duplicates` +
      (body.dropped ? `, ${body.dropped} dropped by the client` : '') + (body.failed ? `, ${body.failed} failed` : ''));
    sendJson(res, 200, { ok: true, ...result }, cors);
  };

  const serveGet = async (req, res, path, query) => {
    if (path === '/api/events') {
      const limit = Math.min(Math.max(Number.parseInt(query.get('limit') ?? '50', 10) || 50, 1), 1000);
      return sendJson(res, 200, { events: await store.latestEvents(limit) }, corsHeaders(req));
    }
    if (path === '/api/stats') return sendJson(res, 200, await store.stats(), corsHeaders(req));
    if (path === '/') return sendFile(res, join(PUBLIC_DIR, 'index.html'));
    if (path === '/arrived.js' || path === '/arrived.css') return sendFile(res, join(PUBLIC_DIR, path));
    if (siteDir && path === '/touchtrail.min.js') {
      if (await sendFile(res, SCRIPT_FILE)) return;
      throw httpError(404, 'dist/touchtrail.min.js is not built yet: run `npm run build`');
    }
    if (siteDir && path === SITE_PATH.slice(0, -1)) {
      res.writeHead(308, { Location: SITE_PATH });
      return res.end();
    }
    if (siteDir && path.startsWith(SITE_PATH)) {
      const file = fileIn(siteDir, path.slice(SITE_PATH.length));
      if (file && (await sendFile(res, file))) return;
    }
    throw httpError(404, `nothing at ${path}`);
  };

  const handle = async (req, res) => {
    const { pathname: path, searchParams: query } = new URL(req.url, 'http://collector');
    const cors = corsHeaders(req);
    try {
      if (req.method === 'OPTIONS') {
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
        if (req.method !== 'POST') throw Object.assign(httpError(405, 'send batches with POST'), { allow: 'POST, OPTIONS' });
        return await receiveBatch(req, res, cors);
      }
      if (req.method === 'GET' || req.method === 'HEAD') return await serveGet(req, res, path, query);
      throw Object.assign(httpError(405, `${req.method} is not served here`), { allow: 'GET, HEAD, OPTIONS' });
    } catch (error) {
      const status = error.status || 500;
      if (status === 500) console.error('touchtrail collector:', error);
      if (path === '/v1/batch') log(`refused with ${status}: ${error.message}`);
      // The 413 answer goes out before the body is read; closing the connection keeps its rest from being read as a request.
      const headers = { ...cors, ...(error.allow && { Allow: error.allow }), ...(status === 413 && { Connection: 'close' }) };
      sendJson(res, status, { error: status === 500 ? 'the collector failed; see its log' : error.message }, headers);
    }
  };

  const server = createServer((req, res) => void handle(req, res));
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
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
    /** Where the demo site is, when `staticDir` was given. */
    siteUrl: siteDir ? `${url}${SITE_PATH}` : null,
    server,
    events: store.latestEvents,
    stats: store.stats,
    query: store.query,
    /** Stops taking requests, lets the ones under way finish, then closes the database file. */
    async close() {
      const closed = new Promise((resolve) => server.close(resolve));
      server.closeIdleConnections();
      // A browser may hold a connection open mid-request (a stalled keepalive fetch); it must not keep the process up.
      const force = setTimeout(() => server.closeAllConnections(), 2000);
      await closed;
      clearTimeout(force);
      await store.close();
    },
  };
};
