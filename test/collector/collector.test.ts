import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeEach, describe, expect, test } from 'vitest';
// @ts-expect-error: the reference collector is plain JavaScript, without type declarations.
import { createCollector } from '../../examples/collector/createCollector.js';

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

test('stores timestamps in UTC, whatever offset the client wrote', async () => {
  await post(batch(event('m-1', { timestamp: '2025-03-01T14:00:00+02:00' })));
  expect(await collector.query('SELECT timestamp::VARCHAR AS t FROM events')).toEqual([{ t: '2025-03-01 12:00:00' }]);
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

test('with staticDir, serves the site at /site/ and the SDK at /touchtrail.min.js, and nothing outside the site', async () => {
  await collector.close();
  collector = await createCollector({ port: 0, database, staticDir: fileURLToPath(new URL('../../examples/site', import.meta.url)) });
  const landing = await fetch(`${collector.url}/site/`);
  expect(landing.status).toBe(200);
  expect(await landing.text()).toContain('data-collector="/v1/batch"');
  expect((await fetch(`${collector.url}/site/pricing.html`)).status).toBe(200);
  expect((await fetch(`${collector.url}/site/..%2f..%2fpackage.json`)).status).toBe(404);
  // The SDK is there once built; the collector's tests do not build it.
  expect([200, 404]).toContain((await fetch(`${collector.url}/touchtrail.min.js`)).status);
});
