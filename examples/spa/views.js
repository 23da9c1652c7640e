// The app's pages: each a function of the route's parameters and the app's state that returns the page's
// HTML. Only the app's own constant text goes through innerHTML; nothing a visitor typed does.
import { products as PRODUCTS } from './products.js';

const steps = (now) =>
  `<ol class="progress">${['Cart', 'Shipping', 'Payment', 'Done'].map((s, i) => `<li${i === now ? ' class="now"' : ''}>${s}</li>`).join('')}</ol>`;

/** Route patterns to pages, first match wins. */
export const views = [
  {
    path: /^\/spa\/?$/,
    title: 'Gear',
    html: () => `
      <h1>Gear for the long way home, now in an app.</h1>
      <p>Every route change below is a page view to touchtrail, though the page never reloads.</p>
      <ul class="cards">${Object.entries(PRODUCTS)
        .map(([slug, p]) => `<li class="card"><a href="/spa/products/${slug}"><span class="art">${p.icon}</span>${p.name}</a> <span>€${p.price}</span></li>`)
        .join('')}</ul>`,
  },
  {
    path: /^\/spa\/products\/([\w-]+)$/,
    title: ([slug]) => PRODUCTS[slug]?.name ?? 'Not found',
    html: ([slug]) => {
      const p = PRODUCTS[slug];
      if (!p) return '<h1>No such product</h1><p><a href="/spa/">Back to the gear</a></p>';
      return `
        <article class="product"><div class="art big">${p.icon}</div><div>
          <h1>${p.name}</h1><p class="price">€${p.price}</p>
          <p><button type="button" class="button" id="add-to-cart" data-slug="${slug}">Add to cart</button></p>
        </div></article>`;
    },
  },
  {
    path: /^\/spa\/cart$/,
    title: 'Cart',
    html: (_, { cart }) => `
      ${steps(0)}<h1>Your cart</h1>
      ${cart.length ? `<ul>${cart.map((slug) => `<li>${PRODUCTS[slug].name}: €${PRODUCTS[slug].price}</li>`).join('')}</ul>
      <p><a class="button" id="to-shipping" href="/spa/checkout/shipping">Checkout</a></p>` : '<p>Empty. <a href="/spa/">Find some gear.</a></p>'}`,
  },
  {
    path: /^\/spa\/checkout\/shipping$/,
    title: 'Shipping',
    // data-touchpoint-checkout-step: checkoutSteps reports the step when the form shows, and again when it is sent.
    html: () => `
      ${steps(1)}<h1>Shipping</h1>
      <form id="shipping" class="form" data-touchpoint-checkout-step="2" data-touchpoint-checkout-step-name="shipping">
        <label>Address <input name="address" autocomplete="street-address" required></label>
        <button class="button">Continue to payment</button>
      </form>`,
  },
  {
    path: /^\/spa\/checkout\/payment$/,
    title: 'Payment',
    html: () => `
      ${steps(2)}<h1>Payment</h1>
      <form id="payment" class="form" data-touchpoint-checkout-step="3" data-touchpoint-checkout-step-name="payment">
        <label>Card number <input name="card" inputmode="numeric" autocomplete="cc-number" placeholder="4242 4242 4242 4242" required></label>
        <button class="button">Place order</button>
      </form>`,
  },
  {
    path: /^\/spa\/checkout\/done$/,
    title: 'Thank you',
    html: () => `${steps(3)}<h1>Thank you!</h1><p>Your (pretend) order is on its way.</p>
      <p>Tell a friend: <a class="share" target="_blank" rel="noopener" href="https://twitter.com/intent/tweet?url=https%3A%2F%2Ftrailhead.example%2F">X</a></p>`,
  },
  {
    path: /^\/spa\/about$/,
    title: 'About',
    html: () => `<h1>About this app</h1>
      <p>It imports <code>createTracker</code>, <code>pageViews</code>, <code>linkClicks</code> and <code>checkoutSteps</code>
      from touchtrail, and nothing else: the bundler leaves the other captures out.</p>
      <p>Links that leave the app are touchpoints too: <a href="https://developer.mozilla.org/docs/Web/API/History_API" target="_blank" rel="noopener">the History API on MDN</a>.</p>`,
  },
];
