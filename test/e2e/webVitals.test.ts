import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { launchBrowser } from './helpers/launchBrowser';
import { startTestCollector, type TestCollector } from './helpers/testCollector';

// webVitals in real Chromium: real paints, a real layout shift and a real, slow click, measured by web-vitals and
// delivered as the page is left. The site and the collector are two origins.
let browser: Browser;
let site: TestCollector;
let collector: TestCollector;

const ENTRY = `
import { createTracker } from './src/createTracker';
import { pageViews } from './src/capture/pageViews';
import { webVitals } from './src/capture/webVitals';
const { collector } = (window as any).touchtrailTest;
(window as any).tracker = createTracker({ collector, flushInterval: 200, captures: [pageViews(), webVitals()] });
`;

const page = (bundle: string, title: string, body: string) => `<!doctype html><title>${title}</title>
<script>window.touchtrailTest = { collector: ${JSON.stringify(collector.collector)} };</script>
<script>${bundle}</script>
${body}`;

// The payment page: a heading that is its largest paint, a banner that pushes the form down once the page has
// painted (a layout shift), and a Pay button whose handler keeps the main thread busy for 600 ms (a poor INP).
const PAYMENT = `<style>body, h1 { margin: 0 }</style>
<main id="content">
  <h1 id="hero" style="font-size: 48px">Pay for your order</h1>
  <p>Three items, 42 EUR.</p>
  <button id="pay" style="font-size: 24px">Pay now</button>
</main>
<script>
  addEventListener('load', () => setTimeout(() => {
    const banner = document.createElement('div');
    banner.className = 'banner';
    banner.style.height = '300px';
    banner.textContent = 'Free shipping today';
    document.body.prepend(banner);
  }, 150));
  document.getElementById('pay').addEventListener('click', () => {
    const end = performance.now() + 600;
    while (performance.now() < end);
    document.getElementById('pay').textContent = 'Paid';
  });
</script>`;

beforeAll(async () => {
  const { outputFiles } = await build({
    stdin: { contents: ENTRY, resolveDir: process.cwd(), loader: 'ts' },
    bundle: true,
    format: 'iife',
    write: false,
  });
  // An inline script ends at the first "</script", wherever it is.
  const bundle = outputFiles[0]!.text.replace(/<\/script/gi, '<\\/script');
  collector = await startTestCollector();
  site = await startTestCollector({
    pages: {
      '/checkout/payment': page(bundle, 'Payment', PAYMENT),
      '/thanks': page(bundle, 'Thanks', '<p>Thank you.</p>'),
    },
  });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([site, collector].map((s) => s?.close()));
});

const experiences = () => collector.events().filter((e) => e.event === 'Page Experience');

test('leaving a slow payment page delivers its Page Experience: LCP, INP, CLS, FCP, TTFB, what explains them, and the flag', async () => {
  const context = await browser.newContext();
  const tab = await context.newPage();
  await tab.goto(`${site.origin}/checkout/payment`);
  await tab.waitForFunction(() => document.querySelector('.banner'));
  // Shifts within 500 ms of an input do not count towards CLS: the click comes well after the banner.
  await tab.waitForTimeout(700);
  await tab.click('#pay');
  await tab.waitForFunction(() => document.getElementById('pay')!.textContent === 'Paid');
  // Nothing is sent while the visitor is still on the page. Leaving within 1 s of the click is the hard case: web-vitals
  // handles the click's entries in an idle callback, which headless Chromium runs only after 1 s.
  await tab.waitForTimeout(200);
  expect(experiences()).toEqual([]);
  // Leaving the page hides it: web-vitals hands over its final values, and the beacon takes them.
  await tab.goto(`${site.origin}/thanks`);
  await collector.waitFor(() => experiences().length > 0, 'a Page Experience', 10_000);

  const [experience] = experiences();
  const p = experience.properties;
  expect(experience.type).toBe('track');
  expect(experience.context.page.path).toBe('/checkout/payment');
  expect(p).toMatchObject({
    touchpoint: 'Page Experience',
    touchpointKind: 'page_experience',
    url: `${site.origin}/checkout/payment`,
    path: '/checkout/payment',
    navigationType: 'navigate',
    viewId: expect.any(String),
    inpRating: 'poor',
    inpTarget: '#pay',
    inpPhase: 'processing-duration',
    lcpElement: '#hero',
    rating: 'poor',
    momentOfTruth: true,
    slowMomentOfTruth: true,
  });
  expect(p.inp).toBeGreaterThanOrEqual(500);
  expect(p.lcp).toBeGreaterThan(0);
  expect(p.fcp).toBeGreaterThan(0);
  expect(p.fcp).toBeLessThanOrEqual(p.lcp);
  expect(p.ttfb).toBeGreaterThanOrEqual(0);
  expect(p.ttfb).toBeLessThanOrEqual(p.fcp);
  expect(p.cls).toBeGreaterThan(0);
  expect(p.clsLargestShiftTarget).toBe('#content');
  for (const metric of ['lcp', 'inp', 'cls', 'fcp', 'ttfb']) expect(['good', 'needs-improvement', 'poor']).toContain(p[`${metric}Rating`]);

  // One Page Experience for the page view, and the next page's comes only when that page is left.
  await tab.waitForTimeout(500);
  expect(experiences()).toHaveLength(1);
  await tab.close({ runBeforeUnload: false });
  await collector.waitFor(() => experiences().length === 2, 'the Page Experience of /thanks, as the tab closes', 10_000);
  await context.close();
  expect(experiences()[1].properties).toMatchObject({ path: '/thanks', rating: expect.any(String) });
  expect(experiences()[1].properties).not.toHaveProperty('slowMomentOfTruth');
});
