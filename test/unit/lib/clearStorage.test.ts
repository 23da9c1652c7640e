import { afterEach, expect, test } from 'vitest';
import { clearStorage } from '../../../src/lib/clearStorage';
import { withoutLocalStorage } from '../../helpers/page';

afterEach(() => {
  localStorage.clear();
  sessionStorage.clear();
});

test("removes the keys that match, from localStorage and sessionStorage, and leaves the site's own", () => {
  localStorage.setItem('touchtrail.aid', '1');
  localStorage.setItem('touchtrail:tab', '2');
  localStorage.setItem('cart', '3');
  sessionStorage.setItem('touchtrail:checkout', '4');
  sessionStorage.setItem('touchtrailer', '5');
  clearStorage(/^touchtrail[.:]/);
  expect(Object.keys(localStorage)).toEqual(['cart']);
  expect(Object.keys(sessionStorage)).toEqual(['touchtrailer']);
});

test('a storage that cannot be reached is skipped, and the other is still cleared', () => {
  sessionStorage.setItem('touchtrail:checkout', '4');
  withoutLocalStorage(() => expect(() => clearStorage(/^touchtrail[.:]/)).not.toThrow());
  expect(Object.keys(sessionStorage)).toEqual([]);
});
