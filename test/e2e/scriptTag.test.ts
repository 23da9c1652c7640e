import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { launchBrowser } from './helpers/launchBrowser';
import { startTestCollector, type TestCollector } from './helpers/testCollector';

// The site and the collector are two origins (two ports), as in production: CORS is part of what is tested.
let browser: Browser;
let site: TestCollector;
let collector: TestCollector;
let elsewhere: TestCollector;

const page = (collectorUrl: string, body = '') => `<!doctype html><title>Shop</title>
<script>window.touchtrail = window.touchtrail || function(){(touchtrail.q = touchtrail.q || []).push(arguments)};
touchtrail('track', 'Queued Before Load', { n: 1 }); touchtrail('identify', 'user-7');</script>
<script async src="/touchtrail.min.js" data-collector="${collectorUrl}"></script>${body}`;

beforeAll(async () => {
  browser = await launchBrowser();
  collector = await startTestCollector();
  elsewhere = await startTestCollector({ pages: { '/': '<!doctype html><title>Elsewhere</title>' } });
  const rules = { version: 1, touchpoints: [{ url: '/pricing', event: 'Page View', name: 'Pricing page', stage: 'decision' }] };
  site = await startTestCollector({
    pages: {
      '/': page(collector.collector),
      '/shop': page(collector.collector),
      '/pricing': page(`${collector.collector}" data-config="/rules.json`),
      '/rules.json': JSON.stringify(rules),
    },
  });
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([site, collector, elsewhere].map((s) => s?.close()));
});

test('the script tag delivers its page view and the calls queued before it loaded, in order', async () => {
  const context = await browser.newContext();
  const tab = await context.newPage();
  await tab.goto(`${site.origin}/`);
  await collector.waitFor(() => collector.events().length >= 4, 'page view, stage reached, queued track and identify');
  // The journey processor adds its own 'Journey Stage Reached' touchpoints; the site's calls are the others.
  const [pageView, ...rest] = collector.events().filter((e: any) => e.event !== 'Journey Stage Reached');
  expect(pageView).toMatchObject({
    type: 'page',
    properties: { touchpoint: 'Page View', touchpointKind: 'page_view' },
    context: { page: { url: `${site.origin}/`, path: '/', title: 'Shop' }, library: { name: 'touchtrail' } },
  });
  expect(pageView.messageId).toMatch(/^[0-9a-f-]{36}$/);
  expect(rest.map((e: any) => e.type)).toEqual(['track', 'identify']);
  expect(rest[0]).toMatchObject({ event: 'Queued Before Load', properties: { n: 1 } });
  expect(rest[1]).toMatchObject({ type: 'identify', userId: 'user-7' });
  // CORS-simple: a text/plain body needs no preflight.
  expect(collector.received.every((r) => r.contentType.startsWith('text/plain'))).toBe(true);
  await context.close();
});

test('track() followed at once by a navigation to another origin still arrives', async () => {
  const context = await browser.newContext();
  const tab = await context.newPage();
  await tab.goto(`${site.origin}/shop`);
  await collector.waitFor(() => collector.events().some((e) => e.context.page.path === '/shop'), 'the page view of /shop');
  const id = `leave-${Date.now()}`;
  await tab.evaluate(
    ([id, to]) => {
      (window as any).touchtrail.track('Outbound', { id });
      location.href = to!;
    },
    [id, `${elsewhere.origin}/`],
  );
  await tab.waitForURL(`${elsewhere.origin}/`);
  await collector.waitFor(() => collector.events().some((e) => e.properties.id === id), 'the event tracked before leaving', 3000);
  await context.close();
});

test('a rules file (data-config) tags the first page view of a first visit: touchpoints wait for it', async () => {
  // A fresh context: nothing cached, so the rules file is fetched while the page view waits.
  const context = await browser.newContext();
  const tab = await context.newPage();
  await tab.goto(`${site.origin}/pricing`);
  const pageView = () => collector.events().find((e) => e.type === 'page' && e.context.page.path === '/pricing');
  await collector.waitFor(() => !!pageView(), 'the page view of /pricing');
  expect(pageView()!.properties).toMatchObject({ touchpoint: 'Pricing page', stage: 'decision' });
  await context.close();
});
