/**
 * Waits until the collector at `url` has stored no new event for `quiet` ms: the last beacons of pages that
 * just closed are then in. Gives up after `timeout` ms, saying how many events it saw.
 */
export const waitForQuiet = async (url, { quiet = 1500, timeout = 20_000 } = {}) => {
  const count = async () => (await (await fetch(`${url}/api/stats`, { cache: 'no-store' })).json()).events;
  const end = Date.now() + timeout;
  let last = await count();
  let since = Date.now();
  while (Date.now() - since < quiet) {
    if (Date.now() > end) return last;
    await new Promise((resolve) => setTimeout(resolve, 200));
    const now = await count();
    if (now !== last) [last, since] = [now, Date.now()];
  }
  return last;
};
