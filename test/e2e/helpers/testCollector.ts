import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the collector received. */
export interface Received {
  at: number;
  status: number;
  contentType: string;
  body: string;
  events: any[];
}

/** How the collector answers a batch: a status, and optional headers (Retry-After); a stall never answers. */
export type Answer = { status: number; headers?: Record<string, string> } | 'stall';

export interface TestCollectorOptions {
  /** Pages served by path, besides /touchtrail.min.js from dist. */
  pages?: Record<string, string>;
  /** Decides each answer to POST /collect. @default 200 */
  answer?: (request: IncomingMessage, index: number) => Answer;
}

/**
 * A server on 127.0.0.1 that serves test pages and the built script, and records every batch POSTed to
 * /collect. It answers with CORS headers as a real collector must: without them a cross-origin fetch fails.
 */
export const startTestCollector = async ({ pages = {}, answer = () => ({ status: 200 }) }: TestCollectorOptions = {}) => {
  const received: Received[] = [];
  const stalled: ServerResponse[] = [];
  const server = createServer((request, response) => {
    const path = new URL(request.url!, 'http://x').pathname;
    const cors = {
      'Access-Control-Allow-Origin': '*',
      'Access-Control-Allow-Headers': 'content-type',
      'Access-Control-Expose-Headers': 'Retry-After',
    };
    if (request.method === 'OPTIONS') return response.writeHead(204, cors).end();
    if (request.method === 'POST' && path === '/collect') {
      let body = '';
      request.setEncoding('utf8');
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        const decided = answer(request, received.length);
        const status = decided === 'stall' ? 0 : decided.status;
        let events: any[] = [];
        try {
          events = JSON.parse(body).batch;
        } catch {}
        received.push({ at: Date.now(), status, contentType: request.headers['content-type'] || '', body, events });
        if (decided === 'stall') return stalled.push(response);
        response.writeHead(decided.status, { ...cors, ...decided.headers, 'Content-Type': 'application/json' }).end('{}');
      });
      return;
    }
    if (path === '/touchtrail.min.js') {
      return response
        .writeHead(200, { 'Content-Type': 'text/javascript', 'Cache-Control': 'no-store' })
        .end(readFileSync('dist/touchtrail.min.js'));
    }
    if (pages[path] !== undefined) {
      return response.writeHead(200, { 'Content-Type': 'text/html', 'Cache-Control': 'no-store' }).end(pages[path]);
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    collector: `${origin}/collect`,
    received,
    /** Every event received, in arrival order, duplicates included, from requests answered 2xx or stalled. */
    events: () => received.flatMap((r) => r.events),
    /** Waits until `check` holds, polling; fails with `what` after `timeout` ms. */
    async waitFor(check: () => boolean, what: string, timeout = 5000) {
      const end = Date.now() + timeout;
      while (!check()) {
        if (Date.now() > end) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        stalled.forEach((r) => r.destroy());
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

export type TestCollector = Awaited<ReturnType<typeof startTestCollector>>;
