// The shop's own behaviour: a cart in localStorage and the GA4 ecommerce events a shop running Google Tag
// Manager pushes to its data layer. touchtrail is told nothing by this file: it reads those pushes, the URLs
// and the markup on its own.
//
// A plain script in <head>, before touchtrail's: what a page reports as it loads (view_item, begin_checkout,
// purchase) is pushed at once, as a server-rendered page pushes it inline, so that it is in the data layer
// before touchtrail looks at the URL, and the data layer's values (cart, order id, revenue) are the ones kept.
// What needs the page's elements waits for DOMContentLoaded.
(() => {
  const PRODUCTS = {
    'trail-runner': { item_id: 'TR-1', item_name: 'Trail Runner', price: 120 },
    'day-pack': { item_id: 'DP-20', item_name: 'Day Pack 20 L', price: 80 },
    'rain-shell': { item_id: 'RS-3', item_name: 'Rain Shell', price: 150 },
  };
  const CURRENCY = 'EUR';
  const CART = 'trailhead.cart';
  const ORDER = 'trailhead.order';
  const SHIPPING = { standard: 0, express: 12 };

  const read = (key, fallback) => {
    try {
      return JSON.parse(localStorage.getItem(key)) ?? fallback;
    } catch {
      return fallback;
    }
  };
  const write = (key, value) => localStorage.setItem(key, JSON.stringify(value));
  const cart = () => read(CART, []);
  const items = (lines) => lines.map(({ slug, quantity }) => ({ ...PRODUCTS[slug], quantity }));
  const total = (lines) => lines.reduce((sum, { slug, quantity }) => sum + PRODUCTS[slug].price * quantity, 0);
  const money = (value) => new Intl.NumberFormat('en-IE', { style: 'currency', currency: CURRENCY }).format(value);
  // GA4's advice: clear the previous ecommerce object first, so that its fields do not leak into the next event.
  const push = (event, ecommerce) => {
    dataLayer.push({ ecommerce: null });
    dataLayer.push({ event, ecommerce: { currency: CURRENCY, ...ecommerce } });
  };
  const $ = (selector) => document.querySelector(selector);
  const go = (path) => (location.href = path);

  // What each page reports as it loads: at once, before touchtrail has looked at the page.
  const loaded = {
    product() {
      const slug = document.documentElement.dataset.product;
      push('view_item', { value: PRODUCTS[slug].price, items: items([{ slug, quantity: 1 }]) });
    },
    cart() {
      const lines = cart();
      // The cart is this shop's first checkout step: begin_checkout, as GA4 asks, when a checkout starts.
      if (lines.length) push('begin_checkout', { value: total(lines), items: items(lines) });
    },
    confirmation() {
      const lines = cart();
      // A reload of the confirmation page shows the order again; it does not place it again.
      if (!lines.length) return;
      const tier = sessionStorage.getItem('trailhead.tier') || 'standard';
      const order = { id: `TH-${Math.random().toString(36).slice(2, 8).toUpperCase()}`, value: total(lines) + SHIPPING[tier] };
      push('purchase', { transaction_id: order.id, value: order.value, shipping: SHIPPING[tier], tax: 0, items: items(lines) });
      write(ORDER, order);
      write(CART, []);
    },
  };

  // What each page does once its elements are there.
  const ready = {
    product() {
      const slug = document.documentElement.dataset.product;
      $('#add-to-cart').addEventListener('click', () => {
        const lines = cart();
        const line = lines.find((l) => l.slug === slug);
        if (line) line.quantity += 1;
        else lines.push({ slug, quantity: 1 });
        write(CART, lines);
        push('add_to_cart', { value: PRODUCTS[slug].price, items: items([{ slug, quantity: 1 }]) });
        go('/shop/checkout/cart');
      });
    },
    cart() {
      const lines = cart();
      const list = $('#cart-lines');
      for (const { slug, quantity } of lines) {
        const li = document.createElement('li');
        li.textContent = `${quantity} × ${PRODUCTS[slug].item_name}: ${money(PRODUCTS[slug].price * quantity)}`;
        list.append(li);
      }
      $('#cart-total').textContent = money(total(lines));
      $('#cart-empty').hidden = lines.length > 0;
      $('#to-shipping').hidden = lines.length === 0;
    },
    shipping() {
      $('#shipping-form').addEventListener('submit', (event) => {
        // The checkout is sent by script, as most are today; touchtrail counts the form with
        // data-forms-count-prevented="true" on its script tag.
        event.preventDefault();
        const form = event.target;
        const tier = form.elements.tier.value;
        const lines = cart();
        gtag('event', 'add_shipping_info', { currency: CURRENCY, value: total(lines), shipping_tier: tier, items: items(lines) });
        sessionStorage.setItem('trailhead.tier', tier);
        go('/shop/checkout/payment');
      });
    },
    payment() {
      const lines = cart();
      const tier = sessionStorage.getItem('trailhead.tier') || 'standard';
      $('#payment-total').textContent = money(total(lines) + SHIPPING[tier]);
      $('#payment-form').addEventListener('submit', (event) => {
        event.preventDefault();
        gtag('event', 'add_payment_info', { currency: CURRENCY, value: total(lines), payment_type: 'card', items: items(lines) });
        go('/shop/checkout/confirmation');
      });
    },
    confirmation() {
      const order = read(ORDER, null);
      $('#order-id').textContent = order ? order.id : '–';
      $('#order-total').textContent = order ? money(order.value) : '–';
    },
    help() {
      $('#contact-form').addEventListener('submit', (event) => {
        event.preventDefault();
        event.target.hidden = true;
        $('#contact-thanks').hidden = false;
      });
      $('#open-chat').addEventListener('click', () => Intercom('show'));
    },
  };

  const page = document.documentElement.dataset.page;
  loaded[page]?.();
  document.addEventListener('DOMContentLoaded', () => {
    // On every page: the cart's size in the navigation, and the campaign's offer for visitors an ad brought.
    const count = cart().reduce((n, line) => n + line.quantity, 0);
    const badge = $('#cart-count');
    if (badge) badge.textContent = count ? String(count) : '';
    const campaign = new URLSearchParams(location.search).get('utm_campaign');
    if (campaign && $('#offer')) {
      $('#offer').hidden = false;
      $('#offer-name').textContent = campaign.replace(/[_-]+/g, ' ');
    }
    ready[page]?.();
  });
})();
