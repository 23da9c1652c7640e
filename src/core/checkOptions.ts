import type { TrackerOptions } from '../createTracker';

const functions = (v: unknown) => Array.isArray(v) && v.every((f) => typeof f == 'function');
const whole = (max: number, min = 1) => (v: unknown) => Number.isInteger(v) && (v as number) >= min && (v as number) <= max;
const fn = (v: unknown) => typeof v == 'function';

// Each option that has a rule: [test, what it must be].
const rules: Record<string, [(v: any) => boolean, string]> = {
  captures: [functions, 'an array of captures, like [pageViews()]'],
  processors: [functions, 'an array of processors, (touchpoint) => touchpoint or null'],
  batchSize: [whole(1000), 'a whole number from 1 to 1000'],
  flushInterval: [whole(36e5, 0), 'a whole number of ms from 0 to 3600000'],
  maxBatchBytes: [whole(6e4, 1000), 'a whole number from 1000 to 60000 (browsers allow 64 KB at unload)'],
  serialize: [fn, 'a function (events, meta) => string'],
  send: [fn, 'a function (url, body, unloading) => Promise<{ status }>'],
  queue: [(v) => v && fn(v.push) && fn(v.read) && fn(v.remove), 'an object with push, read and remove, like idbQueue()'],
  debug: [(v) => typeof v == 'boolean', 'true or false'],
  collector: [(v) => typeof v == 'string' && !!v && /^https?:/.test(new URL(v, location.href).protocol), 'the http(s) URL of your collector'],
};

/**
 * Throws an error that names the first wrong option and says what it must be; returns the collector as an
 * absolute URL. Throwing is right here: it happens once, at start-up, while the site's developer is watching.
 */
export const checkOptions = (options: TrackerOptions): string => {
  for (const name in rules) {
    const value = (options || {})[name as keyof TrackerOptions];
    let ok = false;
    try {
      ok = (value === undefined && name != 'collector') || rules[name]![0](value);
    } catch {}
    if (!ok) throw new TypeError(`touchtrail: option "${name}" must be ${rules[name]![1]}, got ${JSON.stringify(value)}`);
  }
  return new URL(options.collector, location.href).href;
};
