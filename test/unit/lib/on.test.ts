import { afterEach, expect, test, vi } from 'vitest';
import { on } from '../../../src/lib/on';

afterEach(() => vi.restoreAllMocks());

test('calls the listener with the event until the returned function removes it', () => {
  const target = new EventTarget();
  const listener = vi.fn();
  const off = on(target, 'ping', listener, vi.fn());
  const event = new Event('ping');
  target.dispatchEvent(event);
  expect(listener).toHaveBeenCalledWith(event);
  off();
  target.dispatchEvent(new Event('ping'));
  expect(listener).toHaveBeenCalledTimes(1);
});

test('a listener that throws reports to fail; the error never reaches the page, and other listeners still run', () => {
  const fail = vi.fn();
  const pageErrors = vi.fn();
  window.addEventListener('error', pageErrors);
  const error = new Error('boom');
  const off = on(
    window,
    'ping',
    () => {
      throw error;
    },
    fail,
  );
  const pageListener = vi.fn();
  window.addEventListener('ping', pageListener);
  expect(() => window.dispatchEvent(new Event('ping'))).not.toThrow();
  expect(fail).toHaveBeenCalledWith(error);
  expect(pageListener).toHaveBeenCalled();
  expect(pageErrors).not.toHaveBeenCalled();
  off();
  window.removeEventListener('ping', pageListener);
  window.removeEventListener('error', pageErrors);
});

test('listens passively (never delays a scroll or touch), in the bubble phase unless capture is asked for', () => {
  const target = new EventTarget();
  const add = vi.spyOn(target, 'addEventListener');
  on(target, 'touchstart', () => {}, vi.fn());
  on(target, 'click', () => {}, vi.fn(), true);
  expect(add.mock.calls[0]![2]).toEqual({ capture: false, passive: true });
  expect(add.mock.calls[1]![2]).toEqual({ capture: true, passive: true });
});

test('a passive listener cannot cancel the event', () => {
  const target = new EventTarget();
  on(target, 'touchmove', (e: Event) => e.preventDefault(), vi.fn());
  const event = new Event('touchmove', { cancelable: true });
  target.dispatchEvent(event);
  expect(event.defaultPrevented).toBe(false);
});

test('removing a capture listener removes the right one', () => {
  const target = new EventTarget();
  const listener = vi.fn();
  const off = on(target, 'x', listener, vi.fn(), true);
  off();
  target.dispatchEvent(new Event('x'));
  expect(listener).not.toHaveBeenCalled();
});
