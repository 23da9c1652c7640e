import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

// Every page this server sends must work under a strict CSP, as the SDK promises sites that have one:
// no inline script or style, and the collector on the page's own origin.
const CSP = "default-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/**
 * Answers with a file, or with `body` given as the file's contents (a bundle built in memory); false when there
 * is no such file. HTML goes out with the strict Content-Security-Policy.
 * @param {import('node:http').ServerResponse} res
 * @param {string} file Its path; its extension gives the Content-Type.
 * @param {string | Buffer} [body]
 */
export const sendFile = async (res, file, body) => {
  if (body === undefined) {
    try {
      body = await readFile(file);
    } catch {
      return false;
    }
  }
  const type = TYPES[extname(file)] || 'application/octet-stream';
  res.writeHead(200, {
    'Content-Type': type,
    // no-cache, so that a rebuilt SDK or an edited demo page shows on the next reload.
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
    ...(type.startsWith('text/html') && { 'Content-Security-Policy': CSP }),
  });
  res.end(body);
  return true;
};
