import resolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';

// Subresource Integrity for the script-tag build: written beside it, and into the README's snippet, so that the
// snippet a site copies always matches the file it loads.
const integrity = ({ readme: intoReadme = true } = {}) => ({
  name: 'integrity',
  writeBundle({ file }) {
    const sri = `sha384-${createHash('sha384').update(readFileSync(file)).digest('base64')}`;
    writeFileSync(`${file}.sri`, sri + '\n');
    if (!intoReadme) return;
    const readme = readFileSync('README.md', 'utf8');
    const updated = readme.replace(/integrity="sha384-[^"]*"/g, `integrity="${sri}"`);
    if (updated !== readme) writeFileSync('README.md', updated);
  },
});

// Internal properties that start with _ are renamed by the minifier (as web-vitals and preact do).
const minify = terser({ compress: { passes: 2 }, mangle: { properties: { regex: /^_/ } }, format: { comments: false } });

// The inspector's SRI hash, written into the script-tag build (src/inspector/loadInspector.ts), so that a core file
// pinned by SRI loads only the inspector of its own release. The inspector's config comes first: rollup builds in order.
const inspectorIntegrity = () => ({
  name: 'inspector-integrity',
  renderChunk: (code) =>
    code.replace(
      'TOUCHTRAIL_INSPECTOR_INTEGRITY',
      `sha384-${createHash('sha384').update(readFileSync('dist/touchtrail.inspector.js')).digest('base64')}`,
    ),
});

export default [
  // npm: one unminified ESM file per source file, so bundlers tree-shake what a site does not import.
  {
    input: 'src/index.ts',
    external: [/^idb-keyval/, /^web-vitals/],
    output: { dir: 'dist/esm', format: 'es', preserveModules: true, preserveModulesRoot: 'src' },
    plugins: [typescript({ noEmitOnError: true, declaration: true, declarationDir: 'dist/esm/types', outDir: 'dist/esm', include: ['src/**/*'] })],
  },
  // The inspector (?touchtrail-debug): a file of its own, loaded by the script tag beside itself, in debug mode only.
  {
    input: 'src/inspector/inspector.ts',
    output: { file: 'dist/touchtrail.inspector.js', format: 'iife' },
    plugins: [
      resolve({ browser: true }),
      typescript({ noEmitOnError: true, declaration: false, outDir: 'dist', include: ['src/**/*'] }),
      minify,
    ],
  },
  // The <script> tag: everything in one minified file.
  {
    input: 'src/script/tag.ts',
    output: { file: 'dist/touchtrail.min.js', format: 'iife' },
    plugins: [
      resolve({ browser: true }),
      typescript({ noEmitOnError: true, declaration: false, outDir: 'dist', include: ['src/**/*'] }),
      inspectorIntegrity(),
      minify,
      integrity(),
    ],
  },
  // The <script> tag with web vitals: the same, plus webVitals() and the web-vitals library. Its hash is written
  // beside it only: the README's snippet is the plain build's.
  {
    input: 'src/script/tagWithVitals.ts',
    output: { file: 'dist/touchtrail.vitals.min.js', format: 'iife' },
    plugins: [
      resolve({ browser: true }),
      typescript({ noEmitOnError: true, declaration: false, outDir: 'dist', include: ['src/**/*'] }),
      inspectorIntegrity(),
      minify,
      integrity({ readme: false }),
    ],
  },
];
