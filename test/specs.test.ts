// The conformance suite over builds x model shapes (SPECS: the notebook model, stacked layers,
// token-id inputs): gradients against finite differences, the builds to the bit, index inputs to
// the bit of their one-hot vectors, carried state, files, and bad input that changes nothing.
import { describe, expect, it } from 'vitest';
import { OPTIMIZERS, RNN, textDataset, type RNNOptions } from '../src/index.js';
import {
  BACKENDS, badTargetsFor, bits, create, lcg, numericGradients, paramBits, randomInputs, randomTargets, randomTargetsFor, relativeDifference, SPECS,
  type Core,
} from './helpers.js';
import { backendOf, stateDigest } from './internals.js';

const TOLERANCE = 1e-6;

const SHAPES = [
  { I: 3, H: 5, O: 4, T: 6 },
  { I: 2, H: 3, O: 2, T: 1 },
  { I: 4, H: 7, O: 3, T: 25 },
];

describe.each(BACKENDS)('conformance on %s', (core) => {
  describe.each(SPECS)('$name', ({ options }) => {
    it.each(SHAPES)('gradient check: I=$I H=$H O=$O T=$T', async ({ I, H, O, T }) => {
      const random = lcg(31 * H + T);
      const rnn = await create(core, I, H, O, { ...options, seed: `${I}-${H}-${O}-${T}` });
      const xs = randomInputs(random, T, I, options);
      const targets = randomTargetsFor(random, T, O, options);
      rnn.forward(xs);
      const analytic = rnn.backwardTensors(xs, targets);
      const numeric = numericGradients(rnn, xs, targets);
      expect(Object.keys(analytic)).toEqual(Object.keys(numeric));
      for (const name of Object.keys(numeric)) {
        expect(relativeDifference(analytic[name], numeric[name]), name).toBeLessThan(TOLERANCE);
      }
    });

    it('bad calls throw and change nothing', async () => {
      const rnn = await create(core, 3, 4, 3, { ...options, seed: 1 });
      const random = lcg(3);
      const xs = randomInputs(random, 5, 3, options);
      const targets = randomTargetsFor(random, 5, 3, options);
      rnn.forward(xs);
      const before = stateDigest(rnn);
      const bad = options.input === 'index' ? [0, 3, 1] : [[1, 2, 3], [1, 2]];
      const whh = rnn.getTensors()['rnn.weight_hh_l0'].length;
      const badTargets = badTargetsFor(5, 3, options);
      const calls: [() => unknown, ErrorConstructor][] = [
        [() => rnn.forward(bad), RangeError],
        [() => rnn.train(bad, [0, 1], 3, 0.01), RangeError],
        [() => rnn.fit([{ xs, targets }, { xs: bad, targets: [0, 1, 2] }], { epochs: 1 }), RangeError],
        [() => rnn.loss([0, 1, 2, 3, 4, 5]), RangeError],
        ...badTargets.map(([t, type]) => [() => rnn.loss(t as number[]), type] as [() => unknown, ErrorConstructor]),
        ...badTargets.map(([t, type]) => [() => rnn.backwardTensors(xs, t as number[]), type] as [() => unknown, ErrorConstructor]),
        ...badTargets.map(([t, type]) => [() => rnn.train(xs, t as number[], 3, 0.01), type] as [() => unknown, ErrorConstructor]),
        ...badTargets.map(([t, type]) => [() => rnn.fit([{ xs, targets }, { xs, targets: t as number[] }], { epochs: 1 }), type] as [() => unknown, ErrorConstructor]),
        [() => rnn.setTensors({ 'rnn.weight_hh_l0': new Float64Array(whh).fill(NaN) }), TypeError],
        [() => rnn.setTensors({ 'rnn.weight_hh_l0': new Float64Array(whh), 'fc.bias': [1] }), RangeError],
        [() => rnn.setTensors({ 'rnn.weight_hh_l9': [1] }), TypeError],
        [() => rnn.resetHistory(new Float64Array(rnn.getHiddenState().length + 1)), RangeError],
        options.output === 'linear' ? [() => rnn.sample(0, 3), TypeError] : [() => rnn.sample(0, 3, { hiddenState: [1] }), RangeError],
      ];
      for (const [call, type] of calls) {
        expect(call).toThrow(type);
        expect(stateDigest(rnn)).toBe(before);
      }
    });
  });
});

describe.each(SPECS)('the builds agree to the bit: $name', ({ options }) => {
  const models = (I: number, H: number, O: number, extra: RNNOptions = {}): Promise<RNN[]> =>
    Promise.all(BACKENDS.map((core) => create(core, I, H, O, { ...options, ...extra })));

  it.each([{ I: 5, H: 9, O: 4, T: 17 }, { I: 2, H: 34, O: 3, T: 8 }])('outputs, loss, gradients: I=$I H=$H O=$O T=$T', async ({ I, H, O, T }) => {
    const random = lcg(I * 7 + H);
    const xs = randomInputs(random, T, I, options);
    const targets = randomTargetsFor(random, T, O, options);
    const nets = await models(I, H, O, { seed: 'agree' });
    const ys = nets.map((net) => bits(net.forward(xs).flatMap((y) => [...y])));
    const losses = nets.map((net) => bits([net.loss(targets)]));
    const grads = nets.map((net) => bits(Object.values(net.backwardTensors(xs, targets)).flatMap((g) => [...g])));
    for (const values of [ys, losses, grads]) expect(new Set(values).size).toBe(1);
  });

  it.each(OPTIMIZERS)('fit with %s, batches of 3, shuffled, then sampling', async (optimizer) => {
    const random = lcg(9);
    const data = Array.from({ length: 7 }, (_, k) => {
      const T = 2 + (k % 4);
      return { xs: randomInputs(random, T, 4, options), targets: randomTargetsFor(random, T, 4, options) };
    });
    const nets = await models(4, 6, 4, { seed: optimizer });
    const results = nets.map((net) => net.fit(data, { epochs: 15, optimizer, batchSize: 3, shuffle: true, seed: 2 }));
    expect(new Set(results.map((r) => bits(r.losses))).size).toBe(1);
    expect(new Set(nets.map(paramBits)).size).toBe(1);
    if (options.output !== 'linear') {
      const samples = nets.map((net) => net.sample(1, 30, { temperature: 0.7, seed: 5 }).join());
      expect(new Set(samples).size).toBe(1);
    } else if (options.input !== 'index') {
      const forecasts = nets.map((net) => bits(net.forecast(data[0].xs as number[][], 30).flatMap((y) => [...y])));
      expect(new Set(forecasts).size).toBe(1);
    }
  });
});

describe.each(BACKENDS)('index inputs on %s', (core) => {
  it.each([{ layers: 1 }, { layers: 2 }])('give the bits of their one-hot vectors ($layers layers): outputs, loss, gradients, training', async ({ layers }) => {
    const V = 7, random = lcg(70 + layers);
    const ids = randomTargets(random, 12, V);
    const oneHot = ids.map((id) => Array.from({ length: V }, (_, j) => (j === id ? 1 : 0)));
    const targets = randomTargets(random, 12, 5);
    const index = await create(core, V, 6, 5, { seed: 'ids', layers, input: 'index' });
    const dense = await create(core, V, 6, 5, { seed: 'ids', layers });
    expect(paramBits(index)).toBe(paramBits(dense)); // the same table, drawn in the same order
    expect(bits(index.forward(ids).flatMap((y) => [...y]))).toBe(bits(dense.forward(oneHot).flatMap((y) => [...y])));
    expect(bits([index.loss(targets)])).toBe(bits([dense.loss(targets)]));
    const g = (net: RNN, xs: number[] | number[][]) => bits(Object.values(net.backwardTensors(xs, targets)).flatMap((v) => [...v]));
    expect(g(index, ids)).toBe(g(dense, oneHot));
    const a = index.train(ids, targets, { iterations: 40, optimizer: 'adam', learningRate: 0.01 });
    const b = dense.train(oneHot, targets, { iterations: 40, optimizer: 'adam', learningRate: 0.01 });
    expect(bits(a.losses)).toBe(bits(b.losses));
    expect(paramBits(index)).toBe(paramBits(dense));
  });

  it('sample feeds ids back, as the one-hot model feeds one-hot vectors', async () => {
    const index = await create(core, 5, 8, 5, { seed: 's', input: 'index', layers: 2 });
    const dense = await create(core, 5, 8, 5, { seed: 's', layers: 2 });
    expect(index.sample(2, 40, { seed: 1 })).toEqual(dense.sample(2, 40, { seed: 1 }));
  });
});

describe.each(BACKENDS)('stacked layers on %s', (core: Core) => {
  it('the hidden state is every layer\'s h; carrying it equals one pass', async () => {
    const random = lcg(12);
    const xs = randomInputs(random, 10, 3, {});
    const rnn = await create(core, 3, 5, 2, { seed: 1, layers: 3 });
    const whole = rnn.forward(xs).flatMap((y) => [...y]);
    const end = rnn.getHiddenState();
    expect(end).toHaveLength(15);
    rnn.resetHistory();
    const first = rnn.forward(xs.slice(0, 4)).flatMap((y) => [...y]);
    const h = rnn.getHiddenState();
    rnn.resetHistory(h);
    const second = rnn.forward(xs.slice(4)).flatMap((y) => [...y]);
    expect(bits([...first, ...second])).toBe(bits(whole));
    expect(bits(rnn.getHiddenState())).toBe(bits(end));
  });

  it('fit with carryState, saved and resumed between epochs, equals one fit', async () => {
    const random = lcg(13);
    const chunks = Array.from({ length: 4 }, () => ({ xs: randomInputs(random, 5, 3, {}) as number[][], targets: randomTargets(random, 5, 3) }));
    const a = await create(core, 3, 6, 3, { seed: 2, layers: 2 });
    expect(a.fit(chunks, { epochs: 3, carryState: true, optimizer: 'adagrad' }).stopped).toBe('iterations');
    const c = await create(core, 3, 6, 3, { seed: 2, layers: 2 });
    c.fit(chunks, { epochs: 2, carryState: true, optimizer: 'adagrad' });
    const resumed = await RNN.fromJSON(JSON.stringify(c), { backend: c.backend });
    resumed.fit(chunks, { epochs: 1, carryState: true, optimizer: 'adagrad' });
    expect(paramBits(resumed)).toBe(paramBits(a));
  });

  it('a model file and a safetensors file keep every tensor of every layer, to the bit', async () => {
    const rnn = await create(core, 4, 5, 3, { seed: 3, layers: 3, input: 'index' });
    rnn.train([0, 1, 2, 3], [0, 1, 2, 0], { iterations: 5, optimizer: 'adam' });
    const file = rnn.toJSON();
    expect(file.version).toBe(2);
    const fromJson = await RNN.fromJSON(JSON.stringify(file), { backend: rnn.backend });
    expect([fromJson.layers, fromJson.input]).toEqual([3, 'index']);
    expect(paramBits(fromJson)).toBe(paramBits(rnn));
    const bytes = rnn.toSafetensors();
    const fromSt = await RNN.fromSafetensors(bytes, { backend: rnn.backend });
    expect([fromSt.layers, fromSt.input]).toEqual([3, 'index']);
    expect(paramBits(fromSt)).toBe(paramBits(rnn));
    // Training resumed from the file equals training that never stopped.
    rnn.train([0, 1, 2, 3], [0, 1, 2, 0], { iterations: 5, optimizer: 'adam' });
    fromJson.train([0, 1, 2, 3], [0, 1, 2, 0], { iterations: 5, optimizer: 'adam' });
    expect(paramBits(fromJson)).toBe(paramBits(rnn));
  });
});

describe('inputs are read once', () => {
  /** An array-like whose element `i` is `good` on the first read and `bad` after. */
  function twoFaced<T>(values: T[], i: number, bad: T): ArrayLike<T> {
    let reads = 0;
    return new Proxy(values, {
      get(target, key, receiver) {
        if (key === String(i)) return reads++ === 0 ? target[i] : bad;
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
  }

  it.each(BACKENDS)('%s: a getter that changes its answer cannot put NaN or a wild target into the model', async (core) => {
    const rnn = await create(core, 2, 3, 2, { seed: 1 });
    rnn.setParams({ by: twoFaced([0.5, 0.25], 1, NaN) });
    expect(rnn.getParams().by).toEqual(Float64Array.of(0.5, 0.25));
    rnn.forward([[1, 0], [0, 1]]);
    const loss = rnn.loss(twoFaced([0, 1], 1, 1e6));
    expect(Number.isFinite(loss)).toBe(true);
    const before = rnn.getParams().Wxh;
    rnn.backward([[1, 0], [0, 1]], twoFaced([0, 1], 0, -5));
    expect(rnn.getParams().Wxh).toEqual(before);
    const typed = Float64Array.of(1, 0);
    Object.defineProperty(typed, 'length', { value: 5 });
    expect(() => rnn.forward([typed])).toThrow(RangeError);
    const index = await create(core, 4, 3, 2, { seed: 1, input: 'index' });
    const y = index.forward(twoFaced([1, 2], 1, 99));
    expect(y.every((p) => p.every(Number.isFinite))).toBe(true);
  });

  it('a getter that throws mid-read leaves the model as it was', async () => {
    const rnn = await create('ts', 2, 3, 2, { seed: 1 });
    rnn.forward([[1, 0]]);
    const before = stateDigest(rnn);
    const throwing = new Proxy([[1, 0], [0, 1]], {
      get(target, key, receiver) {
        if (key === '1') throw new Error('boom');
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
    expect(() => rnn.forward(throwing)).toThrow('boom');
    expect(() => rnn.train(throwing, [0, 1], 3, 0.01)).toThrow('boom');
    expect(stateDigest(rnn)).toBe(before);
  });
});

describe('a pooled wasm instance', () => {
  it('holds nothing of the model that had it before', async () => {
    const first = await create('wasm-simd', 8, 40, 8, { seed: 1 });
    first.train(randomInputs(lcg(1), 60, 8, {}), randomTargets(lcg(2), 60, 8), 2, 0.01);
    first.dispose();
    const next = await create('wasm-simd', 2, 3, 2, { seed: 2 });
    const { data } = backendOf(next);
    const after = new Uint8Array(data.buffer, data.byteOffset + data.byteLength);
    expect(after.every((b) => b === 0)).toBe(true);
  });
});

describe('memory follows the work', () => {
  it.each(BACKENDS)('%s: train asked for 2e8 iterations that stops after one keeps one loss; a refused call leaves the history', async (core) => {
    const rnn = await create(core, 2, 3, 2, { seed: 1 });
    const result = rnn.train([[1, 0], [0, 1]], [0, 1], { iterations: 2e8, targetLoss: Infinity });
    expect([result.iterations, result.losses.length, result.stopped]).toEqual([1, 1, 'targetLoss']);
    rnn.resetHistory();
    rnn.forward([[1, 0]]);
    const before = stateDigest(rnn);
    expect(() => rnn.train([[1, 0]], [0], { iterations: 2 ** 40, optimizer: 'nope' as never })).toThrow(TypeError);
    expect(stateDigest(rnn)).toBe(before);
  });

  it('sample at a temperature so small that every scaled logit underflows draws the most probable class', async () => {
    const rnn = await create('ts', 3, 4, 3, { seed: 2 });
    const greedy = rnn.sample(0, 12, { temperature: 1e-30 });
    rnn.resetHistory();
    const ids: number[] = [];
    let current = 0;
    for (let t = 0; t < 12; t++) {
      const x = [0, 0, 0];
      x[current] = 1;
      current = rnn.predictOneStep(x);
      ids.push(current);
    }
    expect(rnn.sample(0, 12, { temperature: 5e-324 })).toEqual(ids);
    expect(greedy).toEqual(ids);
  });

  it('textDataset refuses what its limits do not allow, at once', () => {
    expect(() => textDataset('ab'.repeat(2 ** 23 + 1), 25)).toThrow(/text must have at most 16777216 characters/);
    const kinds = Array.from({ length: 200 }, (_, k) => String.fromCodePoint(0x100 + k)).join('');
    expect(() => textDataset(kinds.repeat(700_000 / 200), 25)).toThrow(/too many for one-hot inputs.*input: 'index'/);
    expect(textDataset(kinds.repeat(700_000 / 200), 25, { input: 'index' }).sequences).toHaveLength(28_000);
  });
});

describe('the spec options', () => {
  it.each([
    [{ output: 'logistic' }, TypeError, /options.output must be one of 'softmax', 'linear', got "logistic"/],
    [{ outputAt: 'first' }, TypeError, /options.outputAt must be one of 'every', 'last', got "first"/],
    [{ cell: 'lst' }, TypeError, /RNN: options.cell must be one of 'rnn', 'lstm', 'gru', got "lst"/],
    [{ input: 'ids' }, TypeError, /options.input must be one of 'dense', 'index', got "ids"/],
    [{ layers: 0 }, RangeError, /options.layers must be an integer in \[1, 64\], got 0/],
    [{ layers: 65 }, RangeError, /options.layers must be an integer in \[1, 64\], got 65/],
    [{ layers: 1.5 }, RangeError, /options.layers must be an integer/],
    [{ layers: '2' }, TypeError, /options.layers must be a finite number, got "2"/],
  ] as const)('%o is refused with a clear error', (options, type, message) => {
    expect(() => new RNN(3, 4, 3, { backend: 'ts', ...(options as RNNOptions) })).toThrow(type);
    expect(() => new RNN(3, 4, 3, { backend: 'ts', ...(options as RNNOptions) })).toThrow(message);
  });
});

describe.each(BACKENDS)('the heads on %s', (core) => {
  it('outputAt last gives the last step of the same model at every step: outputs, predictions, loss', async () => {
    const random = lcg(21);
    const xs = randomInputs(random, 9, 3, {});
    for (const output of ['softmax', 'linear'] as const) {
      const every = await create(core, 3, 6, 2, { seed: 4, layers: 2, output });
      const last = await create(core, 3, 6, 2, { seed: 4, layers: 2, output, outputAt: 'last' });
      expect(paramBits(last)).toBe(paramBits(every));
      const ys = every.forward(xs);
      const y = last.forward(xs);
      expect(y).toHaveLength(1);
      expect(bits(y[0])).toBe(bits(ys[8]));
      if (output === 'softmax') {
        every.resetHistory();
        last.resetHistory();
        expect(last.predict(xs)).toEqual(every.predict(xs).slice(-1));
        expect(last.loss([1])).toBeCloseTo(-Math.log(ys[8][1]), 12);
      } else {
        expect(last.loss([[0.5, -0.25]])).toBeCloseTo((ys[8][0] - 0.5) ** 2 + (ys[8][1] + 0.25) ** 2, 12);
        expect(() => last.predict(xs)).toThrow(/output is 'linear', which has no classes; use forward/);
      }
    }
  });

  it('a linear output with outputDim 1 takes plain numbers as targets, as vectors of one', async () => {
    const xs = randomInputs(lcg(5), 6, 2, {});
    const numbers = [0.1, -0.2, 0.3, 0.4, -0.5, 0.6];
    const a = await create(core, 2, 5, 1, { seed: 1, output: 'linear' });
    const b = await create(core, 2, 5, 1, { seed: 1, output: 'linear' });
    a.train(xs, numbers, { iterations: 10, optimizer: 'adam' });
    b.train(xs, numbers.map((v) => [v]), { iterations: 10, optimizer: 'adam' });
    expect(paramBits(a)).toBe(paramBits(b));
  });

  it('fit with outputAt last takes sequences of different lengths, one target each, and learns them', async () => {
    const random = lcg(8);
    const data = Array.from({ length: 12 }, (_, k) => {
      const xs = randomInputs(random, 2 + (k % 5), 2, {}) as number[][];
      return { xs, targets: [xs.reduce((s, x) => s + x[0], 0) / xs.length] }; // the mean of the first input
    });
    const rnn = await create(core, 2, 8, 1, { seed: 3, output: 'linear', outputAt: 'last' });
    const result = rnn.fit(data, { epochs: 200, optimizer: 'adam', learningRate: 0.01, batchSize: 4 });
    expect(result.stopped).toBe('iterations');
    expect(result.loss).toBeLessThan(result.losses[0] / 10);
  });

  it('forecast runs xs, then feeds each output back as the next input', async () => {
    const rnn = await create(core, 2, 7, 2, { seed: 2, layers: 2, output: 'linear' });
    const xs = randomInputs(lcg(3), 5, 2, {}) as number[][];
    const forecast = rnn.forecast(xs, 4);
    expect(rnn.seqLength).toBe(8);
    rnn.resetHistory();
    let y = rnn.forward(xs)[4];
    const manual = [y];
    for (let k = 1; k < 4; k++) {
      y = rnn.forwardOneStep(y);
      manual.push(y);
    }
    expect(bits(forecast.flatMap((v) => [...v]))).toBe(bits(manual.flatMap((v) => [...v])));
    expect(rnn.forecast(xs, 0)).toEqual([]);
  });

  it('bad forecasts throw and change nothing', async () => {
    const rnn = await create(core, 2, 4, 2, { seed: 1, output: 'linear' });
    rnn.forward([[1, 0]]);
    const before = stateDigest(rnn);
    const softmax = await create(core, 2, 4, 2, { seed: 1 });
    const wide = await create(core, 2, 4, 3, { seed: 1, output: 'linear' });
    const ids = await create(core, 2, 4, 2, { seed: 1, output: 'linear', input: 'index' });
    expect(() => softmax.forecast([[1, 0]], 3)).toThrow(/needs output 'linear', got 'softmax'/);
    expect(() => wide.forecast([[1, 0]], 3)).toThrow(/needs inputDim = outputDim, got 2 and 3/);
    expect(() => ids.forecast([[1, 0]] as never, 3)).toThrow(/needs input 'dense', got 'index'/);
    const calls: [() => unknown, ErrorConstructor][] = [
      [() => rnn.forecast([], 3), RangeError],
      [() => rnn.forecast([[1, NaN]], 3), TypeError],
      [() => rnn.forecast([[1, 0]], -1), RangeError],
      [() => rnn.forecast([[1, 0]], 1.5), RangeError],
      [() => rnn.forecast([[1, 0]], 2, { hiddenState: [1] }), RangeError],
      [() => rnn.forecast([[1, 0]], 2, { nope: 1 } as never), TypeError],
    ];
    for (const [call, type] of calls) {
      expect(call).toThrow(type);
      expect(stateDigest(rnn)).toBe(before);
    }
  });

  it.each([
    { output: 'linear', outputAt: 'every' }, { output: 'linear', outputAt: 'last' }, { output: 'softmax', outputAt: 'last' },
  ] as const)('a model file and a safetensors file keep output $output at $outputAt, to the bit', async (options) => {
    const rnn = await create(core, 3, 5, 3, { seed: 3, layers: 2, ...options });
    const xs = randomInputs(lcg(4), 6, 3, {});
    const targets = randomTargetsFor(lcg(5), 6, 3, options);
    rnn.train(xs, targets, { iterations: 5, optimizer: 'adam' });
    const file = rnn.toJSON();
    expect(file.version).toBe(2);
    const fromJson = await RNN.fromJSON(JSON.stringify(file), { backend: rnn.backend });
    expect([fromJson.output, fromJson.outputAt]).toEqual([options.output, options.outputAt]);
    expect(paramBits(fromJson)).toBe(paramBits(rnn));
    const fromSt = await RNN.fromSafetensors(rnn.toSafetensors(), { backend: rnn.backend });
    expect([fromSt.output, fromSt.outputAt]).toEqual([options.output, options.outputAt]);
    expect(paramBits(fromSt)).toBe(paramBits(rnn));
    rnn.train(xs, targets, { iterations: 5, optimizer: 'adam' });
    fromJson.train(xs, targets, { iterations: 5, optimizer: 'adam' });
    expect(paramBits(fromJson)).toBe(paramBits(rnn));
  });
});
