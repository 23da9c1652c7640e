// @vitest-environment node
// Pure code: no DOM needed, and jsdom is the slow part of a test file.
import { afterEach, describe, expect, test, vi } from 'vitest';
import { retryDelay } from '../../../src/lib/retryDelay';

afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe('retryDelay without Retry-After: exponential backoff with jitter', () => {
  test.each([
    [1, 500, 1000],
    [2, 1000, 2000],
    [3, 2000, 4000],
    [5, 8000, 16000],
  ])('attempt %i waits between %i and %i ms (half to all of the step)', (attempt, low, high) => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    expect(retryDelay(attempt)).toBe(low);
    vi.spyOn(Math, 'random').mockReturnValue(0.999999);
    const top = retryDelay(attempt);
    expect(top).toBeLessThanOrEqual(high);
    expect(top).toBeGreaterThan(high * 0.999);
  });

  test('the step keeps doubling up to the maximum it is given', () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    expect(retryDelay(9, undefined, 1_000_000)).toBe(128_000);
    expect(retryDelay(10, undefined, 1_000_000)).toBe(256_000);
  });

  test('by default the step stops growing at a cap of a few minutes at most', () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.999999);
    const capped = retryDelay(30);
    expect(capped).toBeLessThanOrEqual(300_000);
    expect(capped).toBeGreaterThanOrEqual(30_000);
    for (const attempt of [40, 100, 1000]) expect(retryDelay(attempt)).toBe(capped);
    vi.spyOn(Math, 'random').mockReturnValue(0);
    expect(retryDelay(1000)).toBeCloseTo(capped / 2, -1);
  });

  test('a custom maximum caps the step', () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    expect(retryDelay(20, undefined, 10_000)).toBe(5_000);
  });

  test('jitter spreads the delays of many clients over the whole range', () => {
    const delays = Array.from({ length: 200 }, () => retryDelay(3));
    for (const d of delays) {
      expect(d).toBeGreaterThanOrEqual(2000);
      expect(d).toBeLessThanOrEqual(4000);
    }
    expect(new Set(delays).size).toBeGreaterThan(150);
    expect(Math.min(...delays)).toBeLessThan(2500);
    expect(Math.max(...delays)).toBeGreaterThan(3500);
  });
});

describe('retryDelay with Retry-After', () => {
  test.each([
    ['120', 120_000],
    ['1', 1_000],
    ['1.5', 1_500],
    [' 30 ', 30_000],
  ])('Retry-After: %j (seconds) waits exactly %i ms, whatever the attempt', (header, ms) => {
    expect(retryDelay(1, header)).toBe(ms);
    expect(retryDelay(7, header)).toBe(ms);
  });

  test('an HTTP date waits until that date', () => {
    vi.useFakeTimers({ now: new Date('2024-05-01T10:00:00Z') });
    expect(retryDelay(1, 'Wed, 01 May 2024 10:01:30 GMT')).toBe(90_000);
  });

  test('Retry-After is capped at one hour, in seconds or as a date', () => {
    vi.useFakeTimers({ now: new Date('2024-05-01T10:00:00Z') });
    expect(retryDelay(1, '86400')).toBe(3_600_000);
    expect(retryDelay(1, 'Thu, 02 May 2024 10:00:00 GMT')).toBe(3_600_000);
  });

  test.each([
    ['0', 'zero seconds'],
    ['-5', 'negative seconds'],
    ['', 'empty'],
    ['   ', 'blank'],
    ['soon', 'unreadable'],
    ['Tue, 30 Apr 2024 10:00:00 GMT', 'a date in the past'],
  ])('Retry-After %j (%s) falls back to backoff', (header) => {
    vi.useFakeTimers({ now: new Date('2024-05-01T10:00:00Z') });
    vi.spyOn(Math, 'random').mockReturnValue(0);
    expect(retryDelay(2, header)).toBe(1000);
  });

  test('a null Retry-After (no header) falls back to backoff', () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    expect(retryDelay(1, null)).toBe(500);
  });
});
