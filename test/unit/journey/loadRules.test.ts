import { createStore, get, set } from 'idb-keyval';
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { journeyStages } from '../../../src/journey/journeyStages';
import { loadRules } from '../../../src/journey/loadRules';
import type { Touchpoint } from '../../../src/types';
import { touchpoint } from '../../helpers/touchpoints';

let warn: ReturnType<typeof vi.spyOn>;
let fetch: ReturnType<typeof vi.fn>;
let n = 0;
let url: string;

const RULES = { touchpoints: [{ url: '/webinars/*', stage: 'awareness', name: 'Webinar' }] };
const answer = (body: unknown, status = 200) =>
  new Response(typeof body == 'string' ? body : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const cache = () => createStore('touchtrail-rules', 'rules');

beforeEach(() => {
  // Each test its own file, so that what one cached is not another's.
  url = `https://shop.example/rules-${++n}.json`;
  warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  fetch = vi.fn(async () => answer(RULES));
  vi.stubGlobal('fetch', fetch);
});

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

test('inline rules are checked, their problems reported, and the valid part resolved', async () => {
  const rules = await loadRules({ touchpoints: [{ url: '/a', stage: 'decision' }, { url: '/b', stage: 'purchse' }] });
  expect(rules).toEqual({ touchpoints: [{ url: '/a', stage: 'decision' }] });
  expect(warn).toHaveBeenCalledWith('touchtrail: rules', expect.stringMatching(/^inline: rules\.touchpoints\[1\]\.stage: expected one of .*found "purchse"$/));
  expect(fetch).not.toHaveBeenCalled();
});

test('a URL is fetched once and cached in IndexedDB; the next load takes the cache and does not ask again', async () => {
  expect(await loadRules(url)).toEqual(RULES);
  expect(fetch).toHaveBeenCalledTimes(1);
  expect(fetch).toHaveBeenCalledWith(url, { cache: 'no-cache' });
  await vi.waitFor(async () => expect(await get(url, cache())).toMatchObject({ body: JSON.stringify(RULES) }));
  expect(await loadRules(url)).toEqual(RULES);
  expect(fetch).toHaveBeenCalledTimes(1);
  expect(warn).not.toHaveBeenCalled();
});

test('a relative URL is read against the page', async () => {
  await loadRules('/touchtrail-rules.json');
  expect(fetch).toHaveBeenCalledWith('http://localhost:3000/touchtrail-rules.json', { cache: 'no-cache' });
});

test('a cache older than maxAge is used at once and refreshed in the background, for the next load', async () => {
  const old = { touchpoints: [{ url: '/old', stage: 'decision' }] };
  await set(url, { at: Date.now() - 60_000, body: JSON.stringify(old) }, cache());
  expect(await loadRules(url, { maxAge: 30_000 })).toEqual(old);
  expect(fetch).not.toHaveBeenCalled();
  await vi.waitFor(() => expect(fetch).toHaveBeenCalledTimes(1), { timeout: 3000 });
  await vi.waitFor(async () => expect(await loadRules(url, { maxAge: 30_000 })).toEqual(RULES));
});

test.each<[string, () => Promise<Response>, RegExp]>([
  ['a 404', async () => answer('Not found', 404), /answered 404/],
  ['the network failing', async () => Promise.reject(new TypeError('Failed to fetch')), /Failed to fetch/],
])('with no cache, %s resolves to no rules and is reported', async (_, respond, message) => {
  fetch.mockImplementation(respond);
  expect(await loadRules(url)).toEqual({});
  expect(warn).toHaveBeenCalledWith('touchtrail: rules', 'not loaded:', expect.anything());
  expect(String(warn.mock.calls[0]![2])).toMatch(message);
});

test('a file that is not JSON is reported with where it came from', async () => {
  fetch.mockImplementation(async () => answer('{ "touchpoints": [ }'));
  expect(await loadRules(url)).toEqual({});
  expect(warn).toHaveBeenCalledWith('touchtrail: rules', expect.stringMatching(new RegExp(`^${url.replace(/[.]/g, '\\.')}: rules: expected a JSON document, found a syntax error`)));
});

test("the file's problems are reported each load, with its URL, and its valid part used", async () => {
  fetch.mockImplementation(async () => answer({ touchpoints: [{ url: '/ok', stage: 'decision' }, { selectr: '.x', stage: 'decision' }] }));
  expect(await loadRules(url)).toEqual({ touchpoints: [{ url: '/ok', stage: 'decision' }] });
  await loadRules(url);
  const problems = warn.mock.calls.map((call: unknown[]) => call[1]);
  const lines = [
    `${url}: rules.touchpoints[1]: expected only "selector", "url", "event", "kind", "utmMedium", "name", "stage", "momentOfTruth", "description", found "selectr"`,
    `${url}: rules.touchpoints[1]: expected at least one of "selector", "url", "event", "kind", "utmMedium", found none`,
  ];
  expect(problems).toEqual([...lines, ...lines]);
});

test('without IndexedDB the file is still fetched', async () => {
  vi.stubGlobal('indexedDB', undefined);
  expect(await loadRules(url)).toEqual(RULES);
  expect(warn).not.toHaveBeenCalled();
});

test('journeyStages({ rules: loadRules(url) }) applies the rules once they are loaded', async () => {
  const processor = journeyStages({ rules: loadRules(url) });
  const page = (): Touchpoint =>
    touchpoint({
      type: 'page',
      event: undefined,
      properties: { touchpoint: 'Page View', touchpointKind: 'page_view' },
      context: {
        page: { url: 'https://shop.example/webinars/spring', path: '/webinars/spring', search: '', title: '', referrer: '' },
        library: { name: 'touchtrail', version: '0' },
        sessionId: 's',
      },
    });
  const before = page();
  processor(before);
  expect(before.properties.stageFrom).toBe('journey');
  await vi.waitFor(() => {
    const after = page();
    processor(after);
    expect(after.properties).toMatchObject({ touchpoint: 'Webinar', stage: 'awareness', stageFrom: 'rule' });
  });
});

test('a URL that cannot be read resolves to no rules, and is reported', async () => {
  expect(await loadRules('http://')).toEqual({});
  expect(warn).toHaveBeenCalledWith('touchtrail: rules', 'not loaded:', expect.anything());
});
