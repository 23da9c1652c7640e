import { defaultStages } from '../lib/defaultStages';

/**
 * One marketer rule: which touchpoints it is about (every condition given must hold) and what it says of them.
 * A rules file lists them under `touchpoints`; `schema.json` describes the same fields for editors.
 */
export interface TouchpointRule {
  /** The element the visitor acted on, or one of its ancestors, matches this CSS selector. */
  selector?: string;
  /** The page's path matches: a path (`/pricing`, a trailing slash is optional) or a glob, `*` any characters. */
  url?: string;
  /** The event (`Order Completed`) or the touchpoint's name (`Pricing CTA`) is this. */
  event?: string;
  /** The touchpoint's `touchpointKind` is this (`page_view`, `link_click`, `chat_open`, …). */
  kind?: string;
  /** The landing URL's `utm_medium` is this (`cpc`, `email`, `qr`, …). */
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

const MATCHERS = ['selector', 'url', 'event', 'kind', 'utmMedium'];
const EFFECTS = ['name', 'stage', 'momentOfTruth'];
const KINDS = ['page_view', 'link_click', 'form_submit', 'checkout_step', 'product', 'chat_open', 'engagement', 'custom', 'tagged'];

const quote = (list: string[]) => list.map((item) => JSON.stringify(item)).join(', ');
const show = (value: unknown) =>
  value === undefined ? 'nothing' : Array.isArray(value) ? 'an array' : value && typeof value == 'object' ? 'an object' : typeof value == 'bigint' ? `${value}n` : JSON.stringify(value);

/**
 * Checks a rules document (an object, or JSON text) against the structure `schema.json` publishes, by hand: a JSON
 * Schema validator (ajv) is many times touchtrail's size. Nothing is thrown. Every problem is reported with its
 * path, what was expected and what was found; a touchpoint rule or checkout step with a problem is left out whole,
 * so that half a rule (a misspelt condition) never applies more widely than meant, and everything valid is kept.
 * `stages` are the stage names to check against when the document lists none of its own.
 */
export const parseRules = (input: unknown, stages: string[] = defaultStages): ParsedRules => {
  try {
    return check(input, stages);
  } catch (error) {
    // A document that cannot even be read (a Proxy that throws, say): nothing of it is kept, and it is said.
    return { rules: {}, errors: [`rules: expected a JSON document, found one that cannot be read (${error})`] };
  }
};

const check = (input: unknown, stages: string[]): ParsedRules => {
  const errors: string[] = [];
  const rules: Rules = {};
  // Each check reports its problem and answers false, so checks read as conditions and chain with &&.
  const fail = (path: string, expected: string, found: string) => (errors.push(`${path}: expected ${expected}, found ${found}`), false);
  const bad = (path: string, expected: string, value: unknown) => fail(path, expected, show(value));
  const object = (value: unknown, path: string): value is Record<string, unknown> =>
    (!!value && typeof value == 'object' && !Array.isArray(value)) || bad(path, 'an object', value);
  const array = (value: unknown, path: string): value is unknown[] => Array.isArray(value) || bad(path, 'an array', value);
  const text = (value: unknown, path: string): value is string =>
    (typeof value == 'string' && !!value.trim()) || bad(path, 'a non-empty string', value);
  const only = (value: Record<string, unknown>, path: string, keys: string[]) =>
    Object.keys(value).every((key) => keys.includes(key) || fail(path, `only ${quote(keys)}`, JSON.stringify(key)));
  const oneOf = (value: unknown, path: string, list: string[]) =>
    list.includes(value as string) || bad(path, `one of ${quote(list)}`, value);
  const pattern = (value: unknown, path: string) =>
    text(value, path) && (/^[/*]/.test(value) || bad(path, 'a path starting with "/" (or a glob starting with "*")', value));
  const selector = (value: unknown, path: string) => {
    if (!text(value, path)) return false;
    try {
      // A selector the browser cannot parse would throw at every click; querySelector parses without a match.
      if (typeof document == 'object') document.createDocumentFragment().querySelector(value);
      return true;
    } catch {
      return bad(path, 'a valid CSS selector', value);
    }
  };
  // Keeps the valid items of an array property, each checked by `check`.
  const items = <T>(value: unknown, path: string, check: (item: unknown, path: string) => unknown): T[] | undefined =>
    array(value, path) ? (value.filter((item, i) => check(item, `${path}[${i}]`)) as T[]) : undefined;

  let doc = input;
  if (typeof doc == 'string') {
    try {
      doc = JSON.parse(doc);
    } catch (error) {
      fail('rules', 'a JSON document', `a syntax error (${(error as Error).message})`);
      return { rules, errors };
    }
  }
  if (!object(doc, 'rules')) return { rules, errors };
  only(doc, 'rules', ['$schema', 'version', 'stages', 'defaults', 'touchpoints', 'checkoutSteps']);
  if (doc.$schema !== undefined) text(doc.$schema, 'rules.$schema');
  if (doc.version !== undefined && doc.version !== 1) bad('rules.version', '1', doc.version);

  if (doc.stages !== undefined && array(doc.stages, 'rules.stages')) {
    const list: string[] = [];
    doc.stages.forEach((stage, i) => {
      const path = `rules.stages[${i}]`;
      if (text(stage, path) && (!list.includes(stage) || bad(path, 'a stage not listed before', stage))) list.push(stage);
    });
    if (list.length) stages = rules.stages = list;
    else fail('rules.stages', 'at least one valid stage', 'none');
  }

  const defaults = doc.defaults;
  if (defaults !== undefined && object(defaults, 'rules.defaults')) {
    rules.defaults = {};
    for (const key of Object.keys(defaults)) {
      const path = `rules.defaults.${key}`;
      if (oneOf(key, 'rules.defaults', defaultStages) && (defaults[key] === null || oneOf(defaults[key], path, stages)))
        rules.defaults[key] = defaults[key] as string | null;
    }
  }

  if (doc.touchpoints !== undefined)
    rules.touchpoints = items<TouchpointRule>(doc.touchpoints, 'rules.touchpoints', (rule, path) => {
      if (!object(rule, path)) return false;
      const at = (key: string) => `${path}.${key}`;
      const has = (keys: string[]) => keys.some((key) => rule[key] !== undefined) || fail(path, `at least one of ${quote(keys)}`, 'none');
      // Every check runs, so that one pass reports every problem of the entry.
      return [
        only(rule, path, [...MATCHERS, ...EFFECTS, 'description']),
        has(MATCHERS),
        has(EFFECTS),
        rule.selector === undefined || selector(rule.selector, at('selector')),
        rule.url === undefined || pattern(rule.url, at('url')),
        rule.event === undefined || text(rule.event, at('event')),
        rule.kind === undefined || oneOf(rule.kind, at('kind'), KINDS),
        rule.utmMedium === undefined || text(rule.utmMedium, at('utmMedium')),
        rule.name === undefined || text(rule.name, at('name')),
        rule.stage === undefined || oneOf(rule.stage, at('stage'), stages),
        rule.momentOfTruth === undefined || typeof rule.momentOfTruth == 'boolean' || bad(at('momentOfTruth'), 'true or false', rule.momentOfTruth),
        rule.description === undefined || typeof rule.description == 'string' || bad(at('description'), 'a string', rule.description),
      ].every(Boolean);
    });

  const checkout = doc.checkoutSteps;
  if (checkout !== undefined && object(checkout, 'rules.checkoutSteps')) {
    only(checkout, 'rules.checkoutSteps', ['steps', 'confirmation']);
    rules.checkoutSteps = {};
    if (checkout.steps !== undefined)
      rules.checkoutSteps.steps = items(checkout.steps, 'rules.checkoutSteps.steps', (step, path) => {
        if (!object(step, path)) return false;
        return [
          only(step, path, ['url', 'step', 'name']),
          pattern(step.url, `${path}.url`),
          (Number.isInteger(step.step) && (step.step as number) > 0) || bad(`${path}.step`, 'a whole number from 1', step.step),
          text(step.name, `${path}.name`),
        ].every(Boolean);
      });
    if (checkout.confirmation !== undefined && pattern(checkout.confirmation, 'rules.checkoutSteps.confirmation'))
      rules.checkoutSteps.confirmation = checkout.confirmation as string;
  }
  return { rules, errors };
};
