import { brotliCompressSync } from 'node:zlib';
import { readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');

// The public exports that are optional: captures, processors, queues, transports. What the bundle keeps of them
// is what tree-shaking shows.
const OPTIONAL = ['capture', 'journey', 'privacy', 'queue', 'transport']
  .flatMap((dir) => {
    try {
      return readdirSync(join(root, 'src', dir)).map((file) => `src/${dir}/${file}`);
    } catch {
      return [];
    }
  })
  .filter((file) => /^[a-z]\w*\.ts$/.test(file.split('/').pop()));

const kb = (bytes) => (bytes / 1024).toFixed(1);

/**
 * Bundles examples/spa/app.js with esbuild, minified, as a site's build would, with 'touchtrail' resolved to
 * this repository's src/index.ts (the package's own source, so the demo shows the code as it is now). Returns
 * the files to serve: app.js, and bundle.json saying how much of touchtrail the bundle holds and which of its
 * optional exports tree-shaking left out.
 */
export const buildSpa = async () => {
  const result = await build({
    entryPoints: [join(here, 'app.js')],
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2020',
    write: false,
    metafile: true,
    outfile: join(here, 'app.bundle.js'),
    logLevel: 'silent',
    plugins: [
      {
        name: 'touchtrail-from-source',
        setup(build) {
          build.onResolve({ filter: /^touchtrail$/ }, () => ({ path: join(root, 'src/index.ts') }));
        },
      },
    ],
  });
  const code = result.outputFiles[0].text;
  const [output] = Object.values(result.metafile.outputs);
  // Paths in the metafile are relative to the working directory; make them relative to the repository.
  const inputs = Object.entries(output.inputs)
    .filter(([, { bytesInOutput }]) => bytesInOutput > 0)
    .map(([path, { bytesInOutput }]) => [relative(root, resolve(path)), bytesInOutput]);
  const ours = inputs.filter(([path]) => path.startsWith('src/') || path.includes('node_modules/idb-keyval'));
  const bytes = ours.reduce((sum, [, size]) => sum + size, 0);
  const kept = new Set(ours.map(([path]) => path));
  const name = (file) => file.split('/').pop().replace(/\.ts$/, '');
  const info = {
    kilobytes: kb(bytes),
    // The whole bundle compressed, less the app's own share in proportion: close enough for a demo's caption.
    brotli: kb(brotliCompressSync(code).length * (bytes / Buffer.byteLength(code))),
    included: ['createTracker', ...OPTIONAL.filter((f) => kept.has(f)).map(name)],
    excluded: OPTIONAL.filter((f) => !kept.has(f)).map(name),
    modules: ours.map(([path]) => path),
  };
  return { 'app.js': code, 'bundle.json': JSON.stringify(info, null, 2) };
};
