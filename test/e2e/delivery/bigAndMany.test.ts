import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { launchBrowser } from '../helpers/launchBrowser';
import { sitePage, trackIn } from '../helpers/sitePage';
import { tally } from '../helpers/tally';
import { startTestCollector, type TestCollector } from '../helpers/testCollector';

// Scenario 7: 5,000 events in one burst, and events near the 64 KB beacon limit. Requests stay under the
// keepalive budget, none is rejected, and a tab's events arrive in the order it tracked them.
let browser: Browser;
let site: TestCollector;
let elsewhere: TestCollector;

beforeAll(async () => {
  browser = await launchBrowser();
  elsewhere = await startTestCollector({ pages: { '/': '<!doctype html><title>Elsewhere</title>' } });
  site = await startTestCollector({ pages: { '/': sitePage('/collect') } });
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([site, elsewhere].map((s) => s?.close()));
});

const inOrder = (events: any[], prefix: string) => {
  const ns = events.filter((e) => String(e.properties?.id).startsWith(prefix)).map((e) => e.properties.n);
  return ns.every((n, i) => i === 0 || n > ns[i - 1]);
};

test('5,000 events in one burst', async () => {
  const context = await browser.newContext();
  const tab = await context.newPage();
  await tab.goto(`${site.origin}/`);
  const tracked = await trackIn(tab, 'burst', 5000);
  await site.waitFor(() => tally('(waiting)', tracked, site).lost === 0, 'all 5,000 events', 30_000);
  await context.close();
  const result = tally('5,000 events in one burst', tracked, site);
  expect(result.lost).toBe(0);
  expect(result.duplicatesAfterDedupe).toBe(0);
  expect(Math.max(...site.received.map((r) => Buffer.byteLength(r.body)))).toBeLessThanOrEqual(60_000);
  expect(site.received.every((r) => r.status === 200)).toBe(true);
  expect(inOrder(site.events(), 'burst-')).toBe(true);
});

test('events near the 64 KB limit, then leaving at once', async () => {
  const context = await browser.newContext();
  const tab = await context.newPage();
  await tab.goto(`${site.origin}/`);
  const before = site.received.length;
  // Three events of ~25 KB each: together over the 64 KB a page may have in flight as it unloads.
  const tracked = await trackIn(tab, 'large', 3, { blob: 'x'.repeat(25_000) });
  await tab.evaluate((to) => (location.href = to), `${elsewhere.origin}/`);
  await tab.waitForURL(`${elsewhere.origin}/`);
  // What did not fit in the budget at unload goes by fetchLater, or on the next visit.
  const next = await context.newPage();
  await next.goto(`${site.origin}/`);
  await site.waitFor(() => tally('(waiting)', tracked, site).lost === 0, 'the large events', 10_000);
  await context.close();
  const result = tally('events near the 64 KB beacon limit, then leaving', tracked, site);
  expect(result.lost).toBe(0);
  expect(result.duplicatesAfterDedupe).toBe(0);
  const sizes = site.received.slice(before).map((r) => Buffer.byteLength(r.body));
  expect(Math.max(...sizes)).toBeLessThanOrEqual(60_000);
  expect(inOrder(site.events(), 'large-')).toBe(true);
});
