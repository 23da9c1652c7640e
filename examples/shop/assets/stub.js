// Loaded first, as a plain (not async) script in <head>: what must exist before anything else runs. In a file
// rather than inline so that the shop works under a strict Content-Security-Policy, as it is served.

// touchtrail's stub: calls made before touchtrail.min.js has loaded wait in touchtrail.q and are replayed.
window.touchtrail = window.touchtrail || function () { (touchtrail.q = touchtrail.q || []).push(arguments); };

// The GA4 / Google Tag Manager data layer, as a shop that runs GTM has it. touchtrail reads the ecommerce
// events pushed to it (begin_checkout, add_shipping_info, add_payment_info, purchase, view_item, add_to_cart).
window.dataLayer = window.dataLayer || [];
window.gtag = window.gtag || function gtag() { dataLayer.push(arguments); };

// Intercom's installation snippet, in short: a stub that queues calls until the widget script has loaded
// (developers.intercom.com/installing-intercom/web/installation). The widget here is fake-intercom.js.
if (typeof window.Intercom !== 'function') {
  const queue = function () { queue.c(arguments); };
  queue.q = [];
  queue.c = (args) => queue.q.push(args);
  window.Intercom = queue;
}
