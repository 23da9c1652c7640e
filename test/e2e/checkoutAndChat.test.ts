import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { launchBrowser } from './helpers/launchBrowser';
import { startTestCollector, type TestCollector } from './helpers/testCollector';

// checkoutSteps and chatOpens in real Chromium: a multi-page checkout left by closing the tab, and a chat widget
// in a cross-origin iframe that loads after touchtrail. The site and the collector are two origins; the
// collector's origin also serves the widget's launcher, so that the launcher is cross-origin, as Intercom's is.
let browser: Browser;
let site: TestCollector;
let collector: TestCollector;

const CART = { currency: 'EUR', value: 52, items: [{ item_id: 'SKU_1', item_name: 'Tee', price: 26, quantity: 2 }] };

// The shop's own pushes come before the SDK (as a GTM snippet's would) or after it, in click handlers.
const page = (bundle: string, title: string, body: string, before = '') => `<!doctype html><title>${title}</title>
<script>window.dataLayer = window.dataLayer || []; ${before}</script>
<script>window.touchtrailTest = { collector: ${JSON.stringify(collector.collector)} };</script>
<script>${bundle}</script>
${body}`;

beforeAll(async () => {
  const { outputFiles } = await build({
    entryPoints: ['test/e2e/fixtures/checkoutAndChat.ts'],
    bundle: true,
    format: 'iife',
    write: false,
  });
  // An inline script ends at the first "</script", wherever it is.
  const bundle = outputFiles[0]!.text.replace(/<\/script/gi, '<\\/script');
  // The launcher of the fake widget: in its own origin, it can only tell its host page by postMessage.
  collector = await startTestCollector({
    pages: { '/launcher': `<!doctype html><button onclick="parent.postMessage('intercom:open', '*')">Chat with us</button>` },
  });
  // An Intercom-like widget that loads 1 s after the SDK: it defines Intercom(), keeps the onShow callbacks, and
  // calls them when its launcher says it was clicked (developers.intercom.com/installing-intercom/web/methods).
  const widget = `<script>setTimeout(() => {
    const shown = [];
    window.Intercom = (command, fn) => command === 'onShow' && shown.push(fn);
    addEventListener('message', (e) => e.data === 'intercom:open' && shown.forEach((fn) => fn()));
    const frame = document.createElement('iframe');
    frame.src = ${JSON.stringify(`${collector.origin}/launcher`)};
    document.body.append(frame);
  }, 1000);</script>`;
  site = await startTestCollector({
    pages: {
      '/checkout': page(
        bundle,
        'Checkout',
        '<a id="next" href="/checkout/shipping">Shipping</a>',
        `dataLayer.push({ event: 'begin_checkout', ecommerce: ${JSON.stringify(CART)} });`,
      ),
      '/checkout/shipping': page(
        bundle,
        'Shipping',
        `<a id="next" href="/checkout/payment">Payment</a>
<script>
  next.addEventListener('click', () => gtag('event', 'add_shipping_info', { shipping_tier: 'Ground', ...${JSON.stringify(CART)} }));
</script>`,
        'function gtag() { dataLayer.push(arguments); }',
      ),
      '/checkout/payment': page(bundle, 'Payment', '<form><input name="card"></form>'),
      '/help': page(bundle, 'Help', widget),
      // A one-page checkout: its address matches no rule, so its markup says the steps. Step 2 is in a CSS-only
      // accordion (shown by :checked, with no change to the DOM); step 3 is removed from the layout until later.
      '/one-page': page(
        bundle,
        'One-page checkout',
        `<style>.panel { display: none } #open:checked ~ .panel { display: block }</style>
<section data-touchpoint-checkout-step="1"><h2>Cart</h2></section>
<input type="checkbox" id="open"><label for="open">Shipping</label>
<div class="panel"><section data-touchpoint-checkout-step="2"><h2>Shipping</h2></section></div>
<section id="pay" data-touchpoint-checkout-step="3" hidden><h2>Payment</h2></section>`,
      ),
    },
  });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([site, collector].map((s) => s?.close()));
});

// As the collector stores them: a messageId once (delivery is at least once: a page's beacon at unload may be
// sent again by the next page), in the order they happened.
const touchpoints = () =>
  [...new Map(collector.events().map((e) => [e.messageId, e])).values()]
    .filter((e) => e.type === 'track')
    .sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp));

test('a 3-page checkout through URL rules and the data layer, left at payment by closing the tab', async () => {
  const context = await browser.newContext();
  const tab = await context.newPage();
  await tab.goto(`${site.origin}/checkout`);
  // Links, as a visitor goes: the Navigation API tells these page changes from leaving.
  await tab.click('#next');
  await tab.waitForURL('**/checkout/shipping');
  await tab.click('#next');
  await tab.waitForURL('**/checkout/payment');
  await collector.waitFor(() => touchpoints().some((e) => e.properties.step === 3), 'the payment step');
  await tab.close({ runBeforeUnload: false });
  await collector.waitFor(() => touchpoints().some((e) => e.event === 'Checkout Abandoned'), 'Checkout Abandoned');
  // Late beacons, if any, would be here by now.
  await new Promise((r) => setTimeout(r, 500));
  await context.close();

  const seen = touchpoints().map((e) => [e.event, e.properties.step, e.properties.stepName]);
  expect(seen).toEqual([
    // The URL rule for /checkout said the same as begin_checkout, which came first and has the cart.
    ['Checkout Started', 1, 'checkout'],
    ['Checkout Step Viewed', 2, 'shipping'],
    ['Checkout Step Completed', 2, 'shipping'],
    ['Checkout Step Viewed', 3, 'payment'],
    ['Checkout Abandoned', 3, 'payment'],
  ]);
  const [started, , completed] = touchpoints();
  expect(started.properties).toMatchObject({
    touchpointKind: 'checkout_step',
    value: 52,
    currency: 'EUR',
    products: [{ product_id: 'SKU_1', name: 'Tee', price: 26, quantity: 2 }],
  });
  expect(completed.properties).toMatchObject({ shipping_method: 'Ground' });
  expect(touchpoints().at(-1).context.page.path).toBe('/checkout/payment');
});

test('a chat widget loaded 1 s after the SDK, opened from its cross-origin launcher', async () => {
  const context = await browser.newContext();
  const tab = await context.newPage();
  await tab.goto(`${site.origin}/help`);
  const launcher = tab.frameLocator('iframe').locator('button');
  await launcher.waitFor();
  // touchtrail's next look (at 1.5 s) finds the widget.
  await tab.waitForTimeout(1000);
  await launcher.click();
  await collector.waitFor(() => touchpoints().some((e) => e.event === 'Chat Opened'), 'Chat Opened');
  const opened = touchpoints().filter((e) => e.event === 'Chat Opened');
  expect(opened).toHaveLength(1);
  expect(opened[0].properties).toMatchObject({ touchpoint: 'Chat Opened', touchpointKind: 'chat_open', vendor: 'intercom' });
  expect(opened[0].context.page.path).toBe('/help');
  await context.close();
});

test('checkout markup counts a step when the page shows it: a CSS-only accordion, a hidden section shown later', async () => {
  const context = await browser.newContext();
  const tab = await context.newPage();
  const viewed = () =>
    touchpoints()
      .filter((e) => e.event === 'Checkout Step Viewed' && e.context.page.path === '/one-page')
      .map((e) => e.properties.step);
  await tab.goto(`${site.origin}/one-page`);
  await collector.waitFor(() => touchpoints().some((e) => e.context.page.path === '/one-page'), 'the first step');
  await tab.waitForTimeout(500);
  expect(viewed()).toEqual([1]);
  // Only the stylesheet shows it: no attribute or node of the page changes.
  await tab.click('label[for=open]');
  await collector.waitFor(() => viewed().includes(2), 'the step a CSS-only accordion showed');
  await tab.evaluate(() => document.getElementById('pay')!.removeAttribute('hidden'));
  await collector.waitFor(() => viewed().includes(3), 'the step the page unhid');
  expect(viewed()).toEqual([1, 2, 3]);
  await context.close();
});
