// Creates and drops many wasm models, printing the memory as it goes: it must stay bounded.
//   npm run many-models                 100,000 models left to the garbage collector
//   MODELS=1000000 DISPOSE=1 npm run many-models
import { RNN, init } from '../dist/index.js';

const count = Number(process.env.MODELS ?? 100_000);
const dispose = process.env.DISPOSE === '1';
const MiB = 2 ** 20;
await init();
const started = performance.now();
console.log(`${count} models of 3-8-3, each run one step, then ${dispose ? 'disposed' : 'dropped'}; Node ${process.version}`);
for (let i = 1; i <= count; i++) {
  const rnn = new RNN(3, 8, 3, { seed: i });
  rnn.forwardOneStep([1, 0, 0]);
  if (dispose) rnn.dispose();
  if (i % (count / 10) === 0) {
    const m = process.memoryUsage();
    console.log(`${String(i).padStart(8)} models  rss ${(m.rss / MiB).toFixed(0).padStart(4)} MiB  heap ${(m.heapUsed / MiB).toFixed(0).padStart(3)} MiB  `
      + `${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
}
