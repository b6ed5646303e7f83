// Measures the JS heap that rnn.train allocates, with V8's sampling heap profiler, for a few and
// for many iterations, on the built package (dist/) as users run it: a test runner's transforms
// would change what the engine optimises. Prints { few, many } in bytes. With `fit`, the same for
// rnn.fit in batches of 4 sequences advancing together: 64 batches an epoch, for a few and for
// many epochs (measured by hand, not by the tests: fit's one-off allocations, which include the
// engine recompiling the run's closures for each call, vary by hundreds of kB from call to call).
//   node test/probes/allocation.mjs simd|scalar [fit]
// (The pure-TS build allocates a little per iteration, in its portable expm1: see README.)
import { Session } from 'node:inspector/promises';
import { RNN } from '../../dist/index.js';

const core = process.argv[2] ?? 'simd';
let seed = 5;
const random = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
const xs = Array.from({ length: 25 }, () => Array.from({ length: 3 }, () => 2 * random() - 1));
const targets = Array.from({ length: 25 }, () => Math.floor(random() * 3));
const options = { backend: 'wasm', wasmBuild: core };
const rnn = await RNN.create(3, 20, 3, { seed: 5, ...options });
const batched = process.argv[3] === 'fit';
const data = Array.from({ length: 256 }, (_, k) => ({ xs: xs.slice(0, 2 + (k % 4)), targets: targets.slice(0, 2 + (k % 4)) }));
const train = batched
  ? (epochs) => rnn.fit(data, { epochs, batchSize: 4, optimizer: 'adam', learningRate: 0.001 })
  : (iterations) => rnn.train(xs, targets, iterations, 0.01);
const name = batched ? 'fit' : 'train';

const session = new Session();
session.connect();
await session.post('HeapProfiler.enable');

/** Bytes allocated under `train` (and what it calls), sampled every 32 bytes or so. */
async function allocated(iterations) {
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: 32, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true,
  });
  train(iterations);
  const { profile } = await session.post('HeapProfiler.stopSampling');
  let bytes = 0;
  const walk = (node, inside) => {
    const inTrain = inside || node.callFrame.functionName === name;
    if (inTrain) bytes += node.selfSize;
    for (const child of node.children) walk(child, inTrain);
  };
  walk(profile.head, false);
  return bytes;
}

train(batched ? 50 : 3000); // warm up: let the engine optimise the loop
// Each call of train allocates a few tens of kB once (its run, its result, and what the engine
// compiles for it, which varies from call to call); the least of three calls (five for fit,
// whose one-off part varies more) is that part alone, so `many - few` is what the 20,000 more
// iterations (fit: the 3,200 more batches) allocate.
const least = async (iterations) => {
  let bytes = Infinity;
  for (let k = 0; k < (batched ? 5 : 3); k++) bytes = Math.min(bytes, await allocated(iterations));
  return bytes;
};
const few = await least(batched ? 2 : 1000);
const many = await least(batched ? 52 : 21000);
session.disconnect();
console.log(JSON.stringify({ few, many }));
