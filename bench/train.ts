// µs per training iteration (forward over T steps, loss, BPTT, Rprop) of the wasm build with SIMD,
// the wasm build without, the pure-TS build and, where a C compiler is present, the same iteration
// in C (bench/native.c, cc -O3), for the Elman cell; then the three builds for each cell (Elman,
// LSTM, GRU) at two sizes. Each round times one batch of every implementation in turn, from
// a fresh model with the same seed; the table gives the median over the rounds and ratios of medians.
//
// Then data-parallel fit in 1 and 2 workers (bench/workers.ts; WORKERS=0 leaves it out).
//
// Run with `npm run bench` (builds the library first). ROUNDS=n sets the number of rounds.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { init, RNN, type RNNOptions } from 'rnn-wasm';
import { CASES, CELL_CASES, CELL_NAMES, environment, median, table, task, time, type Case } from './measure.js';
import { workersTable } from './workers.js';

const ROUNDS = Number(process.env.ROUNDS ?? 9);
const NATIVE_SOURCE = fileURLToPath(new URL('../../bench/native.c', import.meta.url));
const NATIVE_BINARY = fileURLToPath(new URL('./native', import.meta.url));

function compileNative(): boolean {
  try {
    mkdirSync(fileURLToPath(new URL('.', import.meta.url)), { recursive: true });
    execFileSync('cc', ['-O3', '-o', NATIVE_BINARY, NATIVE_SOURCE, '-lm'], { stdio: 'inherit' });
    return true;
  } catch {
    console.log('no C compiler (cc): the native column is left out');
    return false;
  }
}

type Timer = (c: Case) => number;

function rnnTimer(options: RNNOptions): Timer {
  return (c) => {
    const { xs, targets } = task(c);
    const rnn = new RNN(c.I, c.H, c.O, { seed: 1, ...options });
    return time((n) => rnn.train(xs, targets, n, 0.01), c.iterations);
  };
}

function nativeTimer(c: Case): number {
  const out = execFileSync(NATIVE_BINARY, [c.I, c.H, c.O, c.T, c.iterations, 1].map(String), { encoding: 'utf8' });
  return Number(out.split(' ')[0]);
}

async function main(): Promise<void> {
  await init('simd');
  await init('scalar');
  const timers: [string, Timer][] = Object.entries(BUILDS).map(([name, options]) => [name, rnnTimer(options)]);
  if (compileNative()) timers.push(['C -O3', nativeTimer]);
  console.log(environment());
  console.log(`median of ${ROUNDS} interleaved rounds, µs per training iteration (lower is better)\n`);

  const rows: string[][] = [];
  for (const c of CASES) {
    const [simd, scalar, ts, native] = medians(timers, c);
    const ratio = (a: number, b: number) => (b === undefined ? '-' : `${(a / b).toFixed(2)}x`);
    rows.push([
      `(${c.I}, ${c.H}, ${c.O}, ${c.T})`,
      simd.toFixed(1), scalar.toFixed(1), ts.toFixed(1), native === undefined ? '-' : native.toFixed(1),
      ratio(ts, simd), ratio(ts, scalar), ratio(scalar, simd), native === undefined ? '-' : ratio(simd, native),
    ]);
  }
  console.log(table(
    ['(I, H, O, T)', 'wasm-simd', 'wasm-scalar', 'ts', 'C -O3', 'ts/simd', 'ts/scalar', 'scalar/simd', 'simd/C'],
    rows,
  ));

  console.log('\nevery cell, µs per training iteration (lower is better)\n');
  const cellRows: string[][] = [];
  for (const c of CELL_CASES) {
    for (const cell of CELL_NAMES) {
      const [simd, scalar, ts] = medians(timers.slice(0, 3).map(([name]) => [name, rnnTimer({ ...BUILDS[name], cell })]), c);
      cellRows.push([
        cell, `(${c.I}, ${c.H}, ${c.O}, ${c.T})`, simd.toFixed(1), scalar.toFixed(1), ts.toFixed(1),
        `${(ts / simd).toFixed(2)}x`, `${(ts / scalar).toFixed(2)}x`, `${(scalar / simd).toFixed(2)}x`,
      ]);
    }
  }
  console.log(table(['cell', '(I, H, O, T)', 'wasm-simd', 'wasm-scalar', 'ts', 'ts/simd', 'ts/scalar', 'scalar/simd'], cellRows));
  if (process.env.WORKERS !== '0') await workersTable();
}

const BUILDS: Record<string, RNNOptions> = { 'wasm-simd': { wasmBuild: 'simd' }, 'wasm-scalar': { wasmBuild: 'scalar' }, ts: { backend: 'ts' } };

/** The median µs of each timer on case c over ROUNDS interleaved rounds, after a warm-up. */
function medians(timers: [string, Timer][], c: Case): number[] {
  for (const [, timer] of timers) timer(c); // warm up
  const samples = timers.map((): number[] => []);
  for (let round = 0; round < ROUNDS; round++) {
    // Rotate the order, so that no implementation always runs right after another.
    for (let k = 0; k < timers.length; k++) {
      const j = (k + round) % timers.length;
      samples[j].push(timers[j][1](c));
    }
  }
  return samples.map(median);
}

await main();
