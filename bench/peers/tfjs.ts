// TensorFlow.js's simpleRNN on the task of bench/train.ts, beside rnn-wasm in the same run: µs per
// training iteration (trainOnBatch on the one sequence) on its cpu and wasm backends. TensorFlow.js
// has no Rprop, so it trains with SGD; the work per iteration (forward, BPTT, an update of every
// weight) is the same. Run with `npm run bench:peers` from the repository's root, which installs
// the peers here, apart from the library's own dependencies.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { init, RNN } from 'rnn-wasm';
import { CASES, environment, median, table, task, time, type Case } from '../measure.js';

const ROUNDS = Number(process.env.ROUNDS ?? 5);

/** A simpleRNN (tanh) with a softmax dense layer at every step, as rnn-wasm's model. */
async function tfTime(c: Case, iterations: number): Promise<number> {
  const { xs, targets } = task(c);
  const model = tf.sequential({
    layers: [
      tf.layers.simpleRNN({ units: c.H, returnSequences: true, inputShape: [c.T, c.I], recurrentInitializer: 'glorotUniform' }),
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

function rnnTime(c: Case): number {
  const { xs, targets } = task(c);
  const rnn = new RNN(c.I, c.H, c.O, { seed: 1 });
  return time((n) => rnn.train(xs, targets, n, 0.01), c.iterations);
}

async function main(): Promise<void> {
  tf.enableProdMode(); // no debug checks: TensorFlow.js at its fastest
  await init();
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
}

await main();
