import { expect, test } from 'vitest';
import { cut } from '../../../src/lib/cut';

const wellFormed = (text: string) => !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text);

test('cuts to max UTF-16 units', () => {
  expect(cut('abcdef', 3)).toBe('abc');
  expect(cut('ab', 3)).toBe('ab');
});

test('never cuts an emoji in half: a cut through one leaves it out, and the text stays well-formed', () => {
  const text = 'a'.repeat(99) + '👟 shoes';
  expect(text.slice(0, 100)).not.toSatisfy(wellFormed);
  expect(cut(text, 100)).toBe('a'.repeat(99));
  expect(cut(text, 101)).toBe('a'.repeat(99) + '👟');
  expect(cut(text, 101)).toSatisfy(wellFormed);
});
