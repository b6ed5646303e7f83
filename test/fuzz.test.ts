// A short run of the model-file fuzzer (test/fuzz/model-files.ts) in every `npm test`; `npm run
// fuzz` runs it long (FUZZ_RUNS, FUZZ_SEED).
import { describe, expect, it } from 'vitest';
import { fuzzModelFiles } from './fuzz/model-files.js';

const runs = Number(process.env.FUZZ_RUNS ?? 3000);
const seed = Number(process.env.FUZZ_SEED ?? 20261130);

describe('model files under mutation', () => {
  it(`${runs} mutated JSON and safetensors files load as working models or are refused with TypeError or RangeError`, async () => {
    const report = await fuzzModelFiles({ runs, seed });
    console.log(`fuzz: ${runs} runs, seed ${seed}: ${JSON.stringify(report)}`);
    // The mutations reach both outcomes of both readers, and both kinds of error.
    for (const tally of [report.json, report.safetensors]) {
      expect(tally.loaded).toBeGreaterThan(0);
      expect(tally.TypeError).toBeGreaterThan(0);
      expect(tally.RangeError).toBeGreaterThan(0);
      expect(tally.loaded + tally.TypeError + tally.RangeError).toBe(runs);
    }
  }, 600_000);
});
