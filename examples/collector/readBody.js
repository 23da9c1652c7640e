import { httpError } from './httpError.js';

/**
 * The body as a string, read no further than `limit` bytes. An oversized body is answered at once rather
 * than read to its end: a collector must not spend memory on a request it refuses.
 */
export const readBody = (req, limit) =>
  new Promise((resolve, reject) => {
    if (Number(req.headers['content-length']) > limit) return reject(httpError(413, `the body is larger than ${limit} bytes`));
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > limit) {
        reject(httpError(413, `the body is larger than ${limit} bytes`));
        req.removeAllListeners('data');
        req.resume();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
