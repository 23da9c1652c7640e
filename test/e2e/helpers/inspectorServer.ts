import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A file the server answers with. */
export interface ServedFile {
  body: string | Uint8Array;
  /** The Content-Type. */
  type: string;
}

/**
 * A server on 127.0.0.1 for pages under a Content-Security-Policy: every answer carries `csp(path)` in the
 * Content-Security-Policy header (testCollector sets no headers of the site's choosing). `files` may change
 * between pages; `requests` lists every path asked for, in order.
 */
export const startInspectorServer = async (files: Map<string, ServedFile>, csp: (path: string) => string) => {
  const requests: string[] = [];
  const server = createServer((request, response) => {
    const path = new URL(request.url!, 'http://x').pathname;
    requests.push(path);
    const file = files.get(path);
    if (!file) return response.writeHead(404, { 'Content-Security-Policy': csp(path) }).end();
    response
      .writeHead(200, { 'Content-Type': file.type, 'Cache-Control': 'no-store', 'Content-Security-Policy': csp(path) })
      .end(file.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
};
