import { afterEach, describe, expect, test, vi } from 'vitest';
import { httpSend } from '../../../src/transport/httpSend';

const URL_ = 'https://collector.example/v1/batch';

afterEach(() => {
  vi.unstubAllGlobals();
  delete (navigator as any).sendBeacon;
});

const stubFetch = (impl: (...args: any[]) => Promise<Response>) => {
  const fetch = vi.fn(impl);
  vi.stubGlobal('fetch', fetch);
  return fetch;
};
const stubBeacon = (accepted: boolean) => {
  const beacon = vi.fn(() => accepted);
  Object.defineProperty(navigator, 'sendBeacon', { configurable: true, value: beacon });
  return beacon;
};

describe('while the page lives', () => {
  test('POSTs the body with fetch and keepalive, and answers the status', async () => {
    const fetch = stubFetch(async () => new Response(null, { status: 200 }));
    const beacon = stubBeacon(true);
    expect(await httpSend(URL_, '{"batch":[]}', false)).toMatchObject({ status: 200 });
    expect(fetch).toHaveBeenCalledWith(URL_, { method: 'POST', body: '{"batch":[]}', keepalive: true });
    expect(beacon).not.toHaveBeenCalled();
  });

  test('sets no headers and sends a string, so the request is CORS-simple (text/plain, no preflight)', async () => {
    const fetch = stubFetch(async () => new Response(null, { status: 204 }));
    await httpSend(URL_, '{"batch":[]}', false);
    const init = fetch.mock.calls[0]![1] as RequestInit;
    expect(init.headers).toBeUndefined();
    expect(typeof init.body).toBe('string');
    expect(new Request(URL_, init).headers.get('content-type')).toBe('text/plain;charset=UTF-8');
  });

  test('answers the Retry-After header when the collector sends one', async () => {
    stubFetch(async () => new Response(null, { status: 503, headers: { 'Retry-After': '120' } }));
    expect(await httpSend(URL_, 'x', false)).toEqual({ status: 503, retryAfter: '120' });
    stubFetch(async () => new Response(null, { status: 429 }));
    expect((await httpSend(URL_, 'x', false)).retryAfter ?? null).toBeNull();
  });

  test('a network failure (offline, DNS, CORS, blocked) answers status 0 and never throws', async () => {
    stubFetch(async () => {
      throw new TypeError('Failed to fetch');
    });
    await expect(httpSend(URL_, 'x', false)).resolves.toEqual({ status: 0 });
  });

  test('keepalive only under the 64 KB budget, counted in UTF-8 bytes rather than characters', async () => {
    const fetch = stubFetch(async () => new Response(null, { status: 200 }));
    await httpSend(URL_, 'a'.repeat(64_000), false);
    await httpSend(URL_, 'é'.repeat(33_000), false); // 33 000 characters, 66 000 bytes
    await httpSend(URL_, 'a'.repeat(70_000), false);
    expect(fetch.mock.calls.map((c) => (c[1] as RequestInit).keepalive)).toEqual([true, false, false]);
  });
});

describe('while the page goes away', () => {
  test('uses sendBeacon with the body as a string (text/plain); accepted reads as 202', async () => {
    const fetch = stubFetch(async () => new Response(null, { status: 200 }));
    const beacon = stubBeacon(true);
    expect(await httpSend(URL_, '{"batch":[1]}', true)).toEqual({ status: 202 });
    expect(beacon).toHaveBeenCalledWith(URL_, '{"batch":[1]}');
    expect(fetch).not.toHaveBeenCalled();
  });

  test('a beacon the browser refuses (64 KB budget spent) answers status 0, so the events stay queued', async () => {
    stubFetch(async () => new Response(null, { status: 200 }));
    stubBeacon(false);
    expect(await httpSend(URL_, 'x', true)).toEqual({ status: 0 });
  });

  test('without sendBeacon it falls back to fetch with keepalive', async () => {
    const fetch = stubFetch(async () => new Response(null, { status: 200 }));
    expect(await httpSend(URL_, 'x', true)).toMatchObject({ status: 200 });
    expect((fetch.mock.calls[0]![1] as RequestInit).keepalive).toBe(true);
  });
});
