import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startCspServer, type CspServer } from './helpers/cspServer';
import { launchBrowser } from './helpers/launchBrowser';
import { startTestCollector, type TestCollector } from './helpers/testCollector';

// The script tag under a strict Content-Security-Policy, in real Chromium (issue 7): a site that allows scripts only
// from itself and connections only to its collector must be able to run touchtrail without a single violation,
// and touchtrail must ask for nothing but its own script and the collector.
let browser: Browser;
let site: CspServer;
let collector: TestCollector;

const policy = (connect: string) =>
  `default-src 'none'; script-src 'self'; connect-src ${connect}; img-src 'self'; style-src 'self'`;

// The snippet's stub, as an external file (an inline one is what this policy forbids). It also records every
// violation the page sees, from the first moment, in sessionStorage, which lasts across the tab's navigations.
const STUB = `(function () {
  var record = function (e) {
    var list = JSON.parse(sessionStorage.getItem('csp-violations') || '[]');
    list.push({ directive: e.violatedDirective, blocked: e.blockedURI, source: e.sourceFile, line: e.lineNumber, sample: e.sample, page: location.pathname });
    sessionStorage.setItem('csp-violations', JSON.stringify(list));
  };
  document.addEventListener('securitypolicyviolation', record, true);
})();
window.touchtrail = window.touchtrail || function () { (touchtrail.q = touchtrail.q || []).push(arguments); };
touchtrail('track', 'Stub Queued', { id: 'stub-' + location.pathname });`;

// The site's own code: it calls touchtrail and navigates as a site would, from an external file.
const APP = `var on = function (id, handler) { var el = document.getElementById(id); if (el) el.addEventListener('click', handler); };
on('track', function () { touchtrail('track', 'Button Clicked', { id: 'button' }); });
on('spa', function () { history.pushState({}, '', '/spa-route'); });
on('leave', function () { touchtrail('track', 'Leaving', { id: 'leave' }); location.href = '/thanks?left=1'; });`;

const page = (title: string, collectorUrl: string, body = '', tag = true) => `<!doctype html><html><head><title>${title}</title>
<script src="/stub.js"></script>
${tag ? `<script src="/touchtrail.min.js" data-collector="${collectorUrl}" data-flush-interval="200"></script>` : ''}
<script src="/app.js" defer></script>
</head><body>
<a id="pricing" href="/pricing">Pricing</a>
<button id="track">Track</button> <button id="spa">Go to a route</button> <button id="leave">Track and leave</button>
<form id="signup" action="/thanks" method="post"><input id="email" name="email" type="email"><button id="join">Join</button></form>
${body}
</body></html>`;

beforeAll(async () => {
  // The script-tag build is what a site with this policy loads.
  if (!existsSync('dist/touchtrail.min.js')) execSync('npx rollup -c --silent', { stdio: 'inherit' });
  collector = await startTestCollector();
  const pages = {
    '/': page('Home', collector.collector),
    '/pricing': page('Pricing', collector.collector),
    '/thanks': page('Thanks', collector.collector),
    // Controls: what a violation looks like, so that "none" means something.
    // No tag of its own: the test adds one pointed at a collector the policy forbids (a second tag would only warn).
    '/control-inline': page('Inline', collector.collector, '<script>window.inlineRan = true;</script>', false),
  };
  site = await startCspServer({ csp: policy(collector.origin), pages, scripts: { '/stub.js': STUB, '/app.js': APP } });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([site, collector].map((s) => s?.close()));
});

/**
 * Watches a tab for CSP violations three ways: the page's own securitypolicyviolation listener (the stub), the
 * console ("Refused to … because it violates the following Content Security Policy directive"), and Chromium's
 * DevTools issues (Audits: ContentSecurityPolicyIssue). Also records every request of the browser context.
 */
const watch = async (context: BrowserContext, tab: Page) => {
  const console: string[] = [];
  const issues: unknown[] = [];
  const requests: { url: string; type: string; method: string }[] = [];
  tab.on('console', (message) => /Content.Security.Policy/i.test(message.text()) && console.push(message.text()));
  tab.on('pageerror', (error) => console.push(`pageerror: ${error.message}`));
  context.on('request', (request) => requests.push({ url: request.url(), type: request.resourceType(), method: request.method() }));
  const cdp = await context.newCDPSession(tab);
  cdp.on('Audits.issueAdded', ({ issue }) => issue.code === 'ContentSecurityPolicyIssue' && issues.push(issue.details.contentSecurityPolicyIssueDetails));
  await cdp.send('Audits.enable');
  return {
    console,
    issues,
    requests,
    inPage: async () => JSON.parse((await tab.evaluate(() => sessionStorage.getItem('csp-violations'))) || '[]'),
  };
};

const events = (name: string) => collector.events().filter((e) => (e.event ?? (e.type === 'page' ? 'page' : e.type)) === name);
const pageViewOf = (path: string) => collector.events().some((e) => e.type === 'page' && e.context.page.path === path);

test('the controls: an inline script and a connection the policy forbids are seen by all three watches', async () => {
  const context = await browser.newContext();
  const tab = await context.newPage();
  const seen = await watch(context, tab);
  await tab.goto(`${site.origin}/control-inline`);
  // touchtrail pointed at a collector the policy does not allow (the site itself is not in connect-src).
  await tab.evaluate((url) => {
    const s = document.createElement('script');
    s.src = '/touchtrail.min.js';
    s.dataset.collector = url;
    s.dataset.flushInterval = '100';
    document.head.append(s);
  }, `${site.origin}/collect`);
  await tab.waitForFunction(() => (JSON.parse(sessionStorage.getItem('csp-violations') || '[]') as { directive: string }[]).some((v) => v.directive.startsWith('connect-src')), null, { timeout: 5000 });
  expect(await tab.evaluate(() => (window as any).inlineRan)).toBeUndefined();
  const inPage = await seen.inPage();
  expect(inPage.map((v: any) => v.directive)).toEqual(expect.arrayContaining(['script-src-elem', 'connect-src']));
  expect(seen.console.some((m) => m.includes('script-src'))).toBe(true);
  expect(seen.console.some((m) => m.includes('connect-src'))).toBe(true);
  expect(seen.issues.length).toBeGreaterThanOrEqual(2);
  await context.close();
});

test('page views, a link click, a form, track() and navigations: zero violations, everything delivered', async () => {
  const context = await browser.newContext();
  const tab = await context.newPage();
  const seen = await watch(context, tab);

  await tab.goto(`${site.origin}/`);
  await collector.waitFor(() => pageViewOf('/') && events('Stub Queued').length > 0, 'the page view of / and the stub’s queued call');
  await tab.click('#track');
  await collector.waitFor(() => events('Button Clicked').length > 0, 'Button Clicked (track() from the site’s script)');
  await tab.click('#spa');
  await collector.waitFor(() => pageViewOf('/spa-route'), 'the page view of the SPA route');
  await tab.click('#pricing');
  await tab.waitForURL(`${site.origin}/pricing`);
  await collector.waitFor(() => events('Link Clicked').length > 0 && pageViewOf('/pricing'), 'Link Clicked and the page view of /pricing');
  await tab.fill('#email', 'someone@example.com');
  await tab.click('#join');
  await tab.waitForURL(`${site.origin}/thanks`);
  await collector.waitFor(() => events('Form Submitted').length > 0 && pageViewOf('/thanks'), 'Form Submitted and the page view of /thanks');
  // track() and at once a navigation: the event goes out with the page (keepalive fetch or beacon), under the policy.
  await tab.click('#leave');
  await tab.waitForURL(`${site.origin}/thanks?left=1`);
  await collector.waitFor(() => events('Leaving').length > 0, 'the event tracked right before leaving');
  const violations = await seen.inPage();
  await tab.close({ runBeforeUnload: false });
  // Anything the closing tab beaconed, and any late report, has arrived by now.
  await new Promise((resolve) => setTimeout(resolve, 500));

  expect(violations).toEqual([]);
  expect(seen.console).toEqual([]);
  expect(seen.issues).toEqual([]);

  expect(events('Link Clicked')[0].properties).toMatchObject({ href: `${site.origin}/pricing`, linkType: 'internal' });
  expect(events('Form Submitted')[0].properties).toMatchObject({ formId: 'signup', action: `${site.origin}/thanks`, method: 'post' });
  expect(collector.received.every((r) => r.status === 200 && r.contentType.startsWith('text/plain'))).toBe(true);

  // What the browser asked for: pages of the site (navigations and the form post), the site's three scripts, and
  // the collector. Nothing else: no other host, no image, no font, no inspector, no rules file.
  const allowed = new Set([`${site.origin}/stub.js`, `${site.origin}/app.js`, `${site.origin}/touchtrail.min.js`, collector.collector]);
  const unexpected = seen.requests.filter((r) =>
    r.type === 'document' ? !r.url.startsWith(`${site.origin}/`) : !allowed.has(r.url),
  );
  expect(unexpected).toEqual([]);
  expect(seen.requests.filter((r) => r.url === collector.collector).length).toBeGreaterThan(0);
  await context.close();
});
