import { defineConfig } from 'vitest/config';

// `rnn-wasm-source` makes package.json's `imports` map serve src/ rather than dist/, so the tests
// run the TypeScript sources without a build (tsconfig.json sets the same condition for tsc).
const conditions = ['rnn-wasm-source', 'module', 'node', 'development|production'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    // Starting a browser or building an app in beforeAll can take longer than the 10 s default on a busy machine.
    hookTimeout: 120_000,
    // test/memory.test.ts collects garbage between measurements.
    execArgv: ['--expose-gc'],
  },
});
