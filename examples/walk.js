// `npm run demo:walk`: three customers walk the demo shop in headless Chromium (one buys, one abandons the
// checkout at payment, one opens the chat after buying), so that the journey map has data at once.
// Start the demo first (`npm start`), then run this beside it.
//
//   node examples/walk.js [--url http://127.0.0.1:8787] [--screenshot docs/journey-map.png]
import { parseArgs } from 'node:util';
import { runWalk } from './walk/runWalk.js';

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: process.env.TOUCHTRAIL_DEMO_URL || `http://127.0.0.1:${process.env.PORT || 8787}` },
    screenshot: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log('Usage: node examples/walk.js [--url http://127.0.0.1:8787] [--screenshot docs/journey-map.png]');
  process.exit(0);
}
const url = values.url.replace(/\/+$/, '');

try {
  const shop = await fetch(`${url}/shop/`, { method: 'HEAD' });
  if (!shop.ok) throw new Error(`${url}/shop/ answered ${shop.status}`);
} catch (error) {
  console.error(`No demo shop at ${url} (${error.cause?.code || error.message}). Start it with \`npm start\`, or pass --url.`);
  process.exit(1);
}

const started = Date.now();
console.log(`Walking three customers through ${url}/shop/ in headless Chromium…`);
try {
  const { events } = await runWalk({ url, screenshot: values.screenshot, log: (line) => console.log(`  ${line}`) });
  console.log(`Done in ${((Date.now() - started) / 1000).toFixed(1)} s; the collector holds ${events} events.
  Journey map   ${url}/journey`);
} catch (error) {
  console.error(`The walk failed: ${error.message}`);
  process.exitCode = 1;
}
