// Training options: stopping, many sequences, carried state, generation, text, async.
import { describe, expect, it } from 'vitest';
import { periodicDataset, textDataset } from '../src/index.js';
import { BACKENDS, bits, create, flat, lcg, randomSequence, randomTargets } from './helpers.js';


const TEXT = 'the cat sat on the mat. the cat ate the rat. the rat sat on the cat. ';

describe.each(BACKENDS)('training on %s', (backend) => {
  const periodic = periodicDataset([0, 1, 2], 9, 3);

  describe('stopping', () => {
    it('runs all iterations by default', async () => {
      const rnn = await create(backend, 3, 8, 3, { seed: 1 });
      const r = rnn.train(periodic.xs, periodic.targets, { iterations: 30 });
      expect(r).toMatchObject({ iterations: 30, stopped: 'iterations' });
      expect(r.loss).toBe(r.losses[29]);
    });

    it('stops at targetLoss, keeping the weights whose loss reached it', async () => {
      const rnn = await create(backend, 3, 8, 3, { seed: 1 });
      const r = rnn.train(periodic.xs, periodic.targets, { iterations: 5000, targetLoss: 0.5 });
      expect(r.stopped).toBe('targetLoss');
      expect(r.iterations).toBeLessThan(5000);
      expect(r.loss).toBeLessThanOrEqual(0.5);
      expect(r.losses[r.iterations - 2]).toBeGreaterThan(0.5);
      rnn.resetHistory();
      rnn.forward(periodic.xs);
      expect(rnn.loss(periodic.targets)).toBe(r.loss);
    });

    it('stops when onProgress returns false, after telling it every iteration', async () => {
      const rnn = await create(backend, 3, 8, 3, { seed: 1 });
      const seen: number[] = [];
      const r = rnn.train(periodic.xs, periodic.targets, {
        iterations: 100,
        onProgress: ({ iteration, loss }) => {
          seen.push(iteration);
          expect(Number.isFinite(loss)).toBe(true);
          return iteration < 6;
        },
      });
      expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6]);
      expect(r).toMatchObject({ iterations: 7, stopped: 'callback' });
    });

    it('stops when the signal is aborted, also before it starts', async () => {
      const rnn = await create(backend, 3, 8, 3, { seed: 1 });
      const controller = new AbortController();
      const r = rnn.train(periodic.xs, periodic.targets, {
        iterations: 100, signal: controller.signal, onProgress: ({ iteration }) => { if (iteration === 3) controller.abort(); },
      });
      expect(r).toMatchObject({ iterations: 4, stopped: 'aborted' });
      const before = flat(rnn);
      expect(rnn.train(periodic.xs, periodic.targets, { iterations: 100, signal: controller.signal })).toMatchObject({ iterations: 0, stopped: 'aborted' });
      expect(flat(rnn)).toEqual(before);
    });

    it('reports divergence and keeps finite weights with a huge SGD rate', async () => {
      const rnn = await create(backend, 3, 8, 3, { seed: 1 });
      const r = rnn.train(periodic.xs, periodic.targets, { iterations: 100, optimizer: 'sgd', learningRate: 1e306 });
      expect(r.stopped).toBe('diverged');
      expect(flat(rnn).every(Number.isFinite)).toBe(true);
      expect(Array.from(r.losses).every(Number.isFinite)).toBe(true);
    });
  });

  it('every optimiser learns the periodic task', async () => {
    for (const optimizer of ['rprop', 'irprop+', 'rprop-notebook', 'sgd', 'momentum', 'adagrad', 'adam'] as const) {
      const rnn = await create(backend, 3, 16, 3, { seed: 2 });
      const r = rnn.train(periodic.xs, periodic.targets, { iterations: 400, optimizer, learningRate: optimizer === 'adam' ? 0.02 : undefined });
      expect(r.stopped, optimizer).toBe('iterations');
      expect(r.loss, optimizer).toBeLessThan(r.losses[0] / 4);
    }
  });

  it('switching to another stateful optimiser starts its state afresh; plain SGD leaves it alone', async () => {
    const random = lcg(3);
    const xs = randomSequence(random, 6, 3);
    const targets = randomTargets(random, 6, 3);
    const a = await create(backend, 3, 5, 3, { seed: 4 });
    const b = await create(backend, 3, 5, 3, { seed: 4 });
    a.train(xs, targets, { iterations: 3, optimizer: 'adam' });
    a.train(xs, targets, { iterations: 3, optimizer: 'rprop' });
    a.train(xs, targets, { iterations: 2, optimizer: 'sgd', learningRate: 0 });
    a.train(xs, targets, { iterations: 3, optimizer: 'rprop' });
    b.train(xs, targets, { iterations: 3, optimizer: 'adam' });
    b.train(xs, targets, { iterations: 6, optimizer: 'rprop' });
    expect(flat(a)).toEqual(flat(b));
  });

  it('carrying the hidden state over two halves gives the outputs of one pass over the whole', async () => {
    const random = lcg(5);
    const xs = randomSequence(random, 20, 3);
    const rnn = await create(backend, 3, 7, 4, { seed: 5 });
    const whole = rnn.forward(xs);
    rnn.resetHistory();
    const first = rnn.forward(xs.slice(0, 11));
    const h = rnn.getHiddenState();
    rnn.resetHistory(h);
    expect(bits(rnn.getHiddenState())).toBe(bits(h));
    const second = rnn.forward(xs.slice(11));
    [...first, ...second].forEach((y, t) => expect(bits(y), `step ${t}`).toBe(bits(whole[t])));
    rnn.resetHistory();
    expect(Array.from(rnn.getHiddenState())).toEqual(new Array(7).fill(0));
  });

  it('fit with carryState reads chunks as one stream, restarting at each epoch', async () => {
    const random = lcg(6);
    const xs = randomSequence(random, 12, 3);
    const targets = randomTargets(random, 12, 3);
    const chunks = [0, 4, 8].map((s) => ({ xs: xs.slice(s, s + 4), targets: targets.slice(s, s + 4) }));
    const rnn = await create(backend, 3, 6, 3, { seed: 6 });
    const twin = await create(backend, 3, 6, 3, { seed: 6 });
    rnn.fit(chunks, { epochs: 1, optimizer: 'sgd', learningRate: 0.1, carryState: true });
    // By hand: each chunk from the previous chunk's last state, one SGD step each.
    let h: Float64Array | undefined;
    for (const c of chunks) {
      twin.resetHistory(h);
      twin.forward(c.xs);
      h = twin.getHiddenState();
      twin.update(twin.backward(c.xs, c.targets), 0.1);
    }
    expect(flat(rnn)).toEqual(flat(twin));
  });

  it("fit's batch gradient is the mean of its sequences'", async () => {
    const random = lcg(7);
    const data = [5, 9, 3].map((T) => ({ xs: randomSequence(random, T, 2), targets: randomTargets(random, T, 3) }));
    const rnn = await create(backend, 2, 5, 3, { seed: 7 });
    const twin = await create(backend, 2, 5, 3, { seed: 7 });
    const r = rnn.fit(data, { epochs: 1, batchSize: 2, optimizer: 'sgd', learningRate: 0.1 });
    const grads = data.map(({ xs, targets }) => {
      twin.resetHistory();
      twin.forward(xs);
      return { loss: twin.loss(targets), g: twin.backward(xs, targets) };
    });
    const mean = (a: typeof grads) => Object.fromEntries(Object.keys(a[0].g).map((k) => {
      const key = k as keyof (typeof a)[0]['g'];
      return [k, a[0].g[key].map((_, i) => a.reduce((s, x) => s + x.g[key][i], 0) / a.length)];
    })) as unknown as (typeof grads)[0]['g'];
    twin.update(mean(grads.slice(0, 2)), 0.1);
    // The third sequence's gradient is taken after the first update.
    twin.resetHistory();
    twin.forward(data[2].xs);
    const third = twin.loss(data[2].targets);
    twin.update(twin.backward(data[2].xs, data[2].targets), 0.1);
    const expected = flat(twin);
    flat(rnn).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 13));
    expect(r.losses[0]).toBeCloseTo((grads[0].loss + grads[1].loss + third) / 3, 12);
  });

  it('fit shuffles reproducibly with a seed, and stops like train', async () => {
    const text = textDataset(TEXT, 6);
    const make = () => create(backend, text.vocab.length, 8, text.vocab.length, { seed: 8 });
    const [a, b, c] = await Promise.all([make(), make(), make()]);
    a.fit(text.sequences, { epochs: 2, shuffle: true, seed: 's', batchSize: 3 });
    b.fit(text.sequences, { epochs: 2, shuffle: true, seed: 's', batchSize: 3 });
    c.fit(text.sequences, { epochs: 2, shuffle: true, seed: 't', batchSize: 3 });
    expect(flat(a)).toEqual(flat(b));
    expect(flat(a)).not.toEqual(flat(c));
    const r = a.fit(text.sequences, { epochs: 50, targetLoss: 1e9 });
    expect(r).toMatchObject({ iterations: 1, stopped: 'targetLoss' });
  });

  it('a character model learns a short text well below the uniform guess', async () => {
    const text = textDataset(TEXT, 10);
    const V = text.vocab.length;
    const rnn = await create(backend, V, 32, V, { seed: 9 });
    const r = rnn.fit(text.sequences, { epochs: 60, optimizer: 'adam', learningRate: 0.02, carryState: true });
    const chars = Array.from(TEXT).length - 1;
    const perCharUniform = Math.log(V);
    const perChar = (r.loss * text.sequences.length) / chars;
    expect(perChar).toBeLessThan(perCharUniform / 3);
    const sample = text.decode(rnn.sample(text.encode('t')[0], 30, { seed: 1, temperature: 0.5 }));
    expect(sample).toHaveLength(30);
  });

  it('sample is deterministic for a seed, greedy at a low temperature', async () => {
    const rnn = await create(backend, 4, 6, 4, { seed: 10 });
    const a = rnn.sample(1, 40, { seed: 'x' });
    expect(rnn.seqLength).toBe(40);
    expect(rnn.sample(1, 40, { seed: 'x' })).toEqual(a);
    expect(rnn.sample(1, 40, { seed: 'y' })).not.toEqual(a);
    expect(a.every((c) => Number.isInteger(c) && c >= 0 && c < 4)).toBe(true);
    // At a tiny temperature every draw is the most probable class of its step.
    const greedy = rnn.sample(2, 15, { seed: 'z', temperature: 1e-6 });
    rnn.resetHistory();
    let x = 2;
    const argmax: number[] = [];
    for (let t = 0; t < 15; t++) {
      const y = rnn.forwardOneStep(Array.from({ length: 4 }, (_, i) => (i === x ? 1 : 0)));
      x = y.indexOf(Math.max(...y));
      argmax.push(x);
    }
    expect(greedy).toEqual(argmax);
  });

  it('trainAsync yields to the event loop and refuses other calls until it settles', async () => {
    const rnn = await create(backend, 3, 48, 3, { seed: 11 });
    // A timer can only fire if training yields; training stops at the first iteration after one
    // has, however fast or slow the machine (a cap of iterations it never reaches keeps it finite).
    let ticked = false;
    setTimeout(() => { ticked = true; }, 0);
    const pending = rnn.trainAsync(periodic.xs, periodic.targets, { iterations: 10_000_000, onProgress: () => !ticked });
    expect(() => rnn.forward(periodic.xs)).toThrow(/busy in RNN.trainAsync/);
    expect(rnn.getParams().Wxh).toHaveLength(48 * 3); // reading is fine
    const r = await pending;
    expect(r.stopped).toBe('callback');
    expect(r.iterations).toBeGreaterThan(1);
    // Slices change nothing: the same iterations in one synchronous call give the same losses.
    const twin = await create(backend, 3, 48, 3, { seed: 11 });
    expect(twin.train(periodic.xs, periodic.targets, { iterations: r.iterations }).losses).toEqual(r.losses);
    expect(rnn.forward(periodic.xs)).toHaveLength(9);
  });

  it('fitAsync gives what fit gives', async () => {
    const text = textDataset('abcabcabd', 4);
    const a = await create(backend, 4, 5, 4, { seed: 12 });
    const b = await create(backend, 4, 5, 4, { seed: 12 });
    const ra = await a.fitAsync(text.sequences, { epochs: 20, batchSize: 2 });
    const rb = b.fit(text.sequences, { epochs: 20, batchSize: 2 });
    expect(ra).toEqual(rb);
    expect(flat(a)).toEqual(flat(b));
  });

  it('a callback that calls the model mid-training gets a clear error and training stops cleanly', async () => {
    const rnn = await create(backend, 3, 5, 3, { seed: 13 });
    expect(() => rnn.train(periodic.xs, periodic.targets, { iterations: 10, onProgress: () => { rnn.resetHistory(); } }))
      .toThrow(/RNN.resetHistory: the model is busy in RNN.train/);
    expect(rnn.train(periodic.xs, periodic.targets, { iterations: 2 }).iterations).toBe(2);
  });
});

describe.each(BACKENDS)('training options checked on %s', (backend) => {
  const { xs, targets } = periodicDataset([0, 1], 4, 2);
  it.each([
    [{}, TypeError, /options.iterations is required/],
    [{ iterations: 5, optimizer: 'rmsprop' }, TypeError, /options.optimizer must be one of 'rprop', 'irprop\+'/],
    [{ iterations: 5, beta1: 0.9 }, TypeError, /options.beta1 applies to 'adam' only, not 'rprop'/],
    [{ iterations: 5, optimizer: 'adam', beta2: 1 }, RangeError, /options.beta2 must be in \[0, 1\), got 1/],
    [{ iterations: 5, clip: 0 }, RangeError, /options.clip must be positive, got 0/],
    [{ iterations: 5, learningRate: -1 }, RangeError, /options.learningRate must be a number >= 0, got -1/],
    [{ iterations: 5, onProgress: 'yes' }, TypeError, /options.onProgress must be a function/],
    [{ iterations: 5, signal: {} }, TypeError, /options.signal must be an AbortSignal/],
    [{ iterations: 5, targetLoss: NaN }, TypeError, /options.targetLoss must be a number, got NaN/],
    [{ iterations: 5, epochs: 3 }, TypeError, /unknown option 'epochs'/],
  ])('train %o', async (options, type, message) => {
    const rnn = await create(backend, 2, 3, 2, { seed: 1 });
    const before = flat(rnn);
    expect(() => rnn.train(xs, targets, options as never)).toThrow(type);
    expect(() => rnn.train(xs, targets, options as never)).toThrow(message);
    await expect(rnn.trainAsync(xs, targets, options as never)).rejects.toThrow(message);
    expect(flat(rnn)).toEqual(before);
  });

  it.each([
    [[], { epochs: 1 }, RangeError, /data must hold at least one sequence/],
    [[{ xs: [[1, 0]], targets: [0, 1] }], { epochs: 1 }, RangeError, /data\[0\].targets must have one target per step, 1, got length 2/],
    [[{ xs: [[1, 0]], targets: [0] }, { xs: [[1, NaN]], targets: [0] }], { epochs: 1 }, TypeError, /data\[1\].xs\[0\]\[1\] must be a finite number/],
    [[{ xs: [[1, 0]], targets: [0] }], {}, TypeError, /options.epochs is required/],
    [[{ xs: [[1, 0]], targets: [0] }], { epochs: 1, carryState: true, shuffle: true }, RangeError, /carryState needs shuffle false/],
    [[{ xs: [[1, 0]], targets: [0] }], { epochs: 1, batchSize: 0 }, RangeError, /options.batchSize must be an integer >= 1, got 0/],
    [[{ xs: [[1, 0]], targets: [0] }], { epochs: 1, iterations: 3 }, TypeError, /unknown option 'iterations'/],
  ])('fit %#', async (data, options, type, message) => {
    const rnn = await create(backend, 2, 3, 2, { seed: 1 });
    const before = flat(rnn);
    expect(() => rnn.fit(data as never, options as never)).toThrow(type);
    expect(() => rnn.fit(data as never, options as never)).toThrow(message);
    expect(flat(rnn)).toEqual(before);
  });

  it('sample checks its arguments', async () => {
    const rnn = await create(backend, 2, 3, 2, { seed: 1 });
    expect(() => rnn.sample(2, 5)).toThrow(/start must be an integer in \[0, 1\], got 2/);
    expect(() => rnn.sample(0, 5, { temperature: 0 })).toThrow(/temperature must be positive/);
    expect(() => rnn.sample(0, -1)).toThrow(RangeError);
    const other = await create(backend, 2, 3, 3, { seed: 1 });
    expect(() => other.sample(0, 5)).toThrow(/needs inputDim = outputDim, got 2 and 3/);
  });
});

describe('textDataset', () => {
  it('round-trips text through its vocabulary, code point by code point', () => {
    const text = textDataset('héllo wörld 🙂!', 4);
    expect(text.vocab).toEqual([...new Set(Array.from('héllo wörld 🙂!'))].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!));
    expect(text.decode(text.encode('wörld 🙂'))).toBe('wörld 🙂');
    expect(() => text.encode('x')).toThrow(/character "x" at 0 is not in the vocabulary/);
    expect(() => text.decode([99])).toThrow(RangeError);
  });

  it('cuts next-character sequences of one-hot inputs', () => {
    const text = textDataset('abcabca', 3);
    expect(text.vocab).toEqual(['a', 'b', 'c']);
    expect(text.sequences.map((s) => s.targets)).toEqual([[1, 2, 0], [1, 2, 0]]);
    expect(text.sequences.map((s) => s.xs.map((x) => x.indexOf(1)))).toEqual([[0, 1, 2], [0, 1, 2]]);
    const ragged = textDataset('abcab', 3);
    expect(ragged.sequences.map((s) => s.targets)).toEqual([[1, 2, 0], [1]]);
    expect(() => textDataset('a', 3)).toThrow(/at least 2 characters/);
  });
});

describe.each(BACKENDS)('after a divergence on %s', (backend) => {
  it.each(['momentum', 'adam', 'rprop-notebook', 'adagrad'] as const)('%s: the weights of the last finite loss, an empty optimiser state', async (optimizer) => {
    const { xs, targets } = periodicDataset([0, 1, 2], 9, 3);
    const rnn = await create(backend, 3, 8, 3, { seed: 1 });
    rnn.train(xs, targets, { iterations: 3, optimizer });
    const result = rnn.train(xs, targets, { iterations: 50, optimizer, learningRate: 1e308 });
    expect(result.stopped).toBe('diverged');
    expect(flat(rnn).every(Number.isFinite)).toBe(true);
    const { slots, info } = rnn.toJSON().optimizer;
    expect(info).toEqual({ optimizer: 0, steps: 0, lastLoss: 0 });
    for (const values of Object.values(slots)) expect(values.every((v) => v === 0)).toBe(true);
    // Training goes on as from a fresh optimiser at those weights.
    const twin = await create(backend, 3, 8, 3, { seed: 2 });
    twin.setParams(rnn.getParams());
    const a = rnn.train(xs, targets, { iterations: 5, optimizer });
    const b = twin.train(xs, targets, { iterations: 5, optimizer });
    expect(a.losses).toEqual(b.losses);
    expect(flat(rnn)).toEqual(flat(twin));
  });
});

describe.each(BACKENDS)('data that changes while fit runs, on %s', (backend) => {
  const data = () => [0, 1, 2].map((k) => ({ xs: [[1, k / 3], [0, 1], [1, 1]], targets: [k, (k + 1) % 3, 0] }));

  // fit reads its data once, when it is called: a change made afterwards (a bad target, a
  // non-finite input, a longer sequence) reaches nothing, and the training is what it would have been.
  it.each([
    ['a target out of range', (d: ReturnType<typeof data>) => { d[2].targets[1] = 7; }],
    ['a non-finite input', (d: ReturnType<typeof data>) => { d[1].xs[0][1] = NaN; }],
    ['a longer sequence', (d: ReturnType<typeof data>) => { d[0].xs.push([1, 1]); d[0].targets.push(1); }],
  ] as const)('%s made from a callback changes nothing of the training', async (_, change) => {
    const rnn = await create(backend, 2, 4, 3, { seed: 3 });
    const twin = await create(backend, 2, 4, 3, { seed: 3 });
    const d = data();
    const changed = rnn.fit(d, { epochs: 5, onProgress: ({ iteration }) => { if (iteration === 1) change(d); } });
    const plain = twin.fit(data(), { epochs: 5 });
    expect(changed.losses).toEqual(plain.losses);
    expect(flat(rnn)).toEqual(flat(twin));
    expect(rnn.forward([[1, 1]])).toHaveLength(1); // no longer busy
  });

  it('fitAsync trains on the data as it was when called, whatever happens to it between slices', async () => {
    const rnn = await create(backend, 2, 24, 3, { seed: 4 });
    const twin = await create(backend, 2, 24, 3, { seed: 4 });
    const d = Array.from({ length: 40 }, () => data()).flat();
    const pending = rnn.fitAsync(d, { epochs: 200 });
    await new Promise((resolve) => setTimeout(resolve, 30));
    d[d.length - 1].targets[0] = -1;
    d[0].xs[0][0] = NaN;
    const result = await pending;
    expect(result.losses).toEqual(twin.fit(Array.from({ length: 40 }, () => data()).flat(), { epochs: 200 }).losses);
    expect(flat(rnn)).toEqual(flat(twin));
  });
});
