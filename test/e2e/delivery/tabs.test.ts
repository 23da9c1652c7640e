import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { launchBrowser } from '../helpers/launchBrowser';
import { sitePage, trackIn } from '../helpers/sitePage';
import { tally } from '../helpers/tally';
import { startTestCollector, type TestCollector } from '../helpers/testCollector';

// Scenario 5: three tabs of one origin track at once; some close mid-way, one is reopened. Everything arrives,
// and the stored events of closed tabs are sent by one tab at a time (Web Locks), so not twice.
let browser: Browser;
let site: TestCollector;
let up = true;

beforeAll(async () => {
  browser = await launchBrowser();
  site = await startTestCollector({ pages: { '/': sitePage('/collect') }, answer: () => ({ status: up ? 200 : 503 }) });
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

test('three tabs tracking at once, two closed mid-way while the collector is down, one reopened', async () => {
  const context = await browser.newContext();
  const tabs = await Promise.all([0, 1, 2].map(() => context.newPage()));
  await Promise.all(tabs.map((t) => t.goto(`${site.origin}/`)));
  const tracked: string[] = [];
  for (let round = 0; round < 5; round++) {
    const ids = await Promise.all(tabs.map((t, i) => trackIn(t, `tab${i}-r${round}`, 4)));
    tracked.push(...ids.flat());
    await tabs[0]!.waitForTimeout(100);
  }
  // The collector goes down; two tabs keep tracking and then close with events unsent.
  up = false;
  for (const i of [1, 2]) tracked.push(...(await trackIn(tabs[i]!, `tab${i}-late`, 10)));
  await tabs[1]!.waitForTimeout(300);
  await tabs[1]!.close();
  await tabs[2]!.close();
  // Their beacons land while the collector is still down (else a beacon accepted by a collector that came back
  // meanwhile, plus the stored copy sent later, is a raw duplicate: by design, but not this scenario's subject).
  await new Promise((r) => setTimeout(r, 500));
  up = true;
  // Tab 0 lives on; a reopened tab joins it. Both may want the closed tabs' backlog: one gets it.
  const reopened = await context.newPage();
  await reopened.goto(`${site.origin}/`);
  tracked.push(...(await trackIn(reopened, 'reopened', 5)), ...(await trackIn(tabs[0]!, 'tab0-late', 5)));
  await site.waitFor(() => tally('(waiting)', tracked, site).lost === 0, 'every tab’s events', 90_000);
  await reopened.waitForTimeout(1000);
  await context.close();
  const result = tally('three tabs, two closed mid-way, one reopened', tracked, site);
  expect(result.lost).toBe(0);
  expect(result.duplicatesAfterDedupe).toBe(0);
  expect(result.rawDuplicates).toBeLessThanOrEqual(tracked.length * 0.05);
});
