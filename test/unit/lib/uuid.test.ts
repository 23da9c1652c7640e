// @vitest-environment node
// Pure code: no DOM needed, and jsdom is the slow part of a test file.
import { afterEach, expect, test } from 'vitest';
import { uuid } from '../../../src/lib/uuid';

const V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

afterEach(() => {
  delete (crypto as any).randomUUID; // drop the own property a test put in front of the prototype's
});

test('returns distinct v4 UUIDs', () => {
  const ids = Array.from({ length: 500 }, uuid);
  for (const id of ids) expect(id).toMatch(V4);
  expect(new Set(ids).size).toBe(500);
});

test('without crypto.randomUUID (plain http, not a secure context) it still returns distinct v4 UUIDs', () => {
  Object.defineProperty(crypto, 'randomUUID', { configurable: true, value: undefined });
  expect(crypto.randomUUID).toBeUndefined();
  const ids = Array.from({ length: 500 }, uuid);
  for (const id of ids) expect(id).toMatch(V4);
  expect(new Set(ids).size).toBe(500);
  // Every variant nibble (8, 9, a, b) shows up: the random bits are really random.
  expect(new Set(ids.map((id) => id[19]))).toEqual(new Set(['8', '9', 'a', 'b']));
});
