import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { launchBrowser } from '../helpers/launchBrowser';
import { sitePage, trackIn } from '../helpers/sitePage';
import { tally } from '../helpers/tally';
import { startTestCollector, type TestCollector } from '../helpers/testCollector';

// Scenario 4: the collector answers 503 for a minute, then 429 with Retry-After, then 200. Everything arrives,
// the SDK backs off instead of hammering, and nothing accepted is sent again.
const OUTAGE_MS = 60_000;
const RETRY_AFTER_S = 3;

let browser: Browser;
let site: TestCollector;
let phase: 'down' | 'throttled' | 'up' = 'down';
let throttledAt = 0;

beforeAll(async () => {
  browser = await launchBrowser();
  site = await startTestCollector({
    pages: { '/': sitePage('/collect') },
    answer: () =>
      phase === 'down'
        ? { status: 503 }
        : phase === 'throttled'
          ? { status: 429, headers: { 'Retry-After': String(RETRY_AFTER_S) } }
          : { status: 200 },
  });
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

test('503 for a minute, then 429 with Retry-After, then 200', { timeout: 180_000 }, async () => {
  const context = await browser.newContext();
  const tab = await context.newPage();
  await tab.goto(`${site.origin}/`);
  const tracked: string[] = [];
  const start = Date.now();
  // Events keep coming during the outage, as they would on a real site.
  while (Date.now() - start < OUTAGE_MS) {
    tracked.push(...(await trackIn(tab, `outage-${tracked.length}`, 5)));
    await tab.waitForTimeout(5000);
  }
  const duringOutage = site.received.length;
  phase = 'throttled';
  throttledAt = Date.now();
  await site.waitFor(() => site.received.length > duringOutage, 'a request during the 429 phase', 330_000);
  const first429 = site.received.length;
  await tab.waitForTimeout(RETRY_AFTER_S * 1000 - 500);
  // Retry-After is honoured: no request before it has passed.
  expect(site.received.length).toBe(first429);
  phase = 'up';
  await site.waitFor(() => tally('(waiting)', tracked, site).lost === 0, 'every event after the outage', 20_000);
  const acceptedAt = site.received.length;
  await tab.waitForTimeout(3000);
  await context.close();

  const result = tally('collector outage (503 for 60 s, then 429 + Retry-After, then 200)', tracked, site);
  console.log(`  requests during the 60 s outage: ${duringOutage}; after 2xx: ${site.received.length - acceptedAt}`);
  expect(result.lost).toBe(0);
  expect(result.duplicatesAfterDedupe).toBe(0);
  // Backoff: 1 s doubling (with jitter) gives well under 15 requests in a minute, not one per flush or per event.
  expect(duringOutage).toBeLessThan(15);
  // Nothing accepted is sent again.
  expect(result.rawDuplicates).toBe(0);
  expect(throttledAt).toBeGreaterThan(0);
});
