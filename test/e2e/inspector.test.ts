import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { build } from 'esbuild';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { launchBrowser } from './helpers/launchBrowser';
import { startInspectorServer, type ServedFile } from './helpers/inspectorServer';
import { startTestCollector, type TestCollector } from './helpers/testCollector';

// The inspector in real Chromium, on a site whose Content-Security-Policy allows nothing inline: no inline script,
// no inline style, no eval, scripts from the site only, and connections to the collector only. Any
// securitypolicyviolation fails the test.

let browser: Browser;
let collector: TestCollector;
let site: Awaited<ReturnType<typeof startInspectorServer>>;
let sdk: string;
let inspector: string;
const files = new Map<string, ServedFile>();
let connect = '';
const strict = () => `default-src 'none'; script-src 'self'; style-src 'self'; connect-src ${connect}; img-src 'self'`;

// Strings only the inspector has: the core file must have none of them.
const INSPECTOR_ONLY = ['attachShadow', 'adoptedStyleSheets', 'moment of truth', 'touchtrail inspector'];

const bundle = async (entry: string) => {
  const out = await build({ entryPoints: [entry], bundle: true, format: 'iife', minify: true, target: 'es2020', write: false });
  return out.outputFiles[0]!.text;
};
const sri = (text: string) => `sha384-${createHash('sha384').update(text).digest('base64')}`;
const js = (body: string): ServedFile => ({ body, type: 'text/javascript' });

const page = (attributes = '') => `<!doctype html><html><head><title>Shop</title>
<link rel="stylesheet" href="/site.css">
<script async src="/touchtrail.min.js" data-collector="${collector.collector}" data-flush-interval="200" ${attributes}></script>
</head><body><main>
<h1>Pricing</h1>
<button id="cta" data-touchpoint="Pricing CTA" data-touchpoint-stage="consideration">Start free trial</button>
<div class="plan"><h2>Pro</h2><button id="pro" class="cta" data-touchpoint="Pro plan card">Choose Pro</button></div>
<a id="demo" href="#demo" class="demo">Book a demo</a>
<footer data-touchpoint-ignore><button data-touchpoint="Ignored">not recorded</button></footer>
<div class="tall"></div>
</main></body></html>`;

beforeAll(async () => {
  inspector = await bundle('src/inspector/inspector.ts');
  sdk = await bundle('src/script/tag.ts');
  collector = await startTestCollector();
  connect = collector.origin;
  files.set('/site.css', { body: 'button { all: unset; color: red } * { font-family: serif !important } .tall { height: 3000px }', type: 'text/css' });
  files.set('/touchtrail.min.js', js(sdk));
  files.set('/touchtrail.inspector.js', js(inspector));
  files.set(
    '/rules.json',
    {
      body: JSON.stringify({
        version: 1,
        touchpoints: [
          { url: '/rules', event: 'Page View', name: 'Pricing page', stage: 'consideration' },
          { selector: '.plan .cta', stage: 'decision', momentOfTruth: true },
          { selector: '.demo', name: 'Demo link', stage: 'decision' },
        ],
      }),
      type: 'application/json',
    },
  );
  files.set('/', { body: page(), type: 'text/html' });
  files.set('/rules', { body: page('data-config="/rules.json"'), type: 'text/html' });
  site = await startInspectorServer(files, strict);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([site?.close(), collector?.close()]);
});

/** A fresh visitor, with every CSP violation and error of the page recorded from before the page's first script. */
const visit = async (path: string) => {
  const context: BrowserContext = await browser.newContext();
  await context.addInitScript(() => {
    const seen: string[] = ((window as any).__violations = []);
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.effectiveDirective} ${e.blockedURI} ${e.sample}`));
  });
  const tab: Page = await context.newPage();
  const problems: string[] = [];
  tab.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  tab.on('console', (message) => /Content.Security.Policy|Refused to|integrity/i.test(message.text()) && problems.push(message.text()));
  await tab.goto(`${site.origin}${path}`);
  const violations = () => tab.evaluate(() => (window as any).__violations as string[]);
  return { context, tab, problems, violations };
};

const rows = (tab: Page) => tab.locator('touchtrail-inspector .row .entry');

test('without ?touchtrail-debug: tracking works under the strict CSP, and the inspector is neither fetched nor shown', async () => {
  const before = site.requests.length;
  const { context, tab, problems, violations } = await visit('/');
  await collector.waitFor(() => collector.events().some((e) => e.type === 'page'), 'the page view');
  await tab.locator('#cta').click();
  await collector.waitFor(() => collector.events().some((e) => e.event === 'Pricing CTA'), 'the tagged click');
  expect(await tab.locator('touchtrail-inspector').count()).toBe(0);
  expect(site.requests.slice(before)).not.toContain('/touchtrail.inspector.js');
  expect(await violations()).toEqual([]);
  expect(problems).toEqual([]);
  // The policy is enforced, and a violation would be seen: a style attribute is refused.
  await tab.evaluate(() => document.body.setAttribute('style', 'color: red'));
  await expect.poll(violations).toEqual([expect.stringMatching(/^style-src-attr inline/)]);
  await context.close();
});

test('with ?touchtrail-debug: outlines and a panel, every touchpoint listed, nothing the CSP refuses', async () => {
  const { context, tab, problems, violations } = await visit('/?touchtrail-debug');
  const panel = tab.locator('touchtrail-inspector .panel');
  await panel.waitFor();
  // The page view fired before the inspector had loaded (and the Journey Stage Reached it caused): the loader kept them.
  await expect
    .poll(() => rows(tab).allTextContents())
    .toEqual([
      expect.stringMatching(/^Journey Stage Reached.*stage awareness \(newly reached\)/),
      expect.stringMatching(/^Page View.*kind page_view.*stage awareness \(furthest stage reached\).*channel direct/),
    ]);

  // Every tagged element is outlined where it is, with its name and stage; the ignored one is not.
  const labels = tab.locator('touchtrail-inspector .box .label');
  await expect.poll(() => labels.allTextContents()).toEqual(['Pricing CTA · consideration', 'Pro plan card · stage guessed at click']);
  const box = await tab.locator('touchtrail-inspector .box').first().boundingBox();
  const cta = await tab.locator('#cta').boundingBox();
  expect(box).toEqual(cta);
  // The page's CSS (button { all: unset }, a serif font !important) does not reach into the panel.
  expect(await panel.evaluate((el) => getComputedStyle(el).fontFamily)).toMatch(/^system-ui/);
  expect(await tab.locator('touchtrail-inspector .toggle').evaluate((el) => getComputedStyle(el).cursor)).toBe('pointer');

  // A click on a tagged element: its row, with its name and stage (and why).
  await tab.locator('#cta').click();
  await expect.poll(async () => (await rows(tab).allTextContents()).find((row) => row.includes('Pricing CTA'))).toContain(
    'stage consideration (set in the page)',
  );
  const row = rows(tab).filter({ hasText: 'Pricing CTA' }).first();
  expect(await row.textContent()).toMatch(/kind tagged.*channel direct/);

  // Its full JSON, from the keyboard.
  await row.focus();
  await tab.keyboard.press('Enter');
  const json = JSON.parse((await tab.locator('touchtrail-inspector .detail:not([hidden]) pre').textContent())!);
  expect(json).toMatchObject({ event: 'Pricing CTA', properties: { touchpoint: 'Pricing CTA', stage: 'consideration', stageFrom: 'explicit' } });
  // Escape folds the panel.
  await tab.keyboard.press('Escape');
  expect(await tab.locator('touchtrail-inspector .toggle').getAttribute('aria-expanded')).toBe('false');
  await tab.locator('touchtrail-inspector .toggle').click();

  // Outlines follow a scroll, and pick up an element added later.
  await tab.mouse.wheel(0, 300);
  await expect.poll(async () => (await tab.locator('touchtrail-inspector .box').first().boundingBox())?.y).toBe((await tab.locator('#cta').boundingBox())?.y);
  await tab.evaluate(() => {
    const added = document.createElement('button');
    added.textContent = 'Added later';
    added.dataset.touchpoint = 'Added later';
    added.dataset.touchpointStage = 'decision';
    document.querySelector('main')!.prepend(added);
  });
  await expect.poll(() => labels.allTextContents()).toContain('Added later · decision');

  // Clicks in the panel are not touchpoints.
  await collector.waitFor(() => collector.events().some((e) => e.event === 'Pricing CTA'), 'the tagged click');
  const sent = collector.events().length;
  await tab.locator('touchtrail-inspector .clear').click();
  await tab.locator('touchtrail-inspector .outlines').click();
  await tab.waitForTimeout(600);
  expect(collector.events().length).toBe(sent);
  expect(await rows(tab).count()).toBe(0);

  expect(await violations()).toEqual([]);
  expect(problems).toEqual([]);
  await context.close();
});

test('with a rules file: rule selectors are outlined too, and a row says which rule set the stage', async () => {
  connect = `${collector.origin} 'self'`; // the rules file is fetched from the site
  try {
    const { context, tab, problems, violations } = await visit('/rules?touchtrail-debug');
    await tab.locator('touchtrail-inspector .panel').waitFor();
    await expect.poll(() => tab.locator('touchtrail-inspector .status').textContent()).toBe('Rules: 3 touchpoint rules');
    // The link is no tagged element: the rules' selector names it (dashed).
    await expect
      .poll(() => tab.locator('touchtrail-inspector .box.rule .label').allTextContents())
      .toEqual(['Demo link · decision (touchpoints[2])']);
    expect(await tab.locator('touchtrail-inspector .box:not(.rule) .label').allTextContents()).toContain('Pro plan card · decision (touchpoints[1])');
    await tab.locator('#pro').click();
    await expect
      .poll(async () => (await rows(tab).allTextContents()).find((row) => row.startsWith('Pro plan card')))
      .toMatch(/moment of truth.*stage decision \(rule touchpoints\[1\]\)/);
    expect(await violations()).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  } finally {
    connect = collector.origin;
  }
});

test('a core file pinned by SRI loads only the inspector of its own build', async () => {
  // The build writes the inspector's hash into the core (rollup.config.mjs); here, by hand.
  const pinned = sdk.replace('TOUCHTRAIL_INSPECTOR_INTEGRITY', sri(inspector));
  expect(pinned).not.toBe(sdk);
  files.set('/touchtrail.min.js', js(pinned));
  files.set('/pinned', { body: page(`integrity="${sri(pinned)}" crossorigin="anonymous"`), type: 'text/html' });
  try {
    const good = await visit('/pinned?touchtrail-debug');
    await good.tab.locator('touchtrail-inspector .panel').waitFor();
    expect(await good.violations()).toEqual([]);
    await good.context.close();

    files.set('/touchtrail.inspector.js', js(inspector + '\n;document.title = "tampered";'));
    const bad = await visit('/pinned?touchtrail-debug');
    await collector.waitFor(() => bad.problems.some((p) => /integrity/i.test(p)), 'the refusal of the tampered inspector');
    expect(await bad.tab.title()).toBe('Shop');
    expect(await bad.tab.locator('touchtrail-inspector').count()).toBe(0);
    // Tracking goes on.
    const clicks = () => collector.events().filter((e) => e.event === 'Pricing CTA').length;
    const before = clicks();
    await bad.tab.locator('#cta').click();
    await collector.waitFor(() => clicks() > before, 'the click of the last visit');
    await bad.context.close();
  } finally {
    files.set('/touchtrail.min.js', js(sdk));
    files.set('/touchtrail.inspector.js', js(inspector));
  }
});

test('the inspector is a file of its own: none of it is in the core file', () => {
  const has = (code: string) => INSPECTOR_ONLY.filter((marker) => code.includes(marker));
  expect(has(inspector)).toEqual(INSPECTOR_ONLY);
  expect(has(sdk)).toEqual([]);
  // The built script tag, as npm test builds it before the browser tests.
  if (!existsSync('dist/touchtrail.min.js')) throw new Error('dist/touchtrail.min.js is missing: run `npm run build` first');
  const core = readFileSync('dist/touchtrail.min.js', 'utf8');
  expect(has(core)).toEqual([]);
  if (existsSync('dist/touchtrail.inspector.js')) expect(has(readFileSync('dist/touchtrail.inspector.js', 'utf8'))).toEqual(INSPECTOR_ONLY);
});
