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
const PATTERNS: [RegExp, string][] = [
  [/[\w.+-]+(?:@|%40)[\w-]+(?:\.[\w-]+)+/gi, '[email]'],
  [/\b(?:\d[ -]?){12,18}\d\b/g, '[card]'],
  [/(?:\+|\b00)\d[\d ().-]{6,}\d|\(?\b\d{3}\)?[ .-]\d{3}[ .-]\d{4}\b/g, '[phone]'],
];
// Card numbers pass the Luhn check; long order numbers and timestamps mostly do not, so they stay.
const luhn = (digits: string) =>
  !([...digits.replace(/\D/g, '')].reverse().reduce((sum, d, i) => sum + (i % 2 ? [0, 2, 4, 6, 8, 1, 3, 5, 7, 9][+d]! : +d), 0) % 10);
// A fragment that carries a value (#access_token=…) or a long opaque run (a reset or magic-link token);
// an SPA route such as #/products/42 stays.
const TOKEN_FRAGMENT = /=|[\w-]{24,}/;
// The properties of touchpoints that touchtrail's own captures collect from the page.
const PAGE_KEYS = ['href', 'url', 'text', 'title', 'action', 'referrer', 'path', 'landingPage'];

/**
 * A processor that keeps personal data out of what touchtrail collects from the page: URLs (page, referrer,
 * links, form actions) lose every query parameter not allowed and every token-like fragment, and emails,
 * phone numbers and card numbers are masked in URLs, link text, titles and campaign values.
 * Properties a site passes to `track()` itself are left as they are: use `beforeSend` for those.
 */
export const redact = ({ allowParams = ['utm_*', ...CLICK_IDS] }: RedactOptions = {}): Processor => {
  const allowed = (name: string) => allowParams.some((p) => (p.endsWith('*') ? name.startsWith(p.slice(0, -1)) : name === p));
  const mask = (text: string) =>
    PATTERNS.reduce((t, [pattern, label]) => t.replace(pattern, (found) => (label != '[card]' || luhn(found) ? label : found)), text);
  const cleanUrl = (text: string) => {
    try {
      const url = new URL(text);
      if (!/^https?:$/.test(url.protocol)) return mask(text);
      [...url.searchParams.keys()].forEach((name) => allowed(name) || url.searchParams.delete(name));
      if (TOKEN_FRAGMENT.test(url.hash)) url.hash = '';
      return mask(url.href);
    } catch {
      return mask(text);
    }
  };
  const clean = (text: unknown) => (typeof text == 'string' ? (/^[a-z]+:/i.test(text) ? cleanUrl(text) : mask(text)) : text);

  return (touchpoint: Touchpoint) => {
    const { page, campaign } = touchpoint.context;
    const url = cleanUrl(page.url);
    touchpoint.context.page = { ...page, url, referrer: clean(page.referrer) as string, title: mask(page.title), path: mask(page.path), search: new URL(url).search };
    if (campaign) for (const key in campaign) campaign[key] = mask(campaign[key]!);
    for (const key of PAGE_KEYS) if (key in touchpoint.properties) touchpoint.properties[key] = clean(touchpoint.properties[key]);
    return touchpoint;
  };
};
