import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startDelayProxy } from '../helpers/delayProxy';
import { launchBrowser } from '../helpers/launchBrowser';
import { sitePage } from '../helpers/sitePage';
import { tally } from '../helpers/tally';
import { startTestCollector, type TestCollector } from '../helpers/testCollector';

// Scenario 1: track() and then leave for another origin after 0, 10 and 100 ms, with the collector next door
// and 100 ms away (a proxy delays each direction by 50 ms). Every event must arrive within 3 s, without a
// second visit.
const DELAYS = [0, 10, 100];
const REPEATS = 4;

let browser: Browser;
let collector: TestCollector;
let elsewhere: TestCollector;
let proxy: Awaited<ReturnType<typeof startDelayProxy>>;
let site: TestCollector;

beforeAll(async () => {
  browser = await launchBrowser();
  collector = await startTestCollector();
  proxy = await startDelayProxy(Number(new URL(collector.origin).port));
  elsewhere = await startTestCollector({ pages: { '/': '<!doctype html><title>Elsewhere</title>' } });
  site = await startTestCollector({
    pages: {
      '/near': sitePage(collector.collector, { flushInterval: 2000 }),
      '/far': sitePage(`http://127.0.0.1:${proxy.port}/collect`, { flushInterval: 2000 }),
    },
  });
});

afterAll(async () => {
  await browser?.close();
  await proxy?.close();
  await Promise.all([collector, elsewhere, site].map((s) => s?.close()));
});

for (const where of ['near', 'far']) {
  test(`navigation right after track(), collector ${where}`, async () => {
    const tracked: string[] = [];
    const context = await browser.newContext();
    for (const delay of DELAYS) {
      for (let i = 0; i < REPEATS; i++) {
        const tab = await context.newPage();
        await tab.goto(`${site.origin}/${where}`);
        const id = `${where}-${delay}-${i}`;
        tracked.push(id);
        await tab.evaluate(
          ([id, delay, to]) => {
            (window as any).touchtrail.track('Test Event', { id });
            setTimeout(() => (location.href = to as string), delay as number);
          },
          [id, delay, `${elsewhere.origin}/`] as const,
        );
        await tab.waitForURL(`${elsewhere.origin}/`);
        await collector.waitFor(
          () => collector.events().some((e) => e.properties?.id === id),
          `${id} within 3 s of leaving`,
          3000,
        );
        await tab.close();
      }
    }
    await context.close();
    const result = tally(`navigation right after tracking (collector ${where})`, tracked, collector);
    expect(result.lost).toBe(0);
    expect(result.duplicatesAfterDedupe).toBe(0);
  });
}
