// The demo: the reference collector, serving the demo site and the SDK, on http://127.0.0.1:8787.
// Run `npm start` (it builds the SDK first), or `node examples/collector/server.js` once it is built.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCollector } from './createCollector.js';

const here = dirname(fileURLToPath(import.meta.url));
const dataDir = join(here, '.data');
const database = join(dataDir, 'touchtrail.duckdb');
const port = process.env.PORT ? Number(process.env.PORT) : 8787;

mkdirSync(dataDir, { recursive: true });
if (!existsSync(resolve(here, '../../dist/touchtrail.min.js'))) {
  console.warn('dist/touchtrail.min.js is missing, so the demo pages will track nothing: run `npm run build` first.\n');
}

let collector;
try {
  collector = await createCollector({
    port,
    database,
    staticDir: join(here, '../site'),
    log: (line) => console.log(`${new Date().toLocaleTimeString()}  ${line}`),
  });
} catch (error) {
  // The two ways this fails in practice, said in words rather than as a stack trace.
  if (error.code === 'EADDRINUSE') console.error(`Port ${port} is taken. Stop what uses it, or run with PORT=8788.`);
  else if (/lock/i.test(error.message)) console.error(`${database} is open in another process (another collector?): ${error.message}`);
  else console.error(error);
  process.exit(1);
}

console.log(`touchtrail reference collector

  Demo site      ${collector.siteUrl}
  What arrived   ${collector.arrivedUrl}
  Collector      POST ${collector.endpoint}
  Database       ${relative(process.cwd(), database) || database}

Press Ctrl-C to stop.
`);

let stopping = false;
const stop = async () => {
  // A second Ctrl-C means "now": do not wait for connections that will not finish.
  if (stopping) process.exit(1);
  stopping = true;
  console.log('\nStopping…');
  await collector.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
