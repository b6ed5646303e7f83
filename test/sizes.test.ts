// `npm run sizes` (scripts/sizes.mjs) prints the sizes of the built files, which the README
// quotes instead of numbers of its own.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { expect, it } from 'vitest';

it('prints the size and the gzipped size of each wasm build and of the browser bundle', () => {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const run = spawnSync(process.execPath, ['scripts/sizes.mjs'], { cwd: root, encoding: 'utf8' });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  for (const path of ['build/rnn.wasm', 'build/rnn.scalar.wasm', 'dist/rnn-wasm.browser.js']) {
    const bytes = readFileSync(new URL(`../${path}`, import.meta.url));
    const kB = (n: number): string => `${(n / 1000).toFixed(1)} kB`;
    expect(run.stdout).toMatch(new RegExp(`^${path.replaceAll('.', '\\.')} +${kB(bytes.length)} +${kB(gzipSync(bytes, { level: 9 }).length)} `, 'm'));
  }
});
