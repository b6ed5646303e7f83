// The long run of the model-file fuzzer: `npm run fuzz` (FUZZ_RUNS, default 200,000; FUZZ_SEED,
// default a new one each time, printed so that a failure can be replayed).
import { spawnSync } from 'node:child_process';

const runs = process.env.FUZZ_RUNS ?? '200000';
const seed = process.env.FUZZ_SEED ?? String(Math.floor(Math.random() * 2 ** 31));
console.log(`fuzzing model files: ${runs} runs, seed ${seed} (replay with FUZZ_SEED=${seed})`);
const { status } = spawnSync('npx', ['vitest', 'run', 'test/fuzz.test.ts'], {
  stdio: 'inherit',
  env: { ...process.env, FUZZ_RUNS: runs, FUZZ_SEED: seed },
});
process.exitCode = status ?? 1;
