// The demo: the reference collector serving the demo shop, the SPA and the journey map, on http://127.0.0.1:8787.
// Run `npm start` (it builds the SDK first), or `node examples/collector/server.js` once it is built.
//
//   --no-walk   do not walk three customers through the shop when the database is empty
//   PORT=8788   listen on another port
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSpa } from '../spa/buildSpa.js';
import { createCollector } from './createCollector.js';

const here = dirname(fileURLToPath(import.meta.url));
const dataDir = join(here, '.data');
const database = join(dataDir, 'touchtrail.duckdb');
const port = process.env.PORT ? Number(process.env.PORT) : 8787;
const walk = !process.argv.includes('--no-walk');

mkdirSync(dataDir, { recursive: true });
if (!existsSync(resolve(here, '../../dist/touchtrail.min.js'))) {
  console.warn('dist/touchtrail.min.js is missing, so the shop will track nothing: run `npm run build` first.\n');
}

// The SPA imports touchtrail as a site's bundler would; esbuild bundles it from the source in a second or so.
let spaFiles = {};
try {
  spaFiles = await buildSpa();
} catch (error) {
  console.warn(`The SPA could not be bundled, so /spa/ will not work: ${error.message}\n`);
}

let collector;
try {
  collector = await createCollector({
    port,
    database,
    sites: {
      '/shop/': join(here, '../shop'),
      '/spa/': { dir: join(here, '../spa'), fallback: 'index.html', files: spaFiles },
    },
    log: (line) => console.log(`${new Date().toLocaleTimeString()}  ${line}`),
  });
} catch (error) {
  // The two ways this fails in practice, said in words rather than as a stack trace.
  if (error.code === 'EADDRINUSE') console.error(`Port ${port} is taken. Stop what uses it, or run with PORT=8788.`);
  else if (/lock/i.test(error.message)) console.error(`${database} is open in another process (another collector?): ${error.message}`);
  else console.error(error);
  process.exit(1);
}

const { events } = await collector.stats();
console.log(`touchtrail demo

  Journey map    ${collector.journeyUrl}
  Shop           ${collector.siteUrls['/shop/']}   (the script tag)
  SPA            ${collector.siteUrls['/spa/']}    (the npm package, bundled by esbuild)
  What arrived   ${collector.arrivedUrl}
  Collector      POST ${collector.endpoint}
  Exports        ${collector.url}/export/events.parquet, ${collector.url}/export/events.ndjson
  Database       ${relative(process.cwd(), database) || database} (${events} events)

Press Ctrl-C to stop.
`);

let walker;
if (walk && events === 0) {
  // An empty database makes an empty map: three customers walk the shop in headless Chromium so that the map
  // has something to show within the minute. A child process, so that a browser that fails cannot stop the server.
  console.log('The database is empty: three customers are walking the shop in headless Chromium (skip with --no-walk)…\n');
  walker = spawn(process.execPath, [join(here, '../walk.js'), '--url', collector.url], { stdio: 'inherit' });
  walker.on('exit', (code) => {
    walker = null;
    if (code) console.log('\nThe walk did not finish; browse the shop yourself, or run `npm run demo:walk` to try again.\n');
  });
} else if (events === 0) {
  console.log('The database is empty. Browse the shop, or run `npm run demo:walk` beside this to walk three customers through it.\n');
}

let stopping = false;
const stop = async () => {
  // A second Ctrl-C means "now": do not wait for connections that will not finish.
  if (stopping) process.exit(1);
  stopping = true;
  console.log('\nStopping…');
  walker?.kill();
  await collector.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
