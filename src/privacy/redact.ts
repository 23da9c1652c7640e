import type { Processor, Touchpoint } from '../types';
import { clickIds } from '../lib/clickIds';
import { cut } from '../lib/cut';

/** What `redact` removes. */
export interface RedactOptions {
  /**
   * Query parameters kept in URLs besides `utm_*` and the ad click ids, which are always kept (journeyStages and
   * channels read them from the URL: without them every campaign is lost); every other is removed. A name ending
   * in `*` is a prefix: `['q', 'page', 'ref_*']`.
   * @default [] (only 'utm_*' and the ad click ids: 'gclid', 'gbraid', 'wbraid', 'dclid', 'fbclid', 'msclkid', 'ttclid', 'li_fat_id', 'twclid', 'epik', 'rdt_cid', 'sccid', 'yclid')
   */
  allowParams?: string[];
}

// Personal data as it appears in URLs and page text: an email (also URL-encoded, its + too; any script in the
// domain, whose last label is letters, so react@18.2.0 is none; logo@2x.png neither), an international (+ or 00
// and a digit that is not 0, so zero-padded 00012345678 stays), national (0 and 9 or 10 more digits, spaces or
// hyphens between: 07700 900123; not dots or a time after it, which dates have) or North American phone number
// with separators, a card-like run of 13 to 19 digits. A bare 10-digit number is as likely an order number: it stays.
// Masked, not removed, so the shape stays readable. Separators may be URL-encoded (%20, or + in a query). Lengths
// are bounded, so that a long run of letters without an @ costs linear time, not quadratic.
const PATTERNS: [RegExp, string][] = [
  [/(?:[\w.+-]|%2B){1,64}(?:@|%40)(?!\d+x\.)(?:[\w\u00a1-\uffff-]{1,63}\.){1,8}(?:[a-z\u00a1-\uffff]{2,63}|xn--[\w-]{1,59})(?![\w-])/gi, '[email]'],
  [/\b(?:\d(?:[ -]|%20|\+)?){12,18}\d\b/g, '[card]'],
  [
    /(?:\+|%2B|\b00)[1-9](?:[\d().-]|%20| ){6,24}\d|\(?\b\d{3}\)?(?:[ .+-]|%20)\d{3}(?:[ .+-]|%20)\d{4}\b|\b0[1-9](?:(?:[ -]|%20)?\d){8,9}\b(?!:)/gi,
    '[phone]',
  ],
];
// Card numbers pass the Luhn check; long order numbers and timestamps mostly do not, so they stay.
const luhn = (digits: string) =>
  !([...digits.replace(/%20/g, '').replace(/\D/g, '')].reverse().reduce((sum, d, i) => sum + (i % 2 ? [0, 2, 4, 6, 8, 1, 3, 5, 7, 9][+d]! : +d), 0) % 10);
// An opaque token in a path segment or a fragment (a password reset, a magic link, a session): 20 or more
// letters and digits mixed with at most two hyphens (Django's are "c6mv2z-3f1e…"), a long hex or UUID-like run,
// or a JWT (three base64url parts joined by dots, the first "eyJ", which is '{"'). Slugs stay: words joined by
// more hyphens, or by hyphens and underscores when every word is letters or digits (top_10_running_shoes_2024;
// a token's parts mix the two). Numeric ids stay.
const TOKEN =
  /^(?=[^/]*\d)(?=[^/]*[a-z])(?!(?:[^-]*-){3})(?!(?:[a-z]+|\d+)(?:[-_](?:[a-z]+|\d+)){3,}$)[\w-]{20,}$|^[\da-f-]{32,}$|^eyJ[\w-]*\.[\w-]+\.[\w-]*$/i;
// A hash route keeps its route (#/products/42; #/search?page=2 keeps #/search); any other fragment that carries a
// value (#access_token=…) goes, and so does one with a token in it.
const cleanHash = (hash: string) => {
  const route = /^#\/[^?&=]*/.exec(hash)?.[0] ?? (hash.includes('=') ? '' : hash);
  return route.slice(1).split('/').some((part) => TOKEN.test(part)) ? '' : route;
};
// The properties of touchpoints that touchtrail's own captures collect from the page.
const PAGE_KEYS = ['href', 'url', 'text', 'title', 'action', 'referrer', 'path', 'landingPage', 'inpPath'];

/**
 * A processor that keeps personal data out of what touchtrail collects from the page: URLs (page, referrer,
 * links, form actions) lose every query parameter not allowed and every token-like fragment, and emails,
 * phone numbers and card numbers are masked in URLs, link text, titles and campaign values.
 * Properties a site passes to `track()` itself are left as they are: use `beforeSend` for those.
 */
export const redact = ({ allowParams }: RedactOptions = {}): Processor => {
  // Added to the campaign parameters, never instead of them: the journey needs those. Anything but a list of names
  // fails closed, to the campaign parameters alone, rather than open.
  const names = ['utm_*', ...clickIds, ...(Array.isArray(allowParams) && allowParams.every((p) => typeof p == 'string') ? allowParams : [])];
  // Case-insensitive: Snapchat sends ScCid, others UTM_SOURCE.
  const allowed = (name: string) =>
    names.some((p) => (p.endsWith('*') ? name.toLowerCase().startsWith(p.slice(0, -1).toLowerCase()) : name.toLowerCase() === p.toLowerCase()));
  // Text is cut to 2,000 characters first: a page title or link text longer than that is not worth a slow page.
  // A card-like run that fails Luhn stays, and so does a bare 10-digit run from 0 (an ISBN-10, an ASIN, a tracking
  // number): a national phone number without separators is the 11-digit kind (07700900123).
  const kept = (label: string, found: string) => (label == '[card]' ? !luhn(found) : label == '[phone]' && /^0\d{9}$/.test(found));
  const mask = (text: string) =>
    PATTERNS.reduce((t, [pattern, label]) => t.replace(pattern, (found) => (kept(label, found) ? found : label)), cut(text, 2000));
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
      url.hash = cleanHash(url.hash);
      // https://user:password@host: both are the visitor's.
      url.username = url.password = '';
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
  // A path on its own (properties.path, inpPath) is cleaned as the path of a URL, tokens and all; prose (a link's
  // text, a title) that starts with / is still prose: masked, never encoded or cut at its '?'.
  const clean = (text: unknown, prose?: boolean) =>
    typeof text != 'string'
      ? text
      : /^[a-z]+:/i.test(text)
        ? cleanUrl(text)
        : text[0] == '/' && !prose
          ? cleanUrl('http://_' + text).slice(8)
          : mask(text);

  return (touchpoint: Touchpoint) => {
    const { page, campaign } = touchpoint.context;
    const url = cleanUrl(page.url);
    touchpoint.context.page = { ...page, url, referrer: clean(page.referrer) as string, title: mask(page.title), path: new URL(url).pathname, search: new URL(url).search };
    // A copy: the campaign is shared by every touchpoint of the page.
    if (campaign) touchpoint.context.campaign = Object.fromEntries(Object.keys(campaign).map((key) => [key, mask(String(campaign[key]))]));
    for (const key of PAGE_KEYS) if (key in touchpoint.properties) touchpoint.properties[key] = clean(touchpoint.properties[key], key == 'text' || key == 'title');
    return touchpoint;
  };
};
