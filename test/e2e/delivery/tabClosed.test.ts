import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { launchBrowser } from '../helpers/launchBrowser';
import { sitePage, trackIn } from '../helpers/sitePage';
import { tally } from '../helpers/tally';
import { startTestCollector, type Answer, type TestCollector } from '../helpers/testCollector';

// Scenario 2: the tab is closed right after tracking; the site is visited again later in the same profile.
// What was unsent is sent then, once.
let browser: Browser;
let site: TestCollector;
let answer: Answer = { status: 200 };

beforeAll(async () => {
  browser = await launchBrowser();
  // The site is its own collector here: one origin, one log of pages and batches.
  site = await startTestCollector({ answer: () => answer, pages: { '/': sitePage('/collect') } });
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

test('closed while the collector is down: sent on the next visit, once', async () => {
  const context = await browser.newContext();
  const tracked: string[] = [];
  for (let round = 0; round < 3; round++) {
    answer = { status: 503 };
    const tab = await context.newPage();
    await tab.goto(`${site.origin}/`);
    tracked.push(...(await trackIn(tab, `down-${round}`, 5)));
    await tab.waitForTimeout(300);
    await tab.close({ runBeforeUnload: false });
    await new Promise((r) => setTimeout(r, 500));
    // The beacon at close met a 503 too: only a later visit can deliver.
    expect(tally('(before the next visit)', tracked, site).lost).toBe(5);
    answer = { status: 200 };
    const again = await context.newPage();
    await again.goto(`${site.origin}/`);
    await site.waitFor(() => tally('(waiting)', tracked, site).lost === 0, 'the events of the closed tab', 5000);
    await again.close();
  }
  await context.close();
  const result = tally('tab closed while the collector was down, then a new visit', tracked, site);
  expect(result.lost).toBe(0);
  expect(result.duplicatesAfterDedupe).toBe(0);
});

test('closed at once after tracking, collector up: delivered, and not again on the next visit', async () => {
  answer = { status: 200 };
  const context = await browser.newContext();
  const tracked: string[] = [];
  const pageViews = () => site.events().filter((e) => e.type === 'page').length;
  for (let round = 0; round < 5; round++) {
    const tab = await context.newPage();
    const before = pageViews();
    await tab.goto(`${site.origin}/`);
    // The page view goes at once; once it has arrived, no request is in flight, and the events tracked next can only
    // leave by the beacon at close. (Events in a request still in flight when the tab closes are sent again by the
    // next visit, and the collector drops them: the README says so under "What is not promised".)
    await site.waitFor(() => pageViews() > before, 'the page view');
    tracked.push(...(await trackIn(tab, `closed-${round}`, 3)));
    await tab.close({ runBeforeUnload: false });
  }
  await site.waitFor(() => tally('(waiting)', tracked, site).lost === 0, 'the events of the closed tabs', 5000);
  // A later visit must not send them again.
  const again = await context.newPage();
  await again.goto(`${site.origin}/`);
  await again.waitForTimeout(1500);
  await context.close();
  const result = tally('tab closed right after tracking, then a new visit', tracked, site);
  expect(result.lost).toBe(0);
  expect(result.duplicatesAfterDedupe).toBe(0);
  expect(result.rawDuplicates).toBeLessThanOrEqual(1);
});
