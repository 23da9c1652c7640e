// The SPA's entry: touchtrail from npm, with the captures this app needs and no others. Bundled by esbuild
// (buildSpa.js), which resolves 'touchtrail' to this repository's src/index.ts, as a site's bundler resolves the
// published package; everything the app does not import is left out of the bundle.
import { checkoutSteps, createTracker, linkClicks, pageViews } from 'touchtrail';
import { createRouter } from './createRouter.js';
import { products } from './products.js';
import { views } from './views.js';

const tracker = createTracker({
  collector: '/v1/batch',
  flushInterval: 1000,
  captures: [
    // Every pushState and back/forward is a page view: the router needs to tell touchtrail nothing.
    pageViews(),
    // The router's own links are page views already; only links that leave the app are worth a touchpoint.
    linkClicks({ linkTypes: ['outbound', 'share'] }),
    checkoutSteps({
      steps: [{ url: '/spa/cart', step: 1, name: 'cart' }],
      confirmation: '/spa/checkout/done',
      // This app has no Google Tag Manager: the later steps are marked in the forms' markup.
      dataLayer: false,
    }),
  ],
});

const CART = 'trailhead-app.cart';
const state = { cart: JSON.parse(sessionStorage.getItem(CART) || '[]') };
const save = () => sessionStorage.setItem(CART, JSON.stringify(state.cart));
const app = document.getElementById('app');

const render = (path) => {
  for (const view of views) {
    const match = view.path.exec(path);
    if (!match) continue;
    const params = match.slice(1);
    // Before the DOM changes, so that the page view that pageViews() records carries the new title.
    document.title = `${typeof view.title === 'function' ? view.title(params) : view.title} · Trailhead app`;
    app.innerHTML = view.html(params, state);
    app.focus();
    return;
  }
  document.title = 'Not found · Trailhead app';
  app.innerHTML = '<h1>Not found</h1><p><a href="/spa/">Back to the gear</a></p>';
};

const router = createRouter('/spa/', render);

app.addEventListener('click', (event) => {
  const add = event.target.closest('#add-to-cart');
  if (!add) return;
  const slug = add.dataset.slug;
  state.cart.push(slug);
  save();
  // A touchpoint of the app's own, with the stage it belongs to.
  tracker.track('Product Added', { product_id: products[slug].id, name: products[slug].name, price: products[slug].price }, { stage: 'consideration' });
  router.go('/spa/cart');
});

app.addEventListener('submit', (event) => {
  event.preventDefault();
  const form = event.target;
  if (form.id === 'shipping') router.go('/spa/checkout/payment');
  if (form.id === 'payment') {
    state.cart = [];
    save();
    router.go('/spa/checkout/done');
  }
});

// What the bundle holds, as the server measured it when it built the bundle.
fetch('/spa/bundle.json')
  .then((response) => response.json())
  .then(({ kilobytes, brotli, included, excluded }) => {
    const box = document.getElementById('bundle');
    const line = (label, names) => {
      const p = document.createElement('p');
      p.append(`${label}: `);
      names.forEach((name, index) => {
        const code = document.createElement('code');
        code.textContent = name;
        p.append(index ? ', ' : '', code);
      });
      return p;
    };
    const size = document.createElement('p');
    size.textContent = `touchtrail's part of this app's bundle: ${kilobytes} KB minified, ${brotli} KB with brotli.`;
    box.replaceChildren(size, line('In the bundle', included), line('Left out by tree-shaking', excluded));
  })
  .catch(() => {});
