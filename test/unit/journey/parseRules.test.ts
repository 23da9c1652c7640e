import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { parseRules } from '../../../src/journey/parseRules';

const schema = JSON.parse(readFileSync('schema.json', 'utf8'));
const example = JSON.parse(readFileSync('examples/rules.json', 'utf8'));
const STAGES = '"awareness", "consideration", "decision", "purchase", "retention", "advocacy"';

/**
 * The part of JSON Schema 2020-12 that schema.json uses, enough to check documents against it in a test (ajv is
 * not a dependency). It throws on any keyword it does not know, so the schema cannot outgrow it unnoticed.
 * Returns the paths where the document fails.
 */
const validate = (value: unknown, node: any = schema, path = 'rules'): string[] => {
  const errors: string[] = [];
  const fail = (why: string) => errors.push(`${path}: ${why}`);
  const type = (v: unknown) =>
    v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v;
  for (const [keyword, arg] of Object.entries<any>(node)) {
    switch (keyword) {
      case '$schema': case '$id': case 'title': case 'description': case 'default': case 'examples': case '$defs':
        break;
      case '$ref':
        errors.push(...validate(value, arg.split('/').slice(1).reduce((n: any, k: string) => n[k], schema), path));
        break;
      case 'type':
        if (!(type(value) == arg || (arg == 'number' && typeof value == 'number'))) fail(`not ${arg}`);
        break;
      case 'const':
        if (value !== arg) fail(`not ${arg}`);
        break;
      case 'enum':
        if (!arg.includes(value)) fail('not in enum');
        break;
      case 'minLength':
        if (typeof value == 'string' && value.length < arg) fail('too short');
        break;
      case 'pattern':
        if (typeof value == 'string' && !new RegExp(arg, 'u').test(value)) fail(`does not match ${arg}`);
        break;
      case 'minimum':
        if (typeof value == 'number' && value < arg) fail('too small');
        break;
      case 'minItems':
        if (Array.isArray(value) && value.length < arg) fail('too few items');
        break;
      case 'uniqueItems':
        if (arg && Array.isArray(value) && new Set(value.map((v) => JSON.stringify(v))).size != value.length) fail('duplicates');
        break;
      case 'items':
        if (Array.isArray(value)) value.forEach((item, i) => errors.push(...validate(item, arg, `${path}[${i}]`)));
        break;
      case 'required':
        if (type(value) == 'object') for (const key of arg) if (!(key in (value as object))) fail(`${key} missing`);
        break;
      case 'properties':
        if (type(value) == 'object')
          for (const [key, sub] of Object.entries(value as object)) if (arg[key]) errors.push(...validate(sub, arg[key], `${path}.${key}`));
        break;
      case 'additionalProperties':
        if (type(value) == 'object')
          for (const [key, sub] of Object.entries(value as object))
            if (!node.properties?.[key])
              if (arg === false) fail(`${key} not allowed`);
              else errors.push(...validate(sub, arg, `${path}.${key}`));
        break;
      case 'propertyNames':
        if (type(value) == 'object') for (const key of Object.keys(value as object)) errors.push(...validate(key, arg, `${path} key ${key}`));
        break;
      case 'allOf':
        for (const sub of arg) errors.push(...validate(value, sub, path));
        break;
      case 'anyOf':
        if (!arg.some((sub: unknown) => validate(value, sub, path).length == 0)) fail('matches none of anyOf');
        break;
      default:
        throw new Error(`the test's validator does not know ${keyword}`);
    }
  }
  return errors;
};

describe('the example rules file', () => {
  test('validates against schema.json', () => {
    expect(validate(example)).toEqual([]);
  });

  test('parseRules finds nothing wrong with it, and keeps all of it', () => {
    const { rules, errors } = parseRules(example);
    expect(errors).toEqual([]);
    const { $schema, version, ...rest } = example;
    expect(rules).toEqual(rest);
  });

  test('schema.json is itself valid JSON Schema 2020-12 in shape: every $ref resolves', () => {
    const refs = JSON.stringify(schema).match(/"\$ref":"[^"]+"/g)!;
    for (const ref of refs) {
      const target = ref.slice(8, -1).split('/').slice(1).reduce((n: any, k: string) => n?.[k], schema);
      expect(target, ref).toBeTypeOf('object');
    }
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
  });

  test('the package exports it as touchtrail/schema.json', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
    expect(pkg.exports['./schema.json']).toBe('./schema.json');
    expect(pkg.files).toContain('schema.json');
  });
});

describe('errors say where, what was expected and what was found', () => {
  test.each<[string, unknown, string[]]>([
    [
      'a misspelt stage',
      { touchpoints: [{ url: '/a', stage: 'awareness' }, { url: '/b', stage: 'decision' }, { event: 'Order Completed', stage: 'purchse' }] },
      [`rules.touchpoints[2].stage: expected one of ${STAGES}, found "purchse"`],
    ],
    [
      'a misspelt top-level property',
      { touchpionts: [] },
      ['rules: expected only "$schema", "version", "stages", "defaults", "touchpoints", "checkoutSteps", found "touchpionts"'],
    ],
    [
      'a rule without a condition',
      { touchpoints: [{ stage: 'decision' }] },
      ['rules.touchpoints[0]: expected at least one of "selector", "url", "event", "kind", "utmMedium", found none'],
    ],
    [
      'a rule without an effect',
      { touchpoints: [{ url: '/pricing' }] },
      ['rules.touchpoints[0]: expected at least one of "name", "stage", "momentOfTruth", found none'],
    ],
    [
      'a misspelt condition',
      { touchpoints: [{ url: '/pricing', selectr: '.cta', stage: 'decision' }] },
      ['rules.touchpoints[0]: expected only "selector", "url", "event", "kind", "utmMedium", "name", "stage", "momentOfTruth", "description", found "selectr"'],
    ],
    [
      'a selector the browser cannot parse',
      { touchpoints: [{ selector: '.cta[', stage: 'decision' }] },
      ['rules.touchpoints[0].selector: expected a valid CSS selector, found ".cta["'],
    ],
    [
      'a URL that is not a path',
      { touchpoints: [{ url: 'pricing', stage: 'decision' }] },
      ['rules.touchpoints[0].url: expected a path starting with "/" (or a glob starting with "*"), found "pricing"'],
    ],
    [
      'a moment of truth as a string',
      { touchpoints: [{ event: 'Order Completed', momentOfTruth: 'yes' }] },
      ['rules.touchpoints[0].momentOfTruth: expected true or false, found "yes"'],
    ],
    [
      'a misspelt kind',
      { touchpoints: [{ kind: 'chat_opened', stage: 'retention' }] },
      [
        'rules.touchpoints[0].kind: expected one of "page_view", "link_click", "form_submit", "checkout_step", "product", "chat_open", "engagement", "custom", "tagged", "page_experience", found "chat_opened"',
      ],
    ],
    [
      'an empty name and a number for an event',
      { touchpoints: [{ event: 42, name: ' ' }] },
      ['rules.touchpoints[0].event: expected a non-empty string, found 42', 'rules.touchpoints[0].name: expected a non-empty string, found " "'],
    ],
    ['a rule that is not an object', { touchpoints: ['/pricing'] }, ['rules.touchpoints[0]: expected an object, found "/pricing"']],
    ['touchpoints that are not a list', { touchpoints: { url: '/a' } }, ['rules.touchpoints: expected an array, found an object']],
    ['another version', { version: 2 }, ['rules.version: expected 1, found 2']],
    [
      'stages with a duplicate and a blank',
      { stages: ['discover', '', 'buy', 'discover'] },
      ['rules.stages[1]: expected a non-empty string, found ""', 'rules.stages[3]: expected a stage not listed before, found "discover"'],
    ],
    ['no valid stage', { stages: [] }, ['rules.stages: expected at least one valid stage, found none']],
    [
      'defaults for an unknown default, and to an unknown stage',
      { defaults: { awarenes: 'awareness', decision: 'buy' } },
      [`rules.defaults: expected one of ${STAGES}, found "awarenes"`, `rules.defaults.decision: expected one of ${STAGES}, found "buy"`],
    ],
    [
      'checkout steps with a step 0, a missing name and an unknown property',
      { checkoutSteps: { steps: [{ url: '/checkout', step: 0, name: 'cart' }, { url: '/checkout/pay', step: 2, title: 'pay' }], confirmation: 'thanks' } },
      [
        'rules.checkoutSteps.steps[0].step: expected a whole number from 1, found 0',
        'rules.checkoutSteps.steps[1]: expected only "url", "step", "name", found "title"',
        'rules.checkoutSteps.steps[1].name: expected a non-empty string, found nothing',
        'rules.checkoutSteps.confirmation: expected a path starting with "/" (or a glob starting with "*"), found "thanks"',
      ],
    ],
    ['a document that is a list', [{ url: '/a' }], ['rules: expected an object, found an array']],
    ['null', null, ['rules: expected an object, found null']],
  ])('%s', (_, doc, errors) => {
    expect(parseRules(doc).errors).toEqual(errors);
    // The schema rejects the same documents, but for what JSON Schema cannot say: stage names checked against the
    // document's own list, and selectors the browser cannot parse. parseRules checks those.
    if (!/misspelt stage|defaults for|cannot parse/.test(_)) expect(validate(doc)).not.toEqual([]);
  });

  test('JSON text that does not parse', () => {
    const { rules, errors } = parseRules('{ "touchpoints": [ }');
    expect(rules).toEqual({});
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^rules: expected a JSON document, found a syntax error \(.+\)$/);
  });

  test('every problem of one entry is reported in one pass', () => {
    const { errors } = parseRules({ touchpoints: [{ url: 'x', stage: 'nope', momentOfTruth: 1 }] });
    expect(errors).toEqual([
      'rules.touchpoints[0].url: expected a path starting with "/" (or a glob starting with "*"), found "x"',
      `rules.touchpoints[0].stage: expected one of ${STAGES}, found "nope"`,
      'rules.touchpoints[0].momentOfTruth: expected true or false, found 1',
    ]);
  });
});

describe('what is kept', () => {
  test('every valid entry, and no entry with a problem', () => {
    const { rules, errors } = parseRules({
      touchpoints: [
        { url: '/pricing', stage: 'consideration' },
        { url: '/pricing', selectr: '.cta', stage: 'decision' },
        { event: 'Order Completed', stage: 'purchse' },
        { selector: '#demo', name: 'Demo', momentOfTruth: true },
      ],
      checkoutSteps: { steps: [{ url: '/c/1', step: 1, name: 'cart' }, { url: '/c/2', step: 'two', name: 'pay' }], confirmation: '/thanks' },
      colour: 'blue',
    });
    expect(errors).toHaveLength(4);
    expect(rules).toEqual({
      touchpoints: [
        { url: '/pricing', stage: 'consideration' },
        { selector: '#demo', name: 'Demo', momentOfTruth: true },
      ],
      checkoutSteps: { steps: [{ url: '/c/1', step: 1, name: 'cart' }], confirmation: '/thanks' },
    });
  });

  test('a kind rule takes every kind the captures emit, page_experience (webVitals) too', () => {
    const kinds = ['page_view', 'link_click', 'form_submit', 'checkout_step', 'product', 'chat_open', 'engagement', 'custom', 'tagged', 'page_experience'];
    const { rules, errors } = parseRules({ touchpoints: kinds.map((kind) => ({ kind, momentOfTruth: true })) });
    expect(errors).toEqual([]);
    expect(rules.touchpoints).toHaveLength(kinds.length);
    expect(validate({ touchpoints: [{ kind: 'page_experience', momentOfTruth: true }] })).toEqual([]);
  });

  test("stage names are checked against the document's own stages, else those given, else the defaults", () => {
    expect(parseRules({ stages: ['discover', 'buy'], touchpoints: [{ url: '/', stage: 'buy' }] }).errors).toEqual([]);
    expect(parseRules({ stages: ['discover', 'buy'], touchpoints: [{ url: '/', stage: 'decision' }] }).errors).toEqual([
      'rules.touchpoints[0].stage: expected one of "discover", "buy", found "decision"',
    ]);
    expect(parseRules({ touchpoints: [{ url: '/', stage: 'buy' }] }, ['discover', 'buy']).errors).toEqual([]);
    expect(parseRules({ stages: ['discover', 'discover', 'buy'] }).rules.stages).toEqual(['discover', 'buy']);
  });

  test('defaults: null switches one off; valid mappings are kept', () => {
    const { rules, errors } = parseRules({ stages: ['discover', 'buy'], defaults: { awareness: 'discover', decision: 'buy', purchase: 'buy', advocacy: null } });
    expect(errors).toEqual([]);
    expect(rules.defaults).toEqual({ awareness: 'discover', decision: 'buy', purchase: 'buy', advocacy: null });
  });

  test('an invalid confirmation costs only itself: the valid steps are kept', () => {
    const { rules, errors } = parseRules({ checkoutSteps: { steps: [{ url: '/c/1', step: 1, name: 'cart' }], confirmation: 'thanks' } });
    expect(errors).toHaveLength(1);
    expect(rules).toEqual({ checkoutSteps: { steps: [{ url: '/c/1', step: 1, name: 'cart' }] } });
  });

  test('a property named like one every object inherits is unknown all the same', () => {
    const { rules, errors } = parseRules(JSON.parse('{ "touchpoints": [{ "url": "/a", "stage": "decision", "constructor": 1 }], "toString": 1 }'));
    expect(errors).toEqual([
      'rules: expected only "$schema", "version", "stages", "defaults", "touchpoints", "checkoutSteps", found "toString"',
      'rules.touchpoints[0]: expected only "selector", "url", "event", "kind", "utmMedium", "name", "stage", "momentOfTruth", "description", found "constructor"',
    ]);
    expect(rules).toEqual({ touchpoints: [] });
  });

  test('an empty document is valid and says nothing', () => {
    expect(parseRules({})).toEqual({ rules: {}, errors: [] });
    expect(parseRules('{}')).toEqual({ rules: {}, errors: [] });
  });
});
