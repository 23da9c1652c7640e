import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      // Unit tests: one per module, in jsdom, with fake-indexeddb and injected queue and send.
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], environment: 'jsdom', setupFiles: ['test/setup.ts'] } },
      // The reference collector (examples/collector), in Node against a temporary DuckDB file.
      { test: { name: 'collector', include: ['test/collector/**/*.test.ts'], environment: 'node' } },
      // End-to-end tests: real Chromium against collectors the tests start on 127.0.0.1.
      { test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], environment: 'node', testTimeout: 120_000, hookTimeout: 120_000, fileParallelism: false,
          // One retry for timing on a loaded two-core machine; a test that fails twice fails the run.
          retry: 1 } },
    ],
  },
});
