import { afterEach, describe, expect, test, vi } from 'vitest';
import { checkOptions } from '../../../src/core/checkOptions';
import { createTracker } from '../../../src/createTracker';
import { memoryQueue } from '../../../src/queue/memoryQueue';

const collector = 'https://collector.example/v1/batch';

afterEach(() => vi.restoreAllMocks());

describe('valid options', () => {
  test('returns the collector as an absolute URL', () => {
    expect(checkOptions({ collector })).toBe(collector);
    expect(checkOptions({ collector: '/collect' })).toBe('http://localhost:3000/collect');
    expect(checkOptions({ collector: '//collector.example/x' })).toBe('http://collector.example/x');
    expect(checkOptions({ collector: 'HTTPS://Collector.Example/Batch' })).toBe('https://collector.example/Batch');
  });

  test('accepts every option at its limits', () => {
    const ok = {
      collector,
      captures: [() => () => {}],
      processors: [(t: any) => t],
      serialize: () => '',
      send: async () => ({ status: 200 }),
      queue: memoryQueue(),
      debug: true,
    };
    for (const [batchSize, flushInterval, maxBatchBytes] of [
      [1, 0, 1000],
      [1000, 3_600_000, 60_000],
      [20, 2000, 60_000],
    ]) {
      expect(() => checkOptions({ ...ok, batchSize, flushInterval, maxBatchBytes })).not.toThrow();
    }
  });

  test('leaves out what is not given: only collector is required', () => {
    expect(() => checkOptions({ collector, captures: undefined, queue: undefined })).not.toThrow();
    expect(() => checkOptions({ collector, captures: [], processors: [] })).not.toThrow();
  });
});

const noop = () => {};
const cases: [string, Record<string, unknown>][] = [
  ['collector', { collector: undefined }],
  ['collector', { collector: '' }],
  ['collector', { collector: 42 }],
  ['collector', { collector: null }],
  ['collector', { collector: 'ftp://collector.example/' }],
  ['collector', { collector: 'javascript:alert(1)' }],
  ['collector', { collector: 'http://[bad' }],
  // No scheme: a host taken for a path of the site's own.
  ['collector', { collector: 'collect.example.com/v1/batch' }],
  ['captures', { captures: noop }],
  ['captures', { captures: [noop, 'linkClicks'] }],
  ['captures', { captures: null }],
  ['processors', { processors: {} }],
  ['processors', { processors: [null] }],
  ['batchSize', { batchSize: 0 }],
  ['batchSize', { batchSize: 1001 }],
  ['batchSize', { batchSize: 2.5 }],
  ['batchSize', { batchSize: '20' }],
  ['batchSize', { batchSize: NaN }],
  ['batchSize', { batchSize: null }],
  ['flushInterval', { flushInterval: -1 }],
  ['flushInterval', { flushInterval: 3_600_001 }],
  ['flushInterval', { flushInterval: Infinity }],
  ['flushInterval', { flushInterval: '2000' }],
  ['maxBatchBytes', { maxBatchBytes: 999 }],
  ['maxBatchBytes', { maxBatchBytes: 64_000 }],
  ['maxBatchBytes', { maxBatchBytes: 1e3 + 0.5 }],
  ['serialize', { serialize: 'json' }],
  ['serialize', { serialize: null }],
  ['send', { send: {} }],
  ['queue', { queue: {} }],
  ['queue', { queue: null }],
  ['queue', { queue: { push: noop, read: noop } }],
  ['queue', { queue: [] }],
  ['debug', { debug: 'true' }],
  ['debug', { debug: 1 }],
];

describe('invalid options', () => {
  test.each(cases)('%s: %o throws a TypeError that names it', (name, options) => {
    const all = { collector, ...options };
    let error: unknown;
    try {
      checkOptions(all as any);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toContain(`"${name}"`);
    // It names only the wrong option.
    for (const other of ['collector', 'captures', 'processors', 'batchSize', 'flushInterval', 'maxBatchBytes', 'serialize', 'send', 'queue', 'debug'])
      if (other !== name) expect((error as Error).message).not.toContain(`"${other}"`);
  });

  test('the message shows the wrong value', () => {
    expect(() => checkOptions({ collector, batchSize: 5000 })).toThrow(/5000/);
    expect(() => checkOptions({ collector: 'ftp://x.example/' })).toThrow(/ftp:\/\/x\.example/);
    // NaN (what Number() makes of a typo in data-batch-size) as itself, not as JSON's null.
    expect(() => checkOptions({ collector, batchSize: NaN })).toThrow(/got NaN$/);
  });

  // A wrong value that JSON cannot show (a cycle: a store, a DOM node, a class instance; or a BigInt) must still get
  // the error that names the option, not JSON's own "Converting circular structure to JSON".
  test('a wrong value that JSON cannot show (a cycle) still gets the error that names the option', () => {
    const store: Record<string, unknown> = { name: 'my store' };
    store.self = store;
    expect(() => checkOptions({ collector, queue: store as any })).toThrow(/"queue"/);
  });

  test('a BigInt value still gets the error that names the option', () => {
    expect(() => checkOptions({ collector, batchSize: 10n as any })).toThrow(/"batchSize"/);
  });

  test('no options at all names collector', () => {
    expect(() => checkOptions(undefined as any)).toThrow(TypeError);
    expect(() => checkOptions(undefined as any)).toThrow(/"collector"/);
  });

  test('createTracker throws the same TypeError, at start-up, and starts nothing', () => {
    const add = vi.spyOn(window, 'addEventListener');
    expect(() => createTracker({ collector, batchSize: 0 })).toThrow(TypeError);
    expect(() => createTracker({ collector, batchSize: 0 })).toThrow(/"batchSize"/);
    expect(add).not.toHaveBeenCalled();
  });
});
