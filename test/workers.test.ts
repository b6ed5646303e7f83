// Training in workers (worker_threads): data-parallel fitAsync gives the same bits for every number
// of workers, with shared memory or messages; fitInWorker and trainInWorker give the bits of
// fitAsync and trainAsync on this thread; a worker that throws or dies, an abort and dispose end
// the run cleanly, and leave nothing running. The workers run the build in dist/ (npm test builds it).
import { describe, expect, it } from 'vitest';
import { RNN, type Example, type FitOptions, type RNNOptions } from '../src/index.js';
import { runOf } from '../src/internal.js';
import { bitDifference, create, lcg, relativeDifference, type Core } from './helpers.js';
import { modelOf } from './internals.js';

/** Sequences of the given lengths with random inputs (or ids) and targets for the model's spec. */
function examples(rnn: RNN, lengths: number[], seed: number): Example[] {
  const random = lcg(seed);
  const { inputDim: I, outputDim: O } = rnn;
  return lengths.map((T) => {
    const xs = Array.from({ length: T }, () => (rnn.input === 'index' ? Math.floor(random() * I) : Array.from({ length: I }, () => 2 * random() - 1)));
    const target = () => (rnn.output === 'softmax' ? Math.floor(random() * O) : Array.from({ length: O }, () => 2 * random() - 1));
    const targets = rnn.outputAt === 'last' ? [target()] : Array.from({ length: T }, target);
    return { xs, targets } as Example;
  });
}

/** Mixed lengths, so that shards hold sequences of different lengths and the last batch is short. */
const LENGTHS = [7, 3, 12, 1, 9, 5, 8, 2, 11, 6, 4, 10, 7, 3, 9, 5, 6, 12, 2, 8, 1, 7, 4];

/** The parameters and the whole optimiser state. */
function state(rnn: RNN): Float64Array {
  const { data, plan: p } = modelOf(rnn);
  return data.slice(p.params, p.params + p.stateSize);
}

const CASES: [string, Core, RNNOptions][] = [
  ['rnn, wasm', 'wasm-simd', {}],
  ['lstm, 2 layers, index inputs, wasm', 'wasm-simd', { cell: 'lstm', layers: 2, input: 'index' }],
  ['gru, linear output at the last step, wasm', 'wasm-simd', { cell: 'gru', output: 'linear', outputAt: 'last' }],
  ['lstm, pure-TS build', 'ts', { cell: 'lstm' }],
  ['gru, 2 layers, scalar wasm', 'wasm-scalar', { cell: 'gru', layers: 2 }],
];

async function fitted(core: Core, options: RNNOptions, fit: Partial<FitOptions>): Promise<{ rnn: RNN; losses: Float64Array }> {
  const rnn = await create(core, 5, 6, 4, { seed: 7, ...options });
  const shards = fit.workers === undefined ? {} : { shardSize: 3 };
  const result = await rnn.fitAsync(examples(rnn, LENGTHS, 3), { epochs: 3, batchSize: 8, ...shards, optimizer: 'adam', learningRate: 0.02, ...fit });
  return { rnn, losses: result.losses };
}

describe('data-parallel fitAsync', () => {
  it.each(CASES)('%s: the same bits for 1, 2 and 3 workers, with shared memory or with messages', async (_, core, options) => {
    const one = await fitted(core, options, { workers: 1 });
    for (const fit of [{ workers: 2 }, { workers: 3 }, { workers: 2, sharedMemory: false }, { workers: 1, sharedMemory: false }]) {
      const other = await fitted(core, options, fit);
      expect(bitDifference(state(other.rnn), state(one.rnn)), JSON.stringify(fit)).toBeUndefined();
      expect(bitDifference(other.losses, one.losses), JSON.stringify(fit)).toBeUndefined();
    }
    // The same mean gradients as fitAsync here, added in another grouping: equal to rounding.
    const here = await fitted(core, options, {});
    const params = (rnn: RNN) => state(rnn).subarray(0, modelOf(rnn).plan.P);
    expect(relativeDifference(params(here.rnn), params(one.rnn))).toBeLessThan(1e-9);
    expect(bitDifference(params(here.rnn), params(one.rnn))).toBeDefined();
  });

  it('carries the state of batchSize streams, shuffles, validates and stops early the same for every number of workers', async () => {
    const runs = [
      { carryState: true },
      { shuffle: true, seed: 5, validation: { split: 0.25 }, earlyStopping: { patience: 1, restoreBestWeights: true } },
      { learningRateSchedule: { type: 'step', stepSize: 1, gamma: 0.5 } as const, clip: 0.1 },
    ];
    for (const run of runs) {
      const one = await fitted('wasm-simd', { cell: 'lstm' }, { ...run, workers: 1 });
      const three = await fitted('wasm-simd', { cell: 'lstm' }, { ...run, workers: 3 });
      expect(bitDifference(state(three.rnn), state(one.rnn)), JSON.stringify(run)).toBeUndefined();
      expect(bitDifference(three.losses, one.losses), JSON.stringify(run)).toBeUndefined();
      // And what fit here computes, to rounding: each stream carries its own state in its shard.
      const here = await fitted('wasm-simd', { cell: 'lstm' }, run);
      const P = modelOf(here.rnn).plan.P;
      expect(relativeDifference(state(here.rnn).subarray(0, P), state(one.rnn).subarray(0, P)), JSON.stringify(run)).toBeLessThan(1e-9);
    }
  });

  it('shards of other sizes give other last bits, and the same bits for every number of workers', async () => {
    const a = await fitted('wasm-simd', {}, { workers: 1, shardSize: 2 });
    const b = await fitted('wasm-simd', {}, { workers: 3, shardSize: 2 });
    const c = await fitted('wasm-simd', {}, { workers: 1, shardSize: 3 });
    expect(bitDifference(state(a.rnn), state(b.rnn))).toBeUndefined();
    expect(bitDifference(state(a.rnn), state(c.rnn))).toBeDefined();
  });

  it('refuses workers in fit, and bad worker options, before anything changes', async () => {
    const rnn = await RNN.create(5, 6, 4, { seed: 1 });
    const data = examples(rnn, [3, 4], 1);
    const before = state(rnn);
    expect(() => rnn.fit(data, { epochs: 1, workers: 2 })).toThrow(/options.workers trains in other threads.*use fitAsync/);
    await expect(rnn.fitAsync(data, { epochs: 1, workers: 0 })).rejects.toThrow(RangeError);
    await expect(rnn.fitAsync(data, { epochs: 1, workers: 1.5 })).rejects.toThrow(/options.workers/);
    await expect(rnn.fitAsync(data, { epochs: 1, workers: 1000 })).rejects.toThrow(/at most 256/);
    await expect(rnn.fitAsync(data, { epochs: 1, workers: 2, shardSize: 0 })).rejects.toThrow(/options.shardSize/);
    await expect(rnn.fitAsync(data, { epochs: 1, shardSize: 2 })).rejects.toThrow(/shardSize applies with options.workers/);
    await expect(rnn.fitAsync(data, { epochs: 1, workers: 2, sharedMemory: 'yes' as never })).rejects.toThrow(/sharedMemory must be a boolean/);
    await expect(rnn.fitInWorker(data, { epochs: 1, workers: 2 })).rejects.toThrow(/workers is for fitAsync/);
    expect(bitDifference(state(rnn), before)).toBeUndefined();
  });
});

describe('a whole run in a worker', () => {
  it.each(CASES)('%s: fitInWorker gives the bits of fitAsync here, and the model takes them', async (_, core, options) => {
    const fit = { epochs: 3, batchSize: 4, optimizer: 'adam' as const, validation: { split: 0.2 } };
    const here = await create(core, 5, 6, 4, { seed: 7, ...options });
    const there = await create(core, 5, 6, 4, { seed: 7, ...options });
    const data = examples(here, LENGTHS, 3);
    const a = await here.fitAsync(data, fit);
    const seen: number[] = [];
    const b = await there.fitInWorker(data, { ...fit, onProgress: ({ loss }) => void seen.push(loss) });
    expect(bitDifference(state(there), state(here))).toBeUndefined();
    expect(bitDifference(b.losses, a.losses)).toBeUndefined();
    expect(bitDifference(b.validationLosses as Float64Array, a.validationLosses as Float64Array)).toBeUndefined();
    expect(bitDifference(seen, a.losses)).toBeUndefined();
    expect(there.seqLength).toBe(0);
  });

  it('trainInWorker gives the bits of trainAsync, and a callback that says stop stops at the same iteration', async () => {
    const here = await RNN.create(3, 8, 3, { seed: 2, cell: 'gru' });
    const there = await RNN.create(3, 8, 3, { seed: 2, cell: 'gru' });
    const [{ xs, targets }] = examples(here, [10], 4) as { xs: number[][]; targets: number[] }[];
    const stopAt = ({ iteration }: { iteration: number }) => iteration < 37;
    const a = await here.trainAsync(xs, targets, { iterations: 100, optimizer: 'rprop', onProgress: stopAt });
    const b = await there.trainInWorker(xs, targets, { iterations: 100, optimizer: 'rprop', onProgress: stopAt });
    expect(b.stopped).toBe('callback');
    expect(b.iterations).toBe(a.iterations);
    expect(bitDifference(b.losses, a.losses)).toBeUndefined();
    expect(bitDifference(state(there), state(here))).toBeUndefined();
  });

  it('onWeights sends copies of the weights along, and changes nothing of the training', async () => {
    const plain = await RNN.create(5, 6, 4, { seed: 3, cell: 'lstm' });
    const watched = await RNN.create(5, 6, 4, { seed: 3, cell: 'lstm' });
    const data = examples(plain, LENGTHS, 5);
    await plain.fitInWorker(data, { epochs: 4, batchSize: 4 });
    const seen: { names: string[]; iteration: number; P: number }[] = [];
    await watched.fitInWorker(data, {
      epochs: 4, batchSize: 4,
      onWeights: (tensors, { iteration }) => void seen.push({ names: Object.keys(tensors), iteration, P: Object.values(tensors).reduce((n, t) => n + t.length, 0) }),
    });
    expect(bitDifference(state(watched), state(plain))).toBeUndefined();
    // The first epoch's weights always go (at most one copy every 100 ms after that).
    expect(seen[0]).toEqual({ names: Object.keys(plain.getTensors()), iteration: 0, P: modelOf(plain).plan.P });
    await expect(watched.fitInWorker(data, { epochs: 1, onWeights: 3 as never })).rejects.toThrow(/options.onWeights must be a function/);
  });

  it('a callback that throws rejects the run and leaves the model as it was', async () => {
    const rnn = await RNN.create(5, 6, 4, { seed: 1 });
    const before = state(rnn);
    const data = examples(rnn, LENGTHS, 2);
    await expect(rnn.fitInWorker(data, { epochs: 5, onProgress: () => { throw new Error('no more'); } })).rejects.toThrow('no more');
    expect(bitDifference(state(rnn), before)).toBeUndefined();
    expect((await rnn.fitInWorker(data, { epochs: 1 })).iterations).toBe(1);
  });

  it('checks its arguments on this thread, with the messages of fitAsync and trainAsync', async () => {
    const rnn = await RNN.create(5, 6, 4, { seed: 1 });
    await expect(rnn.fitInWorker([{ xs: [[1, 2]], targets: [0] }], { epochs: 1 })).rejects.toThrow(/RNN.fitInWorker: .*length 2/);
    await expect(rnn.fitInWorker(examples(rnn, [3], 1), { epochs: -1 })).rejects.toThrow(RangeError);
    await expect(rnn.trainInWorker([[1, 0, 0, 0, 0]], [9], { iterations: 1 })).rejects.toThrow(/RNN.trainInWorker: targets/);
    await expect(rnn.trainInWorker([[1, 0, 0, 0, 0]], [1], 5 as never)).rejects.toThrow(/options must be an object/);
  });
});

/** A long data-parallel run whose callback does `act` after `at` epochs; resolves to what it ended with. */
async function runUntil(rnn: RNN, act: (rnn: RNN) => void, at = 1): Promise<{ settled: unknown; atStep: Float64Array | null }> {
  let atStep: Float64Array | null = null;
  const data = examples(rnn, LENGTHS, 9);
  const settled = await rnn.fitAsync(data, {
    epochs: 1000, batchSize: 8, shardSize: 2, workers: 2, optimizer: 'adam',
    onProgress: ({ iteration }) => {
      if (iteration !== at) return;
      atStep = state(rnn);
      act(rnn);
    },
  }).then((result) => result, (error: unknown) => error);
  return { settled, atStep };
}

describe('faults', () => {
  for (const how of ['throw', 'exit'] as const) {
    it(`a worker that ${how === 'throw' ? 'throws' : 'dies'} ends the run with a clear error and the model as it was before the failing step`, async () => {
      const rnn = await RNN.create(5, 6, 4, { seed: 1, cell: 'lstm' });
      const { settled, atStep } = await runUntil(rnn, (r) => runOf(r)?.inject(1, how));
      expect(settled).toBeInstanceOf(Error);
      expect(String((settled as Error).message)).toMatch(how === 'throw' ? /RNN.fitAsync: worker 1 threw Error: a fault/ : /RNN.fitAsync: worker 1 failed: the worker exited with code 3/);
      expect(bitDifference(state(rnn), atStep as Float64Array)).toBeUndefined();
      expect(runOf(rnn)).toBeNull();
      // The model is whole, and trains again.
      expect((await rnn.fitAsync(examples(rnn, [4, 5], 1), { epochs: 1, batchSize: 2, workers: 2 })).iterations).toBe(1);
    });

    it(`a run in one worker whose worker ${how === 'throw' ? 'throws' : 'dies'} rejects and leaves the model as it was`, async () => {
      const rnn = await RNN.create(5, 6, 4, { seed: 1 });
      const before = state(rnn);
      const run = rnn.fitInWorker(examples(rnn, LENGTHS, 9), {
        epochs: 100000, onProgress: ({ iteration }) => void (iteration === 2 && runOf(rnn)?.inject(0, how)),
      });
      await expect(run).rejects.toThrow(how === 'throw' ? /RNN.fitInWorker: the worker threw Error: a fault/ : /RNN.fitInWorker: the worker failed: the worker exited with code 3/);
      expect(bitDifference(state(rnn), before)).toBeUndefined();
    });
  }

  it('abort mid-run stops before the next batch: the bits of a run of as many epochs', async () => {
    const aborted = await RNN.create(5, 6, 4, { seed: 1, cell: 'gru' });
    const data = examples(aborted, LENGTHS, 9);
    const stop = new AbortController();
    const result = await aborted.fitAsync(data, {
      epochs: 1000, batchSize: 8, shardSize: 2, workers: 2, optimizer: 'adam', signal: stop.signal,
      onProgress: ({ iteration }) => void (iteration === 1 && stop.abort()),
    });
    expect(result.stopped).toBe('aborted');
    expect(result.iterations).toBe(2);
    const two = await RNN.create(5, 6, 4, { seed: 1, cell: 'gru' });
    await two.fitAsync(data, { epochs: 2, batchSize: 8, shardSize: 2, workers: 3, optimizer: 'adam' });
    expect(bitDifference(state(aborted), state(two))).toBeUndefined();
  });

  it('dispose during the run ends the workers and rejects the run', async () => {
    const rnn = await RNN.create(5, 6, 4, { seed: 1 });
    const { settled } = await runUntil(rnn, (r) => r.dispose());
    expect((settled as Error).message).toMatch(/RNN.fitAsync: the model was disposed during the run/);
    expect(rnn.isDisposed).toBe(true);
    expect(() => rnn.forward([[1, 0, 0, 0, 0]])).toThrow(/disposed/);
    const other = await RNN.create(5, 6, 4, { seed: 1 });
    const run = other.fitInWorker(examples(other, LENGTHS, 9), { epochs: 100000, onProgress: ({ iteration }) => void (iteration === 1 && other.dispose()) });
    await expect(run).rejects.toThrow(/RNN.fitInWorker: the model was disposed during the run/);
  });
});

/** The process's live resources of the kinds workers hold: their ports and pipes (the test runner holds some of its own). */
function workerResources(): number {
  return process.getActiveResourcesInfo().filter((kind) => kind === 'MessagePort' || kind === 'PipeWrap').length;
}

/** Waits (a second at most) for terminated workers' ports to close: until no more than `base` are open. */
async function settle(base: number): Promise<void> {
  for (let i = 0; i < 50 && workerResources() > base; i++) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('resources', () => {
  it('no worker outlives its run, and memory is back to its start after many runs', async () => {
    const base = workerResources();
    const rnn = await RNN.create(5, 16, 4, { seed: 1, cell: 'lstm' });
    const data = examples(rnn, LENGTHS, 9);
    const runs = async (n: number) => {
      for (let i = 0; i < n; i++) {
        await rnn.fitAsync(data, { epochs: 1, batchSize: 8, workers: 2 });
        await rnn.fitInWorker(data, { epochs: 1, batchSize: 8 });
      }
      await settle(base);
      (globalThis as { gc?: () => void }).gc?.();
    };
    await runs(3);
    expect(workerResources()).toBe(base);
    const start = process.memoryUsage().rss;
    await runs(20);
    expect(workerResources()).toBe(base);
    // 40 runs of 3 workers each: one isolate left behind per run would hold several MB each.
    const grown = process.memoryUsage().rss - start;
    expect(grown, `rss grew by ${(grown / 2 ** 20).toFixed(1)} MB`).toBeLessThan(40 * 2 ** 20);
  });
});
