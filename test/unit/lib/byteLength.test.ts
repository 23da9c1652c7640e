// @vitest-environment node
// Pure code: no DOM needed, and jsdom is the slow part of a test file.
import { expect, test } from 'vitest';
import { byteLength } from '../../../src/lib/byteLength';

test.each([
  ['', 0],
  ['abc', 3],
  ['é', 2],
  ['€', 3],
  ['😀', 4],
  ['a€😀', 8],
  ['日本語', 9],
])('%j is %i UTF-8 bytes', (text, bytes) => {
  expect(byteLength(text)).toBe(bytes);
});

test('counts bytes, not UTF-16 code units: what the 64 KB keepalive budget counts', () => {
  const text = 'é'.repeat(40_000);
  expect(text.length).toBe(40_000);
  expect(byteLength(text)).toBe(80_000);
});

test('a lone surrogate counts as the 3-byte replacement character it is sent as', () => {
  expect(byteLength('\ud800')).toBe(3);
});
