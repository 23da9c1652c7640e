import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { launchBrowser } from './helpers/launchBrowser';
import { startTestCollector, type TestCollector } from './helpers/testCollector';

// linkClicks, forms and engagement in real Chromium, where what jsdom cannot show happens: a click or a submit
// that navigates away at once, a middle-click, a real form submission, real scrolling, a closed tab. The site,
// the collector and the outbound link's target are three origins.
let browser: Browser;
let site: TestCollector;
let collector: TestCollector;
let elsewhere: TestCollector;

const SECRET = 'ada.lovelace.secret@example.com';

const page = (bundle: string, title: string, body: string) => `<!doctype html><title>${title}</title>
<script>window.touchtrailTest = { collector: ${JSON.stringify(collector.collector)} };</script>
<script>${bundle}</script>
${body}`;

beforeAll(async () => {
  const { outputFiles } = await build({ entryPoints: ['test/e2e/fixtures/captures.ts'], bundle: true, format: 'iife', write: false });
  // An inline script ends at the first "</script", wherever it is.
  const bundle = outputFiles[0]!.text.replace(/<\/script/gi, '<\\/script');
  collector = await startTestCollector();
  elsewhere = await startTestCollector({ pages: { '/': '<!doctype html><title>Partner</title>' } });
  site = await startTestCollector({
    pages: {
      // The page's own handler stops the click from bubbling, as widgets and routers do.
      '/': page(
        bundle,
        'Home',
        `<a id="out" href="${elsewhere.origin}/?ref=shop" onclick="event.stopPropagation()" data-touchpoint-stage="consideration">Our partner</a>
<a id="report" href="/files/annual-report.pdf">Annual report</a>`,
      ),
      '/signup': page(
        bundle,
        'Sign up',
        `<form id="ajax" action="/api/ask"><input name="question" value="${SECRET}"><button id="ask">Ask</button></form>
<script>ajax.addEventListener('submit', (e) => { new FormData(ajax); e.preventDefault(); });</script>
<form id="signup" name="newsletter" action="/thanks?src=footer" method="post" data-touchpoint="Newsletter signup">
  <input id="email" name="email" type="email" required><input type="hidden" name="csrf" value="${SECRET}">
  <button id="join">Join</button>
</form>`,
      ),
      '/thanks': page(bundle, 'Thanks', '<p>Welcome.</p>'),
      '/article': page(bundle, 'Article', '<h1>A long read</h1><div style="height: 6000px"></div>'),
    },
  });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([site, collector, elsewhere].map((s) => s?.close()));
});

const tracked = (event: string) => collector.events().filter((e) => e.event === event);

test('an outbound link click that navigates away at once is delivered, whatever the page does with the event', async () => {
  const context = await browser.newContext();
  const tab = await context.newPage();
  await tab.goto(`${site.origin}/`);
  await tab.click('#out');
  await tab.waitForURL(`${elsewhere.origin}/?ref=shop`);
  await collector.waitFor(() => tracked('Link Clicked').length > 0, 'Link Clicked', 5000);
  const [clicked] = tracked('Link Clicked');
  expect(clicked.properties).toEqual({
    touchpoint: 'Link Clicked',
    touchpointKind: 'link_click',
    stage: 'consideration',
    // The query is redacted by default: only utm_* and ad click ids stay.
    href: `${elsewhere.origin}/`,
    linkType: 'outbound',
    text: 'Our partner',
    host: new URL(elsewhere.origin).host,
  });
  expect(clicked.context.page.path).toBe('/');
  await context.close();
});

test('a middle-click is captured', async () => {
  const context = await browser.newContext();
  const tab = await context.newPage();
  await tab.goto(`${site.origin}/`);
  await tab.click('#report', { button: 'middle' });
  await collector.waitFor(() => tracked('Link Clicked').some((e) => e.properties.linkType === 'download'), 'the middle-click');
  expect(tracked('Link Clicked').find((e) => e.properties.linkType === 'download').properties).toMatchObject({
    href: `${site.origin}/files/annual-report.pdf`,
    text: 'Annual report',
  });
  await context.close();
});

test('a form submission that navigates is delivered, without a field value; cancelled and invalid submits are not', async () => {
  const context = await browser.newContext();
  const tab = await context.newPage();
  await tab.goto(`${site.origin}/signup`);
  await tab.click('#ask'); // cancelled by the page, which read the form with new FormData
  await tab.click('#join'); // the required email is empty: the browser refuses, no submit fires
  await tab.waitForTimeout(300);
  await tab.fill('#email', SECRET);
  await tab.click('#join');
  await tab.waitForURL(`${site.origin}/thanks?src=footer`);
  await collector.waitFor(() => collector.events().some((e) => e.context.page.path === '/thanks'), 'the page view of /thanks');
  await collector.waitFor(() => tracked('Form Submitted').length > 0, 'Form Submitted');
  // Late beacons, if any, would be here by now.
  await new Promise((r) => setTimeout(r, 500));
  const submitted = tracked('Form Submitted');
  expect(submitted).toHaveLength(1);
  expect(submitted[0].properties).toEqual({
    touchpoint: 'Newsletter signup',
    touchpointKind: 'form_submit',
    formId: 'signup',
    formName: 'newsletter',
    action: `${site.origin}/thanks`,
    method: 'post',
    fieldCount: 1,
  });
  expect(submitted[0].context.page.path).toBe('/signup');
  for (const request of collector.received) expect(request.body).not.toContain('secret');
  await context.close();
});

test('engagement is delivered when the tab is closed after scrolling', async () => {
  const context = await browser.newContext({ viewport: { width: 1000, height: 600 } });
  const tab = await context.newPage();
  await tab.goto(`${site.origin}/article`);
  await tab.mouse.move(500, 300);
  // Real wheel input: the page scrolls, and the visitor is active.
  for (let i = 0; i < 6; i++) await tab.mouse.wheel(0, 400), await tab.waitForTimeout(250);
  await tab.waitForFunction(() => scrollY >= 2400);
  const [bottom, height] = await tab.evaluate(() => [scrollY + innerHeight, document.documentElement.scrollHeight]);
  await tab.close({ runBeforeUnload: false });
  const ofArticle = () => tracked('Page Engagement').filter((e) => e.properties.url === `${site.origin}/article`);
  await collector.waitFor(() => ofArticle().length > 0, 'Page Engagement', 5000);
  await new Promise((r) => setTimeout(r, 500));
  expect(ofArticle()).toHaveLength(1);
  const [engaged] = ofArticle();
  expect(engaged.properties).toMatchObject({ touchpointKind: 'engagement', maxScrollDepth: Math.round((100 * bottom!) / height!) });
  expect(engaged.context.page.path).toBe('/article');
  expect(engaged.properties.engagedTime).toBeGreaterThanOrEqual(1500);
  expect(engaged.properties.engagedTime).toBeLessThan(10_000);
  await context.close();
});

test("an SPA route change: the route left gets its engagement, with its own page, before the next route's page view", async () => {
  const context = await browser.newContext({ viewport: { width: 1000, height: 600 } });
  const tab = await context.newPage();
  await tab.goto(`${site.origin}/article`);
  await tab.mouse.move(500, 300);
  for (let i = 0; i < 4; i++) await tab.mouse.wheel(0, 400), await tab.waitForTimeout(300);
  // A router's link: the URL changes by pushState, the title after it.
  await tab.evaluate(() => {
    history.pushState({}, '', '/article/comments');
    document.title = 'Comments';
  });
  const ofRoute = () => collector.events().filter((e) => e.properties.url === `${site.origin}/article` || e.context.page.path === '/article/comments');
  await collector.waitFor(() => ofRoute().some((e) => e.type === 'page' && e.context.page.path === '/article/comments'), 'the route’s page view');
  await collector.waitFor(() => tracked('Page Engagement').some((e) => e.properties.url === `${site.origin}/article`), 'the engagement of /article');
  const engaged = tracked('Page Engagement').find((e) => e.properties.url === `${site.origin}/article`);
  const view = collector.events().find((e) => e.type === 'page' && e.context.page.path === '/article/comments');
  // Chromium has the Navigation API: the engagement is recorded while /article is still the page.
  expect(engaged.context.page).toMatchObject({ path: '/article', title: 'Article' });
  expect(engaged.properties.engagedTime).toBeGreaterThanOrEqual(900);
  expect(Date.parse(engaged.timestamp)).toBeLessThanOrEqual(Date.parse(view.timestamp));
  expect(view.context.page).toMatchObject({ title: 'Comments', referrer: `${site.origin}/article` });
  await context.close();
});

test('a router built on the Navigation API (an intercepted navigation, no pushState) gets its page view', async () => {
  const context = await browser.newContext();
  const tab = await context.newPage();
  await tab.goto(`${site.origin}/article`);
  await tab.evaluate(() => {
    const navigation = (window as any).navigation;
    navigation.addEventListener('navigate', (event: any) => {
      if (event.canIntercept && new URL(event.destination.url).pathname.startsWith('/article/')) {
        event.intercept({ handler: async () => void (document.title = 'Section 2') });
      }
    });
    navigation.navigate('/article/section-2');
  });
  await tab.waitForURL(`${site.origin}/article/section-2`);
  const view = () => collector.events().find((e) => e.type === 'page' && e.context.page.path === '/article/section-2');
  await collector.waitFor(() => !!view(), 'the page view of the intercepted route');
  expect(view()!.context.page).toMatchObject({ title: 'Section 2', referrer: `${site.origin}/article` });
  await context.close();
});
