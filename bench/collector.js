// The benchmark's two local servers: the site (one page per SDK, a file to download) and the collector every SDK
// sends to. They are two origins, as in production, so each SDK pays for its CORS preflights. The collector answers
// whatever it is sent (any path, any method) and records each request with the bytes it took on the wire.
import { createServer } from 'node:http';
import { gunzipSync } from 'node:zlib';

const listen = (server) =>
  new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${server.address().port}`)));

/** Bytes of an HTTP/1.1 request as it arrived: request line, headers, blank line, body. */
const wireBytes = (request, body) =>
  Buffer.byteLength(`${request.method} ${request.url} HTTP/${request.httpVersion}\r\n`) +
  // Each header is `name: value\r\n`: two bytes after the name, two after the value.
  request.rawHeaders.reduce((sum, v) => sum + Buffer.byteLength(v) + 2, 0) +
  2 +
  body.length;

/** The text of a body, whatever way the SDK packed it: gzip (PostHog's gzip-js), base64 form data, or plain. */
export const decode = (body) => {
  try {
    if (body[0] === 0x1f && body[1] === 0x8b) return gunzipSync(body).toString();
    const text = body.toString();
    if (text.startsWith('data=')) return Buffer.from(decodeURIComponent(text.slice(5)), 'base64').toString();
    return text;
  } catch {
    return body.toString();
  }
};

export const startCollector = async () => {
  let log = [];
  // What a request is answered, if not `{}`: set per SDK, for SDKs that read configuration from their server.
  let answer = () => undefined;
  const server = createServer((request, response) => {
    const chunks = [];
    request.on('data', (c) => chunks.push(c));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      log.push({
        at: Date.now(),
        method: request.method,
        path: request.url,
        bytes: wireBytes(request, body),
        text: request.method === 'POST' || request.method === 'GET' ? decode(body) : '',
      });
      // Reflecting the origin with credentials allowed satisfies every SDK (Snowplow sends credentials).
      const cors = {
        'Access-Control-Allow-Origin': request.headers.origin || '*',
        'Access-Control-Allow-Credentials': 'true',
        'Access-Control-Allow-Headers': request.headers['access-control-request-headers'] || '*',
        'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
        'Access-Control-Max-Age': '0',
      };
      if (request.method === 'OPTIONS') return response.writeHead(204, cors).end();
      response.writeHead(200, { ...cors, 'Content-Type': 'application/json' }).end(answer(request.url) || '{}');
    });
  });
  const origin = await listen(server);
  return {
    origin,
    /** Requests since the last reset, oldest first. */
    get log() {
      return log;
    },
    reset: () => (log = []),
    answerWith: (fn = () => undefined) => (answer = fn),
    close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(resolve))),
  };
};

/** Serves `pages` (path → html) and a small PDF that the browser downloads rather than shows. */
export const startSite = async (pages) => {
  const server = createServer((request, response) => {
    const path = new URL(request.url, 'http://x').pathname;
    if (path === '/files/report.pdf') {
      return response
        .writeHead(200, { 'Content-Type': 'application/pdf', 'Content-Disposition': 'attachment; filename="report.pdf"' })
        .end('%PDF-1.4\n%%EOF\n');
    }
    if (pages.has(path)) return response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }).end(pages.get(path));
    response.writeHead(404).end();
  });
  const origin = await listen(server);
  return { origin, close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(resolve))) };
};
