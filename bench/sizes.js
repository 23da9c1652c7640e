// What each export costs, two ways: alone (what .size-limit.json checks: shared helpers included) and added to the
// core (`createTracker` + `pageViews`: what a site that runs the core pays for it). Measured by size-limit itself
// (esbuild bundle of the named import from dist/esm, minified, brotli), so the figures match `npm run size`.
// `node bench/sizes.js` after `npm run build`; it needs nothing from bench/'s own install.
import esbuild from '@size-limit/esbuild';
import file from '@size-limit/file';
import sizeLimit from 'size-limit';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const path = join(root, 'dist/esm/index.js');
const CORE = ['createTracker', 'pageViews'];

const measure = async (names) => {
  const [{ size }] = await sizeLimit([esbuild, file], { cwd: root, checks: [{ files: [], import: { [path]: `{ ${names.join(', ')} }` } }] });
  return size;
};

const core = await measure(CORE);
const exports = readFileSync(path, 'utf8')
  .match(/export \{[^}]+\}/g)
  .flatMap((line) => line.slice(8, -1).split(',').map((name) => name.trim().split(' as ').pop()))
  .filter((name) => name && !CORE.includes(name));

console.log(`| export | alone | added to the core |\n| --- | --- | --- |\n| ${CORE.join(' + ')} | ${core} B | — |`);
for (const name of exports) console.log(`| ${name} | ${await measure([name])} B | ${(await measure([...CORE, name])) - core} B |`);
