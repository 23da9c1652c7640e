// touchtrail beside the SDKs a site would pick instead, in real Chromium, in one run: `npm run bench` in the repository
// (it builds touchtrail, installs the peers here, in bench/, and runs this). Prints one markdown table and writes it,
// with the method, to bench/results.md. Every number is the median of BENCH_REPS repetitions (default 5). BENCH_ONLY=name
// runs the SDKs whose name contains it, BENCH_DEBUG=1 shows what their pages log, BENCH_DIST=dir measures a touchtrail
// build other than dist/. The method is written up in the README, under "How it compares".
import { build, version as esbuildVersion } from 'esbuild';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { brotliCompressSync, constants } from 'node:zlib';
import { startCollector, startSite } from './collector.js';
import { SDKS } from './sdks.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
// touchtrail as `npm run build` left it; BENCH_DIST measures a build elsewhere (one made while dist/ is in use).
const dist = process.env.BENCH_DIST || join(root, 'dist');
// Chromium and playwright come from the main package, as its browser tests use them; only the peers live in bench/.
const requireMain = createRequire(join(root, 'package.json'));
const { chromium } = requireMain('playwright-core');
const sparticuz = (await import(pathToFileURL(requireMain.resolve('@sparticuz/chromium')).href)).default;

const REPS = Number(process.env.BENCH_REPS) || 5;
const ONLY = process.env.BENCH_ONLY;
const CALLS = 5000;
const BURST = 100;
const AFTER = 2000; // ms watched for long tasks after the calls
const LOOP_CAP = 2000; // ms at most for the calls
const BUSY_TIMEOUT = 2000; // ms a page has to answer after the window
const CLICKS = 3; // clicks per page load, their median kept
const BUSY = 20; // ms the page's own listeners keep each pointer event busy, so Event Timing reports them

const brotli = (bytes) => brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const median = (values) => {
  const v = values.filter((x) => typeof x == 'number' && !Number.isNaN(x)).sort((a, b) => a - b);
  if (!v.length) return undefined;
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
};
const version = (pkg, from = here) =>
  JSON.parse(readFileSync(pkg == 'touchtrail' ? join(root, 'package.json') : join(from, 'node_modules', pkg, 'package.json'), 'utf8')).version;
const packageDir = (pkg) => (pkg == 'touchtrail' ? dist : join(here, 'node_modules', pkg));

const esbuildOptions = {
  bundle: true,
  minify: true,
  platform: 'browser',
  target: 'es2020',
  define: { 'process.env.NODE_ENV': '"production"' },
  alias: { touchtrail: join(dist, 'esm/index.js') },
  // touchtrail's own dependencies (idb-keyval) come from the repository's install.
  nodePaths: [join(root, 'node_modules')],
  write: false,
  logLevel: 'silent',
};

/** The npm import's bytes: split ESM, entry plus the chunks it imports statically (what loads before it runs). */
const npmBytes = async (sdk, dir) => {
  const outdir = join(dir, sdk.package.replace(/\W/g, '_'));
  const result = await build({
    ...esbuildOptions,
    stdin: { contents: sdk.entry, resolveDir: here, loader: 'js' },
    format: 'esm',
    splitting: true,
    outdir,
    absWorkingDir: here,
    metafile: true,
  });
  const outputs = result.metafile.outputs;
  const files = new Map(result.outputFiles.map((f) => [f.path, f.contents]));
  // Chunks behind a dynamic import() are entry points too: the page's own entry is the one built from stdin.
  const entry = Object.keys(outputs).find((o) => outputs[o].entryPoint == '<stdin>');
  const initial = new Set();
  const visit = (o) => {
    if (initial.has(o)) return;
    initial.add(o);
    for (const i of outputs[o].imports) if (i.kind == 'import-statement' && !i.external) visit(i.path);
  };
  visit(entry);
  let br = 0;
  for (const o of initial) br += brotli(files.get(join(here, o)));
  return br;
};

/** The SDK as one IIFE, for the pages to inline. */
const runtimeBundle = async (sdk) => {
  const result = await build({ ...esbuildOptions, stdin: { contents: sdk.entry, resolveDir: here, loader: 'js' }, format: 'iife' });
  return result.outputFiles[0].text.replace(/<\/script/gi, '<\\/script');
};

// Runs before any script of the page: counts storage use and records long tasks and Event Timing entries. The page's
// own listeners keep each pointer event busy for BUSY ms so that Event Timing reports every event of the click (it
// omits events under 16 ms).
const INSTRUMENT = `(() => {
  const st = (window.__st = { tx: [], setItem: 0 });
  const transaction = IDBDatabase.prototype.transaction;
  IDBDatabase.prototype.transaction = function (names, mode, ...rest) {
    const t = transaction.call(this, names, mode, ...rest);
    const record = { start: performance.now(), end: 0, write: mode === 'readwrite' };
    st.tx.push(record);
    const end = () => record.end || (record.end = performance.now());
    t.addEventListener('complete', end);
    t.addEventListener('abort', end);
    return t;
  };
  const setItem = Storage.prototype.setItem;
  Storage.prototype.setItem = function (key, value) {
    st.setItem++;
    return setItem.call(this, key, value);
  };
  window.__lt = [];
  new PerformanceObserver((list) => { for (const e of list.getEntries()) __lt.push([e.startTime, e.duration]); }).observe({ type: 'longtask', buffered: true });
  window.__ev = [];
  new PerformanceObserver((list) => { for (const e of list.getEntries()) __ev.push([e.name, e.processingStart, e.processingEnd]); }).observe({ type: 'event', buffered: true, durationThreshold: 16 });
  // The page handles the link itself, as an SPA router does: a navigation (here, a download) would add its own,
  // widely varying, time to the click's processing. Every SDK measured still records a cancelled click.
  // The time these listeners took is measured too and taken off: on a loaded machine a thread can be descheduled
  // for milliseconds, and what lands in the page's own listeners is not the SDK's.
  window.__own = 0;
  for (const type of ['pointerdown', 'pointerup', 'click'])
    addEventListener(type, (event) => {
      const start = performance.now();
      if (type == 'click') event.preventDefault();
      while (performance.now() < start + ${BUSY});
      window.__own += performance.now() - start;
    }, true);
})();`;

const pageHtml = (bundle, collector) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Annual report</title>
<script>window.BENCH = { collector: ${JSON.stringify(collector)} };</script></head>
<body><h1>Our annual report</h1><p>Read it online, or download it.</p>
<p><a id="link" href="/files/report.pdf">Annual report (PDF)</a></p>
<script>performance.mark('sdk:start')</script>
<script>${bundle}</script>
<script>performance.mark('sdk:end')</script>
</body></html>`;

const waitFor = async (check, timeout) => {
  const end = Date.now() + timeout;
  while (Date.now() < end) {
    const value = check();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 10));
  }
};

/** One page load of one SDK: every runtime measurement, in an order where one cannot disturb the next. */
const measure = async (browser, userAgent, url, sdk, collector) => {
  const context = await browser.newContext({ userAgent, acceptDownloads: false });
  await context.addInitScript(INSTRUMENT);
  const page = await context.newPage();
  const outside = new Set();
  page.on('request', (r) => new URL(r.url()).hostname != '127.0.0.1' && outside.add(new URL(r.url()).host));
  // BENCH_DEBUG=1 shows what the SDK logs.
  if (process.env.BENCH_DEBUG) page.on('console', (m) => process.stderr.write(`  console: ${m.text().slice(0, 300)}\n`));
  collector.reset();
  collector.answerWith(sdk.answer);
  const r = {};
  await page.goto(url, { waitUntil: 'load' });
  const timeOrigin = await page.evaluate(() => performance.timeOrigin);
  r.evalMs = await page.evaluate(() => performance.measure('sdk', 'sdk:start', 'sdk:end').duration);

  // 3. The first request that carries an event (its page view), in ms after navigation start.
  const first = await waitFor(() => collector.log.find((q) => q.method == 'POST' && sdk.isEvent(q.path)), 15_000);
  r.firstEventMs = first ? first.at - timeOrigin : undefined;
  await page.evaluate(() => window.sdk.ready);
  await page.waitForTimeout(300);

  // 5. Clicks on a tracked link: the processing time of all their events, from Event Timing, less the page's own
  // listeners'.
  const clicks = [];
  for (let k = 0; k < CLICKS; k++) {
    await page.evaluate(() => ((window.__ev.length = 0), (window.__own = 0)));
    await page.click('#link');
    await page.waitForTimeout(400); // Segment's trackLink holds the navigation for 300 ms
    clicks.push(await page.evaluate(() => window.__ev.reduce((sum, [, start, end]) => sum + end - start, 0) - window.__own));
  }
  r.clickMs = median(clicks);

  // 4. A burst of 100 events: every byte the collector received until the last of them arrived, preflights included.
  await page.waitForTimeout(300);
  collector.reset();
  const before = await page.evaluate(() => ({ tx: window.__st.tx.length, setItem: window.__st.setItem }));
  await page.evaluate((n) => {
    for (let i = 0; i < n; i++) window.sdk.track('Bench Event', { plan: 'pro', i, marker: 'BX' + i + 'Q' });
  }, BURST);
  const seen = new Set();
  let counted = 0;
  const done = await waitFor(() => {
    for (; counted < collector.log.length; counted++) for (const m of collector.log[counted].text.matchAll(/BX(\d+)Q/g)) seen.add(m[1]);
    return seen.size >= BURST;
  }, 15_000);
  const requests = collector.log.slice(0, counted);
  r.delivered = seen.size;
  r.bytesPerEvent = done ? requests.reduce((sum, q) => sum + q.bytes, 0) / BURST : undefined;
  r.requests = requests.length;
  // Deletions of delivered events are part of storing them: give them time to run.
  await page.waitForTimeout(700);
  const after = await page.evaluate(() => ({ tx: window.__st.tx.length, setItem: window.__st.setItem }));
  r.idbTx = after.tx - before.tx;
  r.setItems = after.setItem - before.setItem;

  // 2. 5,000 track() calls in one task: µs per call, then what runs on the main thread in the seconds after.
  // An SDK slow enough to need more than LOOP_CAP ms for them stops there; it is measured on the calls it made. The loop
  // runs in a task of its own and reports by console message, which leaves the page at once: work that an SDK chains
  // in microtasks keeps the task, and the page, busy after the calls return.
  const loop = new Promise((resolve) =>
    page.on('console', (m) => m.text().startsWith('bench-loop ') && resolve(JSON.parse(m.text().slice(11)))),
  );
  await page.evaluate(
    ({ n, cap }) =>
      setTimeout(() => {
        const t0 = performance.now();
        let i = 0;
        while (i < n) {
          for (const end = i + 50; i < end; i++) window.sdk.track('Loop Event', { plan: 'pro', i, marker: 'L' + i });
          if (performance.now() - t0 > cap) break;
        }
        console.debug('bench-loop ' + JSON.stringify({ t0, t1: performance.now(), calls: i }));
      }),
    { n: CALLS, cap: LOOP_CAP },
  );
  const { t0, t1, calls } = await loop;
  r.calls = calls;
  r.usPerCall = ((t1 - t0) * 1000) / calls;
  await page.waitForTimeout(AFTER);
  // A page still busy with the calls' work cannot answer: then it was busy for the whole window, and is left there.
  const read = page.evaluate(
    async ({ t1, window: w }) => {
      // Observer callbacks are tasks of their own: let those queued behind the calls' work run first.
      await new Promise((resolve) => setTimeout(resolve, 50));
      // Long tasks (over 50 ms) that ran after the calls returned; the rest of the calls' own task counts.
      const after = window.__lt.filter(([start, duration]) => start + duration > t1 && start < t1 + w);
      return {
        longTasks: after.length,
        longTaskMs: after.reduce((sum, [start, duration]) => sum + Math.min(start + duration, t1 + w) - Math.max(start, t1), 0),
      };
    },
    { t1, window: AFTER },
  );
  const answered = await Promise.race([read, new Promise((resolve) => setTimeout(resolve, BUSY_TIMEOUT))]);
  if (!answered) {
    read.catch(() => {});
    r.busy = true;
    r.longTaskMs = AFTER;
    r.outside = [...outside];
    await context.close();
    return r;
  }
  Object.assign(r, answered);
  // 6. IndexedDB: the calls are persisted when the first write transaction begun after them has committed, with any
  // other begun before that one committed (deletions of delivered events come later).
  const persisted = await waitFor(
    () =>
      page.evaluate((t0) => {
        const writes = window.__st.tx.filter((t) => t.write && t.start >= t0);
        if (!writes.length) return -1;
        if (!writes[0].end) return 0;
        const burst = writes.filter((t) => t.start <= writes[0].end);
        return burst.every((t) => t.end) ? Math.max(...burst.map((t) => t.end)) : 0;
      }, t0),
    15_000,
  );
  r.persistedPerSecond = persisted > 0 ? calls / ((persisted - t0) / 1000) : undefined;
  r.outside = [...outside];
  await context.close();
  return r;
};

const format = {
  kb: (b) => (b == null ? '—' : `${(b / 1000).toFixed(1)} kB`),
  n: (x, digits = 0) => (x == null ? '—' : x.toLocaleString('en-GB', { minimumFractionDigits: digits, maximumFractionDigits: digits })),
};

const main = async () => {
  const started = Date.now();
  // Other work on the machine shows in every timing: the load when the run began goes with the results.
  const load = loadavg()[0].toFixed(1);
  for (const file of ['esm/index.js', 'touchtrail.min.js'])
    if (!existsSync(join(dist, file))) throw new Error(`bench: ${join(dist, file)} is missing; run \`npm run build\` in the repository first.`);
  const dir = mkdtempSync(join(tmpdir(), 'touchtrail-bench-'));

  // 1. Bytes, one method for every SDK: minified, brotli quality 11, each file compressed on its own and summed.
  const sizes = [];
  const pages = new Map();
  const collector = await startCollector();
  for (const sdk of SDKS) {
    const scriptTags = sdk.scriptTag
      .map((file) => join(packageDir(sdk.package), file))
      .filter((file) => existsSync(file))
      .map((file) => ({ file: file.slice(packageDir(sdk.package).length + 1), br: brotli(readFileSync(file)) }));
    sizes.push({ npm: await npmBytes(sdk, dir), scriptTags });
    pages.set(`/${sizes.length}`, pageHtml(await runtimeBundle(sdk), collector.origin));
  }
  rmSync(dir, { recursive: true, force: true });
  const site = await startSite(pages);

  const browser = await chromium.launch({
    executablePath: process.env.TOUCHTRAIL_CHROMIUM || (await sparticuz.executablePath()),
    headless: true,
    // Our own flags, never @sparticuz/chromium's (--single-process, --disable-web-security). Every host but
    // 127.0.0.1 fails to resolve: nothing reaches a vendor, and what tried is listed. A visitor's browser, not a
    // bot's (some SDKs drop events from navigator.webdriver or a HeadlessChrome user agent).
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-blink-features=AutomationControlled',
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
    ],
  });
  const chromiumVersion = browser.version();
  const userAgent = `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${chromiumVersion.split('.')[0]}.0.0.0 Safari/537.36`;

  const runs = SDKS.map(() => []);
  for (let rep = 0; rep < REPS; rep++) {
    // A different order each repetition, so that no SDK always runs first (or last) in a warm browser.
    const order = SDKS.map((_, i) => (i + rep) % SDKS.length);
    for (const i of order) {
      if (ONLY && !SDKS[i].name.includes(ONLY)) continue;
      const r = await measure(browser, userAgent, `${site.origin}/${i + 1}`, SDKS[i], collector);
      runs[i].push(r);
      process.stderr.write(`rep ${rep + 1}/${REPS} ${SDKS[i].name}: ${JSON.stringify({ ...r, outside: r.outside.length })}\n`);
    }
  }
  await browser.close();
  await site.close();
  await collector.close();

  const rows = SDKS.map((sdk, i) => {
    const m = (key) => median(runs[i].map((r) => r[key]));
    const tags = sizes[i].scriptTags;
    const idb = m('idbTx');
    const delivered = Math.min(...runs[i].map((r) => r.delivered));
    const outside = [...new Set(runs[i].flatMap((r) => r.outside))];
    return {
      sdk: `${sdk.name} ${version(sdk.package)}`,
      scriptTag: tags.length ? tags.map((t) => format.kb(t.br) + (tags.length > 1 ? ` (${t.file.replace(/^.*\//, '')})` : '')).join('<br>') : '— (none in npm)',
      npm: format.kb(sizes[i].npm),
      usPerCall: format.n(m('usPerCall'), 1) + (m('calls') < CALLS ? ` (${format.n(m('calls'))} calls in ${LOOP_CAP / 1000} s)` : ''),
      longTasks:
        runs[i].filter((r) => r.busy).length * 2 > runs[i].length
          ? `busy all ${format.n(AFTER)} ms, and ${BUSY_TIMEOUT / 1000} s later`
          : `${format.n(m('longTasks'))} / ${format.n(m('longTaskMs'))} ms`,
      firstEvent: format.n(m('firstEventMs')),
      evalMs: format.n(m('evalMs'), 1),
      bytesPerEvent:
        (delivered < BURST ? `${delivered}/${BURST} arrived` : `${format.n(m('bytesPerEvent'))} B`) + ` (${format.n(m('requests'))} req.)`,
      clickMs: format.n(m('clickMs'), 1),
      idb: idb ? `${format.n(m('persistedPerSecond'))} / ${format.n(idb)}` : '— (no IndexedDB)',
      setItems: format.n(m('setItems')),
      outside: outside.length ? outside.join(', ') : 'none',
    };
  });

  const date = new Date().toISOString().slice(0, 10);
  const header =
    '| SDK | script tag (br) | npm import (br) | µs per track() (5,000 calls) | after the calls: long tasks / ms | first event delivered (ms from navigation start) | script evaluation (ms) | bytes per event, burst of 100 | click on a tracked link: added processing (ms) | IndexedDB: events persisted/s / transactions per 100 events | localStorage writes per 100 events |';
  const table = [
    header,
    '|' + header.split('|').slice(1, -1).map(() => '---').join('|') + '|',
    ...rows.map((r) => `| ${[r.sdk, r.scriptTag, r.npm, r.usPerCall, r.longTasks, r.firstEvent, r.evalMs, r.bytesPerEvent, r.clickMs, r.idb, r.setItems].join(' | ')} |`),
  ].join('\n');
  const blocked = rows.map((r) => `- ${r.sdk}: ${r.outside}`).join('\n');
  const minutes = ((Date.now() - started) / 60_000).toFixed(1);
  const about = `Measured ${date} in headless Chromium ${chromiumVersion} (@sparticuz/chromium ${version('@sparticuz/chromium', root)}), Node ${process.version}, esbuild ${esbuildVersion}; medians of ${REPS} repetitions (${minutes} min on ${cpus().length} cores, load average ${load} at the start).`;
  console.log(`${table}\n\n${about}\n\nRequests to hosts other than the local collector (refused by the browser, counted):\n${blocked}`);
  writeFileSync(
    join(here, 'results.md'),
    `# How it compares: the latest run\n\n${about}\n\n${table}\n\nRequests to hosts other than the local collector (refused by the browser, counted):\n${blocked}\n\nThe method is in the README, under \"How it compares\".\n`,
  );
};

await main();
