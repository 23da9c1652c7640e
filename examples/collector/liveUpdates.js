/**
 * Server-sent events (/api/live): each open report page is told when a batch was stored, and fetches the
 * figures again, so that it updates as events arrive without polling the database every second.
 */
export const liveUpdates = () => {
  const open = new Set();
  // A comment line now and then keeps proxies and load balancers from closing an idle stream.
  const heartbeat = setInterval(() => open.forEach((res) => res.write(': still here\n\n')), 25_000);
  heartbeat.unref();

  return {
    /** Turns a GET into an event stream that lasts until the page goes away. */
    subscribe(req, res, headers = {}) {
      res.writeHead(200, {
        ...headers,
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-store',
        // nginx buffers responses unless told otherwise; an event stream must not wait in a buffer.
        'X-Accel-Buffering': 'no',
      });
      // If the stream breaks, EventSource reconnects after this many ms.
      res.write('retry: 2000\n\n');
      open.add(res);
      req.on('close', () => open.delete(res));
    },
    /** Tells every open page about `data`, as an event of type `type`. */
    notify(type, data) {
      const message = `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
      open.forEach((res) => res.write(message));
    },
    /** How many pages listen. */
    get size() {
      return open.size;
    },
    /** Ends every stream, so that the server can close. */
    close() {
      clearInterval(heartbeat);
      open.forEach((res) => res.end());
      open.clear();
    },
  };
};
