import { afterEach, beforeEach, describe, expect, test, vi, type Mock } from 'vitest';
import type { Emit, Fail } from '../../../src/types';
import { chatOpens } from '../../../src/capture/chatOpens';

// Fake vendors that behave as their documentation says: they take callbacks through their own API, queue them
// in a stub until the library loads when the snippet has one, and call them when the visitor opens the chat.
const w = window as any;
const GLOBALS = ['Intercom', 'zE', 'drift', 'HubSpotConversations', 'hsConversationsOnReady', 'LiveChatWidget'];
GLOBALS.push('Tawk_API', 'fcWidget', '$crisp');

/** A minimal event emitter with on/off, as Drift, HubSpot, LiveChat and Freshchat expose. */
const emitter = () => {
  const handlers: Record<string, ((payload?: unknown) => void)[]> = {};
  return {
    on: vi.fn((event: string, fn: (payload?: unknown) => void) => void (handlers[event] ||= []).push(fn)),
    off: vi.fn((event: string, fn: (payload?: unknown) => void) => {
      handlers[event] = (handlers[event] || []).filter((h) => h !== fn);
    }),
    fire: (event: string, payload?: unknown) => (handlers[event] || []).forEach((fn) => fn(payload)),
    count: (event: string) => (handlers[event] || []).length,
  };
};

/** Intercom's snippet: a stub that queues calls in `q` until the library replaces it and replays them. */
const intercomStub = () => {
  const stub: any = function (...args: unknown[]) {
    stub.q.push(args);
  };
  stub.q = [];
  return stub;
};
const intercomLibrary = (queued: unknown[][] = []) => {
  const handlers: Record<string, (() => void)[]> = {};
  const intercom: any = (command: string, fn: () => void) => {
    if (command.startsWith('on')) (handlers[command] ||= []).push(fn);
  };
  queued.forEach((args) => intercom(...args));
  intercom.fire = (command: string) => (handlers[command] || []).forEach((fn) => fn());
  return intercom;
};

/** Zendesk Messaging: zE('messenger:on', event, fn) returns an unsubscribe function; Classic: zE('webWidget:on', ...). */
const zendesk = (kind: 'messenger' | 'webWidget') => {
  const handlers: Record<string, (() => void)[]> = {};
  const zE: any = vi.fn((namespace: string, event: string, fn: () => void) => {
    if (namespace !== `${kind}:on`) return; // the other widget's API does nothing
    (handlers[event] ||= []).push(fn);
    return kind === 'messenger' ? () => (handlers[event] = handlers[event]!.filter((h) => h !== fn)) : undefined;
  });
  zE.fire = (event: string) => (handlers[event] || []).forEach((fn) => fn());
  return zE;
};

let emit: Mock<Emit>;
let fail: Mock<Fail>;
let stop: (() => void) | undefined;
const start = (options?: Parameters<typeof chatOpens>[0]) => (stop = chatOpens(options)(emit, fail));
const opens = () => emit.mock.calls.map(([name, properties]) => [name, properties!.vendor]);

beforeEach(() => {
  vi.useFakeTimers();
  emit = vi.fn<Emit>();
  fail = vi.fn<Fail>();
});

afterEach(() => {
  stop?.();
  stop = undefined;
  GLOBALS.forEach((name) => delete w[name]);
  document.body.innerHTML = '';
  vi.useRealTimers();
});

describe('vendor APIs', () => {
  test('Intercom: onShow through the snippet stub, replayed when the library loads later', () => {
    w.Intercom = intercomStub();
    start();
    expect(w.Intercom.q).toEqual([['onShow', expect.any(Function)]]);
    const library = (w.Intercom = intercomLibrary(w.Intercom.q));
    library.fire('onShow');
    expect(emit).toHaveBeenCalledWith('Chat Opened', { touchpointKind: 'chat_open', vendor: 'intercom' }, { element: undefined });
  });

  test('Intercom loaded after touchtrail is found on a later look', () => {
    start();
    vi.advanceTimersByTime(1000);
    const library = (w.Intercom = intercomLibrary());
    library.fire('onShow');
    expect(emit).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1000); // the look at 1.5 s
    library.fire('onShow');
    expect(opens()).toEqual([['Chat Opened', 'intercom']]);
  });

  test('Zendesk Messaging: messenger:on open', () => {
    const zE = (w.zE = zendesk('messenger'));
    start();
    expect(zE).toHaveBeenCalledWith('messenger:on', 'open', expect.any(Function));
    zE.fire('open');
    expect(opens()).toEqual([['Chat Opened', 'zendesk']]);
  });

  test('Zendesk Classic: webWidget:on open', () => {
    const zE = (w.zE = zendesk('webWidget'));
    start();
    zE.fire('open');
    expect(opens()).toEqual([['Chat Opened', 'zendesk']]);
  });

  test('Drift: chatOpen, and the legacy sidebarOpen for the same open counts once', () => {
    const drift = (w.drift = emitter());
    start();
    drift.fire('chatOpen', { data: { chatOpen: true } });
    drift.fire('sidebarOpen', { data: { sidebarOpen: true } });
    expect(opens()).toEqual([['Chat Opened', 'drift']]);
    vi.advanceTimersByTime(5000);
    drift.fire('chatOpen'); // opened again later
    expect(opens()).toHaveLength(2);
  });

  test("Drift's function-style snippet (a function with .on): subscribed with drift.on, not drift('chatOpen', fn)", () => {
    // SNIPPET_VERSION 1.0.0: window.drift queues [method, ...args]; its methods (on, show, …) call drift(method, …).
    const drift: any = (w.drift = (...args: unknown[]) => drift.q.push(args));
    drift.q = [];
    drift.on = (...args: unknown[]) => drift('on', ...args);
    start();
    expect(drift.q).toContainEqual(['on', 'chatOpen', expect.any(Function)]);
    expect(drift.q).not.toContainEqual(['chatOpen', expect.any(Function)]);
  });

  test('HubSpot: hooked from hsConversationsOnReady; interactions in an open widget are one open until widgetClosed', () => {
    start();
    expect(w.hsConversationsOnReady).toHaveLength(1);
    // HubSpot initialises its API, then runs the ready callbacks (developers.hubspot.com chat widget SDK).
    const hubspot = (w.HubSpotConversations = emitter());
    w.hsConversationsOnReady.forEach((fn: () => void) => fn());
    hubspot.fire('userInteractedWithWidget', { message: 'launcher clicked' });
    vi.advanceTimersByTime(3000);
    hubspot.fire('userInteractedWithWidget', { message: 'typed' });
    expect(opens()).toEqual([['Chat Opened', 'hubspot']]);
    hubspot.fire('widgetClosed');
    vi.advanceTimersByTime(3000);
    hubspot.fire('userInteractedWithWidget');
    expect(opens()).toHaveLength(2);
  });

  test('HubSpot: a site that set hsConversationsOnReady keeps its own callbacks', () => {
    const own = vi.fn();
    w.hsConversationsOnReady = [own];
    start();
    expect(w.hsConversationsOnReady).toEqual([own, expect.any(Function)]);
  });

  test('LiveChat: visibility_changed to maximized is an open, to minimized or hidden is not', () => {
    const livechat = (w.LiveChatWidget = emitter());
    start();
    livechat.fire('visibility_changed', { visibility: 'minimized' });
    livechat.fire('visibility_changed', { visibility: 'hidden' });
    expect(emit).not.toHaveBeenCalled();
    livechat.fire('visibility_changed', { visibility: 'maximized' });
    expect(opens()).toEqual([['Chat Opened', 'livechat']]);
  });

  test("Tawk.to: onChatMaximized is chained to the page's own callback", () => {
    const own = vi.fn();
    w.Tawk_API = { onChatMaximized: own };
    start();
    w.Tawk_API.onChatMaximized();
    expect(own).toHaveBeenCalledTimes(1);
    expect(opens()).toEqual([['Chat Opened', 'tawk']]);
  });

  test('Tawk.to: the object the snippet creates before load takes the callback', () => {
    w.Tawk_API = {};
    start();
    expect(typeof w.Tawk_API.onChatMaximized).toBe('function');
    w.Tawk_API.onChatMaximized();
    expect(opens()).toEqual([['Chat Opened', 'tawk']]);
  });

  test('Freshchat: widget:opened, with fcWidget loaded after touchtrail', () => {
    start();
    vi.advanceTimersByTime(4000);
    const fc = (w.fcWidget = emitter());
    vi.advanceTimersByTime(4000); // the look at 7.5 s
    fc.fire('widget:opened');
    expect(opens()).toEqual([['Chat Opened', 'freshchat']]);
  });

  test('Crisp: a click that opens the chatbox counts; subscribing would replace the page’s own callback, so we do not', () => {
    let open = false;
    w.$crisp = { push: vi.fn(), is: vi.fn((what: string) => what === 'chat:opened' && open) };
    start();
    const launcher = document.body.appendChild(document.createElement('div'));
    // Crisp's chatbox is in the page: its own click handler opens it.
    launcher.addEventListener('click', () => (open = true));
    launcher.click();
    vi.advanceTimersByTime(500);
    expect(opens()).toEqual([['Chat Opened', 'crisp']]);
    // Clicks inside the open chatbox are not opens.
    vi.advanceTimersByTime(5000);
    launcher.click();
    vi.advanceTimersByTime(500);
    expect(opens()).toHaveLength(1);
    expect(w.$crisp.push).not.toHaveBeenCalled();
  });

  test('Crisp: a click that opens nothing, or before Crisp has loaded, is nothing', () => {
    w.$crisp = []; // the snippet's queue, before l.js
    start();
    document.body.click();
    vi.advanceTimersByTime(1000);
    w.$crisp = { push: vi.fn(), is: () => false };
    document.body.click();
    vi.advanceTimersByTime(1000);
    expect(emit).not.toHaveBeenCalled();
  });
});

describe('fallbacks', () => {
  test('launcher: a click on the selector, or inside it, with the launcher as element', () => {
    document.body.innerHTML = '<button class="chat-launcher"><span>Chat</span></button><a href="#">other</a>';
    start({ launcher: '.chat-launcher' });
    document.querySelector('a')!.click();
    expect(emit).not.toHaveBeenCalled();
    document.querySelector('span')!.click();
    const button = document.querySelector('button');
    expect(emit).toHaveBeenCalledWith('Chat Opened', { touchpointKind: 'chat_open', vendor: 'custom' }, { element: button });
  });

  test('launcher: a launcher inside an open shadow root (a web-component widget) is seen', () => {
    document.body.innerHTML = '<support-widget></support-widget>';
    const root = document.querySelector('support-widget')!.attachShadow({ mode: 'open' });
    root.innerHTML = '<button class="chat-button"><span>Chat with us</span></button>';
    start({ launcher: '.chat-button' });
    root.querySelector('span')!.click();
    expect(emit).toHaveBeenCalledWith('Chat Opened', { touchpointKind: 'chat_open', vendor: 'custom' }, { element: root.querySelector('button') });
  });

  test('touchtrail:chat-open on window or document, with or without a vendor', () => {
    start();
    window.dispatchEvent(new CustomEvent('touchtrail:chat-open', { detail: { vendor: 'olark' } }));
    vi.advanceTimersByTime(2000);
    document.dispatchEvent(new CustomEvent('touchtrail:chat-open'));
    expect(opens()).toEqual([
      ['Chat Opened', 'olark'],
      ['Chat Opened', 'custom'],
    ]);
  });

  test('a launcher click and the vendor API reporting the same open count once', () => {
    document.body.innerHTML = '<button class="chat">Chat</button>';
    const drift = (w.drift = emitter());
    start({ launcher: '.chat' });
    document.querySelector('button')!.click();
    drift.fire('chatOpen');
    expect(emit).toHaveBeenCalledTimes(1);
  });
});

describe('the page comes first', () => {
  test('nothing happens, nothing is emitted, and the looks stop after about 30 s', () => {
    document.body.innerHTML = '<a href="#x">link</a>';
    start({ launcher: '.chat' });
    document.querySelector('a')!.click();
    vi.advanceTimersByTime(40_000);
    expect(emit).not.toHaveBeenCalled();
    expect(fail).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });

  test('a look finds nothing new after every vendor is hooked: no timers left', () => {
    w.Intercom = intercomLibrary();
    w.zE = zendesk('messenger');
    w.drift = emitter();
    w.HubSpotConversations = emitter();
    w.LiveChatWidget = emitter();
    w.Tawk_API = {};
    w.fcWidget = emitter();
    start();
    vi.advanceTimersByTime(500);
    expect(vi.getTimerCount()).toBe(0);
  });

  test('a vendor API that throws is reported, not thrown, and looked at again', () => {
    w.zE = () => {
      throw new Error('zE not ready');
    };
    expect(() => start()).not.toThrow();
    expect(fail).toHaveBeenCalled();
    const zE = (w.zE = zendesk('messenger'));
    vi.advanceTimersByTime(500);
    zE.fire('open');
    expect(opens()).toEqual([['Chat Opened', 'zendesk']]);
  });

  test('an invalid launcher selector is reported, never thrown at the page', () => {
    start({ launcher: '][' });
    expect(() => document.body.click()).not.toThrow();
    expect(fail).toHaveBeenCalled();
  });

  test('after stop(), vendors and fallbacks are inert and the looks end', () => {
    const drift = (w.drift = emitter());
    const own = vi.fn();
    w.Tawk_API = { onChatMaximized: own };
    start({ launcher: 'body' });
    stop!();
    drift.fire('chatOpen');
    w.Tawk_API.onChatMaximized();
    document.body.click();
    window.dispatchEvent(new CustomEvent('touchtrail:chat-open'));
    vi.advanceTimersByTime(40_000);
    expect(emit).not.toHaveBeenCalled();
    expect(own).toHaveBeenCalledTimes(1); // the page's own still runs
    expect(vi.getTimerCount()).toBe(0);
  });
});
