// The notebook's API: parameters, history, prediction, training, determinism, growth and several
// models side by side.
import { describe, expect, it, vi } from 'vitest';
import { RNN } from '../src/index.js';
import { backendNameOf, BACKENDS, bits, create, lcg, PARAMS, randomSequence, randomTargets } from './helpers.js';
import { backendOf, modelOf } from './internals.js';


describe.each(BACKENDS)('RNN on %s', (backend) => {
  it('reports its sizes and backend', async () => {
    const rnn = await create(backend, 3, 5, 2, { seed: 1 });
    expect([rnn.inputDim, rnn.hiddenDim, rnn.outputDim, rnn.backend]).toEqual([3, 5, 2, backendNameOf(backend)]);
  });

  it('initialises from seedrandom: U(-1/sqrt(H), 1/sqrt(H)) by default, U(0, 1) for the notebook', async () => {
    const uniform = Object.values((await create(backend, 3, 16, 3, { seed: 'a' })).getParams()).flatMap((v) => [...v]);
    expect(Math.max(...uniform.map(Math.abs))).toBeLessThanOrEqual(0.25);
    expect(Math.min(...uniform)).toBeLessThan(-0.2); // it spans the range
    const notebook = Object.values((await create(backend, 3, 16, 3, { seed: 'a', init: 'notebook' })).getParams()).flatMap((v) => [...v]);
    expect(Math.min(...notebook)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...notebook)).toBeLessThan(1);
    expect(Math.max(...notebook)).toBeGreaterThan(0.9);
  });

  it('the same seed gives the same weights, and another seed other weights', async () => {
    const a = await create(backend, 3, 5, 3, { seed: 42 });
    const b = await create(backend, 3, 5, 3, { seed: 42 });
    const c = await create(backend, 3, 5, 3, { seed: 43 });
    expect(bits(a.getParams().Whh)).toBe(bits(b.getParams().Whh));
    expect(bits(a.getParams().Whh)).not.toBe(bits(c.getParams().Whh));
    // A number seed is the same as its string.
    expect(bits((await create(backend, 3, 5, 3, { seed: '42' })).getParams().Wxh)).toBe(bits(a.getParams().Wxh));
  });

  it('getParams returns copies, setParams copies in', async () => {
    const rnn = await create(backend, 2, 3, 2, { seed: 1 });
    const params = rnn.getParams();
    expect(params.Wxh).toHaveLength(6);
    expect(params.Whh).toHaveLength(9);
    expect(params.Why).toHaveLength(6);
    expect(params.bh).toHaveLength(3);
    expect(params.by).toHaveLength(2);
    params.Wxh[0] = 123;
    expect(rnn.getParams().Wxh[0]).not.toBe(123);
    const by = [0.5, -0.5];
    const Wxh = rnn.getParams().Wxh;
    rnn.setParams({ by });
    by[0] = 9;
    expect(Array.from(rnn.getParams().by)).toEqual([0.5, -0.5]);
    expect(rnn.getParams().Wxh).toEqual(Wxh); // untouched by a partial set
  });

  it('computes the model by hand on a 1-1-2 net', async () => {
    const rnn = await create(backend, 1, 1, 2);
    rnn.setParams({ Wxh: [0.5], Whh: [-0.3], Why: [1, -1], bh: [0.1], by: [0, 0.2] });
    const h0 = Math.tanh(0.5 * 2 + 0.1);
    const h1 = Math.tanh(0.5 * -1 - 0.3 * h0 + 0.1);
    const softmax2 = (h: number) => {
      const z = [h, -h + 0.2];
      const e = z.map(Math.exp);
      return e.map((v) => v / (e[0] + e[1]));
    };
    const ys = rnn.forward([[2], [-1]]);
    expect(ys[0][0]).toBeCloseTo(softmax2(h0)[0], 15);
    expect(ys[1][1]).toBeCloseTo(softmax2(h1)[1], 15);
    expect(rnn.loss([1, 0])).toBeCloseTo(-Math.log(softmax2(h0)[1]) - Math.log(softmax2(h1)[0]), 14);
  });

  it('forwardOneStep appends to the history; forward runs from the current state', async () => {
    const random = lcg(3);
    const xs = randomSequence(random, 7, 3);
    const rnn = await create(backend, 3, 8, 4, { seed: 2 });
    const whole = rnn.forward(xs);
    expect(rnn.seqLength).toBe(7);
    rnn.resetHistory();
    expect(rnn.seqLength).toBe(0);
    const stepped = xs.slice(0, 3).map((x) => rnn.forwardOneStep(x));
    stepped.push(...rnn.forward(xs.slice(3)));
    expect(rnn.seqLength).toBe(7);
    stepped.forEach((y, t) => expect(bits(y), `step ${t}`).toBe(bits(whole[t])));
    for (const y of whole) expect(y.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);
  });

  it('predict and predictOneStep give the most probable class', async () => {
    const random = lcg(4);
    const xs = randomSequence(random, 6, 3);
    const rnn = await create(backend, 3, 8, 5, { seed: 4 });
    const ys = rnn.forward(xs);
    const argmax = (y: Float64Array) => y.indexOf(Math.max(...y));
    rnn.resetHistory();
    expect(rnn.predict(xs)).toEqual(ys.map(argmax));
    rnn.resetHistory();
    expect(xs.map((x) => rnn.predictOneStep(x))).toEqual(ys.map(argmax));
  });

  it('loss of an empty history is 0, and the loss stays finite where a probability underflows', async () => {
    const rnn = await create(backend, 1, 1, 2, { seed: 1 });
    expect(rnn.loss([])).toBe(0);
    rnn.setParams({ Why: [800, -800], by: [0, 0], Wxh: [0], Whh: [0], bh: [5] }); // logits about +-800
    rnn.forwardOneStep([0]);
    const loss = rnn.loss([1]);
    expect(loss).toBeCloseTo(1600 * Math.tanh(5), 9); // -log softmax, where the naive -log(0) is inf
    expect(rnn.backward([[0]], [1]).dby[0]).toBeCloseTo(1, 15);
  });

  it('long histories grow the buffers and keep their contents', async () => {
    const random = lcg(8);
    const xs = randomSequence(random, 300, 2);
    const targets = randomTargets(random, 300, 3);
    const stepwise = await create(backend, 2, 6, 3, { seed: 5 });
    const ys = xs.map((x) => stepwise.forwardOneStep(x)); // crosses several capacities
    const whole = await create(backend, 2, 6, 3, { seed: 5 });
    const ysWhole = whole.forward(xs);
    ys.forEach((y, t) => expect(bits(y), `step ${t}`).toBe(bits(ysWhole[t])));
    expect(stepwise.loss(targets)).toBe(whole.loss(targets));
    expect(stepwise.backward(xs, targets)).toEqual(whole.backward(xs, targets));
    // After a grow, parameters and optimiser state are where they were.
    const a = await create(backend, 2, 6, 3, { seed: 5 });
    const b = await create(backend, 2, 6, 3, { seed: 5 });
    a.train(xs.slice(0, 5), targets.slice(0, 5), 3, 0.01);
    b.train(xs.slice(0, 5), targets.slice(0, 5), 3, 0.01);
    a.forward(xs); // grows a only
    a.train(xs.slice(0, 5), targets.slice(0, 5), 3, 0.01);
    b.train(xs.slice(0, 5), targets.slice(0, 5), 3, 0.01);
    expect(a.getParams()).toEqual(b.getParams());
  });

  it('several models coexist, interleaved, with the results each has alone', async () => {
    const random = lcg(9);
    const xs = randomSequence(random, 40, 3);
    const targets = randomTargets(random, 40, 3);
    const alone = await create(backend, 3, 7, 3, { seed: 'x' });
    const expected = alone.train(xs, targets, 20, 0.01);
    const models = await Promise.all([1, 2, 3].map(() => create(backend, 3, 7, 3, { seed: 'x' })));
    const others = await Promise.all([1, 2].map((k) => create(backend, 3, 5 * k, 3, { seed: k })));
    for (let i = 0; i < 20; i++) {
      for (const m of models) m.train(xs, targets, 1, 0.01);
      for (const o of others) o.forward(xs); // grows its own memory
    }
    for (const m of models) expect(m.getParams()).toEqual(alone.getParams());
    expect(expected.stopped).toBe('iterations');
  });

  it('train returns every loss and the last one, and prints every printEvery iterations', async () => {
    const xs = [[1, 1, 1], [1, 1, 1], [1, 1, 1], [1, 1, 1]];
    const targets = [0, 1, 0, 1];
    const rnn = await create(backend, 3, 10, 3, { seed: 1 });
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      const result = rnn.train(xs, targets, 25, 0.01, 10);
      expect(result.iterations).toBe(25);
      expect(result.losses).toHaveLength(25);
      expect(result.loss).toBe(result.losses[24]);
      expect(result.stopped).toBe('iterations');
      expect(log).toHaveBeenCalledTimes(6); // iterations 0, 10, 20: two lines each
      expect(log.mock.calls[0][0]).toMatch(/^Predictions: \[\d, \d, \d, \d\] vs targets: \[0, 1, 0, 1\]$/);
      expect(log.mock.calls[1][0]).toBe(`Loss: ${result.losses[0]}`);
      expect(log.mock.calls[5][0]).toBe(`Loss: ${result.losses[20]}`);
    } finally {
      log.mockRestore();
    }
    expect(rnn.seqLength).toBe(4); // the history of the last iteration, as in the notebook
    expect(rnn.train(xs, targets, 0, 0.01)).toEqual({ iterations: 0, loss: NaN, losses: new Float64Array(0), stopped: 'iterations' });
  });

  it('train stops when the loss is not finite and keeps the weights of the last finite loss', async () => {
    const rnn = await create(backend, 1, 2, 2, { seed: 1 });
    rnn.setParams({ Why: [1e308, 1e308, -1e308, -1e308], bh: [3, 3] }); // logits overflow to inf - inf
    const before = rnn.getParams();
    const result = rnn.train([[1], [0]], [0, 1], 10, 0.01);
    expect(result).toMatchObject({ iterations: 0, stopped: 'diverged' });
    expect(rnn.getParams()).toEqual(before);
  });

  it('train stops when an update leaves a weight non-finite, and puts back the weights before it', async () => {
    const xs = [[1, 0], [0, 1], [1, 1]];
    const targets = [0, 1, 0];
    const clean = await create(backend, 2, 4, 2, { seed: 6 });
    clean.train(xs, targets, 3, 0.01);
    const rnn = await create(backend, 2, 4, 2, { seed: 6 });
    // Stand in for an overflow: the fourth update reports a non-finite weight after corrupting it.
    const core = backendOf(rnn);
    const call = core.call.bind(core);
    let calls = 0;
    core.call = (kernel, record, a, b) => {
      const ok = call(kernel, record, a, b);
      if (kernel !== 'rprop' || ++calls < 4) return ok;
      core.data[(modelOf(rnn).tensor('rnn.weight_hh_l0') as { at: number }).at] = NaN;
      return 0;
    };
    const result = rnn.train(xs, targets, 10, 0.01);
    expect(result.stopped).toBe('diverged');
    expect(result.iterations).toBe(4);
    expect(rnn.getParams()).toEqual(clean.getParams());
  });
});

describe('backends', () => {
  it('the same seed gives the same initial weights on wasm and ts, to the bit', async () => {
    const wasm = await RNN.create(4, 9, 2, { seed: 'same' });
    const ts = await RNN.create(4, 9, 2, { seed: 'same', backend: 'ts' });
    for (const name of PARAMS) {
      expect(bits(wasm.getParams()[name])).toBe(bits(ts.getParams()[name]));
    }
  });
});
