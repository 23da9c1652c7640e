import type { Capture, Properties } from '../types';
import { guard } from '../lib/guard';
import { matchPath } from '../lib/matchPath';
import { on } from '../lib/on';
import { onSubmission } from '../lib/onSubmission';
import { onUrlChange } from '../lib/onUrlChange';

/** A page of the checkout, recognised by its URL. */
export interface CheckoutStep {
  /**
   * The page: a path (`'/checkout/shipping'`, a trailing slash is optional), a glob on the path where `*` is any
   * run of characters (`'/checkout/*'`), or a RegExp, tested against path, query and hash (`/[?&]step=payment/`).
   * A page reports a step once; a page is its path and query, and its hash too when that is a route (`#/cart`,
   * `#!/cart`) or a RegExp rule has a `#`: an in-page `#anchor` is the same page.
   */
  url: string | RegExp;
  /** Its position in the checkout, from 1. */
  step: number;
  /** Its name, such as `'shipping'`. */
  name: string;
}

/** Options of `checkoutSteps`. */
export interface CheckoutStepsOptions {
  /**
   * The checkout's pages, matched on each page load and SPA route change. GA4's `begin_checkout`,
   * `add_shipping_info` and `add_payment_info` are the steps named `checkout`, `shipping` and `payment` here, or
   * steps 1, 2 and 3 when there is no step of that name.
   * @default []
   */
  steps?: CheckoutStep[];
  /**
   * The order confirmation page, as `CheckoutStep.url`: reaching it is `Order Completed`, once per checkout, so that
   * reloading it is not a second order.
   * @default undefined
   */
  confirmation?: string | RegExp;
  /**
   * The global name of the GA4 / Google Tag Manager data layer to read, or `false` to leave it alone.
   * @default 'dataLayer'
   */
  dataLayer?: string | false;
}

/**
 * The tab's checkout: the furthest step reached, whether its abandonment went out, and the orders completed in the
 * session. After an order, `step` is the order's, until a step starts the next checkout.
 */
type CheckoutState = { step: number; stepName: string; sent?: 1; orders?: string[] };

const ATTRIBUTE = 'data-touchpoint-checkout-step';
// One tab's checkout, across the pages of a multi-page checkout; a new tab starts its own.
const STATE = 'touchtrail:checkout';

// GA4's recommended ecommerce events (developers.google.com/analytics/devguides/collection/ga4/reference/events)
// as Segment Spec v2 ecommerce events: [event, dedupe phase, step name, default step]. A phase groups events that
// say the same thing: the step was shown (v), done (c), or the order placed (o).
const GA4: Record<string, [string, string?, string?, number?]> = {
  begin_checkout: ['Checkout Started', 'v', 'checkout', 1],
  add_shipping_info: ['Checkout Step Completed', 'c', 'shipping', 2],
  add_payment_info: ['Payment Info Entered', 'c', 'payment', 3],
  purchase: ['Order Completed', 'o', 'confirmation'],
  add_to_cart: ['Product Added'],
  view_item: ['Product Viewed'],
};

const here = (hash?: unknown) => location.pathname + location.search + (hash ? location.hash : '');
const matches = (url: string | RegExp) => (url instanceof RegExp ? url.test(here(1)) : matchPath(url, location.pathname));

/**
 * Captures checkout steps without hand instrumentation, from URL rules, `data-touchpoint-checkout-step` markup and
 * the GA4 ecommerce events a shop already pushes to its data layer, as Segment Spec ecommerce events. A visitor
 * who leaves a started checkout without completing the order is reported once as `Checkout Abandoned`, with the
 * furthest step reached.
 */
export const checkoutSteps =
  ({ steps = [], confirmation, dataLayer = 'dataLayer' }: CheckoutStepsOptions = {}): Capture =>
  (emit, fail, persist = () => true) => {
    const w = window as any;
    // The order comes after every step.
    const done = Math.max(3, ...steps.map((s) => s.step)) + 1;
    // A page is its path and query: an #anchor, or a hash a router does not use, is the same page, unless a rule
    // tells pages apart by the hash (a hash-routed checkout) or the hash is a route (#/cart, #!/cart), which a
    // hash-routed SPA that reports through its data layer alone has and no anchor does.
    // (A path cannot hold a `#`, so one in the rules is a RegExp's.)
    const hashed = (steps.map((s) => s.url) + ',' + confirmation).includes('#');
    let page = '';
    // What this page has reported already, and for an order its id: a step seen through two inputs counts once.
    let seen: Record<string, string> = {};
    let leaving = 0;
    let stopped = false;
    // sessionStorage throws when blocked (sandboxed frames, storage turned off) or full, and may not be written
    // without leave to store (consent pending, a privacy signal): the checkout is then known to this page only.
    let memory: CheckoutState | null = null;
    const load = (): CheckoutState | null => {
      try {
        return (persist() && JSON.parse(sessionStorage.getItem(STATE)!)) || memory;
      } catch {
        return memory;
      }
    };
    const save = (state: CheckoutState) => {
      memory = state;
      try {
        if (persist()) sessionStorage.setItem(STATE, JSON.stringify(state));
      } catch {}
    };

    // Called on every URL change too, not only when a step is reported: coming back to a page after one that
    // reported nothing (the cart, a product) is coming back, and reports its steps again.
    const arrive = () => {
      const at = here(hashed || /^#!?\//.test(location.hash));
      if (page != at) (page = at), (seen = {});
    };

    const checkout = (event: string, phase: string, step: number, stepName: string, properties: Properties = {}, element?: Element) => {
      arrive();
      const order = phase == 'o' ? (properties.order_id as string) || '' : '';
      // An order with an id is told apart by its id (the orders below), not by the page: a page may take a second
      // order in place. Only an order this page reported without one (the confirmation URL rule) is the same order.
      if (stopped || (phase + step in seen && !(order && seen[phase + step]))) return;
      seen[phase + step] = order;
      const { step: furthest = 0, orders = [] } = load() || {};
      // An order counts once a session: the thank-you page reloaded, or its URL cleaned of `?order=`, is the same
      // order. One without an id is the checkout's, and the checkout has none left once an order completed it.
      if (phase == 'o' && (order ? orders.includes(order) : furthest == done)) return;
      emit(event, { touchpointKind: 'checkout_step', step, stepName, ...properties }, { element });
      // The furthest step counts, or any after an order (the next checkout); a new one re-arms the abandonment report.
      if (phase == 'o') save({ step, stepName, sent: 1, orders: order ? [...orders, order] : orders });
      else if (step > furthest || furthest == done) save({ step, stepName, orders });
    };

    // An element marked with a step; an unmarked one (a form submitted, say) has step 0, and is none.
    const marked = (element: Element, event: string, phase: string) => {
      const step = +element.getAttribute(ATTRIBUTE)!;
      if (step > 0) {
        const name =
          element.getAttribute(ATTRIBUTE + '-name') || (steps.find((s) => s.step == step) || { name: 'step ' + step }).name;
        checkout(event, phase, step, name, {}, element);
      }
    };

    // Marked elements, by the step each was viewed as: one still shown after a route change (an SPA keeps the last
    // step on screen while it loads the next) is not viewed again, unless its number changes.
    const viewed = new WeakMap<Element, number>();
    // Marked elements the page keeps hidden (a collapsed accordion, a step not reached yet), viewed once shown.
    const unseen = new Set<Element>();
    // What shows a hidden step need not touch the DOM at all: CSS on a checkbox's checkedness (input:checked ~
    // .panel), on :target, on a media query. The browser reports a change of rendering, whatever its cause, to an
    // IntersectionObserver, for elements in the viewport only: a step revealed out of sight counts once the visitor
    // scrolls to it. "Shown" is still what checkVisibility() says: the report only makes us look again.
    const io =
      w.IntersectionObserver &&
      new IntersectionObserver(
        guard((entries: IntersectionObserverEntry[]) => entries.forEach((entry) => entry.isIntersecting && view(entry.target)), fail),
      );
    const view = (element: Element) => {
      const step = +element.getAttribute(ATTRIBUTE)!;
      unseen.delete(element);
      if (step > 0 && viewed.get(element) != step) {
        // checkVisibility (Chromium 105, Firefox 106, Safari 17.4) sees display: none, in the element or above it,
        // and a closed <details>; before it, such an element had no boxes.
        if (element.checkVisibility ? element.checkVisibility() : element.getClientRects().length)
          viewed.set(element, step), marked(element, 'Checkout Step Viewed', 'v');
        // Observing an observed element again does nothing: no new report, so no loop where the two disagree.
        else if (element.isConnected) return unseen.add(element), io && io.observe(element);
      }
      io && io.unobserve(element);
    };
    const look = (node: Node) => {
      if (node instanceof Element) {
        view(node);
        node.querySelectorAll(`[${ATTRIBUTE}]`).forEach(view);
      }
    };
    const route = () => {
      arrive();
      steps.forEach((s) => matches(s.url) && checkout('Checkout Step Viewed', 'v', s.step, s.name));
      if (confirmation && matches(confirmation)) checkout('Order Completed', 'o', done, 'confirmation');
    };

    // A GTM push ({ event, ecommerce }, or without `ecommerce` where a tag set reads the parameters beside `event`)
    // or a gtag() call (its arguments: 'event', name, parameters).
    const read = (message: any) => {
      const [name, data] =
        message[0] == 'event' ? [message[1], message[2]] : [message.event, message.ecommerce || message];
      const ga4 = GA4[name];
      if (!ga4) return;
      const [event, phase, stepName, step] = ga4;
      const e = data || {};
      const products = (e.items || []).map((item: any) => ({
        product_id: item.item_id,
        name: item.item_name,
        price: item.price,
        quantity: item.quantity,
      }));
      if (!phase) {
        return products.forEach((product: Properties) => emit(event, { touchpointKind: 'product', ...product, currency: e.currency }));
      }
      const properties: Properties = {
        products,
        // GA4's parameters under Segment's names; one the shop did not push is left out of the touchpoint.
        order_id: e.transaction_id,
        value: e.value,
        revenue: phase == 'o' ? e.value : undefined,
        currency: e.currency,
        coupon: e.coupon,
        shipping: e.shipping,
        tax: e.tax,
        shipping_method: e.shipping_tier,
        payment_method: e.payment_type,
      };
      // GA4's steps take the numbers of the URL rules of the same names.
      checkout(event, phase, step ? (steps.find((s) => s.name == stepName) || { step }).step : done, stepName!, properties);
    };

    const undo = [
      onUrlChange(route, fail, true),
      // A checkout form that the page sends itself (AJAX) is done too, once the page's own validation let it through.
      onSubmission((event) => marked(event.target as Element, 'Checkout Step Completed', 'c'), () => 1, fail),
    ];

    // Leaving with a checkout in progress, from any page of the session, is abandoning it, once per furthest step.
    // A page hidden less than 10 s after a same-origin navigation began is being replaced by the next page of the
    // site, not left: its checkout goes on there. Slow checkout servers are why this is not shorter.
    const hidden = () => {
      const state = load();
      if (!stopped && state && !state.sent && Date.now() - leaving >= 10_000) {
        emit('Checkout Abandoned', { touchpointKind: 'checkout_step', step: state.step, stepName: state.stepName });
        save({ ...state, sent: 1 });
      }
    };
    undo.push(
      on(document, 'visibilitychange', () => document.hidden && hidden(), fail),
      on(window, 'pagehide', hidden, fail),
    );
    // Going to another page of the site is not leaving it. The Navigation API says where a navigation goes before
    // the page is hidden; where it is missing, each page change of a checkout may report an abandonment that
    // the next page's steps then contradict.
    const navigation = w.navigation;
    if (navigation) {
      undo.push(
        on(navigation, 'navigate', (event: any) => {
          const to = event.destination;
          if (!to.sameDocument && !event.downloadRequest && to.url.startsWith(location.origin + '/')) leaving = Date.now();
        }, fail),
        // A navigation that a router took over is done, and the page is still here.
        on(navigation, 'navigatesuccess', () => (leaving = 0), fail),
      );
    }

    if (dataLayer) {
      try {
        const layer: unknown[] = (w[dataLayer] ||= []);
        const push = layer.push;
        // gtag() pushes its `arguments` object, GTM a plain one. A message is read once, even if a wrapper in the
        // chain passes it on to push again.
        const known = new WeakSet<object>();
        const take = guard((message: unknown) => {
          if (!stopped && message && typeof message == 'object' && !known.has(message)) {
            known.add(message);
            read(message);
          }
        }, fail);
        // Wrapped, not replaced: GTM wraps push in turn when it loads (and so may others), keeping ours in the chain.
        const wrapped = function (this: unknown, ...messages: unknown[]) {
          const result = push.apply(this, messages);
          messages.forEach(take);
          return result;
        };
        // What the shop pushed before touchtrail started counts too.
        layer.forEach(take);
        layer.push = wrapped;
        undo.push(() => layer.push === wrapped && (layer.push = push));
      } catch (error) {
        fail(error);
      }
    }

    // URL and markup are read once the page's own scripts have run, so that the data layer, which carries the
    // order's values, is the first to report a step (the first report of a step is the one kept): a task after
    // DOMContentLoaded, so that the page's own DOMContentLoaded handlers, which may push, have run too; they may have
    // been added after ours (a shop script after the tag, or the tag started early from a cached rules file).
    // Markup rendered later (an SPA's step component) is seen when it appears: only what was added is looked at.
    // Hidden steps are the IntersectionObserver's; a change only lets go of those the page removed (isConnected costs
    // no style recalc, checkVisibility() does). Without IntersectionObserver, any attribute may show a hidden step
    // (hidden, class, style, open, aria-expanded under a CSS rule): hidden steps are then looked at again after each
    // change, and all attributes are watched only while one waits.
    const watch = () =>
      observer.observe(document.documentElement, {
        childList: true,
        subtree: true,
        ...(unseen.size && !io ? { attributes: true } : { attributeFilter: [ATTRIBUTE] }),
      });
    const observer = new MutationObserver(
      guard((records: MutationRecord[]) => {
        records.forEach((record) => (record.attributeName == ATTRIBUTE ? view(record.target as Element) : record.addedNodes.forEach(look)));
        [...unseen].forEach((element) => (io && element.isConnected) || view(element));
        watch();
      }, fail),
    );
    const ready = guard(() => {
      route();
      look(document.documentElement);
      if (!stopped) watch();
    }, fail);
    if (document.readyState == 'loading') undo.push(on(document, 'DOMContentLoaded', () => setTimeout(ready), fail));
    else setTimeout(ready);

    return () => {
      stopped = true;
      observer.disconnect();
      io && io.disconnect();
      undo.forEach((u) => u());
    };
  };
