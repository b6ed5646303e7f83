// The gated cells (LSTM and GRU) beyond the conformance suite: long gradient checks, the state an
// LSTM carries (h and c), everything training does with them, and a task that needs their memory.
import { describe, expect, it } from 'vitest';
import { OPTIMIZERS, recallDataset, RNN, type RNNOptions } from '../src/index.js';
import { BACKENDS, bits, create, lcg, numericGradients, paramBits, randomInputs, randomSequence, randomTargets, relativeDifference } from './helpers.js';

const CELLS = ['lstm', 'gru'] as const;

describe.each(BACKENDS)('gated cells on %s', (core) => {
  describe.each(CELLS)('%s', (cell) => {
    it.each([
      { layers: 1, I: 3, H: 7, O: 4, T: 1 },
      { layers: 1, I: 2, H: 5, O: 3, T: 40 },
      { layers: 2, I: 3, H: 3, O: 2, T: 1 },
      { layers: 2, I: 2, H: 5, O: 3, T: 40, input: 'index' as const },
    ])('gradient check: $layers layers, I=$I H=$H O=$O T=$T', async ({ layers, I, H, O, T, input }) => {
      const options: RNNOptions = { cell, layers, input, seed: `${cell}-${H}-${T}` };
      const random = lcg(7 * H + T);
      const rnn = await create(core, I, H, O, options);
      const xs = randomInputs(random, T, I, options);
      const targets = randomTargets(random, T, O);
      rnn.forward(xs);
      const analytic = rnn.backwardTensors(xs, targets);
      const numeric = numericGradients(rnn, xs, targets);
      expect(Object.keys(analytic)).toEqual(Object.keys(numeric));
      for (const name of Object.keys(numeric)) {
        expect(relativeDifference(analytic[name], numeric[name]), name).toBeLessThan(1e-6);
      }
    });

    it('the state is every layer\'s h (then, for an LSTM, every layer\'s c); carrying it equals one pass', async () => {
      const xs = randomSequence(lcg(3), 12, 3);
      const rnn = await create(core, 3, 4, 2, { cell, layers: 2, seed: 5 });
      const whole = rnn.forward(xs).flatMap((y) => [...y]);
      const end = rnn.getHiddenState();
      expect(end).toHaveLength(cell === 'lstm' ? 16 : 8);
      rnn.resetHistory();
      const first = rnn.forward(xs.slice(0, 5)).flatMap((y) => [...y]);
      rnn.resetHistory(rnn.getHiddenState());
      const second = rnn.forward(xs.slice(5)).flatMap((y) => [...y]);
      expect(bits([...first, ...second])).toBe(bits(whole));
      expect(bits(rnn.getHiddenState())).toBe(bits(end));
      expect(() => rnn.resetHistory(new Float64Array(end.length + 1))).toThrow(RangeError);
    });

    it.each(OPTIMIZERS)('fit with %s and clipping, saved and resumed, equals one fit', async (optimizer) => {
      const random = lcg(17);
      const chunks = Array.from({ length: 4 }, () => ({ xs: randomInputs(random, 6, 3, {}) as number[][], targets: randomTargets(random, 6, 3) }));
      const options = { carryState: true, optimizer, clip: 0.5 };
      const a = await create(core, 3, 5, 3, { cell, layers: 2, seed: 2 });
      expect(a.fit(chunks, { ...options, epochs: 3 }).stopped).toBe('iterations');
      const b = await create(core, 3, 5, 3, { cell, layers: 2, seed: 2 });
      b.fit(chunks, { ...options, epochs: 2 });
      const resumed = await RNN.fromJSON(JSON.stringify(b), { backend: b.backend });
      expect([resumed.cell, resumed.layers]).toEqual([cell, 2]);
      resumed.fit(chunks, { ...options, epochs: 1 });
      expect(paramBits(resumed)).toBe(paramBits(a));
    });

    it('trainAsync equals train; a diverging run is rolled back, never leaving NaN', async () => {
      const xs = randomSequence(lcg(4), 8, 3);
      const targets = randomTargets(lcg(5), 8, 3);
      const a = await create(core, 3, 6, 3, { cell, seed: 9 });
      const b = await create(core, 3, 6, 3, { cell, seed: 9 });
      a.train(xs, targets, { iterations: 30, optimizer: 'adam' });
      await b.trainAsync(xs, targets, { iterations: 30, optimizer: 'adam' });
      expect(paramBits(b)).toBe(paramBits(a));
      // Saturated gates put every h near +0.76 (LSTM) or +1 (GRU), so logits of +-1e308 overflow.
      const H = 6, blocks = cell === 'lstm' ? [50, 0, 50, 50] : [0, -50, 50];
      a.setTensors({
        'rnn.bias_ih_l0': blocks.flatMap((v) => new Array<number>(H).fill(v)),
        'fc.weight': [...new Array<number>(H).fill(1e308), ...new Array<number>(2 * H).fill(-1e308)],
      });
      const before = paramBits(a);
      const result = a.train(xs, targets, { iterations: 5, optimizer: 'sgd' });
      expect(result).toMatchObject({ iterations: 0, stopped: 'diverged' });
      expect(flatFinite(a)).toBe(true);
      expect(paramBits(a)).toBe(before);
    });

    it('sample draws the same classes on every build, from a given (h, c)', async () => {
      const rnn = await create(core, 5, 6, 5, { cell, input: 'index', seed: 11 });
      rnn.train([0, 1, 2, 3, 4], [1, 2, 3, 4, 0], { iterations: 50, optimizer: 'adam' });
      rnn.resetHistory();
      rnn.forward([0, 1, 2]);
      const state = rnn.getHiddenState();
      const drawn = rnn.sample(3, 20, { seed: 4, hiddenState: state });
      expect(drawn).toHaveLength(20);
      const ts = await create('ts', 5, 6, 5, { cell, input: 'index' });
      ts.setTensors(rnn.getTensors());
      expect(ts.sample(3, 20, { seed: 4, hiddenState: state })).toEqual(drawn);
    });
  });
});

function flatFinite(rnn: RNN): boolean {
  return Object.values(rnn.getTensors()).every((t) => t.every(Number.isFinite));
}

describe('the delayed-recall task', () => {
  // The class shown 15 steps before its query, on 200 held-out sequences; chance is 1 in 4.
  const train = recallDataset(256, { seed: 'train' });
  const test = recallDataset(200, { seed: 'held out' });
  const accuracy = (rnn: RNN): number => {
    let right = 0;
    for (const { xs, targets } of test.sequences) {
      rnn.resetHistory();
      if (rnn.predict(xs)[test.delay] === targets[test.delay]) right++;
    }
    return right / test.sequences.length;
  };
  const fitted = (cell: 'rnn' | 'lstm' | 'gru'): RNN => {
    const rnn = new RNN(train.inputDim, 16, train.outputDim, { cell, input: 'index', seed: 3, backend: 'ts' });
    rnn.fit(train.sequences, { epochs: 40, optimizer: 'adam', learningRate: 0.01, batchSize: 8, shuffle: true, seed: 1 });
    return rnn;
  };

  it('an LSTM and a GRU learn it; the Elman cell of the same size does not', () => {
    expect(accuracy(fitted('lstm'))).toBeGreaterThanOrEqual(0.95);
    expect(accuracy(fitted('gru'))).toBeGreaterThanOrEqual(0.95);
    expect(accuracy(fitted('rnn'))).toBeLessThan(0.6); // 0.445
  });

  it('recallDataset builds what it says and refuses bad options', () => {
    const { sequences, inputDim, outputDim, waitClass } = recallDataset(50, { delay: 6, classes: 3, distractors: 2, seed: 1 });
    expect([inputDim, outputDim, waitClass]).toEqual([6, 4, 3]);
    for (const { xs, targets } of sequences) {
      expect(xs).toHaveLength(7);
      expect(xs[0]).toBeLessThan(3);
      expect(xs.slice(1, 6).every((x) => x >= 3 && x < 5)).toBe(true);
      expect(xs[6]).toBe(5);
      expect(targets).toEqual([3, 3, 3, 3, 3, 3, xs[0]]);
    }
    expect(() => recallDataset(0)).toThrow(RangeError);
    expect(() => recallDataset(5, { delay: 0 })).toThrow(/options.delay/);
    expect(() => recallDataset(5, { classes: 1 })).toThrow(/options.classes/);
    expect(() => recallDataset(5, { distractors: 0 })).toThrow(/options.distractors/);
    expect(() => recallDataset(5, { length: 3 } as never)).toThrow(TypeError);
  });
});
