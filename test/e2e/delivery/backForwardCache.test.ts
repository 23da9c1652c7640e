import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { launchBrowser } from '../helpers/launchBrowser';
import { sitePage, trackIn } from '../helpers/sitePage';
import { tally } from '../helpers/tally';
import { startTestCollector, type TestCollector } from '../helpers/testCollector';

// Scenario 8: a page using touchtrail stays eligible for the back/forward cache, and a restored page counts its
// page view. This headless Chromium never restores pages itself (it reports "BackForwardCacheDisabledForDelegate",
// a circumstance of the browser, not of the page), so eligibility is read from the reasons Chromium gives over
// CDP for not restoring: none may be the page's doing. A page with an unload listener shows the check can fail.
let browser: Browser;
let site: TestCollector;

beforeAll(async () => {
  browser = await launchBrowser({ backForwardCache: true });
  site = await startTestCollector({
    pages: {
      '/': sitePage('/collect'),
      '/unload': sitePage('/collect', { head: `<script>addEventListener('unload', () => {})</script>` }),
      '/other': '<!doctype html><title>Other</title>',
    },
  });
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

// Why Chromium did not keep `path` in the back/forward cache, leaving for another page and coming back.
const blockers = async (tab: Page, path: string) => {
  const cdp = await tab.context().newCDPSession(tab);
  await cdp.send('Page.enable');
  const reasons: { type: string; reason: string }[] = [];
  cdp.on('Page.backForwardCacheNotUsed', (event: any) => reasons.push(...event.notRestoredExplanations));
  await tab.goto(`${site.origin}${path}`);
  // Tracked and waiting to be sent as the page is left: the moment the cache is most at risk.
  await trackIn(tab, `bfcache${path.replace('/', '-')}`, 3);
  await tab.goto(`${site.origin}/other`);
  await tab.goBack();
  await tab.waitForURL(`${site.origin}${path}`);
  await tab.waitForTimeout(200);
  return reasons.filter((r) => r.type !== 'Circumstantial').map((r) => r.reason);
};

test('a page with touchtrail gives Chromium no reason to keep it out of the back/forward cache', async () => {
  const context = await browser.newContext();
  expect(await blockers(await context.newPage(), '/unload')).toContain('UnloadHandlerExistsInMainFrame');
  expect(await blockers(await context.newPage(), '/')).toEqual([]);
  await context.close();
});

test('a page restored from the back/forward cache counts its page view, and keeps delivering', async () => {
  const context = await browser.newContext();
  const tab = await context.newPage();
  await tab.goto(`${site.origin}/`);
  // This context's visitor only: the other test's pages may still be sending theirs.
  const visitor = await tab.evaluate(() => localStorage.getItem('touchtrail.aid'));
  const views = () => site.events().filter((e) => e.type === 'page' && e.anonymousId === visitor).length;
  await site.waitFor(() => views() >= 1, 'the first page view');
  const before = views();
  const tracked: string[] = [];
  for (let round = 0; round < 3; round++) {
    tracked.push(...(await trackIn(tab, `restore-${round}`, 2)));
    // What the browser does around a stay in the cache: hidden, pagehide (persisted), pageshow (persisted).
    await tab.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
      dispatchEvent(new PageTransitionEvent('pagehide', { persisted: true }));
      Object.defineProperty(document, 'visibilityState', { value: 'visible', configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
      dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true }));
    });
  }
  tracked.push(...(await trackIn(tab, 'restore-after', 2)));
  await site.waitFor(() => views() === before + 3, 'one page view for each of 3 restores');
  await site.waitFor(() => tally('(waiting)', tracked, site).lost === 0, 'events across restores');
  await context.close();
  const result = tally('back/forward cache restores', tracked, site);
  expect(result.lost).toBe(0);
  expect(result.duplicatesAfterDedupe).toBe(0);
});
