// Where touchtrail's main-thread time goes in a burst of track() calls: a CPU profile (V8's sampler, through the
// DevTools protocol) of N calls (default 5,000) and the microtask that processes them, built from src/ unminified so
// that functions keep their names. `node bench/profile.js` after `npm install` in bench/; N=100 for a smaller burst.
import { build } from 'esbuild';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startCollector, startSite } from './collector.js';

const root = join(import.meta.dirname, '..');
const requireMain = createRequire(join(root, 'package.json'));
const { chromium } = requireMain('playwright-core');
const sparticuz = (await import(pathToFileURL(requireMain.resolve('@sparticuz/chromium')).href)).default;
const N = Number(process.env.N) || 5000;

const entry = `
  import { createTracker, pageViews, linkClicks } from '${join(root, 'src/index.ts')}';
  const tracker = createTracker({ collector: window.BENCH.collector + '/v1/batch', captures: [pageViews(), linkClicks()] });
  window.sdk = { track: (name, properties) => tracker.track(name, properties) };`;
const bundle = await build({
  stdin: { contents: entry, resolveDir: root, loader: 'ts' },
  bundle: true,
  format: 'iife',
  write: false,
  nodePaths: [join(root, 'node_modules')],
});
const collector = await startCollector();
const site = await startSite(
  new Map([['/', `<!doctype html><script>window.BENCH={collector:${JSON.stringify(collector.origin)}}</script><script>${bundle.outputFiles[0].text}</script>`]]),
);
const browser = await chromium.launch({
  executablePath: process.env.TOUCHTRAIL_CHROMIUM || (await sparticuz.executablePath()),
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage();
await page.goto(`${site.origin}/`);
await page.waitForTimeout(2500); // the page view is sent and the queue is warm
const cdp = await page.context().newCDPSession(page);
await cdp.send('Profiler.enable');
await cdp.send('Profiler.setSamplingInterval', { interval: 50 });
await cdp.send('Profiler.start');
const { calls, total } = await page.evaluate(
  (n) =>
    new Promise((resolve) => {
      const t0 = performance.now();
      for (let i = 0; i < n; i++) window.sdk.track('Loop Event', { plan: 'pro', i, marker: 'L' + i });
      const calls = performance.now() - t0;
      // The microtask that processes the burst runs before this timer.
      setTimeout(() => resolve({ calls, total: performance.now() - t0 }));
    }),
  N,
);
await page.waitForTimeout(1000); // the IndexedDB write commits
const { profile } = await cdp.send('Profiler.stop');
await browser.close();
await site.close();
await collector.close();

// Self time per function, and total time (self and callees) per function.
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children || []) parent.set(c, n.id);
const name = (n) => `${n.callFrame.functionName || '(anonymous)'}${n.callFrame.url ? ` ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber + 1}` : ''}`;
const self = new Map();
const total_ = new Map();
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] || 0;
  self.set(name(nodes.get(id)), (self.get(name(nodes.get(id))) || 0) + dt);
  const seen = new Set();
  for (let at = id; at; at = parent.get(at)) {
    const key = name(nodes.get(at));
    if (!seen.has(key)) seen.add(key), total_.set(key, (total_.get(key) || 0) + dt);
  }
});
const top = (map, count) =>
  [...map]
    .filter(([key]) => !/^\((root|program|idle)\)/.test(key))
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([key, us]) => `${(us / 1000).toFixed(1).padStart(8)} ms  ${key}`)
    .join('\n');
console.log(`${N} track() calls: ${calls.toFixed(1)} ms in the calls, ${total.toFixed(1)} ms with the microtask that processes them (under the profiler, which slows both).`);
console.log(`\nSelf time:\n${top(self, 20)}\n\nTotal time:\n${top(total_, 30)}`);
