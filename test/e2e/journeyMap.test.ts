import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
// @ts-expect-error: the reference collector is plain JavaScript, without type declarations.
import { createCollector } from '../../examples/collector/createCollector.js';
// @ts-expect-error: the walkthrough is plain JavaScript too.
import { waitForQuiet } from '../../examples/walk/waitForQuiet.js';
// @ts-expect-error: plain JavaScript.
import { walkShop } from '../../examples/walk/walkShop.js';
// @ts-expect-error: plain JavaScript.
import { buildSpa } from '../../examples/spa/buildSpa.js';
import { launchBrowser } from './helpers/launchBrowser';

// The demo end to end, in real Chromium: the walkthrough's three customers go through the shop (script tag,
// data layer, fake Intercom), the reference collector stores what touchtrail sends, and the journey report,
// as JSON and as the page people look at, must tell their story:
//   ada  (Google ad)        buys, then shares her order      furthest stage: advocacy
//   ben  (newsletter)       abandons the checkout at payment  furthest stage: decision
//   cleo (DuckDuckGo)       buys, then opens the chat         furthest stage: retention

type Report = {
  totals: Record<string, number>;
  stages: string[];
  map: { stage: string; visitors: number; items: { touchpoint: string; visitors: number; momentOfTruth: boolean }[] }[];
  funnel: { stage: string; visitors: number; dropOff: number | null }[];
  checkout: { step: number; stepName: string; sessions: number; abandoned: number }[];
  channels: { stage: string; channels: { channel: string; visitors: number }[] }[];
  moments: { touchpoint: string; visitors: number; bought: number; wentFurther: number; wentNoFurther: number }[];
  experience: unknown[];
};

const dir = mkdtempSync(join(tmpdir(), 'touchtrail-journey-'));
let collector: any;
let browser: Browser;
let report: Report;

const journey = async (): Promise<Report> => (await fetch(`${collector.url}/api/journey`)).json();

beforeAll(async () => {
  // The shop loads the script-tag build; npm test builds it before the browser tests run.
  if (!existsSync('dist/touchtrail.min.js')) throw new Error('dist/touchtrail.min.js is missing: run `npm run build` first.');
  collector = await createCollector({
    port: 0,
    database: join(dir, 'events.duckdb'),
    sites: { '/shop/': 'examples/shop', '/spa/': { dir: 'examples/spa', fallback: 'index.html', files: await buildSpa() } },
  });
  browser = await launchBrowser();
  await walkShop(browser, collector.siteUrls['/shop/']);
  // Ben's abandonment is beaconed as his tab closes: wait until it is in, then until nothing more arrives.
  const end = Date.now() + 15_000;
  while (!(await journey()).checkout.some((step) => step.abandoned) && Date.now() < end) await new Promise((r) => setTimeout(r, 200));
  await waitForQuiet(collector.url, { quiet: 1000 });
  report = await journey();
});

afterAll(async () => {
  await browser?.close();
  await collector?.close();
  rmSync(dir, { recursive: true, force: true });
});

const stage = (name: string) => report.map.find((s) => s.stage === name)!;
const touchpoints = (name: string) => stage(name).items.map((item) => item.touchpoint);

test('three visitors, two orders, and the revenue the data layer reported', () => {
  // Ada: trail runners (120) with express shipping (12); Cleo: a rain shell (150) with free shipping.
  expect(report.totals).toMatchObject({ visitors: 3, sessions: 3, orders: 2, revenue: 282 });
});

test('the funnel: everyone reached decision, two bought, one dropped off at the checkout', () => {
  expect(report.funnel.map((s) => [s.stage, s.visitors])).toEqual([
    ['awareness', 3],
    ['consideration', 3],
    ['decision', 3],
    ['purchase', 2],
    ['retention', 2],
    ['advocacy', 1],
  ]);
  expect(report.funnel.find((s) => s.stage === 'decision')!.dropOff).toBe(1);
});

test('checkout drop-off: three sessions reached payment, one abandoned it there', () => {
  const steps = Object.fromEntries(report.checkout.map((s) => [s.step, s]));
  expect([1, 2, 3].map((n) => steps[n]?.sessions)).toEqual([3, 3, 3]);
  expect(steps[3]).toMatchObject({ stepName: 'payment', abandoned: 1 });
  expect(steps[4]).toMatchObject({ stepName: 'confirmation', sessions: 2, abandoned: 0 });
  expect(report.checkout.filter((s) => s.step !== 3).every((s) => s.abandoned === 0)).toBe(true);
});

test('the journey map: each stage with the touchpoints the walk made', () => {
  expect(report.map.slice(0, 6).map((s) => [s.stage, s.visitors])).toEqual([
    ['awareness', 2], // cleo landed on a product page from a search: consideration at once
    ['consideration', 3],
    ['decision', 3],
    ['purchase', 2],
    ['retention', 1],
    ['advocacy', 1],
  ]);
  expect(touchpoints('decision')).toEqual(expect.arrayContaining(['Shipping details sent', 'Checkout Abandoned: payment']));
  expect(touchpoints('purchase')).toContain('Order Completed: confirmation');
  expect(touchpoints('retention').some((t) => /chat/i.test(t))).toBe(true);
  expect(stage('advocacy').items.map((item) => item.visitors)).toEqual([1]);
});

test('channel mix: the ad, the newsletter and the search each brought one visitor', () => {
  const at = (name: string) => Object.fromEntries(report.channels.find((s) => s.stage === name)!.channels.map((c) => [c.channel, c.visitors]));
  expect(at('decision')).toEqual({ paid_search: 1, email: 1, organic_search: 1 });
  expect(at('retention')).toEqual({ organic_search: 1 });
  expect(at('advocacy')).toEqual({ paid_search: 1 });
});

test('moments of truth: of the three who gave their shipping details, two bought', () => {
  const moment = (name: string) => report.moments.find((m) => m.touchpoint === name);
  expect(moment('Shipping details sent')).toMatchObject({ visitors: 3, bought: 2, wentNoFurther: 1 });
  expect(moment('Order placed')).toMatchObject({ visitors: 2, bought: 2 });
});

test('the journey page shows the same figures, under a strict CSP, and updates when events arrive', async () => {
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
  page.on('pageerror', (error) => problems.push(error.message));
  await page.addInitScript(() =>
    document.addEventListener('securitypolicyviolation', (event) => console.error(`CSP: ${event.violatedDirective} ${event.blockedURI}`)),
  );
  await page.goto(`${collector.url}/journey`);
  await page.waitForFunction(() => document.body.dataset.updated);

  expect(await page.textContent('[data-total="visitors"]')).toBe('3');
  expect(await page.textContent('[data-total="orders"]')).toBe('2');
  // The funnel: a bar per stage, as tall as its visitors, and the drop-off written between decision and purchase.
  const funnel = await page.$$eval('#funnel g[data-stage]', (groups) =>
    groups.map((g) => [g.getAttribute('data-stage'), Number(g.getAttribute('data-visitors')), Number(g.querySelector('rect')!.getAttribute('height'))]),
  );
  expect(funnel.map(([name, visitors]) => [name, visitors])).toEqual(report.funnel.map((s) => [s.stage, s.visitors]));
  const height = Object.fromEntries(funnel.map(([name, , h]) => [name, h]));
  expect(height.purchase).toBeCloseTo((height.decision as number) * (2 / 3), 0);
  expect(await page.textContent('#funnel g[data-stage="decision"] .drop')).toContain('−1');
  // Checkout: the payment step, with its abandonment.
  expect(await page.getAttribute('#checkout [data-step="3"]', 'data-abandoned')).toBe('1');
  expect(await page.textContent('#checkout')).toContain('1 abandoned (33%)');
  // The map: six stages left to right, each with its visitors.
  expect(await page.$$eval('#map .stage', (columns) => columns.map((c) => [c.getAttribute('data-stage'), c.getAttribute('data-visitors')]))).toEqual(
    report.map.map((s) => [s.stage, String(s.visitors)]),
  );
  const [first, second] = await page.$$eval('#map .stage', (columns) => columns.slice(0, 2).map((c) => c.getBoundingClientRect().left));
  expect(second).toBeGreaterThan(first);
  expect(await page.textContent('#moments')).toContain('Shipping details sent');
  // No page experience events were sent by this build: the section says so rather than drawing nothing.
  if (!report.experience.length) expect(await page.textContent('#experience')).toMatch(/No page experience measured yet/);

  // Live: a fourth visitor's page view arrives, and the page shows it without a reload.
  const visitor = {
    type: 'page',
    messageId: 'e2e-visitor-4',
    anonymousId: 'e2e-visitor-4',
    timestamp: new Date().toISOString(),
    properties: { touchpoint: 'Page View', touchpointKind: 'page_view' },
    context: { page: { path: '/shop/', url: `${collector.url}/shop/`, referrer: '', search: '' }, sessionId: 'e2e-session-4' },
  };
  const stored = await fetch(`${collector.url}/v1/batch`, { method: 'POST', body: JSON.stringify({ batch: [visitor] }) });
  expect(stored.status).toBe(200);
  await page.waitForFunction(() => document.querySelector('[data-total="visitors"]')!.textContent === '4', null, { timeout: 5000 });

  expect(problems).toEqual([]);
  await page.close();
});

// Last, so that its visitor does not change the figures the tests above check.
test('the SPA: route changes are page views, and its bundle holds only the captures it imports', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  await page.goto(`${collector.url}/spa/`);
  await page.waitForSelector('.cards');
  // A mark that a full page load would wipe out: every step below must happen in this one document.
  await page.evaluate(() => ((window as any).sameDocument = true));
  await page.click('a[href="/spa/products/day-pack"]');
  await page.click('#add-to-cart');
  await page.waitForURL('**/spa/cart');
  await page.click('#to-shipping');
  await page.fill('form#shipping input[name=address]', '1 Scenic Route');
  await page.click('form#shipping button');
  await page.fill('form#payment input[name=card]', '4242 4242 4242 4242');
  await page.click('form#payment button');
  await page.waitForURL('**/spa/checkout/done');
  expect(await page.evaluate(() => (window as any).sameDocument)).toBe(true);
  await expect.poll(() => page.textContent('#bundle')).toContain('Left out by tree-shaking');
  await page.goBack();
  await page.waitForSelector('form#payment');
  // pageViews records a route change once the router has drawn it (a task later): let it, then leave.
  await page.waitForTimeout(300);
  await context.close();

  const spaEvents = async () =>
    ((await (await fetch(`${collector.url}/api/events?limit=1000`)).json()).events as any[])
      .filter((e) => e.path?.startsWith('/spa/'))
      .sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp));
  await expect.poll(async () => (await spaEvents()).some((e) => e.event === 'Order Completed'), { timeout: 10_000 }).toBe(true);
  await waitForQuiet(collector.url, { quiet: 1000 });
  const events = await spaEvents();
  expect(events.filter((e) => e.type === 'page').map((e) => e.path)).toEqual([
    '/spa/',
    '/spa/products/day-pack',
    '/spa/cart',
    '/spa/checkout/shipping',
    '/spa/checkout/payment',
    '/spa/checkout/done',
    '/spa/checkout/payment', // back
  ]);
  const checkout = events.filter((e) => e.touchpointKind === 'checkout_step').map((e) => [e.event, e.properties.step]);
  expect(checkout).toEqual(
    expect.arrayContaining([['Checkout Step Viewed', 1], ['Checkout Step Viewed', 2], ['Checkout Step Completed', 2], ['Checkout Step Viewed', 3], ['Order Completed', 4]]),
  );
  expect(events.some((e) => e.event === 'Product Added' && e.stage === 'consideration')).toBe(true);
  // Not imported, so not there: no form or engagement touchpoints, though the app has forms and is read.
  expect(events.filter((e) => ['Form Submitted', 'Page Engagement', 'Chat Opened'].includes(e.event))).toEqual([]);

  const bundle = await (await fetch(`${collector.url}/spa/bundle.json`)).json();
  expect(bundle.included).toEqual(expect.arrayContaining(['createTracker', 'pageViews', 'linkClicks', 'checkoutSteps']));
  expect(bundle.excluded).toEqual(expect.arrayContaining(['forms', 'engagement', 'chatOpens', 'taggedClicks', 'journeyStages']));
  expect(problems).toEqual([]);
});
