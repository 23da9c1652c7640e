// A stand-in for Intercom's Messenger, so that the demo shows a chat being opened without a network or an
// Intercom account. It behaves as Intercom's JavaScript API is documented
// (developers.intercom.com/installing-intercom/web/methods): Intercom('show') opens the Messenger,
// Intercom('hide') closes it, Intercom('onShow', fn) and Intercom('onHide', fn) are told when that happens, and
// calls made to the installation snippet's stub before the widget loaded are replayed in order.
// touchtrail's chatOpens capture listens through Intercom('onShow'), as it would to the real one.
(() => {
  const queued = (window.Intercom && window.Intercom.q) || [];
  const listeners = { show: [], hide: [], unread: [] };
  let open = false;

  // Intercom's launcher and Messenger live in their own frames; touchtrail must not count clicks inside them as
  // the page's own touchpoints, so the widget opts out of link, form and tag capture.
  const root = document.createElement('div');
  root.className = 'fake-intercom';
  root.setAttribute('data-touchpoint-ignore', '');
  root.innerHTML = `
    <section class="fake-intercom-messenger" hidden aria-label="Chat">
      <header><strong>Trailhead support</strong> <button type="button" class="fake-intercom-close" aria-label="Close chat">×</button></header>
      <p class="fake-intercom-bubble">Hi! 👋 How can we help with your gear?</p>
      <form class="fake-intercom-form"><input name="message" placeholder="Write a message…" autocomplete="off" /><button>Send</button></form>
    </section>
    <button type="button" id="intercom-launcher" class="fake-intercom-launcher" aria-label="Open chat">💬</button>`;

  const messenger = root.querySelector('.fake-intercom-messenger');
  const call = (fns) => fns.forEach((fn) => {
    // A site's callback that throws must not break the widget, as with the real Messenger.
    try { fn(); } catch (error) { console.error(error); }
  });
  const show = () => {
    if (open) return;
    open = true;
    messenger.hidden = false;
    call(listeners.show);
  };
  const hide = () => {
    if (!open) return;
    open = false;
    messenger.hidden = true;
    call(listeners.hide);
  };

  const Intercom = (method, arg) => {
    switch (method) {
      case 'boot':
      case 'update':
        return;
      case 'show':
      case 'showMessages':
      case 'showNewMessage':
        return show();
      case 'hide':
        return hide();
      case 'onShow':
        return typeof arg === 'function' && void listeners.show.push(arg);
      case 'onHide':
        return typeof arg === 'function' && void listeners.hide.push(arg);
      case 'onUnreadCountChange':
        return typeof arg === 'function' && void listeners.unread.push(arg);
      case 'shutdown':
        hide();
        return root.remove();
      default:
        console.warn(`fake Intercom: ${method} is not faked`);
    }
  };

  root.querySelector('#intercom-launcher').addEventListener('click', () => (open ? Intercom('hide') : Intercom('show')));
  root.querySelector('.fake-intercom-close').addEventListener('click', () => Intercom('hide'));
  root.querySelector('.fake-intercom-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const input = event.target.elements.message;
    if (!input.value.trim()) return;
    const mine = document.createElement('p');
    mine.className = 'fake-intercom-bubble mine';
    mine.textContent = input.value;
    const reply = document.createElement('p');
    reply.className = 'fake-intercom-bubble';
    reply.textContent = 'Thanks! A (pretend) teammate will answer in a few minutes.';
    event.target.before(mine, reply);
    input.value = '';
  });

  const start = () => {
    document.body.append(root);
    window.Intercom = Intercom;
    for (const args of queued) Intercom(...args);
  };
  // The real widget loads after the page; so does this one (it is a deferred script).
  if (document.body) start();
  else addEventListener('DOMContentLoaded', start);
})();
