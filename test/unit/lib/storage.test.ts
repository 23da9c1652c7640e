import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { storage } from '../../../src/lib/storage';
import { withoutLocalStorage } from '../../helpers/page';

beforeEach(() => localStorage.clear());
afterEach(() => vi.restoreAllMocks());

test('reads and writes localStorage', () => {
  storage.set('touchtrail.x', 'one');
  expect(localStorage.getItem('touchtrail.x')).toBe('one');
  expect(storage.get('touchtrail.x')).toBe('one');
  expect(storage.get('touchtrail.missing')).toBeNull();
});

test('a localStorage that throws on read (sandboxed iframe, old Safari private mode) reads as null', () => {
  localStorage.setItem('touchtrail.x', 'one');
  vi.spyOn(Storage.prototype, 'getItem').mockImplementation(() => {
    throw new DOMException('denied', 'SecurityError');
  });
  expect(() => storage.get('touchtrail.x')).not.toThrow();
  expect(storage.get('touchtrail.x')).toBeNull();
});

test('a write that throws (quota full) is ignored', () => {
  vi.spyOn(Storage.prototype, 'setItem').mockImplementation(() => {
    throw new DOMException('full', 'QuotaExceededError');
  });
  expect(() => storage.set('touchtrail.x', 'one')).not.toThrow();
  expect(localStorage.getItem('touchtrail.x')).toBeNull();
});

test('a missing localStorage is survived', () =>
  withoutLocalStorage(() => {
    expect(storage.get('a')).toBeNull();
    expect(() => storage.set('a', 'b')).not.toThrow();
  }));
