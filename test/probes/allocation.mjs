// Measures the JS heap that training allocates, with V8's sampling heap profiler, on the built
// package (dist/) as users run it: a test runner's transforms would change what the engine
// optimises.
//   node test/probes/allocation.mjs simd|scalar          rnn.train: { few, many } bytes, for a
//                                                        few and for many iterations
//   node test/probes/allocation.mjs simd|scalar fit B    rnn.fit in batches of B (1: one sequence
//                                                        after another): { batches, epochs, bytes }
// (The pure-TS build allocates a little per iteration, in its portable expm1: see README.)
import { Session } from 'node:inspector';
import { RNN } from '../../dist/index.js';

const core = process.argv[2] ?? 'simd';
let seed = 5;
const random = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
const xs = Array.from({ length: 25 }, () => Array.from({ length: 3 }, () => 2 * random() - 1));
const targets = Array.from({ length: 25 }, () => Math.floor(random() * 3));
const rnn = await RNN.create(3, 20, 3, { seed: 5, backend: 'wasm', wasmBuild: core });

// (The inspector's callback API answers a session of this thread at once, inside post.)
const session = new Session();
session.connect();
session.post('HeapProfiler.enable');
const start = () => session.post('HeapProfiler.startSampling', {
  samplingInterval: 32, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true,
});
/** Stops sampling: the bytes allocated under `name` (and what it calls) since `start`. */
const stop = (name) => {
  let bytes = 0;
  session.post('HeapProfiler.stopSampling', (error, { profile }) => {
    if (error) throw error;
    const walk = (node, inside) => {
      const under = inside || node.callFrame.functionName === name;
      if (under) bytes += node.selfSize;
      for (const child of node.children) walk(child, under);
    };
    walk(profile.head, false);
  });
  return bytes;
};

if (process.argv[3] === 'fit') {
  // One long fit, measured from inside: sampling starts at the end of epoch WARM and stops at the
  // end of epoch WARM + SPAN, so that the call's one-off allocations (its run, its result, what the
  // engine compiles for it, which varies by hundreds of kB from call to call) fall outside the
  // window and the engine has optimised the loop by then. Inside are the batches' allocations and
  // each epoch's few (its progress object and its loss).
  const B = Number(process.argv[4] ?? 4);
  const data = Array.from({ length: 256 }, (_, k) => ({ xs: xs.slice(0, 2 + (k % 4)), targets: targets.slice(0, 2 + (k % 4)) }));
  const WARM = 100, SPAN = 200;
  let bytes = NaN;
  rnn.fit(data, {
    epochs: WARM + SPAN + 1, batchSize: B, optimizer: process.argv[5] ?? 'momentum', learningRate: 0.001,
    onProgress: ({ iteration }) => {
      if (iteration === WARM) start();
      else if (iteration === WARM + SPAN) bytes = stop('fit');
    },
  });
  console.log(JSON.stringify({ batches: SPAN * Math.ceil(data.length / B), epochs: SPAN, bytes }));
} else {
  const train = (iterations) => rnn.train(xs, targets, iterations, 0.01);
  /** Bytes allocated under `train` (and what it calls). */
  const allocated = (iterations) => {
    start();
    train(iterations);
    return stop('train');
  };
  train(3000); // warm up: let the engine optimise the loop
  // Each call of train allocates a few tens of kB once (its run, its result, and what the engine
  // compiles for it, which varies from call to call); the least of three calls is that part alone,
  // so `many - few` is what the 20,000 more iterations allocate.
  const least = (iterations) => Math.min(...[0, 1, 2].map(() => allocated(iterations)));
  const few = least(1000);
  const many = least(21000);
  console.log(JSON.stringify({ few, many }));
}
session.disconnect();
