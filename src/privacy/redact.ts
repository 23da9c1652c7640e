import type { Processor, Touchpoint } from '../types';

/** What `redact` removes. */
export interface RedactOptions {
  /**
   * Query parameters kept in URLs; every other is removed. A name ending in `*` is a prefix.
   * @default ['utm_*', and the ad click ids: 'gclid', 'gbraid', 'wbraid', 'dclid', 'fbclid', 'msclkid', 'ttclid', 'li_fat_id', 'twclid', 'epik', 'rdt_cid', 'sccid', 'yclid']
   */
  allowParams?: string[];
}

const CLICK_IDS = ['gclid', 'gbraid', 'wbraid', 'dclid', 'fbclid', 'msclkid', 'ttclid', 'li_fat_id', 'twclid', 'epik', 'rdt_cid', 'sccid', 'yclid'];
// Personal data as it appears in URLs and page text: an email (also URL-encoded), an international or North
// American phone number, a card-like run of 13 to 19 digits. Masked, not removed, so the shape stays readable.
// Separators may be URL-encoded (%20, or + in a query). Lengths are bounded, so that a long run of letters
// without an @ costs linear time, not quadratic.
const PATTERNS: [RegExp, string][] = [
  [/[\w.+-]{1,64}(?:@|%40)[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}/gi, '[email]'],
  [/\b(?:\d(?:[ -]|%20|\+)?){12,18}\d\b/g, '[card]'],
  [/(?:\+|%2B|\b00)\d(?:[\d().-]|%20| ){6,24}\d|\(?\b\d{3}\)?(?:[ .+-]|%20)\d{3}(?:[ .+-]|%20)\d{4}\b/gi, '[phone]'],
];
// Card numbers pass the Luhn check; long order numbers and timestamps mostly do not, so they stay.
const luhn = (digits: string) =>
  !([...digits.replace(/%20/g, '').replace(/\D/g, '')].reverse().reduce((sum, d, i) => sum + (i % 2 ? [0, 2, 4, 6, 8, 1, 3, 5, 7, 9][+d]! : +d), 0) % 10);
// An opaque token in a path segment or a fragment (a password reset, a magic link, a session): 20 or more
// letters and digits mixed with at most two hyphens (Django's are "c6mv2z-3f1e…"), or a long hex or UUID-like
// run. Slugs (words joined by more hyphens) and numeric ids stay.
const TOKEN = /^(?=[^/]*\d)(?=[^/]*[a-z])(?!(?:[^-]*-){3})[\w-]{20,}$|^[\da-f-]{32,}$/i;
// A fragment that carries a value (#access_token=…), or a token; an SPA route such as #/products/42 stays.
const tokenFragment = (hash: string) => hash.includes('=') || hash.slice(1).split('/').some((part) => TOKEN.test(part));
// The properties of touchpoints that touchtrail's own captures collect from the page.
const PAGE_KEYS = ['href', 'url', 'text', 'title', 'action', 'referrer', 'path', 'landingPage', 'inpPath'];

/**
 * A processor that keeps personal data out of what touchtrail collects from the page: URLs (page, referrer,
 * links, form actions) lose every query parameter not allowed and every token-like fragment, and emails,
 * phone numbers and card numbers are masked in URLs, link text, titles and campaign values.
 * Properties a site passes to `track()` itself are left as they are: use `beforeSend` for those.
 */
export const redact = ({ allowParams }: RedactOptions = {}): Processor => {
  // Anything but a list of names fails closed, to the default list, rather than open.
  const names = Array.isArray(allowParams) && allowParams.every((p) => typeof p == 'string') ? allowParams : ['utm_*', ...CLICK_IDS];
  // Case-insensitive: Snapchat sends ScCid, others UTM_SOURCE.
  const allowed = (name: string) =>
    names.some((p) => (p.endsWith('*') ? name.toLowerCase().startsWith(p.slice(0, -1).toLowerCase()) : name.toLowerCase() === p.toLowerCase()));
  // Text is cut to 2,000 characters first: a page title or link text longer than that is not worth a slow page.
  const mask = (text: string) =>
    PATTERNS.reduce((t, [pattern, label]) => t.replace(pattern, (found) => (label != '[card]' || luhn(found) ? label : found)), text.slice(0, 2000));
  // Every touchpoint of a page carries the same page URL and referrer: each is cleaned once.
  const memo = new Map<string, string>();
  const cleanUrl = (text: string) => {
    let clean = memo.get(text);
    if (clean === undefined) {
      if (memo.size > 100) memo.clear();
      memo.set(text, (clean = cleanNew(text)));
    }
    return clean;
  };
  const cleanNew = (text: string) => {
    try {
      const url = new URL(text);
      if (!/^https?:$/.test(url.protocol)) return mask(text);
      [...url.searchParams.keys()].forEach((name) => allowed(name) || url.searchParams.delete(name));
      if (tokenFragment(url.hash)) url.hash = '';
      // Tokens in the path (/password/reset/9f86d0…) become [token]; matrix parameters (;jsessionid=…) go.
      url.pathname = url.pathname
        .replace(/;[^/]*/g, '')
        .split('/')
        .map((part) => (TOKEN.test(part) ? '[token]' : part))
        .join('/');
      return mask(url.href);
    } catch {
      return mask(text);
    }
  };
  const clean = (text: unknown) => (typeof text == 'string' ? (/^[a-z]+:/i.test(text) ? cleanUrl(text) : mask(text)) : text);

  return (touchpoint: Touchpoint) => {
    const { page, campaign } = touchpoint.context;
    const url = cleanUrl(page.url);
    touchpoint.context.page = { ...page, url, referrer: clean(page.referrer) as string, title: mask(page.title), path: new URL(url).pathname, search: new URL(url).search };
    // A copy: the campaign is shared by every touchpoint of the page.
    if (campaign) touchpoint.context.campaign = Object.fromEntries(Object.keys(campaign).map((key) => [key, mask(String(campaign[key]))]));
    for (const key of PAGE_KEYS) if (key in touchpoint.properties) touchpoint.properties[key] = clean(touchpoint.properties[key]);
    return touchpoint;
  };
};
