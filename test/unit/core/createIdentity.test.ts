import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { createIdentity } from '../../../src/core/createIdentity';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const MINUTE = 60_000;
const T0 = Date.parse('2024-05-01T10:00:00Z');

beforeEach(() => localStorage.clear());
afterEach(() => vi.restoreAllMocks());

describe('anonymousId', () => {
  test('is a UUID that lasts: a later identity (next page load) has the same one', () => {
    const first = createIdentity(true);
    expect(first.anonymousId).toMatch(UUID);
    expect(createIdentity(true).anonymousId).toBe(first.anonymousId);
  });

  test('a new visitor (cleared storage) gets a new one', () => {
    const first = createIdentity(true).anonymousId;
    localStorage.clear();
    expect(createIdentity(true).anonymousId).not.toBe(first);
  });

  test('with storage blocked there is still one, for the life of the page', () => {
    vi.spyOn(Storage.prototype, 'getItem').mockImplementation(() => {
      throw new DOMException('denied', 'SecurityError');
    });
    vi.spyOn(Storage.prototype, 'setItem').mockImplementation(() => {
      throw new DOMException('denied', 'SecurityError');
    });
    const identity = createIdentity(true);
    expect(identity.anonymousId).toMatch(UUID);
    expect(identity.session(T0)).toBe(identity.session(T0 + MINUTE));
  });

  test('recall false (a privacy signal) leaves what an earlier visit stored alone: a new id, no user id', () => {
    const earlier = createIdentity(true);
    earlier.userId = 'user-42';
    const signalled = createIdentity(false, false);
    expect(signalled.anonymousId).toMatch(UUID);
    expect(signalled.anonymousId).not.toBe(earlier.anonymousId);
    expect(signalled.userId).toBeNull();
    expect(localStorage.getItem('touchtrail.aid')).toBe(earlier.anonymousId);
  });
});

describe('userId', () => {
  test('is null until set, and a set one lasts across page loads', () => {
    const identity = createIdentity(true);
    expect(identity.userId).toBeNull();
    identity.userId = 'user-42';
    expect(identity.userId).toBe('user-42');
    expect(createIdentity(true).userId).toBe('user-42');
  });

  test('set to null is forgotten for later page loads too', () => {
    const identity = createIdentity(true);
    identity.userId = 'user-42';
    identity.userId = null;
    expect(identity.userId).toBeNull();
    expect(createIdentity(true).userId).toBeNull();
  });
});

describe('session', () => {
  test('is a UUID, the same while touchpoints keep coming less than 30 minutes apart', () => {
    const identity = createIdentity(true);
    const id = identity.session(T0);
    expect(id).toMatch(UUID);
    expect(identity.session(T0 + 20 * MINUTE)).toBe(id);
    expect(identity.session(T0 + 40 * MINUTE)).toBe(id);
    expect(identity.session(T0 + 65 * MINUTE)).toBe(id);
  });

  test('rotates after more than 30 idle minutes; exactly 30 is still the same session', () => {
    const identity = createIdentity(true);
    const id = identity.session(T0);
    expect(identity.session(T0 + 30 * MINUTE)).toBe(id);
    const next = identity.session(T0 + 60 * MINUTE + 1);
    expect(next).not.toBe(id);
    expect(next).toMatch(UUID);
    expect(identity.session(T0 + 61 * MINUTE)).toBe(next);
  });

  test('rotates when the visitor arrives from another campaign, and not on a return to no campaign', () => {
    const identity = createIdentity(true);
    const direct = identity.session(T0);
    const spring = identity.session(T0 + MINUTE, 'utm_campaign=spring');
    expect(spring).not.toBe(direct);
    expect(identity.session(T0 + 2 * MINUTE, 'utm_campaign=spring')).toBe(spring);
    expect(identity.session(T0 + 3 * MINUTE)).toBe(spring);
    const summer = identity.session(T0 + 4 * MINUTE, 'utm_campaign=summer');
    expect(summer).not.toBe(spring);
    // Back on the spring link: a new arrival from another campaign than the current session's.
    expect(identity.session(T0 + 5 * MINUTE, 'utm_campaign=spring')).not.toBe(summer);
  });

  test('a campaign arriving in a session that had none is a new arrival: a new session', () => {
    const identity = createIdentity(true);
    const first = identity.session(T0);
    expect(identity.session(T0 + MINUTE, 'utm_source=news')).not.toBe(first);
  });

  test('is shared by the tabs (identities) of one visitor', () => {
    const tabA = createIdentity(true);
    const tabB = createIdentity(true);
    const id = tabA.session(T0);
    expect(tabB.session(T0 + 10 * MINUTE)).toBe(id);
    // Activity in tab B keeps tab A's session alive.
    expect(tabA.session(T0 + 35 * MINUTE)).toBe(id);
  });

  test('survives a page load (same storage) within 30 minutes', () => {
    const id = createIdentity(true).session(T0);
    expect(createIdentity(true).session(T0 + 29 * MINUTE)).toBe(id);
  });
});
