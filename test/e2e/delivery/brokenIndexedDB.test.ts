import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { launchBrowser } from '../helpers/launchBrowser';
import { sitePage, trackIn } from '../helpers/sitePage';
import { tally } from '../helpers/tally';
import { startTestCollector, type TestCollector } from '../helpers/testCollector';

// Scenario 6: IndexedDB blocked, throwing on open, hanging, losing its connection mid-session (as iOS does after
// backgrounding), or full. The tracker falls back to memory, reopens when it can, keeps delivering, and the
// page never sees an error of ours.
const BREAKAGES: Record<string, string> = {
  'throws on open': `indexedDB.open = () => { throw new DOMException('The user denied permission', 'SecurityError') };`,
  'open hangs forever': `indexedDB.open = () => ({})`,
  'undefined (blocked by the browser)': `Object.defineProperty(window, 'indexedDB', { value: undefined })`,
  'quota full': `IDBObjectStore.prototype.put = function () { throw new DOMException('Quota exceeded', 'QuotaExceededError') };`,
  // Every connection is closed 300 ms after it opens, as iOS does to a backgrounded page's.
  'connection closed mid-session': `const open = indexedDB.open.bind(indexedDB);
    indexedDB.open = (...args) => { const r = open(...args); r.addEventListener('success', () => setTimeout(() => r.result.close(), 300)); return r; };`,
};

let browser: Browser;
let site: TestCollector;

beforeAll(async () => {
  browser = await launchBrowser();
  const pages = Object.fromEntries(
    Object.entries(BREAKAGES).map(([name, script], i) => [`/${i}`, sitePage('/collect', { head: `<script>${script}</script>` })]),
  );
  site = await startTestCollector({ pages });
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

Object.keys(BREAKAGES).forEach((name, i) => {
  test(`IndexedDB ${name}`, async () => {
    const context = await browser.newContext();
    const tab = await context.newPage();
    const errors: string[] = [];
    tab.on('pageerror', (error) => errors.push(error.message));
    await tab.goto(`${site.origin}/${i}`);
    const tracked = await trackIn(tab, `idb${i}-a`, 10);
    await tab.waitForTimeout(800);
    tracked.push(...(await trackIn(tab, `idb${i}-b`, 10)));
    // And leaving right after tracking, which must not depend on storage either.
    tracked.push(...(await trackIn(tab, `idb${i}-c`, 3)));
    await tab.goto(`${site.origin}/${i}`);
    await site.waitFor(() => tally('(waiting)', tracked, site).lost === 0, `events with IndexedDB ${name}`, 15_000);
    await context.close();
    const result = tally(`IndexedDB ${name}`, tracked, site);
    expect(result.lost).toBe(0);
    expect(result.duplicatesAfterDedupe).toBe(0);
    expect(errors).toEqual([]);
  });
});
