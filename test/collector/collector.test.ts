import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, test } from 'vitest';
// @ts-expect-error: the reference collector is plain JavaScript, without type declarations.
import { createCollector } from '../../examples/collector/createCollector.js';
// @ts-expect-error: plain JavaScript.
import { journeyCsv } from '../../examples/collector/journeyCsv.js';
// @ts-expect-error: plain JavaScript.
import { rateLimiter } from '../../examples/collector/rateLimiter.js';
import { channels } from '../../src/journey/channels';
import { journeyStages } from '../../src/journey/journeyStages';
import { parseRules } from '../../src/journey/parseRules';
import type { Touchpoint } from '../../src/types';
import { journeyFixture } from './journeyFixture';

type Collector = Awaited<ReturnType<typeof createCollector>>;

// One temporary directory for the whole file: each test gets its own database file in it.
const dir = mkdtempSync(join(tmpdir(), 'touchtrail-collector-'));
let n = 0;
let collector: Collector;
let database: string;

beforeEach(async () => {
  database = join(dir, `events-${++n}.duckdb`);
  collector = await createCollector({ port: 0, database });
});

afterEach(async () => {
  await collector?.close();
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An event as touchtrail's script tag sends it. */
const event = (messageId: string, overrides: Record<string, unknown> = {}) => ({
  type: 'track',
  event: 'Signup',
  properties: { touchpoint: 'Signup', touchpointKind: 'custom', stage: 'decision', channel: 'email', momentOfTruth: true, plan: 'pro' },
  context: {
    page: { url: 'https://shop.example/pricing?x=1', path: '/pricing', title: 'Pricing', referrer: 'https://shop.example/', search: '?x=1' },
    library: { name: 'touchtrail', version: '0.1.0' },
    sessionId: 'session-1',
  },
  messageId,
  anonymousId: 'anon-1',
  userId: null,
  timestamp: '2025-03-01T12:00:00.000Z',
  ...overrides,
});

const post = (body: unknown, headers: Record<string, string> = { 'Content-Type': 'text/plain;charset=UTF-8' }) =>
  fetch(`${collector.url}/v1/batch`, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), headers });

const batch = (...events: unknown[]) => ({ batch: events, sentAt: new Date().toISOString() });

/** The 400 answer's error message, checking that it is a 400. */
const refusal = async (body: unknown) => {
  const response = await post(body);
  expect(response.status).toBe(400);
  return ((await response.json()) as { error: string }).error;
};

test('port 0 gets a free port, and url says which', () => {
  expect(collector.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect(collector.url).not.toMatch(/:0$/);
});

test('stores every event of a batch, touchpoint fields in their own columns', async () => {
  const response = await post(batch(event('m-1'), event('m-2', { type: 'page', event: undefined, properties: { touchpoint: 'Page View', touchpointKind: 'page_view' } })));
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({ ok: true, accepted: 2, duplicates: 0 });

  const [row] = await collector.query("SELECT * FROM events WHERE message_id = 'm-1'");
  expect(row).toMatchObject({
    message_id: 'm-1',
    type: 'track',
    event: 'Signup',
    touchpoint: 'Signup',
    touchpoint_kind: 'custom',
    stage: 'decision',
    channel: 'email',
    moment_of_truth: true,
    anonymous_id: 'anon-1',
    user_id: null,
    session_id: 'session-1',
    url: 'https://shop.example/pricing?x=1',
    path: '/pricing',
    referrer: 'https://shop.example/',
    timestamp: '2025-03-01 12:00:00',
    properties: { plan: 'pro', stage: 'decision' },
    context: { library: { name: 'touchtrail' } },
  });
  expect(JSON.parse(row.raw)).toEqual(event('m-1'));
  expect(await collector.query('SELECT count(*)::INTEGER AS n FROM events')).toEqual([{ n: 2 }]);
});

test('momentOfTruth is true only when it is true or "true": "false" (an attribute set to false) is false', async () => {
  const moment = (id: string, momentOfTruth: unknown) => event(id, { properties: { touchpoint: 'CTA', touchpointKind: 'link_click', momentOfTruth } });
  await post(batch(moment('m-1', 'false'), moment('m-2', 'true'), moment('m-3', true), moment('m-4', false), moment('m-5', 'yes'), moment('m-6', null)));
  expect(await collector.query('SELECT message_id, moment_of_truth FROM events ORDER BY message_id')).toEqual([
    { message_id: 'm-1', moment_of_truth: false },
    { message_id: 'm-2', moment_of_truth: true },
    { message_id: 'm-3', moment_of_truth: true },
    { message_id: 'm-4', moment_of_truth: false },
    { message_id: 'm-5', moment_of_truth: false },
    { message_id: 'm-6', moment_of_truth: null },
  ]);
});

test('stores timestamps in UTC, whatever offset the client wrote', async () => {
  await post(batch(event('m-1', { timestamp: '2025-03-01T14:00:00+02:00' })));
  expect(await collector.query('SELECT timestamp::VARCHAR AS t FROM events')).toEqual([{ t: '2025-03-01 12:00:00' }]);
});

test('a text cut in the middle of an emoji (a lone surrogate) is stored with U+FFFD in its place, and the rest of its batch with it', async () => {
  // linkClicks keeps a link's first 100 characters: 99 letters and a 👟 leave half the emoji, which JSON.stringify
  // writes as \ud83d. JSON.parse takes it; DuckDB's JSON columns do not.
  const text = ('a'.repeat(99) + '👟').slice(0, 100);
  const cut = event('m-1', { event: 'Link Clicked', properties: { touchpoint: 'Link Clicked', touchpointKind: 'link_click', text, [`key ${text}`]: 1 } });
  const body = JSON.stringify(batch(cut, event('m-2')));
  expect(body).toContain('\\ud83d');
  const response = await post(body);
  expect(response.status).toBe(200);
  expect(await response.json()).toMatchObject({ accepted: 2 });
  const [row] = await collector.query("SELECT properties->>'text' AS text, raw FROM events WHERE message_id = 'm-1'");
  expect(row.text).toBe(`${'a'.repeat(99)}\ufffd`);
  expect(JSON.parse(row.raw).properties).toHaveProperty([`key ${'a'.repeat(99)}\ufffd`], 1);
});

test('a messageId already stored is ignored and counted, within a batch and across batches', async () => {
  const twice = batch(event('m-1'), event('m-2'));
  expect(await (await post(twice)).json()).toEqual({ ok: true, accepted: 2, duplicates: 0 });
  expect(await (await post(twice)).json()).toEqual({ ok: true, accepted: 0, duplicates: 2 });
  expect(await (await post(batch(event('m-3'), event('m-3')))).json()).toEqual({ ok: true, accepted: 1, duplicates: 1 });

  expect(await collector.query('SELECT message_id FROM events ORDER BY message_id')).toEqual([
    { message_id: 'm-1' },
    { message_id: 'm-2' },
    { message_id: 'm-3' },
  ]);
  expect(await (await fetch(`${collector.url}/api/stats`)).json()).toMatchObject({ events: 3, duplicates: 3, batches: 3 });
});

test('the same batch sent twice at once (two tabs retrying) is stored once', async () => {
  const same = batch(event('m-1'), event('m-2'), event('m-3'));
  const answers = await Promise.all([post(same), post(same), post(same)].map(async (r) => (await r).json()));
  expect(answers.map((a) => a.accepted).sort()).toEqual([0, 0, 3]);
  expect(await collector.stats()).toMatchObject({ events: 3, duplicates: 6 });
});

test('takes text/plain (what beacons send), application/json, and no Content-Type at all', async () => {
  expect((await post(batch(event('m-1')), { 'Content-Type': 'text/plain;charset=UTF-8' })).status).toBe(200);
  expect((await post(batch(event('m-2')), { 'Content-Type': 'application/json' })).status).toBe(200);
  const bare = await fetch(`${collector.url}/v1/batch`, { method: 'POST', body: new Blob([JSON.stringify(batch(event('m-3')))]) });
  expect(bare.status).toBe(200);
  expect((await collector.stats()).events).toBe(3);
});

test('refuses other body types with 415', async () => {
  const response = await post(batch(event('m-1')), { 'Content-Type': 'application/x-www-form-urlencoded' });
  expect(response.status).toBe(415);
  expect((await response.json()).error).toMatch(/text\/plain or application\/json/);
});

describe('a batch it cannot store is refused with 400 and says what is wrong', () => {
  test('malformed JSON', async () => {
    expect(await refusal('{"batch": [')).toMatch(/^the body is not valid JSON: /);
  });

  test('an empty body', async () => {
    expect(await refusal('')).toMatch(/^the body is empty/);
  });

  test('no batch, or a batch that is not an array', async () => {
    expect(await refusal({ events: [] })).toBe('batch is missing');
    expect(await refusal({ batch: { a: 1 } })).toBe('batch must be an array, got an object');
    expect(await refusal([event('m-1')])).toMatch(/^the body must be a JSON object/);
  });

  test('an event without messageId or type', async () => {
    const { messageId, ...noId } = event('m-4');
    expect(await refusal(batch(event('m-1'), event('m-2'), event('m-3'), noId))).toBe('batch[3].messageId is missing');
    const { type, ...noType } = event('m-2');
    expect(await refusal(batch(event('m-1'), noType))).toBe('batch[1].type is missing');
  });

  test('other wrong fields, each named', async () => {
    expect(await refusal(batch(event('m-1', { messageId: 42 })))).toBe('batch[0].messageId must be a non-empty string, got number 42');
    expect(await refusal(batch(event('m-1', { type: 'click' })))).toMatch(/^batch\[0\]\.type must be one of track, page, .*, got string "click"$/);
    expect(await refusal(batch(event('m-1', { event: undefined })))).toBe('batch[0].event is missing (a track event needs one)');
    expect(await refusal(batch(event('m-1', { anonymousId: undefined })))).toBe('batch[0] needs an anonymousId or a userId');
    expect(await refusal(batch(event('m-1', { timestamp: 'yesterday' })))).toMatch(/^batch\[0\]\.timestamp must be an ISO 8601 date/);
    expect(await refusal(batch(event('m-1', { properties: [] })))).toBe('batch[0].properties must be an object, got an array');
    expect(await refusal({ ...batch(event('m-1')), dropped: -1 })).toMatch(/^dropped must be a whole number/);
    expect(await refusal(batch('not an event'))).toBe('batch[0] must be an object, got string "not an event"');
  });

  test('a date that does not exist (February 30th) is refused, not stored as the day it rolls over to', async () => {
    expect(await refusal(batch(event('m-1', { timestamp: '2025-02-30T12:00:00Z' })))).toBe(
      'batch[0].timestamp is not a day of the calendar: 2025-02-30 (February 2025 has 28 days)',
    );
    expect(await refusal(batch(event('m-1', { timestamp: '2025-03-01T24:30:00Z' })))).toMatch(/^batch\[0\]\.timestamp must be an ISO 8601 date/);
    expect(await refusal({ ...batch(event('m-1')), sentAt: '2024-04-31T00:00:00Z' })).toBe('sentAt is not a day of the calendar: 2024-04-31 (April 2024 has 30 days)');
    expect(await refusal({ ...batch(event('m-1')), sentAt: '2024-13-01T00:00:00Z' })).toMatch(/^sentAt must be an ISO 8601 date/);
    // A leap day is one.
    expect((await post(batch(event('m-1', { timestamp: '2024-02-29T12:00:00Z' })))).status).toBe(200);
  });

  test('a time outside the years 0000 to 9999 in UTC is refused, saying why: it could be neither stored nor shown', async () => {
    // 9999-12-31T23:00 at UTC-5 is in the year 10000 in UTC. Stored, DuckDB would refuse it with an error a 503
    // would turn into a batch the SDK sends for ever.
    const response = await post(batch(event('m-1', { timestamp: '9999-12-31T23:00:00-05:00' })));
    expect(response.status).toBe(400);
    expect(response.headers.get('retry-after')).toBeNull();
    expect((await response.json()).error).toBe(
      'batch[0].timestamp must lie in the years 0000 to 9999 in UTC, the times the collector can store and show, got 9999-12-31T23:00:00-05:00',
    );
    expect(await refusal({ ...batch(event('m-1')), sentAt: '0000-01-01T00:30:00+01:00' })).toMatch(/^sentAt must lie in the years 0000 to 9999 in UTC/);
  });

  test('nothing of a refused batch is stored', async () => {
    const { messageId, ...noId } = event('m-2');
    await refusal(batch(event('m-1'), noId));
    expect((await collector.stats()).events).toBe(0);
  });
});

test('refuses a body over 1 MB with 413, and stores nothing of it', async () => {
  const padding = 'x'.repeat(1024 * 1024);
  const response = await post(batch(event('m-1', { properties: { padding } })));
  expect(response.status).toBe(413);
  expect((await response.json()).error).toMatch(/larger than/);
  expect((await collector.stats()).events).toBe(0);
  // A body just under the cap is fine.
  expect((await post(batch(event('m-2', { properties: { padding: padding.slice(0, 1000_000) } })))).status).toBe(200);
});

test('counts the dropped and failed events that batches report', async () => {
  await post({ ...batch(event('m-1')), dropped: 3 });
  await post({ ...batch(event('m-2')), dropped: 2, failed: 1 });
  expect(await collector.stats()).toEqual({ events: 2, batches: 2, duplicates: 0, dropped: 5, failed: 1 });
});

describe('CORS', () => {
  const origin = 'https://shop.example';

  test('a POST from another origin is answered with its origin, and Retry-After exposed', async () => {
    const response = await post(batch(event('m-1')), { 'Content-Type': 'text/plain', Origin: origin });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(origin);
    expect(response.headers.get('access-control-expose-headers')).toBe('Retry-After');
    expect(response.headers.get('vary')).toBe('Origin');
  });

  test('a preflight is answered with 204 and what may follow', async () => {
    const response = await fetch(`${collector.url}/v1/batch`, {
      method: 'OPTIONS',
      headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(origin);
    expect(response.headers.get('access-control-allow-methods')).toContain('POST');
    expect(response.headers.get('access-control-allow-headers')).toBe('content-type');
  });

  test('errors carry the CORS headers too, so that a page can read why', async () => {
    const response = await post('nope', { 'Content-Type': 'text/plain', Origin: origin });
    expect(response.status).toBe(400);
    expect(response.headers.get('access-control-allow-origin')).toBe(origin);
  });

  test('the report, its APIs and exports answer no other origin: any website could read every stored event', async () => {
    // The demo's defaults: no allowedOrigins, no reportAuth, on 127.0.0.1, where any page its owner visits can reach it.
    await post(batch(event('m-1', { properties: { email: 'ada@example.com' } })));
    for (const path of ['/api/events', '/api/stats', '/api/journey', '/api/sites', '/export/journey.json', '/export/journey.csv', '/export/events.ndjson', '/journey', '/nowhere']) {
      const response = await fetch(`${collector.url}${path}`, { headers: { Origin: 'https://evil.example' } });
      expect([path, response.headers.get('access-control-allow-origin')]).toEqual([path, null]);
      await response.arrayBuffer();
    }
    const preflight = await fetch(`${collector.url}/api/events`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'authorization' },
    });
    expect(preflight.status).toBe(405);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(preflight.headers.get('access-control-allow-headers')).toBeNull();
  });

  test('with allowedOrigins, other origins get no CORS headers and their batches are refused', async () => {
    await collector.close();
    collector = await createCollector({ port: 0, database, allowedOrigins: [origin] });

    const allowed = await post(batch(event('m-1')), { 'Content-Type': 'text/plain', Origin: origin });
    expect(allowed.status).toBe(200);
    const other = await post(batch(event('m-2')), { 'Content-Type': 'text/plain', Origin: 'https://evil.example' });
    expect(other.status).toBe(403);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${collector.url}/v1/batch`, { method: 'OPTIONS', headers: { Origin: 'https://evil.example' } });
    expect(preflight.status).toBe(403);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    // The collector's own pages are always allowed.
    expect((await post(batch(event('m-3')), { 'Content-Type': 'text/plain', Origin: collector.url })).status).toBe(200);
    expect((await collector.stats()).events).toBe(2);
  });
});

test('/api/events gives back what was stored, newest arrival first', async () => {
  await post(batch(event('m-1')));
  await post(batch(event('m-2', { type: 'page', event: undefined, properties: { touchpoint: 'Page View', touchpointKind: 'page_view' } })));
  const { events } = await (await fetch(`${collector.url}/api/events`)).json();
  expect(events.map((e: { messageId: string }) => e.messageId)).toEqual(['m-2', 'm-1']);
  expect(events[1]).toMatchObject({
    messageId: 'm-1',
    type: 'track',
    event: 'Signup',
    touchpoint: 'Signup',
    touchpointKind: 'custom',
    stage: 'decision',
    momentOfTruth: true,
    anonymousId: 'anon-1',
    path: '/pricing',
    timestamp: '2025-03-01T12:00:00.000Z',
    properties: { plan: 'pro' },
    context: { sessionId: 'session-1' },
  });
  expect(new Date(events[1].receivedAt).getTime()).toBeGreaterThan(Date.now() - 60_000);

  const limited = await (await fetch(`${collector.url}/api/events?limit=1`)).json();
  expect(limited.events).toHaveLength(1);
});

test('/ is the "what arrived" page, with its script in a file so that a strict CSP allows it', async () => {
  const page = await fetch(`${collector.url}/`);
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toContain('What arrived');
  expect(html).not.toMatch(/<script>|<script(?![^>]*\bsrc=)[^>]*>/);
  expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
  expect((await fetch(`${collector.url}/arrived.js`)).status).toBe(200);
});

test('data survives closing and reopening the same database file', async () => {
  await post({ ...batch(event('m-1'), event('m-2')), dropped: 1 });
  await collector.close();

  collector = await createCollector({ port: 0, database });
  expect(await collector.stats()).toMatchObject({ events: 2, dropped: 1 });
  // The primary key survived too: a retry after the restart is still a duplicate.
  expect(await (await post(batch(event('m-2')))).json()).toEqual({ ok: true, accepted: 0, duplicates: 1 });
});

test('serves sites by prefix, with pretty URLs, an SPA fallback and files built in memory, and nothing outside them', async () => {
  await collector.close();
  const shop = mkdtempSync(join(dir, 'shop-'));
  writeFileSync(join(shop, 'index.html'), '<!doctype html><title>Shop</title><script src="/touchtrail.min.js" data-collector="/v1/batch"></script>');
  writeFileSync(join(shop, 'pricing.html'), '<!doctype html><title>Pricing</title>');
  const spa = mkdtempSync(join(dir, 'spa-'));
  writeFileSync(join(spa, 'index.html'), '<!doctype html><title>SPA</title>');
  collector = await createCollector({
    port: 0,
    database,
    sites: { '/shop/': shop, '/spa/': { dir: spa, fallback: 'index.html', files: { 'app.js': 'console.log(1)' } } },
  });
  expect(collector.siteUrls).toEqual({ '/shop/': `${collector.url}/shop/`, '/spa/': `${collector.url}/spa/` });

  const landing = await fetch(`${collector.url}/shop/`);
  expect(landing.status).toBe(200);
  expect(landing.headers.get('content-security-policy')).toContain("default-src 'self'");
  expect(await landing.text()).toContain('data-collector="/v1/batch"');
  expect(await (await fetch(`${collector.url}/shop/pricing`)).text()).toContain('Pricing');
  expect((await fetch(`${collector.url}/shop/pricing.html`)).status).toBe(200);
  expect((await fetch(`${collector.url}/shop`, { redirect: 'manual' })).headers.get('location')).toBe('/shop/');
  expect((await fetch(`${collector.url}/shop/nothing`)).status).toBe(404);
  expect((await fetch(`${collector.url}/shop/..%2f..%2fpackage.json`)).status).toBe(404);
  expect((await fetch(`${collector.url}/shop/%2e%2e/%2e%2e/%2e%2e/package.json`)).status).toBe(404);

  // The SPA's routes are its index.html; its bundle comes from memory; a missing asset stays missing.
  expect(await (await fetch(`${collector.url}/spa/products/42`)).text()).toContain('<title>SPA</title>');
  const bundle = await fetch(`${collector.url}/spa/app.js`);
  expect(bundle.headers.get('content-type')).toMatch(/^text\/javascript/);
  expect(await bundle.text()).toBe('console.log(1)');
  expect((await fetch(`${collector.url}/spa/missing.js`)).status).toBe(404);

  // The SDK is there once built; the collector's tests do not build it.
  expect([200, 404]).toContain((await fetch(`${collector.url}/touchtrail.min.js`)).status);
});

describe('rate limiting', () => {
  const restart = async (options: Record<string, unknown>) => {
    await collector.close();
    collector = await createCollector({ port: 0, database, ...options });
  };

  test('a client over its budget gets 429 with Retry-After and CORS headers; its batches are not stored', async () => {
    await restart({ rateLimit: { perSecond: 1, burst: 2 } });
    const origin = 'https://shop.example';
    const headers = { 'Content-Type': 'text/plain', Origin: origin };
    expect((await post(batch(event('m-1')), headers)).status).toBe(200);
    expect((await post(batch(event('m-2')), headers)).status).toBe(200);
    const refused = await post(batch(event('m-3')), headers);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // A cross-origin page can only honour Retry-After if it may read it.
    expect(refused.headers.get('access-control-allow-origin')).toBe(origin);
    expect(refused.headers.get('access-control-expose-headers')).toBe('Retry-After');
    expect((await refused.json()).error).toMatch(/too many batches/);
    expect((await collector.stats()).events).toBe(2);

    // A token comes back each second.
    await new Promise((r) => setTimeout(r, 1100));
    expect((await post(batch(event('m-3')), headers)).status).toBe(200);
  });

  test('each client has its own budget (by the address the trusted proxy appended to X-Forwarded-For)', async () => {
    await restart({ rateLimit: { perSecond: 0.01, burst: 1 }, trustProxy: true });
    // What nginx ($proxy_add_x_forwarded_for) or a load balancer forwards: whatever the client sent, then the address it saw.
    const from = (ip: string) => ({ 'Content-Type': 'text/plain', 'X-Forwarded-For': `10.9.9.9, ${ip}` });
    expect((await post(batch(event('a-1')), from('203.0.113.1'))).status).toBe(200);
    expect((await post(batch(event('a-2')), from('203.0.113.1'))).status).toBe(429);
    expect((await post(batch(event('b-1')), from('203.0.113.2'))).status).toBe(200);
  });

  test('with trustProxy, a client cannot buy budget by putting made-up addresses first in X-Forwarded-For', async () => {
    await restart({ rateLimit: { perSecond: 0.01, burst: 1 }, trustProxy: true });
    const via = (spoofed: string) => ({ 'Content-Type': 'text/plain', 'X-Forwarded-For': `${spoofed}, 198.51.100.7` });
    expect((await post(batch(event('a-1')), via('1.1.1.1'))).status).toBe(200);
    expect((await post(batch(event('a-2')), via('2.2.2.2'))).status).toBe(429);
  });

  test('without trustProxy, X-Forwarded-For is ignored: a client cannot buy budget by making addresses up', async () => {
    await restart({ rateLimit: { perSecond: 0.01, burst: 1 } });
    expect((await post(batch(event('a-1')), { 'Content-Type': 'text/plain', 'X-Forwarded-For': '203.0.113.1' })).status).toBe(200);
    expect((await post(batch(event('a-2')), { 'Content-Type': 'text/plain', 'X-Forwarded-For': '203.0.113.2' })).status).toBe(429);
  });

  test('the report and its APIs are not limited, and rateLimit: false turns limiting off', async () => {
    await restart({ rateLimit: { perSecond: 0.01, burst: 1 } });
    for (let i = 0; i < 5; i++) expect((await fetch(`${collector.url}/api/stats`)).status).toBe(200);
    await restart({ rateLimit: false });
    for (let i = 0; i < 80; i++) expect((await post(batch(event(`m-${i}`)))).status).toBe(200);
  });

  test('the bucket refills at perSecond up to burst, and full buckets are forgotten', () => {
    let now = 0;
    const limiter = rateLimiter({ perSecond: 2, burst: 3, now: () => now });
    expect([1, 2, 3, 4].map(() => limiter.take('a').ok)).toEqual([true, true, true, false]);
    expect(limiter.take('a')).toEqual({ ok: false, retryAfter: 1 });
    now = 500;
    expect(limiter.take('a').ok).toBe(true);
    expect(limiter.take('a').ok).toBe(false);
    now = 10_000;
    limiter.take('b');
    expect(limiter.size).toBe(1);
  });
});

describe('exports of the stored events', () => {
  beforeEach(async () => {
    await post(batch(event('m-1'), event('m-2', { timestamp: '2025-03-01T12:05:00.000Z' })));
  });

  test('/export/events.ndjson: one JSON object a line, every column, times in ISO 8601 UTC', async () => {
    const response = await fetch(`${collector.url}/export/events.ndjson`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-ndjson');
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="touchtrail-events-\d{4}-\d\d-\d\d\.ndjson"$/);
    const lines = (await response.text()).trim().split('\n').map((line) => JSON.parse(line));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      message_id: 'm-1',
      type: 'track',
      touchpoint: 'Signup',
      stage: 'decision',
      session_id: 'session-1',
      timestamp: '2025-03-01T12:00:00.000Z',
      properties: { plan: 'pro' },
      context: { page: { path: '/pricing' } },
    });
    expect(lines[0].received_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(JSON.parse(typeof lines[0].raw === 'string' ? lines[0].raw : JSON.stringify(lines[0].raw))).toEqual(event('m-1'));
  });

  test('/export/events.parquet: a Parquet file that reads back as the same rows', async () => {
    const response = await fetch(`${collector.url}/export/events.parquet`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/vnd.apache.parquet');
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(Number(response.headers.get('content-length'))).toBe(bytes.length);
    // Parquet files start and end with the magic "PAR1".
    expect(bytes.subarray(0, 4).toString()).toBe('PAR1');
    expect(bytes.subarray(-4).toString()).toBe('PAR1');
    const file = join(dir, `export-${n}.parquet`);
    writeFileSync(file, bytes);
    const rows = await collector.query(`SELECT message_id, stage, timestamp::VARCHAR AS t FROM read_parquet('${file}') ORDER BY message_id`);
    expect(rows).toEqual([
      { message_id: 'm-1', stage: 'decision', t: '2025-03-01 12:00:00' },
      { message_id: 'm-2', stage: 'decision', t: '2025-03-01 12:05:00' },
    ]);
  });

  test('?since= exports only the events received since then, for loads that add what is new', async () => {
    const cut = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 20));
    await post(batch(event('m-3')));
    const lines = (await (await fetch(`${collector.url}/export/events.ndjson?since=${cut}`)).text()).trim().split('\n');
    expect(lines.map((line) => JSON.parse(line).message_id)).toEqual(['m-3']);
    const wrong = await fetch(`${collector.url}/export/events.parquet?since=last-week`);
    expect(wrong.status).toBe(400);
    expect((await wrong.json()).error).toMatch(/^since must be an ISO 8601 date/);
    // Date.parse reads 1 as the year 2001: no guesses.
    expect((await (await fetch(`${collector.url}/export/events.ndjson?since=1`)).json()).error).toMatch(/^since must be an ISO 8601 date/);
  });

  test('leaves no temporary file behind', async () => {
    const exports = () => readdirSync(tmpdir()).filter((name) => name.startsWith('touchtrail-export-'));
    const before = exports();
    await (await fetch(`${collector.url}/export/events.ndjson`)).text();
    await (await fetch(`${collector.url}/export/events.parquet`)).arrayBuffer();
    // The file is removed once the answer is sent, which is a moment after the client has it all.
    await expect.poll(exports, { timeout: 2000 }).toEqual(before);
  });
});

describe('the journey report', () => {
  type Report = Awaited<ReturnType<Collector['journey']>>;
  let report: Report;
  const stage = (name: string) => report.map.find((s: { stage: string }) => s.stage === name);
  const items = (name: string) => Object.fromEntries(stage(name).items.map((i: { touchpoint: string; visitors: number }) => [i.touchpoint, i.visitors]));

  beforeEach(async () => {
    expect((await post(batch(...journeyFixture))).status).toBe(200);
    report = await (await fetch(`${collector.url}/api/journey`)).json();
  });

  test('totals, and how much the report staged itself', () => {
    expect(report.totals).toMatchObject({ visitors: 4, sessions: 4, orders: 2, revenue: 200, firstAt: '2025-03-01T10:00:00.000Z' });
    // Page Engagement, Page Experience and Journey Stage Reached measure touchpoints; they are not touchpoints.
    expect(report.totals.touchpoints).toBe(journeyFixture.length - 1 /* identify */ - 7 /* measures */);
    expect(report.totals.stagedByReport).toBe(report.totals.touchpoints - 3);
  });

  test('an order reported twice (its confirmation page reloaded: the same order_id, a new messageId) is one order, its revenue once', async () => {
    const order = (id: string, at: string, properties: Record<string, unknown>) =>
      event(id, {
        event: 'Order Completed',
        timestamp: `2025-03-02T12:0${at}:00.000Z`,
        properties: { touchpoint: 'Order Completed', touchpointKind: 'checkout_step', stage: 'purchase', revenue: 100, ...properties },
      });
    // Two reports of A-1; and two orders without an order_id, each counted by its messageId.
    await post(batch(order('o-1', '1', { order_id: 'A-1' }), order('o-2', '2', { order_id: 'A-1' }), order('o-3', '3', {}), order('o-4', '4', {})));
    report = await (await fetch(`${collector.url}/api/journey`)).json();
    expect(report.totals).toMatchObject({ orders: 2 + 3, revenue: 200 + 300 });
  });

  test('an empty order_id is no id: orders of two visitors with order_id "" are two orders', async () => {
    const order = (id: string, visitor: string, revenue: number) =>
      event(id, { event: 'Order Completed', anonymousId: visitor, context: { sessionId: `${visitor}-s` }, properties: { touchpointKind: 'checkout_step', step: 4, revenue, order_id: '' } });
    await post(batch(order('o-1', 'ada', 100), order('o-2', 'ben', 50)));
    report = await collector.journey();
    expect(report.totals).toMatchObject({ orders: 2 + 2, revenue: 200 + 150 });
  });

  test('revenue and web vitals that are no finite number ("NaN", "Infinity") are no values: totals and p75 come from the others', async () => {
    const hostile = (id: string, properties: Record<string, unknown>) =>
      event(id, { anonymousId: 'eve', context: { sessionId: 'eve-s', page: { path: '/x' } }, timestamp: '2025-03-02T12:00:00.000Z', ...properties });
    await post(batch(
      hostile('e-1', { event: 'Order Completed', properties: { touchpointKind: 'checkout_step', stage: 'purchase', step: 4, order_id: 'E-1', revenue: 'NaN' } }),
      hostile('e-2', { event: 'Order Completed', properties: { touchpointKind: 'checkout_step', stage: 'purchase', step: 4, order_id: 'E-2', revenue: '-Infinity' } }),
      hostile('e-3', { event: 'Page Experience', properties: { touchpointKind: 'page_experience', stage: 'advocacy', viewId: 'v', lcp: 'Infinity', inp: 'NaN', cls: 'nan', fcp: 'inf', ttfb: 120 } }),
    ));
    report = await (await fetch(`${collector.url}/api/journey`)).json();
    expect(report.totals).toMatchObject({ orders: 2 + 2, revenue: 200 });
    expect(report.experience.find((row: { stage: string }) => row.stage === 'advocacy').p75).toEqual({ lcp: null, inp: null, cls: null, fcp: null, ttfb: 120 });
  });

  test('the map: every stage left to right (a stage only the data knows comes last), each with its touchpoints', () => {
    expect(report.stages).toEqual(['awareness', 'consideration', 'decision', 'purchase', 'retention', 'advocacy', 'onboarding']);
    expect(report.map.map((s: { stage: string; visitors: number }) => [s.stage, s.visitors])).toEqual([
      ['awareness', 3], // cleo landed on a product page: consideration
      ['consideration', 4],
      ['decision', 3],
      ['purchase', 2],
      ['retention', 1],
      ['advocacy', 1],
      ['onboarding', 1],
    ]);
    // The SDK's defaults, repeated in SQL: an ad landing, products and pricing, checkout, order, help and chat, share.
    expect(items('awareness')).toEqual({ 'Page /': 3 });
    expect(items('consideration')).toMatchObject({
      'Page /products/trail-runner': 2,
      'Product Added': 2,
      'Page /pricing': 1,
      'Features page': 1,
      // A link is known by its text.
      'Link Clicked: Shop the Trail Runner': 1,
    });
    expect(items('decision')).toMatchObject({ 'Checkout Started: checkout': 3, 'Shipping details sent': 3, 'Checkout Abandoned: payment': 1 });
    // A form with no default stage takes the furthest stage its visitor had reached.
    expect(items('retention')).toEqual({ 'Page /help': 1, 'Chat Opened: intercom': 1, '=HYPERLINK("https://evil.example")': 1 });
    expect(items('purchase')).toEqual({ 'Order Completed: confirmation': 2, 'Page /checkout/confirmation': 1 });
    expect(items('advocacy')).toEqual({ 'Link Clicked: share': 1 });
    expect(stage('decision').items.find((i: { touchpoint: string }) => i.touchpoint === 'Shipping details sent').momentOfTruth).toBe(true);
  });

  test('the funnel counts visitors by their furthest stage, with the drop-off between stages', () => {
    expect(report.funnel).toEqual([
      { stage: 'awareness', visitors: 4, dropOff: 0, dropOffRate: 0 },
      { stage: 'consideration', visitors: 4, dropOff: 1, dropOffRate: 0.25 },
      { stage: 'decision', visitors: 3, dropOff: 1, dropOffRate: 1 / 3 },
      { stage: 'purchase', visitors: 2, dropOff: 0, dropOffRate: 0 },
      { stage: 'retention', visitors: 2, dropOff: 1, dropOffRate: 0.5 },
      { stage: 'advocacy', visitors: 1, dropOff: null, dropOffRate: null },
    ]);
  });

  test('checkout drop-off per step comes from the abandonments', () => {
    expect(report.checkout).toEqual([
      { step: 1, stepName: 'checkout', sessions: 3, abandoned: 0, abandonRate: 0 },
      { step: 2, stepName: 'shipping', sessions: 3, abandoned: 0, abandonRate: 0 },
      { step: 3, stepName: 'payment', sessions: 3, abandoned: 1, abandonRate: 1 / 3 },
      { step: 4, stepName: 'confirmation', sessions: 2, abandoned: 0, abandonRate: 0 },
    ]);
  });

  test('an abandonment is a drop-off until a later step with a higher number, or an order, in the same session', async () => {
    const [last] = journeyFixture.filter((e) => e.event === 'Checkout Abandoned');
    const later = (id: string, minute: number, event: string, step: number, stepName: string) =>
      ({ ...last, event, messageId: id, timestamp: `2025-03-01T11:${minute}:00.000Z`, properties: { ...last.properties, touchpoint: event, step, stepName } });
    // Back at the payment step (3, as abandoned), then at the cart (1): neither is past where ben left.
    await post(batch(later('ben-payment', 30, 'Payment Info Entered', 3, 'payment'), later('ben-cart', 31, 'Checkout Step Viewed', 1, 'checkout')));
    report = await collector.journey();
    expect(report.checkout[2]).toMatchObject({ step: 3, abandoned: 1 });
    expect(report.checkout[0]).toMatchObject({ step: 1, abandoned: 0 });
    // The confirmation (step 4) is.
    await post(batch(later('ben-order', 32, 'Order Completed', 4, 'confirmation')));
    report = await collector.journey();
    expect(report.checkout.map((s: { abandoned: number }) => s.abandoned)).toEqual([0, 0, 0, 0]);
  });

  test('abandoning at payment, then viewing the cart again and leaving, is an abandonment at payment', async () => {
    // As the SDK sends it without the Navigation API: going back to the cart hides the payment page (Checkout
    // Abandoned at 3); the SDK reports no second abandonment for the cart, as it sent one already.
    const step = (minute: number, name: string, n: number, stepName: string) =>
      event(`fay-${minute}`, {
        event: name,
        anonymousId: 'fay',
        timestamp: `2025-03-02T10:0${minute}:00.000Z`,
        context: { sessionId: 'fay-s', page: { path: '/checkout' } },
        properties: { touchpointKind: 'checkout_step', step: n, stepName },
      });
    await post(batch(
      step(0, 'Checkout Started', 1, 'checkout'),
      step(1, 'Checkout Step Viewed', 2, 'shipping'),
      step(2, 'Checkout Step Viewed', 3, 'payment'),
      step(3, 'Checkout Abandoned', 3, 'payment'),
      step(4, 'Checkout Step Viewed', 1, 'checkout'),
    ));
    report = await collector.journey();
    expect(report.checkout.find((s: { step: number }) => s.step === 3)).toMatchObject({ sessions: 3 + 1, abandoned: 1 + 1 });
  });

  test('channel mix per stage: channels sent by the SDK, or the session landing\'s', () => {
    const mix = Object.fromEntries(
      report.channels.map(({ stage, channels }: { stage: string; channels: { channel: string; visitors: number }[] }) => [
        stage,
        Object.fromEntries(channels.map((c) => [c.channel, c.visitors])),
      ]),
    );
    expect(mix.awareness).toEqual({ paid_search: 1, email: 1, paid_social: 1 });
    expect(mix.consideration).toEqual({ paid_search: 1, email: 1, organic_search: 1, paid_social: 1 });
    expect(mix.decision).toEqual({ paid_search: 1, email: 1, organic_search: 1 });
    expect(mix.retention).toEqual({ organic_search: 1 });
    expect(mix.advocacy).toEqual({ paid_search: 1 });
  });

  test("the report's channel for a shopping landing is the channels processor's: paid_shopping, organic_shopping", async () => {
    const cases = [
      ['?utm_source=amazon&utm_medium=cpc', ''],
      ['?utm_source=google&utm_medium=cpc&utm_campaign=shopping', ''],
      ['?utm_source=newsletter&utm_medium=email&utm_campaign=spring-shop', ''],
      ['?utm_source=newsletter&utm_medium=email&utm_campaign=workshop', ''],
      ['', 'https://www.amazon.com/gp/product/1'],
      ['', 'https://www.etsy.com/'],
      ['?utm_source=google&utm_medium=cpc', ''],
      ['', 'https://www.google.com/'],
    ];
    const landing = (i: number, search: string, referrer: string) => {
      const params = new URLSearchParams(search);
      return event(`shop-${i}`, {
        anonymousId: `shopper-${i}`,
        timestamp: '2025-03-02T12:00:00.000Z',
        properties: { touchpoint: 'Landing', touchpointKind: 'custom' },
        context: {
          sessionId: `shopper-${i}-s`,
          page: { url: `https://shop.example/${search}`, path: '/', search, referrer },
          campaign: { source: params.get('utm_source') ?? undefined, medium: params.get('utm_medium') ?? undefined, name: params.get('utm_campaign') ?? undefined },
        },
      });
    };
    const events = cases.map(([search, referrer], i) => landing(i, search!, referrer!));
    const classify = channels();
    const sdk = events.map((e) => (classify(structuredClone(e) as unknown as Touchpoint, undefined, false) as Touchpoint).properties.channel);
    expect(sdk).toEqual(['paid_shopping', 'paid_shopping', 'organic_shopping', 'email', 'organic_shopping', 'organic_shopping', 'paid_search', 'organic_search']);
    await post(batch(...events));
    const rows = await collector.query(
      "SELECT message_id, channel, channel_source FROM journey_touchpoints WHERE message_id LIKE 'shop-%' ORDER BY message_id",
    );
    expect(rows.map((row: { channel: string; channel_source: string }) => `${row.channel} (${row.channel_source})`)).toEqual(sdk.map((c) => `${c} (report)`));
  });

  test('moments of truth with their outcome', () => {
    expect(report.moments).toEqual([
      { touchpoint: 'Features page', stage: 'consideration', visitors: 1, bought: 0, wentFurther: 0, wentNoFurther: 1 },
      { touchpoint: 'Shipping details sent', stage: 'decision', visitors: 3, bought: 2, wentFurther: 0, wentNoFurther: 1 },
    ]);
  });

  test('page experience per stage: p75 of each web vital, the ratings, and slow moments of truth', () => {
    expect(report.experience).toEqual([
      {
        stage: 'awareness',
        pages: 1,
        p75: { lcp: 1800, inp: 120, cls: 0.05, fcp: null, ttfb: null },
        ratings: { good: 1, needsImprovement: 0, poor: 0 },
        slowMomentsOfTruth: 0,
      },
      {
        // Ben's pricing page counts once, with its last values (4200, 300), and cleo's product page.
        stage: 'consideration',
        pages: 2,
        p75: { lcp: 3800, inp: 262.5, cls: expect.closeTo(0.23, 5), fcp: null, ttfb: null },
        ratings: { good: 0, needsImprovement: 1, poor: 1 },
        slowMomentsOfTruth: 0,
      },
      {
        // No default stage for the payment page's path: it is where ben was by then, decision.
        stage: 'decision',
        pages: 1,
        p75: { lcp: 5200, inp: 640, cls: 0.01, fcp: null, ttfb: null },
        ratings: { good: 0, needsImprovement: 0, poor: 1 },
        slowMomentsOfTruth: 1,
      },
    ]);
  });

  test("events sent without a stage get the SDK's own default stage from the report, the same as journeyStages gives", async () => {
    const page = (path: string) => ['page', undefined, 'page_view', path] as const;
    const track = (name: string, kind: string, extra: Record<string, string> = {}) => ['track', name, kind, '/x', extra] as const;
    const cases = [
      page('/?utm_source=google&utm_medium=cpc'),
      page('/shoes?utm_medium=Social%2Dcpc'),
      page('/?utm_medium=interstitial'),
      page('/?gclid=abc'),
      page('/?utm_medium=email'),
      page('/?utm_medium=%E0%A4%A'),
      page('/account/preferences'),
      page('/products/42/preview'),
      page('/products/42/reviews'),
      page('/shareholders'),
      page('/blog/design-inspiration'),
      page('/productivity-tips'),
      page('/refer-a-friend'),
      page('/help_centre'),
      page('/pricing'),
      page('/sign-in'),
      page('/blog/top-10'),
      track('Order Completed', 'checkout_step'),
      track('Checkout Started', 'checkout_step'),
      track('Product Reviewed', 'custom'),
      track('Product Viewed', 'product'),
      track('Chat Opened', 'chat_open'),
      track('Link Clicked', 'link_click', { linkType: 'share', href: 'https://www.facebook.com/sharer/sharer.php?u=x' }),
      track('Link Clicked', 'link_click', { linkType: 'outbound', href: 'https://example.org/preview' }),
      track('Wishlist Saved', 'custom'),
    ];
    const events = cases.map(([type, name, kind, url, extra], i) => {
      const { pathname, search } = new URL(url, 'https://shop.example');
      return event(`s-${i}`, {
        type,
        event: name,
        anonymousId: `visitor-${i}`,
        context: { page: { url: `https://shop.example${url}`, path: pathname, search, title: '', referrer: '' }, sessionId: `session-${i}` },
        properties: { touchpoint: name ?? 'Page View', touchpointKind: kind, ...extra },
      });
    });
    expect((await post(batch(...events))).status).toBe(200);
    const rows: { message_id: string; stage: string; stage_source: string }[] = await collector.query(
      "SELECT message_id, stage, stage_source FROM journey_touchpoints WHERE message_id LIKE 's-%'",
    );
    const report = Object.fromEntries(rows.map((r) => [r.message_id, `${r.stage} (${r.stage_source})`]));
    const sdk = Object.fromEntries(
      events.map((e) => {
        const t = structuredClone(e) as unknown as Touchpoint;
        journeyStages()(t);
        return [e.messageId, `${t.properties.stage} (${t.properties.stageFrom == 'default' ? 'report_default' : 'report_journey'})`];
      }),
    );
    expect(report).toEqual(sdk);
    // A control: the cases cover every default stage, and touchpoints with none.
    expect(new Set(Object.values(sdk))).toEqual(
      new Set(['awareness (report_default)', 'consideration (report_default)', 'decision (report_default)', 'purchase (report_default)', 'retention (report_default)', 'advocacy (report_default)', 'awareness (report_journey)']),
    );
  });

  test('from and to narrow it to a time range, and a wrong one is a 400', async () => {
    const ben = await (await fetch(`${collector.url}/api/journey?from=2025-03-01T11:00:00Z&to=2025-03-01T12:00:00Z`)).json();
    expect(ben.totals).toMatchObject({ visitors: 1, orders: 0 });
    expect(ben.checkout.find((s: { step: number }) => s.step === 3)).toMatchObject({ abandoned: 1 });
    const wrong = await fetch(`${collector.url}/api/journey?from=yesterday`);
    expect(wrong.status).toBe(400);
    expect((await wrong.json()).error).toMatch(/^from must be an ISO 8601 date/);
  });

  test('from and to are ISO 8601 only: a date, or a date and time with a time zone, on a day the calendar has', async () => {
    const error = async (query: string) => {
      const response = await fetch(`${collector.url}/api/journey?${query}`);
      expect(response.status).toBe(400);
      return (await response.json()).error;
    };
    // Date.parse would take each of them, as a guess: 1 is 2001, and a time without a zone is the server's local time.
    expect(await error('from=1')).toBe('from must be an ISO 8601 date (2025-03-01) or date and time with a time zone (2025-03-01T10:00:00Z), got string "1"');
    expect(await error('to=March%207')).toMatch(/^to must be an ISO 8601 date/);
    expect(await error('from=2025-03-01T10:00:00')).toMatch(/^from must be an ISO 8601 date/);
    expect(await error('to=2025-02-30')).toBe('to is not a day of the calendar: 2025-02-30 (February 2025 has 28 days)');
    // A day alone is that day from midnight UTC.
    const day = await (await fetch(`${collector.url}/api/journey?from=2025-03-01&to=2025-03-02`)).json();
    expect([day.from, day.to, day.totals.visitors]).toEqual(['2025-03-01T00:00:00.000Z', '2025-03-02T00:00:00.000Z', 4]);
  });

  test('without from and to, every stored event counts, whatever its clock said (1969, or the last day of 9999)', async () => {
    const signup = (id: string, visitor: string, timestamp: string) => event(id, { anonymousId: visitor, timestamp, context: { sessionId: `${visitor}-s` } });
    expect((await post(batch(signup('old', 'old', '1969-12-31T23:59:59Z'), signup('far', 'far', '9999-12-31T23:59:59.999Z'), signup('zero', 'zero', '0000-01-01T00:00:00Z')))).status).toBe(200);
    report = await (await fetch(`${collector.url}/api/journey`)).json();
    expect(report.totals).toMatchObject({ visitors: 4 + 3, firstAt: '0000-01-01T00:00:00.000Z', lastAt: '9999-12-31T23:59:59.999Z' });
  });

  test('an empty database gives every stage, empty', async () => {
    await collector.close();
    collector = await createCollector({ port: 0 });
    report = await collector.journey();
    expect(report.totals).toMatchObject({ visitors: 0, touchpoints: 0, orders: 0 });
    expect(report.map.map((s: { stage: string; items: unknown[] }) => [s.stage, s.items.length])).toEqual(
      ['awareness', 'consideration', 'decision', 'purchase', 'retention', 'advocacy'].map((s) => [s, 0]),
    );
    expect(report.funnel.every((s: { visitors: number }) => s.visitors === 0)).toBe(true);
    expect([report.checkout, report.moments, report.experience]).toEqual([[], [], []]);
  });

  test('a site with its own stages: defaults to stages it does not list do not apply', async () => {
    await collector.close();
    collector = await createCollector({ port: 0, database, stages: ['discover', 'consideration', 'decision', 'purchase'] });
    report = await collector.journey();
    expect(report.stages.slice(0, 4)).toEqual(['discover', 'consideration', 'decision', 'purchase']);
    // Ada's ad landing would be awareness, which this site does not have: she is where a newcomer is, discovering.
    expect(items('discover')).toMatchObject({ 'Page /': 2 });
    expect(report.funnel.map((s: { visitors: number }) => s.visitors)).toEqual([4, 4, 3, 2]);
  });

  test('/export/journey.json and /export/journey.csv give it as files; CSV fields cannot run as formulas', { timeout: 20_000 }, async () => {
    const json = await fetch(`${collector.url}/export/journey.json`);
    expect(json.headers.get('content-disposition')).toBe('attachment; filename="touchtrail-journey.json"');
    expect((await json.json()).funnel).toEqual(report.funnel);

    const csv = await fetch(`${collector.url}/export/journey.csv`);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toBe('attachment; filename="touchtrail-journey-map.csv"');
    const lines = (await csv.text()).split('\r\n');
    expect(lines[0]).toBe('stage,touchpoint,kind,touchpoints,visitors,moment_of_truth');
    expect(lines).toContain('decision,Shipping details sent,form_submit,3,3,true');
    expect(lines).toContain(`retention,"'=HYPERLINK(""https://evil.example"")",form_submit,1,1,false`);

    const funnel = (await (await fetch(`${collector.url}/export/journey.csv?part=checkout`)).text()).split('\r\n');
    expect(funnel.slice(0, 2)).toEqual(['step,step_name,sessions,abandoned,abandon_rate', '1,checkout,3,0,0']);
    for (const part of journeyCsv.parts) expect((await fetch(`${collector.url}/export/journey.csv?part=${part}`)).status).toBe(200);
    const wrong = await fetch(`${collector.url}/export/journey.csv?part=nope`);
    expect(wrong.status).toBe(400);
    expect((await wrong.json()).error).toMatch(/^part must be one of map, funnel/);
  });

  test('the SQL is readable from the DuckDB file: the view is kept in it', async () => {
    expect(await collector.query("SELECT count(*)::INTEGER AS n FROM journey_touchpoints WHERE stage = 'purchase'")).toEqual([{ n: 3 }]);
    expect(await collector.query('SELECT stage FROM journey_stages ORDER BY position')).toHaveLength(6);
  });
});

test("the shop's rules file is valid: no rule of it is left out", () => {
  const { errors } = parseRules(JSON.parse(readFileSync('examples/shop/touchtrail-rules.json', 'utf8')));
  expect(errors).toEqual([]);
});

test('/journey is the journey page: its scripts are modules in files, so that a strict CSP allows them', async () => {
  const page = await fetch(`${collector.url}/journey`);
  expect(page.status).toBe(200);
  expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
  const html = await page.text();
  expect(html).toContain('Customer journey');
  expect(html).not.toMatch(/<script>|<script(?![^>]*\bsrc=)[^>]*>|\sstyle=/);
  for (const src of [...html.matchAll(/(?:src|href)="(\/[^"]+\.(?:js|css))"/g)].map((m) => m[1])) {
    expect((await fetch(`${collector.url}${src}`)).status, src).toBe(200);
  }
  expect((await fetch(`${collector.url}/report/main.js`)).headers.get('content-type')).toMatch(/^text\/javascript/);
  // The pages themselves only under their own names.
  expect((await fetch(`${collector.url}/journey.html`)).status).toBe(404);
});

test('/api/live tells report pages when a batch was stored', async () => {
  const controller = new AbortController();
  const response = await fetch(`${collector.url}/api/live`, { signal: controller.signal });
  expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = '';
  await post(batch(event('m-1'), event('m-2')));
  while (!text.includes('event: stored')) text += (await reader.read()).value;
  expect(text).toContain('data: {"accepted":2}');
  controller.abort();
});

test('close() ends open event streams rather than waiting for them', async () => {
  const response = await fetch(`${collector.url}/api/live`);
  expect(response.status).toBe(200);
  const started = Date.now();
  await collector.close();
  expect(Date.now() - started).toBeLessThan(1500);
  collector = await createCollector({ port: 0, database });
});

test('with reportAuth, the report, its APIs and exports need the password; batches and sites do not', async () => {
  await collector.close();
  const shop = mkdtempSync(join(dir, 'site-'));
  writeFileSync(join(shop, 'index.html'), '<!doctype html><title>Shop</title>');
  collector = await createCollector({ port: 0, database, reportAuth: 'owner:s3cret', sites: { '/shop/': shop } });
  const basic = (credentials: string) => ({ Authorization: `Basic ${Buffer.from(credentials).toString('base64')}` });
  for (const path of ['/', '/journey', '/api/journey', '/api/events', '/export/events.ndjson', '/export/journey.csv']) {
    const refused = await fetch(`${collector.url}${path}`);
    expect(refused.status, path).toBe(401);
    expect(refused.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    expect((await fetch(`${collector.url}${path}`, { headers: basic('owner:wrong') })).status).toBe(401);
    expect((await fetch(`${collector.url}${path}`, { headers: basic('owner:s3cret') })).status, path).toBe(200);
  }
  expect((await post(batch(event('m-1')))).status).toBe(200);
  expect((await fetch(`${collector.url}/shop/`)).status).toBe(200);
});
