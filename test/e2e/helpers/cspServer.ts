import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CspServerOptions {
  /** The Content-Security-Policy header of every response (pages and scripts alike). */
  csp: string;
  /** HTML pages by path; answered for GET and for POST (a form submission). */
  pages: Record<string, string>;
  /** JavaScript files by path, besides /touchtrail.min.js from dist. */
  scripts?: Record<string, string>;
}

/**
 * A site on 127.0.0.1 that serves its pages and scripts with a Content-Security-Policy header, which
 * testCollector's pages do not have. It records every request it gets, so a test can tell what the page loaded.
 */
export const startCspServer = async ({ csp, pages, scripts = {} }: CspServerOptions) => {
  const requests: { method: string; path: string }[] = [];
  if (!existsSync('dist/touchtrail.min.js')) throw new Error('dist/touchtrail.min.js is missing: run `npx rollup -c --silent` first.');
  const drain = (request: IncomingMessage) => new Promise<void>((resolve) => request.resume().on('end', resolve));
  const server = createServer(async (request, response) => {
    const path = new URL(request.url!, 'http://x').pathname;
    requests.push({ method: request.method!, path });
    await drain(request);
    const headers = { 'Content-Security-Policy': csp, 'Cache-Control': 'no-store' };
    if (path === '/touchtrail.min.js') {
      return response.writeHead(200, { ...headers, 'Content-Type': 'text/javascript' }).end(readFileSync('dist/touchtrail.min.js'));
    }
    if (scripts[path] !== undefined) return response.writeHead(200, { ...headers, 'Content-Type': 'text/javascript' }).end(scripts[path]);
    if (pages[path] !== undefined) return response.writeHead(200, { ...headers, 'Content-Type': 'text/html' }).end(pages[path]);
    response.writeHead(404, headers).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

export type CspServer = Awaited<ReturnType<typeof startCspServer>>;
