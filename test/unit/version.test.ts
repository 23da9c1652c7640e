import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { version } from '../../src/version';

test('context.library.version is the package version', () => {
  expect(version).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version);
});
