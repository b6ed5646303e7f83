import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    // test/memory.test.ts collects garbage between measurements.
    execArgv: ['--expose-gc'],
  },
});
