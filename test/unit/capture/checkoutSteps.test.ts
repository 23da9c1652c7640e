import { afterEach, beforeEach, describe, expect, test, vi, type Mock } from 'vitest';
import type { Emit, Fail } from '../../../src/types';
import { checkoutSteps, type CheckoutStepsOptions } from '../../../src/capture/checkoutSteps';

const w = window as any;
const STEPS: CheckoutStepsOptions['steps'] = [
  { url: '/checkout', step: 1, name: 'checkout' },
  { url: '/checkout/shipping', step: 2, name: 'shipping' },
  { url: '/checkout/payment', step: 3, name: 'payment' },
];
const PURCHASE = {
  transaction_id: 'T-1001',
  value: 72.05,
  tax: 3.6,
  shipping: 5.99,
  currency: 'EUR',
  coupon: 'SUMMER',
  items: [
    { item_id: 'SKU_1', item_name: 'Tee', price: 20, quantity: 2, item_brand: 'Acme' },
    { item_id: 'SKU_2', item_name: 'Cap', price: 32.05, quantity: 1 },
  ],
};
const PRODUCTS = [
  { product_id: 'SKU_1', name: 'Tee', price: 20, quantity: 2 },
  { product_id: 'SKU_2', name: 'Cap', price: 32.05, quantity: 1 },
];

// jsdom lays nothing out and has no checkVisibility(). It does compute display (from the hidden attribute, inline
// styles and style sheets), which is what checkVisibility() answers from, so a step is shown here when the browser's
// checkVisibility() would say so.
Element.prototype.checkVisibility = function (this: Element) {
  for (let e: Element | null = this; e; e = e.parentElement) if (getComputedStyle(e).display == 'none') return false;
  return this.isConnected;
};

// jsdom has no IntersectionObserver, nor renders. As a browser does for a page that fits in the viewport, frame() (a
// rendering of the page) reports each observed element whose rendering changed since the last report, and every newly
// observed one: intersecting when checkVisibility() says it is shown.
const observers = new Set<{ targets: Map<Element, unknown>; report: () => void }>();
(window as any).IntersectionObserver = function (callback: IntersectionObserverCallback) {
  const targets = new Map<Element, boolean | undefined>();
  const observer = {
    targets,
    observe: (target: Element) => targets.has(target) || targets.set(target, undefined),
    unobserve: (target: Element) => targets.delete(target),
    disconnect: () => (targets.clear(), observers.delete(observer)),
    report: () => {
      const entries: { target: Element; isIntersecting: boolean }[] = [];
      targets.forEach((was, target) => {
        const now = target.checkVisibility();
        if (now !== was) targets.set(target, now), entries.push({ target, isIntersecting: now });
      });
      if (entries.length) callback(entries as IntersectionObserverEntry[], observer as unknown as IntersectionObserver);
    },
  };
  observers.add(observer);
  return observer;
};
const frame = () => observers.forEach((observer) => observer.report());
const observed = () => [...observers].reduce((count, observer) => count + observer.targets.size, 0);

let emit: Mock<Emit>;
let fail: Mock<Fail>;
let stops: (() => void)[] = [];
let visibility: DocumentVisibilityState = 'visible';

/** Starts the capture as a page load would, and lets it read the page once the page's scripts have run. */
const start = (options: CheckoutStepsOptions = { steps: STEPS, confirmation: '/checkout/thanks' }) => {
  stops.push(checkoutSteps(options)(emit, fail));
  vi.advanceTimersByTime(0);
};
/** A page load in the same tab: the old page's capture is gone, sessionStorage stays. */
const reload = (path: string, options?: CheckoutStepsOptions) => {
  stops.forEach((s) => s());
  stops = [];
  history.replaceState(null, '', path);
  start(options);
};
const go = (path: string) => {
  history.pushState(null, '', path);
  vi.advanceTimersByTime(0); // onUrlChange reports once the stack has unwound
};
const hide = () => {
  visibility = 'hidden';
  document.dispatchEvent(new Event('visibilitychange'));
};
const show = () => {
  visibility = 'visible';
  document.dispatchEvent(new Event('visibilitychange'));
};
/** What a browser does for a submit (jsdom stops after the submit event): unless cancelled, formdata in the same task. */
const submit = (form: HTMLFormElement) => {
  if (form.dispatchEvent(new SubmitEvent('submit', { bubbles: true, cancelable: true }))) form.dispatchEvent(new Event('formdata'));
  vi.advanceTimersByTime(0); // a cancelled submit is judged in the next task
};
const events = () => emit.mock.calls.map(([name, properties]) => [name, properties!.step, properties!.stepName]);
const named = (name: string) => emit.mock.calls.filter(([event]) => event === name).map(([, properties]) => properties!);

beforeEach(() => {
  vi.useFakeTimers();
  emit = vi.fn<Emit>();
  fail = vi.fn<Fail>();
  visibility = 'visible';
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => visibility });
  Object.defineProperty(document, 'hidden', { configurable: true, get: () => visibility == 'hidden' });
  sessionStorage.clear();
  delete w.dataLayer;
  delete w.navigation;
  document.body.innerHTML = '';
  history.replaceState(null, '', '/');
});

afterEach(() => {
  stops.forEach((s) => s());
  stops = [];
  vi.useRealTimers();
});

describe('URL rules', () => {
  test('matched on the first page and on every SPA route change', () => {
    history.replaceState(null, '', '/checkout/shipping');
    start();
    expect(emit).toHaveBeenCalledWith(
      'Checkout Step Viewed',
      { touchpointKind: 'checkout_step', step: 2, stepName: 'shipping' },
      { element: undefined },
    );
    go('/checkout/payment');
    go('/products/tee');
    expect(events()).toEqual([
      ['Checkout Step Viewed', 2, 'shipping'],
      ['Checkout Step Viewed', 3, 'payment'],
    ]);
  });

  test('a trailing slash, a glob and a RegExp on path, query and hash', () => {
    history.replaceState(null, '', '/checkout/shipping/');
    start({
      steps: [
        { url: '/checkout/shipping', step: 2, name: 'shipping' },
        { url: '/shop/*/pay', step: 3, name: 'payment' },
        { url: /[?&]step=review/, step: 4, name: 'review' },
      ],
    });
    go('/shop/eu/pay');
    go('/one-page-checkout?step=review');
    go('/shop/eu/pay/extra'); // the path must end where the pattern does
    go('/shop/eu/de/pay'); // a glob's * spans segments
    expect(events()).toEqual([
      ['Checkout Step Viewed', 2, 'shipping'],
      ['Checkout Step Viewed', 3, 'payment'],
      ['Checkout Step Viewed', 4, 'review'],
      ['Checkout Step Viewed', 3, 'payment'],
    ]);
  });

  test('hash-routed checkouts', () => {
    history.replaceState(null, '', '/checkout#shipping');
    start({ steps: [{ url: /#shipping$/, step: 2, name: 'shipping' }, { url: /#payment$/, step: 3, name: 'payment' }] });
    location.hash = '#payment';
    window.dispatchEvent(new HashChangeEvent('hashchange'));
    vi.advanceTimersByTime(0);
    expect(events()).toEqual([
      ['Checkout Step Viewed', 2, 'shipping'],
      ['Checkout Step Viewed', 3, 'payment'],
    ]);
  });

  test('the same route again is one step viewed, coming back to it later is another', () => {
    history.replaceState(null, '', '/checkout/shipping');
    start();
    history.replaceState(null, '', '/checkout/shipping');
    vi.advanceTimersByTime(0);
    go('/checkout/payment');
    go('/checkout/shipping');
    expect(events().map(([, step]) => step)).toEqual([2, 3, 2]);
  });

  test('the confirmation page is Order Completed, after the last step', () => {
    history.replaceState(null, '', '/checkout/thanks');
    start();
    expect(events()).toEqual([['Order Completed', 4, 'confirmation']]);
  });

  test('a page that matches nothing emits nothing', () => {
    history.replaceState(null, '', '/products/tee');
    start();
    go('/cart');
    expect(emit).not.toHaveBeenCalled();
  });
});

describe('markup', () => {
  test('an element present on the page is its step viewed; a form submitted is its step completed', () => {
    document.body.innerHTML =
      '<main data-touchpoint-checkout-step="2" data-touchpoint-checkout-step-name="delivery"></main>' +
      '<form data-touchpoint-checkout-step="2" data-touchpoint-checkout-step-name="delivery"></form>';
    start({});
    const form = document.querySelector('form')!;
    expect(named('Checkout Step Viewed')).toEqual([{ touchpointKind: 'checkout_step', step: 2, stepName: 'delivery' }]);
    expect(emit.mock.calls[0]![2]).toEqual({ element: document.querySelector('main') });
    submit(form);
    expect(emit).toHaveBeenLastCalledWith(
      'Checkout Step Completed',
      { touchpointKind: 'checkout_step', step: 2, stepName: 'delivery' },
      { element: form },
    );
    // A form sent again on the same page (a validation error the first time) is one step completed.
    submit(form);
    expect(named('Checkout Step Completed')).toHaveLength(1);
  });

  test('a checkout form the page sends itself is its step completed; one its validation rejects is not', () => {
    document.body.innerHTML = '<form novalidate data-touchpoint-checkout-step="2"><input name="zip" required></form>';
    start({});
    const form = document.querySelector('form')!;
    const input = form.querySelector('input')!;
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      input.setAttribute('aria-invalid', String(!input.value));
    });
    submit(form);
    expect(named('Checkout Step Completed')).toHaveLength(0);
    input.value = '75001';
    submit(form);
    expect(named('Checkout Step Completed')).toHaveLength(1);
  });

  test('a step rendered after the page loaded (an SPA) is seen when it appears; its name comes from the URL rules', async () => {
    start({ steps: STEPS });
    const step = document.createElement('section');
    step.setAttribute('data-touchpoint-checkout-step', '3');
    document.body.append(step);
    await Promise.resolve(); // MutationObserver callbacks run as microtasks
    expect(events()).toEqual([['Checkout Step Viewed', 3, 'payment']]);
  });

  test('a change to the page looks at what was added, not at the whole document again', async () => {
    document.body.innerHTML = '<main></main>';
    start({});
    const whole = vi.spyOn(document, 'querySelectorAll');
    document.querySelector('main')!.innerHTML = '<p>Loading…</p>';
    await Promise.resolve();
    expect(whole).not.toHaveBeenCalled();
    whole.mockRestore();
  });

  test('a step the page keeps hidden is not viewed until the page shows it', async () => {
    document.body.innerHTML =
      '<style>.collapsed > * { display: none }</style>' +
      '<section data-touchpoint-checkout-step="1"></section>' +
      '<section data-touchpoint-checkout-step="2" hidden></section>' +
      '<div class="collapsed"><section data-touchpoint-checkout-step="3"></section></div>' +
      '<section data-touchpoint-checkout-step="4" style="display:none"></section>';
    start({});
    frame();
    expect(events().map(([, step]) => step)).toEqual([1]);
    document.querySelector('[hidden]')!.removeAttribute('hidden');
    await Promise.resolve();
    frame();
    document.querySelector('.collapsed')!.className = 'open'; // the accordion opens
    await Promise.resolve();
    frame();
    expect(events().map(([, step]) => step)).toEqual([1, 2, 3]);
  });

  test('a step that CSS alone shows (input:checked ~ .panel, :target, a media query: no DOM change) is viewed once shown', async () => {
    document.body.innerHTML =
      '<style>.panel { display: none } #open-payment:checked ~ .panel { display: block }</style>' +
      '<section data-touchpoint-checkout-step="2"></section>' +
      '<input type="checkbox" id="open-payment"><div class="panel"><section data-touchpoint-checkout-step="3"></section></div>';
    // jsdom's getComputedStyle does not follow :checked (it recomputes on DOM changes only): this answers as a
    // browser's checkVisibility() would for this page.
    const checkbox = document.querySelector<HTMLInputElement>('#open-payment')!;
    const visible = vi
      .spyOn(Element.prototype, 'checkVisibility')
      .mockImplementation(function (this: Element) {
        return this.isConnected && (!this.closest('.panel') || checkbox.checked);
      });
    try {
      start({});
      frame();
      expect(events().map(([, step]) => step)).toEqual([2]);
      // The visitor opens the payment panel: the browser changes the checkbox's checkedness, not its attribute.
      checkbox.click();
      await Promise.resolve();
      frame();
      expect(events().map(([, step]) => step)).toEqual([2, 3]);
    } finally {
      visible.mockRestore();
    }
  });

  test('while a step is hidden, a change to the page costs no checkVisibility() and no watching of every attribute', async () => {
    document.body.innerHTML = '<section data-touchpoint-checkout-step="2" hidden></section><main></main>';
    start({});
    const visible = vi.spyOn(Element.prototype, 'checkVisibility');
    const main = document.querySelector('main')!;
    main.className = 'busy';
    main.innerHTML = '<p>Loading…</p>';
    await Promise.resolve();
    expect(visible).not.toHaveBeenCalled();
    visible.mockRestore();
  });

  test('a hidden step the page removes is no longer observed', async () => {
    document.body.innerHTML = '<main><section data-touchpoint-checkout-step="2" hidden></section></main>';
    start({});
    expect(observed()).toBe(1);
    document.querySelector('main')!.innerHTML = '';
    await Promise.resolve();
    expect(observed()).toBe(0);
  });

  test('where IntersectionObserver is missing, a change to the page looks at hidden steps again', async () => {
    const IntersectionObserver = w.IntersectionObserver;
    delete w.IntersectionObserver;
    try {
      document.body.innerHTML =
        '<section data-touchpoint-checkout-step="1" hidden></section><section data-touchpoint-checkout-step="2" class="later"></section>' +
        '<style>.later { display: none }</style>';
      start({});
      document.querySelector('[hidden]')!.removeAttribute('hidden');
      await Promise.resolve();
      document.querySelector('.later')!.className = '';
      await Promise.resolve();
      expect(events().map(([, step]) => step)).toEqual([1, 2]);
    } finally {
      w.IntersectionObserver = IntersectionObserver;
    }
  });

  test('where checkVisibility() is missing, a step without boxes is hidden', () => {
    const checkVisibility = Element.prototype.checkVisibility;
    const boxes = vi.spyOn(Element.prototype, 'getClientRects').mockImplementation(function (this: Element) {
      return (this.hasAttribute('hidden') ? [] : [new DOMRect()]) as unknown as DOMRectList;
    });
    delete (Element.prototype as any).checkVisibility;
    try {
      document.body.innerHTML = '<section data-touchpoint-checkout-step="1"></section><section data-touchpoint-checkout-step="2" hidden></section>';
      start({});
      expect(events().map(([, step]) => step)).toEqual([1]);
    } finally {
      Element.prototype.checkVisibility = checkVisibility;
      boxes.mockRestore();
    }
  });

  test('SPA: a step still shown when the URL changes is not viewed again; its number changing is the next step', async () => {
    history.replaceState(null, '', '/checkout/shipping');
    document.body.innerHTML = '<main data-touchpoint-checkout-step="2"></main>';
    start({});
    // The router changes the URL; the framework renders the next step a little later (a loader, an async render).
    go('/checkout/payment');
    document.body.innerHTML = '<main data-touchpoint-checkout-step="3"></main>';
    await Promise.resolve();
    // Back to shipping: the same element now shows step 2.
    go('/checkout/shipping');
    document.querySelector('main')!.setAttribute('data-touchpoint-checkout-step', '2');
    await Promise.resolve();
    expect(events().map(([, step]) => step)).toEqual([2, 3, 2]);
  });

  test('an unnamed step of no rule is named by its number; a step that is not a number is ignored', () => {
    document.body.innerHTML = '<div data-touchpoint-checkout-step="5"></div><div data-touchpoint-checkout-step="soon"></div>';
    start({});
    expect(events()).toEqual([['Checkout Step Viewed', 5, 'step 5']]);
  });
});

describe('GA4 data layer', () => {
  test('pushes made before touchtrail loaded are read: GTM objects and gtag() arguments', () => {
    w.dataLayer = [];
    w.dataLayer.push({ event: 'gtm.js' });
    w.dataLayer.push({ ecommerce: null });
    w.dataLayer.push({ event: 'begin_checkout', ecommerce: { currency: 'EUR', value: 72.05, items: PURCHASE.items } });
    (function gtag(..._: unknown[]) {
      // eslint-disable-next-line prefer-rest-params
      w.dataLayer.push(arguments);
    })('event', 'add_shipping_info', { currency: 'EUR', value: 72.05, shipping_tier: 'Ground', items: PURCHASE.items });
    start({});
    expect(emit.mock.calls.map(([name, properties]) => [name, properties])).toEqual([
      [
        'Checkout Started',
        { touchpointKind: 'checkout_step', step: 1, stepName: 'checkout', products: PRODUCTS, value: 72.05, currency: 'EUR' },
      ],
      [
        'Checkout Step Completed',
        {
          touchpointKind: 'checkout_step',
          step: 2,
          stepName: 'shipping',
          products: PRODUCTS,
          value: 72.05,
          currency: 'EUR',
          shipping_method: 'Ground',
        },
      ],
    ]);
  });

  test('pushes after touchtrail loaded are read, and push keeps its return value', () => {
    start({});
    expect(w.dataLayer.push({ event: 'add_payment_info', ecommerce: { payment_type: 'Credit Card', items: [] } })).toBe(1);
    expect(w.dataLayer).toHaveLength(1);
    w.dataLayer.push({ event: 'purchase', ecommerce: PURCHASE });
    expect(emit.mock.calls.map(([name, properties]) => [name, properties])).toEqual([
      [
        'Payment Info Entered',
        { touchpointKind: 'checkout_step', step: 3, stepName: 'payment', products: [], payment_method: 'Credit Card' },
      ],
      [
        'Order Completed',
        {
          touchpointKind: 'checkout_step',
          step: 4,
          stepName: 'confirmation',
          order_id: 'T-1001',
          value: 72.05,
          revenue: 72.05,
          currency: 'EUR',
          coupon: 'SUMMER',
          shipping: 5.99,
          tax: 3.6,
          products: PRODUCTS,
        },
      ],
    ]);
  });

  test('a GTM push with the parameters beside event, not in ecommerce', () => {
    start({});
    w.dataLayer.push({ event: 'add_payment_info', payment_type: 'PayPal', value: 10, currency: 'EUR' });
    expect(named('Payment Info Entered')).toEqual([
      {
        touchpointKind: 'checkout_step',
        step: 3,
        stepName: 'payment',
        products: [],
        payment_method: 'PayPal',
        value: 10,
        currency: 'EUR',
      },
    ]);
  });

  test('add_to_cart and view_item are product touchpoints, one per item', () => {
    start({});
    w.dataLayer.push({ event: 'view_item', ecommerce: { currency: 'EUR', value: 20, items: [PURCHASE.items[0]] } });
    w.dataLayer.push({ event: 'add_to_cart', ecommerce: { currency: 'EUR', value: 72.05, items: PURCHASE.items } });
    expect(emit.mock.calls.map(([name, properties]) => [name, properties])).toEqual([
      ['Product Viewed', { touchpointKind: 'product', ...PRODUCTS[0], currency: 'EUR' }],
      ['Product Added', { touchpointKind: 'product', ...PRODUCTS[0], currency: 'EUR' }],
      ['Product Added', { touchpointKind: 'product', ...PRODUCTS[1], currency: 'EUR' }],
    ]);
    // Products are not checkout steps: nothing to abandon.
    hide();
    expect(emit).toHaveBeenCalledTimes(3);
  });

  test('GA4 steps take the numbers of the URL rules with the same names', () => {
    start({ steps: [{ url: '/checkout/delivery', step: 4, name: 'shipping' }] });
    w.dataLayer.push({ event: 'add_shipping_info', ecommerce: {} });
    w.dataLayer.push({ event: 'purchase', ecommerce: { transaction_id: 'T' } });
    expect(events()).toEqual([
      ['Checkout Step Completed', 4, 'shipping'],
      ['Order Completed', 5, 'confirmation'],
    ]);
  });

  test('GTM loading after touchtrail wraps push in turn: each push is read once, and GTM still gets it', () => {
    start({});
    // What GTM's data-layer-helper does: keep the current push, replace it with one that calls it, then processes.
    const gtmSaw: unknown[] = [];
    const previous = w.dataLayer.push;
    w.dataLayer.push = function (...messages: unknown[]) {
      const result = previous.apply(w.dataLayer, messages);
      gtmSaw.push(...messages);
      return result;
    };
    w.dataLayer.push({ event: 'begin_checkout', ecommerce: {} });
    expect(gtmSaw).toHaveLength(1);
    expect(events()).toEqual([['Checkout Started', 1, 'checkout']]);
  });

  test('GTM loaded before touchtrail: its push is wrapped, not replaced', () => {
    w.dataLayer = [];
    const gtmSaw: unknown[] = [];
    const arrayPush = w.dataLayer.push;
    w.dataLayer.push = function (...messages: unknown[]) {
      gtmSaw.push(...messages);
      return arrayPush.apply(w.dataLayer, messages);
    };
    start({});
    expect(w.dataLayer.push({ event: 'purchase', ecommerce: { transaction_id: 'T' } })).toBe(1);
    expect(gtmSaw).toHaveLength(1);
    expect(events()).toEqual([['Order Completed', 4, 'confirmation']]);
  });

  test('a push that throws on its own still throws, as it did before touchtrail', () => {
    w.dataLayer = [];
    w.dataLayer.push = () => {
      throw new Error('broken tag');
    };
    start({});
    expect(() => w.dataLayer.push({ event: 'begin_checkout' })).toThrow('broken tag');
  });

  test('a malformed ecommerce payload is reported, never thrown at the page', () => {
    start({});
    expect(() => w.dataLayer.push({ event: 'purchase', ecommerce: { items: 'not a list' } })).not.toThrow();
    expect(fail).toHaveBeenCalled();
  });

  test('dataLayer: false leaves the data layer alone; another name is read', () => {
    start({ dataLayer: false });
    expect(w.dataLayer).toBeUndefined();
    w.shopLayer = [{ event: 'begin_checkout' }];
    start({ dataLayer: 'shopLayer' });
    expect(events()).toEqual([['Checkout Started', 1, 'checkout']]);
    delete w.shopLayer;
  });

  test('stop() puts the original push back', () => {
    w.dataLayer = [];
    const original = w.dataLayer.push;
    start({});
    expect(w.dataLayer.push).not.toBe(original);
    stops.pop()!();
    expect(w.dataLayer.push).toBe(original);
  });
});

describe('dedupe', () => {
  test('a URL rule and the data layer reporting the same step on one page emit once, the data layer first', () => {
    history.replaceState(null, '', '/checkout');
    w.dataLayer = [{ event: 'begin_checkout', ecommerce: { value: 10, currency: 'EUR' } }];
    start();
    expect(events()).toEqual([['Checkout Started', 1, 'checkout']]);
  });

  test('started while the page loads: a push in a DOMContentLoaded handler added after ours still comes first', () => {
    history.replaceState(null, '', '/checkout');
    let state: DocumentReadyState = 'loading';
    Object.defineProperty(document, 'readyState', { configurable: true, get: () => state });
    try {
      start();
      // The shop's script, after the tag: it reports the step once the page is parsed.
      document.addEventListener('DOMContentLoaded', () => w.dataLayer.push({ event: 'begin_checkout', ecommerce: { value: 10, currency: 'EUR' } }));
      state = 'interactive';
      document.dispatchEvent(new Event('DOMContentLoaded'));
      vi.advanceTimersByTime(0);
      expect(events()).toEqual([['Checkout Started', 1, 'checkout']]);
      expect(named('Checkout Started')[0]).toMatchObject({ value: 10, currency: 'EUR' });
    } finally {
      delete (document as any).readyState;
    }
  });

  test('the confirmation page and the purchase push are one Order Completed, with the order values', () => {
    history.replaceState(null, '', '/checkout/thanks');
    w.dataLayer = [{ event: 'purchase', ecommerce: PURCHASE }];
    start();
    expect(named('Order Completed')).toEqual([expect.objectContaining({ order_id: 'T-1001', revenue: 72.05 })]);
  });

  test('an #anchor on the confirmation page is the same page: one Order Completed', () => {
    history.replaceState(null, '', '/checkout/thanks');
    start();
    location.hash = '#order-details';
    window.dispatchEvent(new HashChangeEvent('hashchange'));
    vi.advanceTimersByTime(0);
    expect(named('Order Completed')).toHaveLength(1);
  });

  test('the thank-you page cleaning ?order= from its URL after the purchase push is the same order', () => {
    history.replaceState(null, '', '/checkout/thanks?order=T-1001');
    w.dataLayer = [{ event: 'purchase', ecommerce: PURCHASE }];
    start();
    history.replaceState(null, '', '/checkout/thanks');
    vi.advanceTimersByTime(0);
    expect(named('Order Completed')).toEqual([expect.objectContaining({ order_id: 'T-1001' })]);
  });

  test('the confirmation page reloaded is the same order, whether it pushes the purchase again or not', () => {
    reload('/checkout/payment');
    reload('/checkout/thanks');
    reload('/checkout/thanks');
    w.dataLayer = [{ event: 'purchase', ecommerce: PURCHASE }];
    reload('/checkout/thanks?order=T-1001');
    reload('/checkout/thanks?order=T-1001');
    expect(named('Order Completed').map((p) => p.order_id)).toEqual([undefined, 'T-1001']);
  });

  test('the next checkout of the session has its own order', () => {
    reload('/checkout/payment');
    reload('/checkout/thanks');
    reload('/checkout/payment');
    reload('/checkout/thanks');
    expect(named('Order Completed')).toHaveLength(2);
  });

  test('a hash-routed SPA reporting through the data layer: each #/route is a page, so its next checkout and order count', () => {
    history.replaceState(null, '', '/#/cart');
    start({});
    const checkout = (order: string) => {
      go('/#/checkout');
      w.dataLayer.push({ event: 'begin_checkout', ecommerce: { value: 10 } });
      go('/#/checkout/payment');
      w.dataLayer.push({ event: 'add_payment_info', ecommerce: { value: 10 } });
      go('/#/thanks');
      w.dataLayer.push({ event: 'purchase', ecommerce: { transaction_id: order, value: 10 } });
    };
    checkout('T-1');
    go('/#/products/cap');
    checkout('T-2');
    expect(named('Checkout Started')).toHaveLength(2);
    expect(named('Order Completed').map((p) => p.order_id)).toEqual(['T-1', 'T-2']);
  });

  test('a #!/route (a hashbang router) is a page too: back on it after a page that reported nothing, its step counts again', () => {
    history.replaceState(null, '', '/#!/checkout');
    start({});
    w.dataLayer.push({ event: 'begin_checkout', ecommerce: {} });
    go('/#!/products/cap');
    go('/#!/checkout');
    w.dataLayer.push({ event: 'begin_checkout', ecommerce: {} });
    expect(named('Checkout Started')).toHaveLength(2);
  });

  test('a page that takes a second order in place (a new transaction_id, same URL) counts it; the same order again does not', () => {
    history.replaceState(null, '', '/kiosk');
    start({});
    w.dataLayer.push({ event: 'purchase', ecommerce: PURCHASE });
    w.dataLayer.push({ event: 'purchase', ecommerce: { ...PURCHASE, transaction_id: 'T-1002' } });
    w.dataLayer.push({ event: 'purchase', ecommerce: PURCHASE });
    expect(named('Order Completed').map((p) => p.order_id)).toEqual(['T-1001', 'T-1002']);
  });

  test('a purchase pushed after the confirmation URL rule reported the order on that page is that order, not another', () => {
    history.replaceState(null, '', '/checkout/thanks');
    start();
    w.dataLayer.push({ event: 'purchase', ecommerce: PURCHASE });
    expect(named('Order Completed')).toHaveLength(1);
  });

  test('a form submitted and the data layer event for that step are one step completed', () => {
    document.body.innerHTML = '<form data-touchpoint-checkout-step="2"></form>';
    start({ steps: STEPS });
    submit(document.querySelector('form')!);
    w.dataLayer.push({ event: 'add_shipping_info', ecommerce: { shipping_tier: 'Ground' } });
    expect(named('Checkout Step Completed')).toHaveLength(1);
  });

  test('viewing a step and completing it are two events', () => {
    history.replaceState(null, '', '/checkout/payment');
    start();
    w.dataLayer.push({ event: 'add_payment_info', ecommerce: {} });
    expect(events()).toEqual([
      ['Checkout Step Viewed', 3, 'payment'],
      ['Payment Info Entered', 3, 'payment'],
    ]);
  });
});

describe('abandonment', () => {
  const abandoned = () => named('Checkout Abandoned');

  test('leaving a started checkout reports the furthest step, once for hidden, visible and hidden again', () => {
    history.replaceState(null, '', '/checkout/shipping');
    start();
    go('/checkout/payment');
    go('/checkout/shipping'); // back a step: the furthest is still payment
    hide();
    window.dispatchEvent(new Event('pagehide'));
    show();
    hide();
    expect(abandoned()).toEqual([{ touchpointKind: 'checkout_step', step: 3, stepName: 'payment' }]);
  });

  test('a further step re-arms it', () => {
    history.replaceState(null, '', '/checkout/shipping');
    start();
    hide();
    show();
    go('/checkout/payment');
    hide();
    expect(abandoned().map((p) => p.step)).toEqual([2, 3]);
  });

  test('not after the order is completed', () => {
    history.replaceState(null, '', '/checkout/payment');
    start();
    go('/checkout/thanks');
    hide();
    window.dispatchEvent(new Event('pagehide'));
    expect(abandoned()).toEqual([]);
  });

  test('not after a purchase pushed to the data layer', () => {
    w.dataLayer = [{ event: 'begin_checkout', ecommerce: {} }];
    start({});
    w.dataLayer.push({ event: 'purchase', ecommerce: { transaction_id: 'T' } });
    hide();
    expect(abandoned()).toEqual([]);
  });

  test('survives page loads: left from a later page of the session, it is the earlier page’s step', () => {
    history.replaceState(null, '', '/checkout/shipping');
    start();
    reload('/checkout/payment');
    reload('/products/tee'); // wandered off the checkout
    hide();
    expect(abandoned()).toEqual([{ touchpointKind: 'checkout_step', step: 3, stepName: 'payment' }]);
    // The next page load knows it was reported.
    reload('/products/cap');
    hide();
    expect(abandoned()).toHaveLength(1);
  });

  test('going to another page of the site is not leaving it (Navigation API)', () => {
    const navigation = (w.navigation = new EventTarget());
    const navigate = (url: string, extra: object = {}) =>
      navigation.dispatchEvent(Object.assign(new Event('navigate'), { destination: { url, sameDocument: false }, ...extra }));
    history.replaceState(null, '', '/checkout/shipping');
    start();
    navigate(`${location.origin}/checkout/payment`);
    hide();
    window.dispatchEvent(new Event('pagehide'));
    expect(abandoned()).toEqual([]);
    // The next page; now the visitor goes to another site.
    reload('/checkout/payment');
    navigate('https://elsewhere.example/');
    hide();
    expect(abandoned()).toEqual([{ touchpointKind: 'checkout_step', step: 3, stepName: 'payment' }]);
  });

  test('an SPA navigation that a router took over does not hide a later abandonment', () => {
    const navigation = (w.navigation = new EventTarget());
    history.replaceState(null, '', '/checkout/shipping');
    start();
    const destination = { url: `${location.origin}/checkout/payment`, sameDocument: false };
    navigation.dispatchEvent(Object.assign(new Event('navigate'), { destination }));
    navigation.dispatchEvent(new Event('navigatesuccess'));
    hide();
    expect(abandoned()).toHaveLength(1);
  });

  test('no checkout started, nothing to abandon', () => {
    history.replaceState(null, '', '/products/tee');
    start();
    hide();
    window.dispatchEvent(new Event('pagehide'));
    expect(emit).not.toHaveBeenCalled();
  });

  test('blocked sessionStorage costs the state across pages, never an exception, nor the abandonment of this page', () => {
    const blocked = () => {
      throw new DOMException('The operation is insecure.', 'SecurityError');
    };
    const storage = Object.getOwnPropertyDescriptor(window, 'sessionStorage')!;
    Object.defineProperty(window, 'sessionStorage', { configurable: true, get: blocked });
    try {
      history.replaceState(null, '', '/checkout/shipping');
      expect(() => start()).not.toThrow();
      expect(() => hide()).not.toThrow();
      expect(events()).toEqual([
        ['Checkout Step Viewed', 2, 'shipping'],
        ['Checkout Abandoned', 2, 'shipping'],
      ]);
      show();
      hide();
      expect(emit).toHaveBeenCalledTimes(2);
    } finally {
      Object.defineProperty(window, 'sessionStorage', storage);
    }
  });

  test('after stop(), nothing more', () => {
    history.replaceState(null, '', '/checkout/shipping');
    start();
    stops.pop()!();
    go('/checkout/payment');
    hide();
    expect(events()).toEqual([['Checkout Step Viewed', 2, 'shipping']]);
  });
});
