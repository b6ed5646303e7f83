// Soak test (not run in CI): trains many models at once for a set time, on both backends, with
// models created and disposed all along and sequences of changing lengths, and reports
// iterations, memory and errors every few seconds.
//
//   npm run soak                       60 seconds, 16 models
//   SOAK_SECONDS=600 SOAK_MODELS=64 npm run soak
import { RNN, OPTIMIZERS, identityDataset, periodicDataset, textDataset } from '../dist/index.js';

const seconds = Number(process.env.SOAK_SECONDS ?? 60);
const models = Number(process.env.SOAK_MODELS ?? 16);
const MiB = 2 ** 20;
const started = performance.now();
const deadline = started + 1000 * seconds;
let iterations = 0, created = 0, disposed = 0, diverged = 0;
const errors = [];

function task(k) {
  switch (k % 3) {
    case 0: return [periodicDataset([0, 1, 2].slice(0, 2 + (k % 2)), 10 + (k % 23), 3)];
    case 1: return [identityDataset(5 + (k % 40), 3, { seed: k, delay: k % 3 })];
    default: return textDataset('the cat sat on the mat, the rat ate the cat. '.repeat(1 + (k % 3)), 4 + (k % 9)).sequences;
  }
}

async function worker(id) {
  let k = id;
  while (performance.now() < deadline) {
    const data = task(k);
    const dim = data[0].xs[0].length;
    const rnn = await RNN.create(dim, 4 + (k % 29), dim, { seed: k, backend: k % 4 === 0 ? 'ts' : 'wasm' });
    created++;
    try {
      for (let round = 0; round < 5 && performance.now() < deadline; round++) {
        const optimizer = OPTIMIZERS[(k + round) % OPTIMIZERS.length];
        const r = await rnn.fitAsync(data, { epochs: 20, optimizer, batchSize: 1 + (round % 2) });
        iterations += r.iterations * data.length;
        if (r.stopped === 'diverged') diverged++;
        const params = Object.values(rnn.getParams()).flatMap((v) => [...v]);
        if (!params.every(Number.isFinite)) throw new Error(`non-finite weights after ${optimizer}`);
      }
    } catch (error) {
      errors.push(String(error));
    } finally {
      rnn.dispose();
      disposed++;
    }
    k += models;
  }
}

function report() {
  const m = process.memoryUsage();
  const s = ((performance.now() - started) / 1000).toFixed(0);
  console.log(`${s.padStart(5)} s  sequences trained ${String(iterations).padStart(9)}  models ${created} made, ${disposed} disposed  `
    + `rss ${(m.rss / MiB).toFixed(0)} MiB  heap ${(m.heapUsed / MiB).toFixed(0)} MiB  array buffers ${(m.arrayBuffers / MiB).toFixed(0)} MiB  `
    + `diverged ${diverged}  errors ${errors.length}`);
}

console.log(`soak: ${models} models at a time for ${seconds} s, Node ${process.version}`);
const timer = setInterval(report, 5000);
await Promise.all(Array.from({ length: models }, (_, id) => worker(id)));
clearInterval(timer);
report();
for (const e of errors.slice(0, 10)) console.log(`error: ${e}`);
process.exitCode = errors.length === 0 ? 0 : 1;
