import { createHash, timingSafeEqual } from 'node:crypto';

// Hashing both sides first makes them equal in length, which timingSafeEqual needs, and leaks nothing of it.
const digest = (text) => createHash('sha256').update(text).digest();

/**
 * A check of HTTP Basic credentials against `credentials` ("user:password"): true when the request carries them.
 * Browsers ask for them once and send them with every later request to the origin, fetch and EventSource
 * included, so the report's pages need no code of their own to log in.
 */
export const basicAuth = (credentials) => {
  const expected = digest(credentials);
  return (req) => {
    const [scheme, encoded] = (req.headers.authorization || '').split(' ');
    if (!/^basic$/i.test(scheme || '') || !encoded) return false;
    return timingSafeEqual(digest(Buffer.from(encoded, 'base64').toString('utf8')), expected);
  };
};
