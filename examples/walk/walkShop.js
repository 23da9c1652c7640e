// Three customers walk the demo shop, each in a browser context of their own (their own storage, so touchtrail
// sees three visitors), at once. What they do is what the journey report then shows:
//   ada  lands from the spring-sale ad (paid search), buys trail runners and shares the order (advocacy);
//   ben  lands from the newsletter (email), looks at Trail Club, starts a checkout and closes the tab at payment;
//   cleo arrives from a DuckDuckGo search on a product page (organic search), buys, then opens the chat and
//        writes to support (retention).

/** Waits until touchtrail has loaded and taken over from its stub, so that it sees what happens next. */
const ready = (page) => page.waitForFunction(() => typeof window.touchtrail?.flush === 'function');

/** Clicks, then waits for the page at `path` to be loaded and tracked. */
const follow = async (page, selector, path) => {
  await page.click(selector);
  await page.waitForURL((url) => url.pathname === path);
  await ready(page);
};

const fillShipping = async (page, name, tier) => {
  await page.fill('input[name=name]', name);
  await page.fill('input[name=email]', `${name.toLowerCase()}@example.com`);
  await page.fill('input[name=address]', '1 Scenic Route');
  await page.check(`input[name=tier][value=${tier}]`);
};

/** Sends what waits, then leaves: a visitor who closes the tab after that loses nothing either. */
const leave = async (page) => {
  await page.evaluate(() => window.touchtrail.flush());
  await page.close();
};

const JOURNEYS = {
  async ada(context, shop) {
    const page = await context.newPage();
    await page.goto(`${shop}?utm_source=google&utm_medium=cpc&utm_campaign=spring_sale`);
    await ready(page);
    await follow(page, '.cards a[href="/shop/products/trail-runner"]', '/shop/products/trail-runner');
    await follow(page, '#add-to-cart', '/shop/checkout/cart');
    await follow(page, '#to-shipping', '/shop/checkout/shipping');
    await fillShipping(page, 'Ada', 'express');
    await follow(page, '#to-payment', '/shop/checkout/payment');
    await page.fill('input[name=cardholder]', 'Ada Lovelace');
    await page.fill('input[name=card]', '4242 4242 4242 4242');
    await follow(page, '#place-order', '/shop/checkout/confirmation');
    // The share link opens the network's page in a new tab, which the walk closes at once.
    const [popup] = await Promise.all([context.waitForEvent('page'), page.click('#share-x')]);
    await popup.close();
    await leave(page);
  },

  async ben(context, shop) {
    const page = await context.newPage();
    await page.goto(`${shop}?utm_source=newsletter&utm_medium=email&utm_campaign=may_news`);
    await ready(page);
    await follow(page, 'nav a[href="/shop/pricing"]', '/shop/pricing');
    await follow(page, '.plan a.secondary', '/shop/');
    await follow(page, '.cards a[href="/shop/products/day-pack"]', '/shop/products/day-pack');
    await follow(page, '#add-to-cart', '/shop/checkout/cart');
    await follow(page, '#to-shipping', '/shop/checkout/shipping');
    await fillShipping(page, 'Ben', 'standard');
    await follow(page, '#to-payment', '/shop/checkout/payment');
    await page.fill('input[name=cardholder]', 'Ben');
    // Second thoughts at the card number: the tab is closed. touchtrail reports the abandoned checkout as the
    // page goes, by beacon.
    await page.waitForTimeout(300);
    await page.close({ runBeforeUnload: false });
  },

  async cleo(context, shop) {
    const page = await context.newPage();
    await page.goto(`${shop}products/rain-shell`, { referer: 'https://duckduckgo.com/' });
    await ready(page);
    await follow(page, '#add-to-cart', '/shop/checkout/cart');
    await follow(page, '#to-shipping', '/shop/checkout/shipping');
    await fillShipping(page, 'Cleo', 'standard');
    await follow(page, '#to-payment', '/shop/checkout/payment');
    await page.fill('input[name=cardholder]', 'Cleo');
    await page.fill('input[name=card]', '4242 4242 4242 4242');
    await follow(page, '#place-order', '/shop/checkout/confirmation');
    await follow(page, '#to-help', '/shop/help');
    // The chat: Intercom's launcher, as a customer finds it in the corner.
    await page.click('#intercom-launcher');
    await page.waitForSelector('.fake-intercom-messenger:not([hidden])');
    await page.fill('.fake-intercom-form input', 'Where is my order?');
    await page.press('.fake-intercom-form input', 'Enter');
    await page.fill('#contact-form input[name=email]', 'cleo@example.com');
    await page.fill('#contact-form textarea', 'Can I change the delivery address?');
    await page.click('#send-message');
    await page.waitForSelector('#contact-thanks:not([hidden])');
    await leave(page);
  },
};

/**
 * Walks the three customers through the shop at `shop` (its URL, ending in /shop/) in `browser`, each in a new
 * context. Returns the names of the customers walked.
 *
 * @param {import('playwright-core').Browser} browser
 * @param {string} shop
 * @param {{ log?: (line: string) => void }} [options]
 */
export const walkShop = async (browser, shop, { log = () => {} } = {}) => {
  await Promise.all(
    Object.entries(JOURNEYS).map(async ([name, walk]) => {
      // No request interception (context.route): it holds every request of a page, a closing page's beacons
      // too, until Node answers, and a page that closes meanwhile loses them. The share page that opens in a
      // new tab is closed before it matters whether it loads.
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      try {
        await walk(context, shop);
        log(`${name} walked the shop`);
      } catch (error) {
        throw new Error(`${name}'s walk failed: ${error.message}`, { cause: error });
      } finally {
        await context.close();
      }
    }),
  );
  return Object.keys(JOURNEYS);
};
