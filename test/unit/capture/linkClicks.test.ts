import { afterEach, beforeEach, expect, test, vi, type Mock } from 'vitest';
import type { Emit, Fail } from '../../../src/types';
import { linkClicks, type LinkClicksOptions } from '../../../src/capture/linkClicks';

let emit: Mock<Emit>;
let fail: Mock<Fail>;
let stop: (() => void) | undefined;

// jsdom cannot navigate; the page cancels every click after we have seen it (in the bubble phase, as a router does).
const cancel = (event: Event) => event.preventDefault();

beforeEach(() => {
  emit = vi.fn<Emit>();
  fail = vi.fn<Fail>();
  document.addEventListener('click', cancel);
  document.addEventListener('auxclick', cancel);
});

afterEach(() => {
  stop?.();
  stop = undefined;
  document.body.innerHTML = '';
  document.removeEventListener('click', cancel);
  document.removeEventListener('auxclick', cancel);
  expect(fail).not.toHaveBeenCalled();
});

const start = (options?: LinkClicksOptions) => (stop = linkClicks(options)(emit, fail));

const html = (markup: string) => {
  document.body.innerHTML = markup;
  return document.body.firstElementChild as HTMLElement;
};

const click = (element: Element, init: MouseEventInit = {}, type = 'click') =>
  element.dispatchEvent(new MouseEvent(type, { bubbles: true, cancelable: true, composed: true, ...init }));

const lastProperties = () => emit.mock.lastCall![1]!;

test.each([
  ['/pricing', 'internal'],
  ['#reviews', 'internal'],
  ['http://localhost:3000/about', 'internal'],
  ['https://elsewhere.example/', 'outbound'],
  ['http://localhost:4000/', 'outbound'], // another port is another site
  ['mailto:sales@example.com', 'mailto'],
  ['tel:+15551234567', 'tel'],
  ['/files/Price-List.PDF', 'download'],
  ['https://cdn.example/app.dmg', 'download'],
  ['/files/report.pdf?v=2', 'download'],
  ['/files/archive.tar.gz', 'download'],
  ['https://www.facebook.com/sharer/sharer.php?u=https%3A%2F%2Fshop.example', 'share'],
  ['https://twitter.com/intent/tweet?url=x', 'share'],
  ['https://x.com/intent/post?text=hi', 'share'],
  ['https://www.linkedin.com/sharing/share-offsite/?url=x', 'share'],
  ['https://www.linkedin.com/shareArticle?mini=true&url=x', 'share'],
  ['https://wa.me/?text=look', 'share'],
  ['https://api.whatsapp.com/send?text=look', 'share'],
  ['https://t.me/share/url?url=x', 'share'],
  ['https://www.reddit.com/submit?url=x', 'share'],
  ['https://pinterest.com/pin/create/button/?url=x', 'share'],
  ['https://bsky.app/intent/compose?text=x', 'share'],
  ['https://mastodon.social/share?text=x', 'share'],
  ['https://wa.me/15551234567', 'outbound'], // a chat with the business, not a share
  ['https://www.facebook.com/shop', 'outbound'],
  ['https://box.com/share/abc', 'outbound'], // not x.com
])('%s is %s', (href, linkType) => {
  start();
  click(html(`<a href="${href}">Go</a>`));
  expect(emit).toHaveBeenCalledTimes(1);
  expect(lastProperties().linkType).toBe(linkType);
});

test('records the link with its absolute href, text and kind, and hands the element to processors', () => {
  start();
  const link = html('<a href="/pricing?plan=pro">  See\n   <b>our</b>   prices </a>');
  click(link.querySelector('b')!);
  expect(emit).toHaveBeenCalledWith(
    'Link Clicked',
    { touchpointKind: 'link_click', href: 'http://localhost:3000/pricing?plan=pro', linkType: 'internal', text: 'See our prices' },
    { element: link },
  );
});

test('outbound links carry the host they lead to', () => {
  start();
  click(html('<a href="https://partner.example:8443/deal">Deal</a>'));
  expect(lastProperties()).toMatchObject({ linkType: 'outbound', host: 'partner.example:8443', href: 'https://partner.example:8443/deal' });
});

test('a download attribute makes any link a download', () => {
  start();
  click(html('<a href="/export?format=x" download>Export</a>'));
  expect(lastProperties().linkType).toBe('download');
});

test('text falls back to aria-label, title, then alt, and is cut to 100 characters', () => {
  start();
  click(html('<a href="/a" aria-label="Home page"><svg></svg></a>'));
  expect(lastProperties().text).toBe('Home page');
  click(html('<a href="/a" title="Cart">  </a>'));
  expect(lastProperties().text).toBe('Cart');
  click(html('<map name="m"><area href="/north" alt="North  wing" shape="rect" coords="0,0,1,1"></map>').querySelector('area')!);
  expect(lastProperties()).toMatchObject({ text: 'North wing', href: 'http://localhost:3000/north' });
  click(html(`<a href="/a">${'word '.repeat(40)}</a>`));
  expect(lastProperties().text).toHaveLength(100);
  // Never through the middle of an emoji: half of one is a lone surrogate, which a collector's database refuses.
  click(html(`<a href="/a">${'a'.repeat(99)}👟 Running shoes</a>`));
  expect(lastProperties().text).toBe('a'.repeat(99));
  click(html('<a href="/a"><img src="x.png"></a>'));
  expect(lastProperties().text).toBe('');
});

test("the link's data-touchpoint attributes become properties: name, stage, moment of truth, anything else", () => {
  start();
  click(
    html(
      '<a href="/trial" data-touchpoint="Start trial CTA" data-touchpoint-stage="decision" data-touchpoint-moment-of-truth data-touchpoint-plan="pro" data-touchpoint-featured="true" data-touchpointer="no" data-other="no">Try</a>',
    ),
  );
  expect(lastProperties()).toEqual({
    touchpoint: 'Start trial CTA',
    stage: 'decision',
    momentOfTruth: true,
    plan: 'pro',
    featured: true,
    touchpointKind: 'link_click',
    href: 'http://localhost:3000/trial',
    linkType: 'internal',
    text: 'Try',
  });
});

test('attributes cannot overwrite what the capture measured; a bare data-touchpoint does not rename it', () => {
  start();
  click(html('<a href="/a" data-touchpoint data-touchpoint-link-type="share" data-touchpoint-href="x">A</a>'));
  expect(lastProperties()).toMatchObject({ linkType: 'internal', href: 'http://localhost:3000/a' });
  expect(lastProperties()).not.toHaveProperty('touchpoint');
});

test('nothing is recorded for clicks that are not on a link', () => {
  start();
  const section = html('<section><p>text</p><a>no href</a><button>Buy</button><a href="/x">x</a></section>');
  for (const selector of ['p', 'a:not([href])', 'button', 'section']) click(section.querySelector(selector) || section);
  expect(emit).not.toHaveBeenCalled();
});

test('javascript: links and links in or under data-touchpoint-ignore are skipped', () => {
  start();
  click(html('<a href="javascript:void(0)">Menu</a>'));
  click(html('<a href="/admin" data-touchpoint-ignore>Admin</a>'));
  click(html('<nav data-touchpoint-ignore><a href="/x"><span>x</span></a></nav>').querySelector('span')!);
  expect(emit).not.toHaveBeenCalled();
});

test('a middle-click (auxclick, button 1) counts; a right-click does not, nor a click event for another button', () => {
  start();
  const link = html('<a href="https://elsewhere.example/">Away</a>');
  click(link, { button: 1 }, 'auxclick');
  expect(emit).toHaveBeenCalledTimes(1);
  click(link, { button: 2 }, 'auxclick');
  click(link, { button: 1 });
  expect(emit).toHaveBeenCalledTimes(1);
});

test('a page handler that stops propagation, even on window in the capture phase (registered after us), does not hide the click', () => {
  start();
  const stopper = (event: Event) => (event.stopImmediatePropagation(), event.preventDefault());
  const link = html('<a href="/x">x</a>');
  link.addEventListener('click', stopper);
  document.addEventListener('click', stopper, true);
  window.addEventListener('click', stopper, true);
  click(link);
  window.removeEventListener('click', stopper, true);
  document.removeEventListener('click', stopper, true);
  expect(emit).toHaveBeenCalledTimes(1);
});

test('sees links inside open shadow roots, and data-touchpoint-ignore on the host', () => {
  start();
  const host = html('<product-card></product-card>');
  const root = host.attachShadow({ mode: 'open' });
  root.innerHTML = '<div><a href="https://elsewhere.example/buy"><span>Buy now</span></a></div>';
  click(root.querySelector('span')!);
  expect(emit).toHaveBeenCalledWith('Link Clicked', expect.objectContaining({ linkType: 'outbound', text: 'Buy now' }), {
    element: root.querySelector('a'),
  });
  host.setAttribute('data-touchpoint-ignore', '');
  click(root.querySelector('span')!);
  expect(emit).toHaveBeenCalledTimes(1);
});

test('SVG links count, by their href attribute', () => {
  start();
  const svg = html('<svg><a href="https://elsewhere.example/map"><text>Map</text></a></svg>');
  click(svg.querySelector('text')!);
  expect(lastProperties()).toMatchObject({ linkType: 'outbound', href: 'https://elsewhere.example/map', text: 'Map' });
});

test('SVG links written with xlink:href (as exported SVG has them) count; SVG 2 href wins over it', () => {
  start();
  const svg = html(
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">' +
      '<a xlink:href="https://partner.example/map"><text>Stores</text></a>' +
      '<a xlink:href="/old" href="/new"><text>Both</text></a></svg>',
  );
  const [stores, both] = svg.querySelectorAll('text');
  click(stores!);
  expect(lastProperties()).toMatchObject({ linkType: 'outbound', href: 'https://partner.example/map', text: 'Stores' });
  click(both!);
  expect(lastProperties()).toMatchObject({ href: 'http://localhost:3000/new' });
});

test('options: linkTypes filters, downloadExtensions replaces the list, internalHosts adds hosts and their subdomains', () => {
  start({ linkTypes: ['outbound', 'download'], downloadExtensions: ['epub'], internalHosts: ['example.com'] });
  for (const href of ['/a', 'https://shop.example.com/', 'https://example.com/', 'mailto:a@b.c', '/book.pdf']) click(html(`<a href="${href}">x</a>`));
  expect(emit).not.toHaveBeenCalled();
  click(html('<a href="/book.EPUB">x</a>'));
  click(html('<a href="https://notexample.com/">x</a>'));
  expect(emit.mock.calls.map((call) => call[1]!.linkType)).toEqual(['download', 'outbound']);
});

test('a malformed href is skipped without a failure', () => {
  start();
  click(html('<a href="https://exa mple.com/">x</a>'));
  expect(emit).not.toHaveBeenCalled();
});

test('stop() removes the listeners', () => {
  start();
  stop!();
  stop = undefined;
  const link = html('<a href="/x">x</a>');
  click(link);
  click(link, { button: 1 }, 'auxclick');
  expect(emit).not.toHaveBeenCalled();
});

test('an emit that throws is reported to fail, never to the page', () => {
  const error = new Error('boom');
  emit.mockImplementation(() => {
    throw error;
  });
  start();
  expect(() => click(html('<a href="/x">x</a>'))).not.toThrow();
  expect(fail).toHaveBeenCalledWith(error);
  fail.mockClear();
});
