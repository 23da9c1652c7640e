import { defaultStages } from '../lib/defaultStages';

/**
 * One marketer rule: which touchpoints it is about (every condition given must hold) and what it says of them.
 * A rules file lists them under `touchpoints`; `schema.json` describes the same fields for editors.
 */
export interface TouchpointRule {
  /** The element the visitor acted on, or one of its ancestors, matches this CSS selector. */
  selector?: string;
  /**
   * The page's path matches: a path (`/pricing`, a trailing slash is optional) or a glob, `*` any characters; written
   * as the address bar shows it (`/produits/été`), as the browser's percent-encoded path is also read decoded.
   */
  url?: string;
  /** The event (`Order Completed`) or the touchpoint's name (`Pricing CTA`) is this. */
  event?: string;
  /** The touchpoint's `touchpointKind` is this (`page_view`, `link_click`, `chat_open`, …). */
  kind?: string;
  /** The landing URL's `utm_medium` is this (`cpc`, `email`, `qr`, …), compared without case as GA4 compares media. */
  utmMedium?: string;
  /** The touchpoint's name (`properties.touchpoint`), unless markup or code named it. */
  name?: string;
  /** The journey stage, unless markup or code gave one. */
  stage?: string;
  /** Marks the touchpoint a moment of truth. */
  momentOfTruth?: boolean;
  /** A note for the people who maintain the file; touchtrail ignores it. */
  description?: string;
}

/** A checkout page, as `checkoutSteps` takes it. */
export interface RulesCheckoutStep {
  url: string;
  step: number;
  name: string;
}

/** A rules document once checked: only what was valid in it. */
export interface Rules {
  /** The site's journey stages, first to last. */
  stages?: string[];
  /** Where the built-in defaults go when the stages are renamed or dropped: a default stage → a stage, or null for none. */
  defaults?: Record<string, string | null>;
  /** Marketer rules, in order: for each field, the first matching rule that sets it wins. */
  touchpoints?: TouchpointRule[];
  /** What to give the `checkoutSteps` capture. */
  checkoutSteps?: { steps?: RulesCheckoutStep[]; confirmation?: string };
}

/** What `parseRules` makes of a document. */
export interface ParsedRules {
  rules: Rules;
  /** One line per problem: where it is in the document, what was expected there and what was found. */
  errors: string[];
}

/** Checks one value at `path`: answers whether it is valid, and reports what is wrong with it when not. */
type Check = (value: any, path: string) => unknown;

const quote = (list: string[]) => list.map((item) => JSON.stringify(item)).join(', ');
const isObject = (value: unknown): value is Record<string, any> => !!value && typeof value == 'object' && !Array.isArray(value);
const show = (value: unknown) =>
  value === undefined ? 'nothing' : Array.isArray(value) ? 'an array' : isObject(value) ? 'an object' : typeof value == 'bigint' ? `${value}n` : JSON.stringify(value);

/**
 * Checks a rules document (an object, or JSON text) against the structure `schema.json` publishes, by hand: a JSON
 * Schema validator (ajv) is many times touchtrail's size. Nothing is thrown. Every problem is reported with its
 * path, what was expected and what was found; a touchpoint rule or checkout step with a problem is left out whole,
 * so that half a rule (a misspelt condition) never applies more widely than meant, and everything valid is kept.
 * `stages` are the stage names to check against when the document lists none of its own.
 */
export const parseRules = (input: unknown, stages: string[] = defaultStages): ParsedRules => {
  const errors: string[] = [];
  const rules: Rules = {};
  const fail = (path: string, expected: string, found: string) => (errors.push(`${path}: expected ${expected}, found ${found}`), false);
  // A check that `test` holds of a value, saying what it expects when it does not.
  const check =
    (test: (value: any) => unknown, expected: string): Check =>
    (value, path) =>
      test(value) || fail(path, expected, show(value));
  const object = check(isObject, 'an object');
  const text = check((value) => typeof value == 'string' && value.trim(), 'a non-empty string');
  const oneOf = (list: string[]) => check((value) => list.includes(value), `one of ${quote(list)}`);
  const stage: Check = (value, path) => oneOf(stages)(value, path);
  const pattern = check((value) => typeof value == 'string' && /^[/*]/.test(value), 'a path starting with "/" (or a glob starting with "*")');
  // The valid items of an array, or undefined when it is none.
  const items = <T>(value: unknown, path: string, item: (entry: any, path: string, i: number, all: unknown[]) => unknown) =>
    check(Array.isArray, 'an array')(value, path) ? ((value as unknown[]).filter((entry, i, all) => item(entry, `${path}[${i}]`, i, all)) as T[]) : undefined;
  // Checks an object: it has only the properties of `spec`, at least one of each of `groups`, and every one of
  // `spec` if `required`, each checked by its entry. Every check runs, so that one pass reports every problem.
  const fields = (spec: Record<string, Check>, required?: boolean, groups: string[][] = []): Check => {
    const keys = Object.keys(spec);
    return (value, path) =>
      object(value, path) &&
      [
        Object.keys(value).every((key) => keys.includes(key) || fail(path, `only ${quote(keys)}`, JSON.stringify(key))),
        ...groups.map((group) => group.some((key) => value[key] !== undefined) || fail(path, `at least one of ${quote(group)}`, 'none')),
        ...keys.map((key) => (!required && value[key] === undefined) || spec[key]!(value[key], `${path}.${key}`)),
      ].every(Boolean);
  };
  const touchpoint = fields(
    {
      // A selector the browser cannot parse would throw at every click; querySelector parses without a match.
      selector: check((value) => {
        try {
          return typeof value == 'string' && value.trim() && (typeof document != 'object' || !document.createDocumentFragment().querySelector(value));
        } catch {}
      }, 'a valid CSS selector'),
      url: pattern,
      event: text,
      kind: oneOf(['page_view', 'link_click', 'form_submit', 'checkout_step', 'product', 'chat_open', 'engagement', 'custom', 'tagged', 'page_experience']),
      utmMedium: text,
      name: text,
      stage,
      momentOfTruth: check((value) => typeof value == 'boolean', 'true or false'),
      description: check((value) => typeof value == 'string', 'a string'),
    },
    false,
    // a condition and an effect
    [
      ['selector', 'url', 'event', 'kind', 'utmMedium'],
      ['name', 'stage', 'momentOfTruth'],
    ],
  );
  const step = fields({ url: pattern, step: check((value) => Number.isInteger(value) && value > 0, 'a whole number from 1'), name: text }, true);
  const checkout: NonNullable<Rules['checkoutSteps']> = {};
  const file = fields({
    $schema: text,
    version: check((value) => value === 1, '1'),
    stages: (value, path) => {
      const list = items<string>(value, path, (name, at, i, all) => text(name, at) && (all.indexOf(name) == i || fail(at, 'a stage not listed before', show(name))));
      if (list) list.length ? (stages = rules.stages = list) : fail(path, 'at least one valid stage', 'none');
    },
    defaults: (value, path) => {
      if (object(value, path)) {
        rules.defaults = {};
        for (const key of Object.keys(value))
          if (oneOf(defaultStages)(key, path) && (value[key] === null || stage(value[key], `${path}.${key}`))) rules.defaults[key] = value[key];
      }
    },
    touchpoints: (value, path) => (rules.touchpoints = items(value, path, touchpoint)),
    checkoutSteps: (value, path) => {
      fields({
        steps: (steps, at) => (checkout.steps = items(steps, at, step)),
        confirmation: (url, at) => pattern(url, at) && (checkout.confirmation = url),
      })(value, path);
      if (isObject(value)) rules.checkoutSteps = checkout;
    },
  });

  try {
    file(typeof input == 'string' ? JSON.parse(input) : input, 'rules');
    return { rules, errors };
  } catch (error) {
    // Text that is not JSON, or a document that cannot even be read (a Proxy that throws, say): nothing of it is
    // kept, and it is said.
    return {
      rules: {},
      errors: [`rules: expected a JSON document, found ${typeof input == 'string' ? 'a syntax error' : 'one that cannot be read'} (${error})`],
    };
  }
};
