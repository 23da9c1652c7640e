import type { Capture } from '../types';
import { guard } from '../lib/guard';
import { on } from '../lib/on';

/** Options of `chatOpens`. */
export interface ChatOpensOptions {
  /**
   * A CSS selector for the launcher of a chat touchtrail has no adapter for: a click on a matching element, or
   * inside one, also in an open shadow root, counts as an open (`vendor: 'custom'`). Any chat can also be reported by dispatching a
   * `touchtrail:chat-open` event on `window`, `document` or an element, with an optional `detail: { vendor }`.
   * @default undefined
   */
  launcher?: string;
}

// Chat launchers live in cross-origin iframes, where clicks cannot be seen, so each vendor's own JavaScript API
// says when its widget opens. One vendor per ',': "vendor global opens [closes]", events separated by '|'.
// How to subscribe follows from the global's shape: a function is called as fn(...event.split('+'), callback), an
// object with `on` gets on(event, callback), any other object takes the callback as a property, chained to the
// page's own. Not every API can unsubscribe, so on stop() our callbacks turn inert instead.
//
// - intercom: developers.intercom.com/installing-intercom/web/methods, Intercom('onShow', fn); the snippet's stub
//   queues calls made before the library has loaded.
// - zendesk: developer.zendesk.com/api-reference/widget-messaging/web/core ("On Open"), zE('messenger:on', 'open',
//   fn); for the Classic widget developer.zendesk.com/api-reference/widget/introduction, zE('webWidget:on', 'open',
//   fn). A page runs one of the two widgets and both take zE, so both are called; the other widget's call is
//   expected to be ignored (it may log a warning; not checked against live widgets).
// - drift: devdocs.drift.com/docs/drift-events, drift.on('chatOpen', fn), queued by the snippet's stub;
//   `sidebarOpen` is the legacy widget's name for it.
// - hubspot: developers.hubspot.com/docs/api/conversation/chat-widget-sdk, HubSpotConversations.on(event, fn).
//   HubSpot documents no "opened" event: the visitor's first interaction with the widget (the launcher click) is
//   the closest, and `widgetClosed` re-arms it, so that interactions in an open widget are not counted as opens.
// - livechat: platform.text.com/docs/extending-chat-widget/javascript-api, LiveChatWidget.on('visibility_changed',
//   fn) with { visibility: 'maximized' | 'minimized' | 'hidden' }; the tracking code's stub queues it.
// - tawk: developer.tawk.to/jsapi, Tawk_API.onChatMaximized = fn, on the object the snippet creates before load.
// - freshchat: developers.freshchat.com/web-sdk, fcWidget.on('widget:opened', fn).
// - crisp is not here: see below.
const VENDORS =
  'intercom Intercom onShow,' +
  'zendesk zE messenger:on+open|webWidget:on+open,' +
  'drift drift chatOpen|sidebarOpen,' +
  'hubspot HubSpotConversations userInteractedWithWidget widgetClosed,' +
  'livechat LiveChatWidget visibility_changed,' +
  'tawk Tawk_API onChatMaximized,' +
  'freshchat fcWidget widget:opened';

/**
 * Captures a visitor opening a live chat: Intercom, Zendesk (Messaging and Classic), Drift, Crisp, HubSpot,
 * LiveChat, Tawk.to and Freshchat through their documented APIs, whether they load before or after touchtrail,
 * and any other chat through `launcher` or a `touchtrail:chat-open` event. One open is one 'Chat Opened'.
 */
export const chatOpens =
  ({ launcher }: ChatOpensOptions = {}): Capture =>
  (emit, fail) => {
    const w = window as any;
    // The vendor whose widget is open, until it reports it closed (HubSpot, the only one with a close event).
    let held: unknown;
    let waiting = VENDORS.split(',');
    let last = 0;
    let live = true;
    let timer: ReturnType<typeof setTimeout>;

    const opened = (vendor: string, closes?: string, element?: Element) => {
      // Signals less than 1 s apart are one open: a vendor may report it twice, or a launcher click and an API both.
      if (live && held != vendor && Date.now() - last >= 1000) {
        last = Date.now();
        held = closes && vendor;
        emit('Chat Opened', { touchpointKind: 'chat_open', vendor }, { element });
      }
    };

    // Subscribes to a vendor whose global is there; returns whether it did.
    const hook = guard((entry: string) => {
      const [vendor, name, opens, closes] = entry.split(' ') as [string, string, string, string?];
      const g = w[name];
      const subscribe = (events: string, callback: (e?: { visibility?: string }) => unknown) =>
        events.split('|').map((event) => {
          // .on first: Drift's function snippet has it too, and drift('chatOpen', cb) would call a method of that name.
          if (g.on) g.on(event, callback);
          else if (typeof g == 'function') g(...event.split('+'), callback);
          else {
            const previous = g[event];
            g[event] = function (this: unknown) {
              callback();
              return previous?.apply(this, arguments);
            };
          }
        });
      return (
        g && [
          subscribe(opens, (e) => (e?.visibility || 'maximized') == 'maximized' && opened(vendor, closes)),
          closes && subscribe(closes, () => (held = 0)),
        ]
      );
    }, fail);

    // Widgets that load after touchtrail are looked for again after 0.5, 1, 2, 4, 8 and 16 s (31.5 s in all).
    const look = (delay?: number) => {
      waiting = waiting.filter((entry) => !hook(entry));
      if (waiting.length && delay! <= 16_000) timer = setTimeout(look, delay, delay! * 2);
    };

    // Crisp keeps a single callback per event: subscribing to 'chat:opened' would replace the page's own
    // (microsoft/clarity#979). Its chatbox is part of the page, not an iframe, so a click can be seen, and
    // $crisp.is('chat:opened') (docs.crisp.chat/guides/chatbox-sdks/web-sdk/dollar-crisp) says whether it opened it.
    const crisp = () => w.$crisp?.is?.('chat:opened');

    const undo = [
      on(document, 'click', (event: MouseEvent) => {
        const was = crisp();
        w.$crisp && setTimeout(guard(() => !was && crisp() && opened('crisp'), fail), 500);
        // composedPath, unlike target, reaches into open shadow roots (a web-component widget).
        const hit = launcher && (event.composedPath() as Element[]).find((node) => node.matches?.(launcher));
        hit && opened('custom', '', hit);
      }, fail, true),
      // Capturing on window sees the event whether it is dispatched on window, document or an element.
      on(window, 'touchtrail:chat-open', (event: CustomEvent) => opened(event.detail?.vendor || 'custom'), fail, true),
    ];
    // HubSpot runs these once its API is ready (same documentation), which may be after our last look.
    guard(() => (w.hsConversationsOnReady ||= []).push(() => look()), fail)();
    look(500);

    return () => {
      live = false;
      clearTimeout(timer);
      undo.forEach((u) => u());
    };
  };
