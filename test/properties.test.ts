// Property-based tests (fast-check) over random sizes, parameters and sequences.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RNN, type Params } from '../src/index.js';
import { BACKENDS, bitDifference, coreOptions, type Core } from './helpers.js';
import { stateDigest } from './internals.js';

const RUNS = 60;

interface Net {
  I: number;
  H: number;
  O: number;
  params: Params;
  xs: number[][];
  targets: number[];
}

/** A net with parameters in [-scale, scale] and a sequence for it, all finite. */
const net = (scale = 3, inputScale = 1e3): fc.Arbitrary<Net> =>
  fc.record({ I: fc.integer({ min: 1, max: 6 }), H: fc.integer({ min: 1, max: 12 }), O: fc.integer({ min: 2, max: 6 }), T: fc.integer({ min: 1, max: 12 }) })
    .chain(({ I, H, O, T }) => {
      const vec = (n: number, s: number) => fc.array(fc.double({ min: -s, max: s, noNaN: true }), { minLength: n, maxLength: n }).map((a) => Float64Array.from(a));
      return fc.record({
        I: fc.constant(I), H: fc.constant(H), O: fc.constant(O),
        params: fc.record({ Wxh: vec(H * I, scale), Whh: vec(H * H, scale), Why: vec(O * H, scale), bh: vec(H, scale), by: vec(O, scale) }),
        xs: fc.array(fc.array(fc.double({ min: -inputScale, max: inputScale, noNaN: true }), { minLength: I, maxLength: I }), { minLength: T, maxLength: T }),
        targets: fc.array(fc.integer({ min: 0, max: O - 1 }), { minLength: T, maxLength: T }),
      });
    });

async function model(core: Core, n: Net): Promise<RNN> {
  const rnn = await RNN.create(n.I, n.H, n.O, { ...coreOptions(core), seed: 1 });
  rnn.setParams(n.params);
  return rnn;
}

describe('properties', () => {
  it('the builds agree to the bit on outputs, loss and gradients', async () => {
    await fc.assert(fc.asyncProperty(net(), async (n) => {
      const [first, ...others] = await Promise.all(BACKENDS.map((core) => model(core, n)));
      const ys = first.forward(n.xs), loss = first.loss(n.targets), grads = first.backward(n.xs, n.targets);
      for (const other of others) {
        other.forward(n.xs).forEach((y, t) => expect(bitDifference(y, ys[t])).toBeUndefined());
        expect(bitDifference([other.loss(n.targets)], [loss])).toBeUndefined();
        const g = other.backward(n.xs, n.targets);
        for (const k of ['dWxh', 'dWhh', 'dWhy', 'dbh', 'dby'] as const) expect(bitDifference(g[k], grads[k])).toBeUndefined();
      }
    }), { numRuns: RUNS });
  });

  it.each(BACKENDS)('probabilities are finite, non-negative and sum to 1; the loss is finite and non-negative (%s)', async (backend) => {
    await fc.assert(fc.asyncProperty(net(30, 1e6), async (n) => {
      const rnn = await model(backend, n);
      for (const y of rnn.forward(n.xs)) {
        expect(y.every((p) => Number.isFinite(p) && p >= 0)).toBe(true);
        expect(Math.abs(y.reduce((s, p) => s + p, 0) - 1)).toBeLessThan(1e-12);
      }
      const loss = rnn.loss(n.targets);
      expect(Number.isFinite(loss) && loss >= 0).toBe(true);
    }), { numRuns: RUNS });
  });
});

/** Bad arguments, each a call on a model of sizes 3-3-3 with a history of 3 steps. */
const badValue = fc.oneof(
  fc.constantFrom(NaN, Infinity, -Infinity, undefined, null, '1', true, {}, [], () => 1, -0.5, 2 ** 53, 1.5),
);
const badVector = fc.oneof(
  fc.constantFrom(undefined, null, 5, 'abc', {}),
  fc.array(fc.double({ noNaN: true }), { maxLength: 6 }).filter((a) => a.length !== 3),
  fc.tuple(fc.nat(2), badValue).map(([k, v]) => { const a: unknown[] = [0.1, 0.2, 0.3]; a[k] = v; return a; }).filter((a) => a.some((v) => typeof v !== 'number' || !Number.isFinite(v))),
);
const badTargets = fc.oneof(
  fc.constantFrom(undefined, null, 'abc', [0, 1], [0, 1, 2, 0]),
  fc.tuple(fc.nat(2), fc.oneof(badValue, fc.integer({ min: 3, max: 1e9 }), fc.integer({ min: -1e9, max: -1 }))).map(([k, v]) => { const a: unknown[] = [0, 1, 2]; a[k] = v; return a; }),
);
const badSize = fc.oneof(badValue, fc.integer({ min: -1e6, max: 0 }), fc.constantFrom(1e7, 2 ** 31));

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
/** Which values each numeric training option accepts. */
const VALID_OPTION = {
  learningRate: (v: unknown) => isNumber(v) && v >= 0,
  clip: (v: unknown) => isNumber(v) && v > 0,
  targetLoss: (v: unknown) => typeof v === 'number' && !Number.isNaN(v),
  printEvery: (v: unknown) => isNumber(v) && Number.isInteger(v) && v >= 1 && v <= Number.MAX_SAFE_INTEGER,
  momentum: (v: unknown) => isNumber(v) && v >= 0,
};

type BadCall = { name: string; call: (rnn: RNN) => unknown };
const badCalls: fc.Arbitrary<BadCall> = fc.oneof(
  badVector.map((x) => ({ name: `forwardOneStep(${String(x)})`, call: (r: RNN) => r.forwardOneStep(x as never) })),
  badVector.map((x) => ({ name: `forward([x, ${String(x)}])`, call: (r: RNN) => r.forward([[1, 0, 0], x] as never) })),
  badVector.map((x) => ({ name: 'predict', call: (r: RNN) => r.predict([x] as never) })),
  badTargets.map((t) => ({ name: `loss(${String(t)})`, call: (r: RNN) => r.loss(t as never) })),
  badTargets.map((t) => ({ name: 'backward', call: (r: RNN) => r.backward([[1, 0, 0], [0, 1, 0], [0, 0, 1]], t as never) })),
  badTargets.map((t) => ({ name: 'train', call: (r: RNN) => r.train([[1, 0, 0], [0, 1, 0], [0, 0, 1]], t as never, 3, 0.1) })),
  badValue.map((v) => ({ name: `train(iterations ${String(v)})`, call: (r: RNN) => r.train([[1, 0, 0]], [0], v as never, 0.1) })),
  badValue.filter((v) => !(typeof v === 'number' && Number.isFinite(v) && v >= 0)).map((v) => ({ name: `update(lr ${String(v)})`, call: (r: RNN) => r.update(r.backward([[1, 0, 0], [0, 1, 0], [0, 0, 1]], [0, 1, 2]), v as never) })),
  badVector.map((v) => ({ name: `setParams(by ${String(v)})`, call: (r: RNN) => r.setParams({ by: v as never }) })),
  badVector.filter((v) => v !== undefined).map((v) => ({ name: `resetHistory(${String(v)})`, call: (r: RNN) => r.resetHistory(v as never) })),
  fc.record({ iterations: badValue }).map((o) => ({ name: 'train options', call: (r: RNN) => r.train([[1, 0, 0]], [0], o as never) })),
  badVector.map((x) => ({ name: `fit(xs [x, ${String(x)}])`, call: (r: RNN) => r.fit([{ xs: [[1, 0, 0]], targets: [0] }, { xs: [[1, 0, 0], x], targets: [0, 1] }] as never, { epochs: 2 }) })),
  badTargets.map((t) => ({ name: `fit(targets ${String(t)})`, call: (r: RNN) => r.fit([{ xs: [[1, 0, 0], [0, 1, 0], [0, 0, 1]], targets: t }] as never, { epochs: 2 }) })),
  fc.tuple(badValue, fc.constantFrom('epochs', 'batchSize')).filter(([v, k]) => !(k === 'batchSize' && v === undefined)).map(([v, k]) => ({ name: `fit option ${k}`, call: (r: RNN) => r.fit([{ xs: [[1, 0, 0]], targets: [0] }], { epochs: 2, [k]: v } as never) })),
  fc.oneof(badValue, fc.integer({ min: 3, max: 1e9 }), fc.integer({ min: -1e9, max: -1 })).map((v) => ({ name: `sample(start ${String(v)})`, call: (r: RNN) => r.sample(v as never, 5) })),
  badValue.filter((v) => v !== undefined && !(typeof v === 'number' && Number.isFinite(v) && v > 0)).map((v) => ({ name: `sample(temperature ${String(v)})`, call: (r: RNN) => r.sample(0, 5, { temperature: v as never }) })),
  fc.constantFrom(1e300, 1e308).map((lr) => ({ name: `update that overflows (lr ${lr})`, call: (r: RNN) => r.update({ dWxh: new Float64Array(9).fill(1e10), dWhh: new Float64Array(9), dWhy: new Float64Array(9), dbh: new Float64Array(3), dby: new Float64Array(3) }, lr) })),
  fc.tuple(badValue, fc.constantFrom(...(Object.keys(VALID_OPTION) as (keyof typeof VALID_OPTION)[])))
    .filter(([v, k]) => v !== undefined && !VALID_OPTION[k](v))
    .map(([v, k]) => ({ name: `train option ${k}`, call: (r: RNN) => r.train([[1, 0, 0]], [0], { iterations: 2, [k]: v, ...(k === 'momentum' ? { optimizer: 'momentum' } : {}) } as never) })),
);

describe.each(BACKENDS)('invalid calls change nothing (%s)', (backend) => {
  it('each throws the documented error type, and the state digest is unchanged', async () => {
    const rnn = await RNN.create(3, 3, 3, { ...coreOptions(backend), seed: 2 }); // every vector has length 3
    const xs = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
    rnn.train(xs, [0, 1, 2], { iterations: 3, optimizer: 'adam' });
    rnn.resetHistory();
    rnn.forward(xs);
    fc.assert(fc.property(badCalls, ({ call }) => {
      const before = stateDigest(rnn);
      let thrown: unknown;
      try {
        call(rnn);
      } catch (error) {
        thrown = error;
      }
      expect(thrown instanceof TypeError || thrown instanceof RangeError, String(thrown)).toBe(true);
      expect(stateDigest(rnn)).toBe(before);
    }), { numRuns: 400 });
  });

  it('absurd sizes are refused', async () => {
    await fc.assert(fc.asyncProperty(fc.constantFrom(0, 1, 2), badSize, async (k, size) => {
      const sizes: unknown[] = [3, 4, 3];
      sizes[k] = size;
      const attempt = RNN.create(sizes[0] as number, sizes[1] as number, sizes[2] as number, coreOptions(backend));
      const error = await attempt.then(() => null, (e: unknown) => e);
      expect(error instanceof TypeError || error instanceof RangeError, String(error)).toBe(true);
    }), { numRuns: 100 });
  });
});
