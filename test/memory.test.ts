// Memory: disposing, many models, long training, growing buffers. Sizes are measured after a
// full garbage collection (node --expose-gc, set in vitest.config.ts), with wide margins: what is
// checked is that memory stays bounded, not how fast anything runs.
import { describe, expect, it } from 'vitest';
import { RNN, init, OPTIMIZERS } from '../src/index.js';
import { BACKENDS, bits, create, flat, lcg, randomSequence, randomTargets } from './helpers.js';
import { backendOf } from './internals.js';

const MiB = 2 ** 20;
const gc = (globalThis as { gc?: () => void }).gc;

function settledMemory(): NodeJS.MemoryUsage {
  if (gc === undefined) throw new Error('run with node --expose-gc (vitest.config.ts sets it)');
  gc();
  gc();
  return process.memoryUsage();
}


describe.each(BACKENDS)('dispose on %s', (backend) => {
  it('frees the model; every later call throws a clear error; disposing again is harmless', async () => {
    const rnn = await create(backend, 3, 4, 3, { seed: 1 });
    rnn.forward([[1, 0, 0]]);
    expect(rnn.isDisposed).toBe(false);
    rnn.dispose();
    expect(rnn.isDisposed).toBe(true);
    expect(backendOf(rnn).data).toHaveLength(0);
    for (const call of [
      () => rnn.forward([[1, 0, 0]]), () => rnn.getParams(), () => rnn.loss([]), () => rnn.resetHistory(),
      () => rnn.train([[1, 0, 0]], [0], 1, 0.1), () => rnn.sample(0, 3), () => rnn.getHiddenState(),
    ]) {
      expect(call).toThrow(/this model was disposed/);
    }
    expect(() => rnn.dispose()).not.toThrow();
  });

  it('a model made after a dispose starts clean, whatever the disposed one held', async () => {
    const xs = randomSequence(lcg(1), 40, 3);
    const used = await create(backend, 3, 6, 3, { seed: 2 });
    used.train(xs, randomTargets(lcg(2), 40, 3), { iterations: 5, optimizer: 'adam' });
    used.resetHistory(new Array(6).fill(0.7));
    used.dispose();
    const fresh = await create(backend, 3, 6, 3, { seed: 3 }); // may reuse the disposed instance
    const reference = await create(backend, 3, 6, 3, { seed: 3 });
    expect(bits(flat(fresh))).toBe(bits(flat(reference)));
    fresh.forward(xs).forEach((y, t) => expect(bits(y)).toBe(bits(reference.forward([xs[t]])[0])));
    fresh.train(xs.slice(0, 5), [0, 1, 2, 0, 1], { iterations: 3, optimizer: 'momentum' });
    reference.train(xs.slice(0, 5), [0, 1, 2, 0, 1], { iterations: 3, optimizer: 'momentum' });
    expect(bits(flat(fresh))).toBe(bits(flat(reference)));
  });

  it('cannot dispose while training', async () => {
    const rnn = await create(backend, 3, 4, 3, { seed: 1 });
    expect(() => rnn.train([[1, 0, 0]], [0], { iterations: 3, onProgress: () => rnn.dispose() })).toThrow(/RNN.dispose: the model is busy/);
    expect(rnn.isDisposed).toBe(false);
  });
});

describe('memory stays bounded', () => {
  it('100,000 wasm models created and disposed', async () => {
    await init();
    const before = settledMemory();
    for (let i = 0; i < 100_000; i++) {
      const rnn = new RNN(3, 8, 3, { seed: i });
      rnn.forwardOneStep([1, 0, 0]);
      rnn.dispose();
    }
    const after = settledMemory();
    expect((after.rss - before.rss) / MiB).toBeLessThan(64);
  });

  it('10,000 wasm models created and dropped, left to the garbage collector', async () => {
    await init();
    const before = settledMemory();
    for (let i = 0; i < 10_000; i++) new RNN(3, 8, 3, { seed: i }).forwardOneStep([1, 0, 0]);
    const after = settledMemory();
    // Kept alive, they would hold at least 64 KiB of wasm memory each: 625 MiB.
    expect((after.rss - before.rss) / MiB).toBeLessThan(150);
  });

  it.each(BACKENDS)('one million training iterations allocate nothing that stays (%s)', async (backend) => {
    const rnn = await create(backend, 1, 2, 2, { seed: 4 });
    const xs = [[1], [-1]];
    rnn.train(xs, [0, 1], { iterations: 10, optimizer: 'adam' });
    const buffer = backendOf(rnn).data.buffer;
    const bytes = buffer.byteLength;
    const before = settledMemory();
    const result = rnn.train(xs, [0, 1], { iterations: 1_000_000, optimizer: 'adam', learningRate: 1e-4 });
    const after = settledMemory();
    expect(result.iterations).toBe(1_000_000);
    expect(backendOf(rnn).data.buffer).toBe(buffer); // not replaced: no growth
    expect(buffer.byteLength).toBe(bytes);
    // The result's 8 MB of losses is the one thing the call keeps.
    expect((after.heapUsed - before.heapUsed) / MiB).toBeLessThan(4);
    expect((after.arrayBuffers - before.arrayBuffers - result.losses.byteLength) / MiB).toBeLessThan(1);
  });
});

describe.each(BACKENDS)('growing buffers on %s', (backend) => {
  it('a sequence longer than any before grows the memory and keeps everything', async () => {
    const random = lcg(5);
    const short = randomSequence(random, 8, 2), long = randomSequence(random, 3000, 2);
    const targets = randomTargets(random, 3000, 3);
    const rnn = await create(backend, 2, 5, 3, { seed: 6 });
    rnn.train(short, targets.slice(0, 8), { iterations: 4, optimizer: 'adam' });
    const params = bits(flat(rnn));
    const bytes = backendOf(rnn).data.byteLength;
    rnn.resetHistory();
    const ys = rnn.forward(long);
    expect(backendOf(rnn).data.byteLength).toBeGreaterThan(bytes);
    expect(bits(flat(rnn))).toBe(params);
    // The same as a model that never saw a short sequence first.
    const twin = await create(backend, 2, 5, 3, { seed: 6 });
    twin.forward(long); // grows first
    twin.resetHistory();
    twin.train(short, targets.slice(0, 8), { iterations: 4, optimizer: 'adam' });
    twin.resetHistory();
    twin.forward(long).forEach((y, t) => expect(bits(y), `step ${t}`).toBe(bits(ys[t])));
    expect(rnn.loss(targets)).toBe(twin.loss(targets));
    // And the optimiser state came along: training goes on identically.
    rnn.train(short, targets.slice(0, 8), { iterations: 3, optimizer: 'adam' });
    twin.train(short, targets.slice(0, 8), { iterations: 3, optimizer: 'adam' });
    expect(bits(flat(rnn))).toBe(bits(flat(twin)));
  });
});

// Divergence itself (a loss or weight that stops being finite) is reported by train: see
// test/training.test.ts and test/api.test.ts.
describe.each(BACKENDS)('numeric extremes on %s', (backend) => {
  const extremes = [[1e300, -1e300, 1e300], [-1e300, 1e300, 0], [1e300, 1e300, 1e300]];
  it.each(OPTIMIZERS)('%s: inputs of +-1e300 and learning rates up to 1e308 leave no NaN in the weights', async (optimizer) => {
    for (const [xs, learningRate, init] of [
      [extremes, undefined, 'uniform'], [extremes, undefined, 'notebook'],
      [[[1, 0, 0], [0, 1, 0]], 1e300, 'uniform'], [[[1, 0, 0], [0, 1, 0]], 1e308, 'uniform'], [extremes, 1e308, 'notebook'],
    ] as const) {
      const rnn = await create(backend, 3, 6, 3, { seed: 7, init });
      const result = rnn.train(xs as number[][], [0, 1, 2].slice(0, xs.length), { iterations: 30, optimizer, learningRate });
      expect(flat(rnn).every(Number.isFinite)).toBe(true);
      expect(Array.from(result.losses).every(Number.isFinite)).toBe(true);
      expect(['iterations', 'diverged']).toContain(result.stopped);
    }
  });

  it('saturated tanh gives zero, not NaN, gradients', async () => {
    const rnn = await create(backend, 3, 6, 3, { seed: 9, init: 'notebook' });
    const xs = [[1e6, 1e6, 1e6], [1e6, 1e6, 1e6]];
    rnn.forward(xs);
    const g = rnn.backward(xs, [0, 1]);
    expect(Object.values(g).every((v) => v.every(Number.isFinite))).toBe(true);
    expect(g.dWxh.every((v) => v === 0)).toBe(true);
  });
});
