// @vitest-environment node
// Pure code: no DOM needed, and jsdom is the slow part of a test file.
import { expect, test, vi } from 'vitest';
import { guard } from '../../../src/lib/guard';

test('passes arguments through and returns the result', () => {
  const fail = vi.fn();
  const add = guard((a: number, b: number) => a + b, fail);
  expect(add(2, 3)).toBe(5);
  expect(fail).not.toHaveBeenCalled();
});

test('reports what the function throws to fail, and returns undefined instead of throwing', () => {
  const fail = vi.fn();
  const error = new Error('boom');
  const broken = guard(() => {
    throw error;
  }, fail);
  expect(() => broken()).not.toThrow();
  expect(broken()).toBeUndefined();
  expect(fail).toHaveBeenCalledWith(error);
  expect(fail).toHaveBeenCalledTimes(2);
});

test('keeps working after a failure', () => {
  const fail = vi.fn();
  let calls = 0;
  const flaky = guard(() => {
    if (++calls === 1) throw new Error('first');
    return calls;
  }, fail);
  expect(flaky()).toBeUndefined();
  expect(flaky()).toBe(2);
  expect(fail).toHaveBeenCalledTimes(1);
});
