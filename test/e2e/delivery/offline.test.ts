import type { Browser } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { launchBrowser } from '../helpers/launchBrowser';
import { sitePage, trackIn } from '../helpers/sitePage';
import { tally } from '../helpers/tally';
import { startTestCollector, type TestCollector } from '../helpers/testCollector';

// Scenario 3: the browser goes offline; events are tracked across two page loads; the network returns. All
// arrive, in one or a few batches, with no duplicates.
let browser: Browser;
let site: TestCollector;

beforeAll(async () => {
  browser = await launchBrowser();
  site = await startTestCollector({ pages: { '/': sitePage('/collect'), '/two': sitePage('/collect', { title: 'Two' }) } });
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

test('offline across two page loads, then online', async () => {
  const context = await browser.newContext();
  // While offline, pages still load, as from a service worker's cache; only the collector is out of reach.
  await context.route(/\/(two)?$|touchtrail\.min\.js$/, (route) => {
    const path = new URL(route.request().url()).pathname;
    route.fulfill(
      path.endsWith('.js')
        ? { contentType: 'text/javascript', body: readFileSync('dist/touchtrail.min.js', 'utf8') }
        : { contentType: 'text/html', body: sitePage('/collect', { title: path }) },
    );
  });
  const tab = await context.newPage();
  await tab.goto(`${site.origin}/`);
  await site.waitFor(() => site.received.length > 0, 'the first page view, online');
  await context.setOffline(true);
  const tracked = await trackIn(tab, 'offline-one', 10);
  await tab.waitForTimeout(500);
  await tab.goto(`${site.origin}/two`);
  tracked.push(...(await trackIn(tab, 'offline-two', 10)));
  await tab.waitForTimeout(1500);
  const whileOffline = site.received.length;
  // Chromium's offline emulation does not stop the beacon sent as page one unloads, so some events may arrive
  // now; with navigator.onLine false touchtrail keeps them stored anyway, to be sent again if need be.
  console.log(`  delivered while emulated offline (beacon at unload): ${tally('(offline)', tracked, site).delivered}`);
  await context.setOffline(false);
  await site.waitFor(() => tally('(waiting)', tracked, site).lost === 0, 'the offline events once online', 70_000);
  await tab.waitForTimeout(1000);
  await context.close();
  const result = tally('offline across two page loads, then online', tracked, site);
  const batches = site.received.length - whileOffline;
  console.log(`  requests once back online: ${batches}`);
  expect(result.lost).toBe(0);
  expect(result.duplicatesAfterDedupe).toBe(0);
  expect(batches).toBeLessThanOrEqual(4);
});
