import type { TrackerOptions } from '../createTracker';

const isFunction = (v: unknown) => typeof v == 'function';

// Tests by what an option must be; the key is also the error's wording.
const kinds: Record<string, (v: any) => unknown> = {
  // A path from / is the site's own collector; 'collect.example.com/v1' (no scheme) would be one too, by mistake.
  'an http(s) URL, or a path from /': (v) => typeof v == 'string' && /^(https?:|\/)/i.test(v) && /^https?:/.test(new URL(v, location.href).protocol),
  'an array of functions': (v) => Array.isArray(v) && v.every(isFunction),
  'a function': isFunction,
  'an object with push, read and remove': (v) => v && isFunction(v.push) && isFunction(v.read) && isFunction(v.remove),
  'a boolean': (v) => typeof v == 'boolean',
  '"granted", "denied" or "pending"': (v) => ['granted', 'denied', 'pending'].includes(v),
  '"storageless", "off" or "ignore"': (v) => ['storageless', 'off', 'ignore'].includes(v),
  'false, or an object such as { allowParams: ["utm_*"] }': (v) =>
    v === false || (v && typeof v == 'object' && (v.allowParams === undefined || (Array.isArray(v.allowParams) && v.allowParams.every((p: unknown) => typeof p == 'string')))),
};

// What each option must be: one of `kinds`, or a [min, max] range of whole numbers.
const rules: Record<string, string | [number, number]> = {
  collector: 'an http(s) URL, or a path from /',
  captures: 'an array of functions',
  processors: 'an array of functions',
  batchSize: [1, 1000],
  flushInterval: [0, 36e5],
  // Browsers allow 64 KB in flight for all the requests that outlive a page.
  maxBatchBytes: [1000, 6e4],
  serialize: 'a function',
  send: 'a function',
  queue: 'an object with push, read and remove',
  debug: 'a boolean',
  consent: '"granted", "denied" or "pending"',
  privacySignals: '"storageless", "off" or "ignore"',
  redact: 'false, or an object such as { allowParams: ["utm_*"] }',
  beforeSend: 'a function',
};

/**
 * Throws an error that names the first wrong option and says what it must be; returns the collector as an
 * absolute URL. Throwing is right here: it happens once, at start-up, while the site's developer is watching.
 */
export const checkOptions = (options: TrackerOptions): string => {
  for (const name in rules) {
    const rule = rules[name]!;
    const value: any = (options || {})[name as keyof TrackerOptions];
    let ok: unknown;
    try {
      ok =
        (value === undefined && name != 'collector') ||
        (typeof rule == 'string' ? kinds[rule]!(value) : Number.isInteger(value) && value >= rule[0] && value <= rule[1]);
    } catch {}
    if (!ok) {
      const expected = typeof rule == 'string' ? rule : `a whole number from ${rule[0]} to ${rule[1]}`;
      let shown: string = typeof value;
      try {
        // A function shows as its type; a cycle or a BigInt cannot be shown as JSON, and must not hide the message;
        // a number as itself (JSON shows NaN, what Number() makes of a typo in a data- attribute, as null).
        shown = typeof value == 'function' ? shown : typeof value == 'number' ? value + '' : JSON.stringify(value) ?? shown;
      } catch {}
      throw new TypeError(`touchtrail: option "${name}" must be ${expected}, got ${shown}`);
    }
  }
  return new URL(options.collector, location.href).href;
};
