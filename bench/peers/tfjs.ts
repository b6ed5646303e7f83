// TensorFlow.js's simpleRNN on the task of bench/train.ts, beside rnn-wasm in the same run: µs per
// training iteration (trainOnBatch on the one sequence) on its cpu and wasm backends; then its lstm
// and gru layers beside rnn-wasm's cells (each of rnn-wasm's three builds) at two sizes. TensorFlow.js
// has no Rprop, so it trains with SGD; the work per iteration (forward, BPTT, an update of every
// weight) is the same. Run with `npm run bench:peers` from the repository's root, which installs
// the peers here, apart from the library's own dependencies.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { init, RNN, type RNNOptions } from 'rnn-wasm';
import { CASES, CELL_CASES, CELL_NAMES, environment, median, table, task, time, type Case, type CellName } from '../measure.js';

const ROUNDS = Number(process.env.ROUNDS ?? 5);

/** TensorFlow.js's layer of a cell, returning every step's state. */
function tfLayer(cell: CellName, c: Case): tf.layers.Layer {
  const config = { units: c.H, returnSequences: true, inputShape: [c.T, c.I], recurrentInitializer: 'glorotUniform' as const };
  if (cell === 'lstm') return tf.layers.lstm(config);
  if (cell === 'gru') return tf.layers.gru(config);
  return tf.layers.simpleRNN(config);
}

/** A recurrent layer (simpleRNN is tanh) with a softmax dense layer at every step, as rnn-wasm's model. */
async function tfTime(c: Case, iterations: number, cell: CellName = 'rnn'): Promise<number> {
  const { xs, targets } = task(c);
  const model = tf.sequential({
    layers: [
      tfLayer(cell, c),
      tf.layers.timeDistributed({ layer: tf.layers.dense({ units: c.O, activation: 'softmax' }) }),
    ],
  });
  model.compile({ optimizer: tf.train.sgd(0.01), loss: 'sparseCategoricalCrossentropy' });
  const x = tf.tensor3d([xs.map((v) => Array.from(v))]);
  const y = tf.tensor3d([targets.map((t) => [t])]);
  for (let n = 0; n < 3; n++) await model.trainOnBatch(x, y); // warm up: builds the graph and the optimiser's state
  const start = process.hrtime.bigint();
  for (let n = 0; n < iterations; n++) await model.trainOnBatch(x, y);
  const us = Number(process.hrtime.bigint() - start) / 1e3 / iterations;
  tf.dispose([x, y]);
  model.dispose();
  return us;
}

function rnnTime(c: Case, options: RNNOptions = {}): number {
  const { xs, targets } = task(c);
  const rnn = new RNN(c.I, c.H, c.O, { seed: 1, ...options });
  return time((n) => rnn.train(xs, targets, n, 0.01), c.iterations);
}

async function main(): Promise<void> {
  tf.enableProdMode(); // no debug checks: TensorFlow.js at its fastest
  await init('simd');
  await init('scalar');
  console.log(environment());
  console.log(`TensorFlow.js ${tf.version.tfjs}; median of ${ROUNDS} interleaved rounds, µs per training iteration\n`);
  const rows: string[][] = [];
  for (const c of CASES) {
    const tfIterations = Math.max(5, Math.ceil(c.iterations / 10));
    const samples: Record<'rnn' | 'cpu' | 'wasm', number[]> = { rnn: [], cpu: [], wasm: [] };
    for (let round = 0; round < ROUNDS; round++) {
      samples.rnn.push(rnnTime(c));
      for (const backend of ['cpu', 'wasm'] as const) {
        await tf.setBackend(backend);
        await tf.ready();
        samples[backend].push(await tfTime(c, tfIterations));
      }
    }
    const [rnn, cpu, wasm] = [samples.rnn, samples.cpu, samples.wasm].map(median);
    rows.push([
      `(${c.I}, ${c.H}, ${c.O}, ${c.T})`, rnn.toFixed(1), cpu.toFixed(0), wasm.toFixed(0),
      `${(cpu / rnn).toFixed(0)}x`, `${(wasm / rnn).toFixed(0)}x`,
    ]);
  }
  console.log(table(['(I, H, O, T)', 'rnn-wasm', 'tfjs cpu', 'tfjs wasm', 'cpu/rnn-wasm', 'wasm/rnn-wasm'], rows));

  console.log('\nevery cell: rnn-wasm\'s builds beside TensorFlow.js\'s simpleRNN, lstm and gru layers, µs per training iteration\n');
  const builds: Record<string, RNNOptions> = { simd: { wasmBuild: 'simd' }, scalar: { wasmBuild: 'scalar' }, ts: { backend: 'ts' } };
  const cellRows: string[][] = [];
  for (const c of CELL_CASES) {
    for (const cell of CELL_NAMES) {
      const tfIterations = Math.max(2, Math.ceil(c.iterations / 10));
      const samples: Record<string, number[]> = { simd: [], scalar: [], ts: [], cpu: [], wasm: [] };
      for (let round = 0; round < ROUNDS; round++) {
        for (const [name, options] of Object.entries(builds)) samples[name].push(rnnTime(c, { ...options, cell }));
        for (const backend of ['cpu', 'wasm'] as const) {
          await tf.setBackend(backend);
          await tf.ready();
          samples[backend].push(await tfTime(c, tfIterations, cell));
        }
      }
      const m = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
      const best = Math.min(m.cpu, m.wasm);
      cellRows.push([
        cell, `(${c.I}, ${c.H}, ${c.O}, ${c.T})`, m.simd.toFixed(1), m.scalar.toFixed(1), m.ts.toFixed(1), m.cpu.toFixed(0), m.wasm.toFixed(0),
        `${(m.ts / m.simd).toFixed(2)}x`, `${(best / m.simd).toFixed(0)}x`,
      ]);
    }
  }
  console.log(table(['cell', '(I, H, O, T)', 'simd', 'scalar', 'ts', 'tfjs cpu', 'tfjs wasm', 'ts/simd', 'best tfjs/simd'], cellRows));
}

await main();
