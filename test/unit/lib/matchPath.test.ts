import { expect, test } from 'vitest';
import { matchPath } from '../../../src/lib/matchPath';

test('a path matches itself, with or without a trailing slash on either side', () => {
  for (const [pattern, path] of [['/pricing', '/pricing'], ['/pricing', '/pricing/'], ['/pricing/', '/pricing'], ['/pricing/', '/pricing/'], ['/', '/']])
    expect(matchPath(pattern, path), `${pattern} ~ ${path}`).toBe(true);
  expect(matchPath('/pricing', '/pricing/team')).toBe(false);
  expect(matchPath('/pricing/', '/pricing-old')).toBe(false);
});

test('* is any run of characters; every other character is itself', () => {
  expect(matchPath('/checkout/*', '/checkout/shipping')).toBe(true);
  expect(matchPath('*compare*', '/blog/compare-plans')).toBe(true);
  expect(matchPath('/a.b', '/axb')).toBe(false);
  expect(matchPath('/(x)+', '/(x)+')).toBe(true);
});

test('a pattern written as the visitor reads it matches the percent-encoded path, and so does one written encoded', () => {
  expect(matchPath('/produits/été', '/produits/%C3%A9t%C3%A9')).toBe(true);
  expect(matchPath('/summer sale', '/summer%20sale')).toBe(true);
  expect(matchPath('/summer%20sale', '/summer%20sale')).toBe(true);
  expect(matchPath('/shop/*', '/shop/%E2%9C%93')).toBe(true);
});

test('a path that does not decode (a lone %) is matched as it is, and nothing throws', () => {
  expect(matchPath('/100%', '/100%')).toBe(true);
  expect(matchPath('/a', '/%E0%A4%A')).toBe(false);
});

test('an encoded slash stays one: it is not a separator of segments', () => {
  expect(matchPath('/files/*/raw', '/files/a%2Fb/raw')).toBe(true);
  expect(matchPath('/files/a/b', '/files/a%2Fb')).toBe(false);
});
