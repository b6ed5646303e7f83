// Model files: an exact round trip, training resumed from a file equal to training that never
// stopped, and every malformed or hostile file refused with a clear error.
import { describe, expect, it } from 'vitest';
import { OPTIMIZERS, RNN, type ModelFile } from '../src/index.js';
import { OPT_INFO, OPT_INFO_SIZE, OPTIMIZER_SLOTS, plan } from '../src/plan.js';
import { notebookSpec } from '../src/spec.js';
import { BACKENDS, backendNameOf, create, lcg, randomSequence, randomTargets } from './helpers.js';

const I = 3, H = 6, O = 4, T = 9;
const random = lcg(2024);
const XS = randomSequence(random, T, I);
const TARGETS = randomTargets(random, T, O);

/** The bits of every parameter, as hex: equal strings mean equal bits. */
function paramBits(rnn: RNN): string {
  const p = rnn.getParams();
  return [p.Wxh, p.Whh, p.Why, p.bh, p.by].map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex')).join('|');
}

function lossBits(losses: Float64Array): string {
  return Buffer.from(losses.buffer, losses.byteOffset, losses.byteLength).toString('hex');
}

/** The notebook's rule, step by step: it reads and writes the notebook's optimiser slots. */
function trainNotebook(rnn: RNN, iterations: number): void {
  for (let i = 0; i < iterations; i++) {
    rnn.resetHistory();
    rnn.forward(XS);
    rnn.updateRpropNotebook(rnn.backward(XS, TARGETS), 0.01);
  }
}

const reload = async (rnn: RNN, backend = rnn.backend): Promise<RNN> => RNN.fromJSON(JSON.stringify(rnn), { backend });

describe('optimiser slots', () => {
  it('OPTIMIZER_SLOTS and OPT_INFO cover the whole optimiser state, which the files save', () => {
    const L = plan(notebookSpec(I, H, O), 4);
    const starts = OPTIMIZER_SLOTS.map((slot) => L[slot]).sort((a, b) => a - b);
    starts.forEach((start, k) => expect(start).toBe(L.params + (k + 1) * L.P));
    expect(L.optInfo).toBe(L.params + (OPTIMIZER_SLOTS.length + 1) * L.P);
    expect(L.stateSize).toBe((OPTIMIZER_SLOTS.length + 1) * L.P + OPT_INFO_SIZE);
    // optInfo's last number is padding: no entry of OPT_INFO uses it.
    expect(Math.max(...Object.values(OPT_INFO))).toBeLessThan(OPT_INFO_SIZE);
  });
});

describe.each(BACKENDS)('model files on %s', (core) => {
  const backend = backendNameOf(core);
  it('round-trips every bit: parameters (negative zero too), optimiser state and options', async () => {
    const rnn = await create(core, I, H, O, { seed: 'file', init: 'notebook' });
    rnn.train(XS, TARGETS, { iterations: 7, optimizer: 'adam' });
    rnn.setParams({ by: [-0, 0, 1e-310, -Number.MAX_VALUE] });
    const text = JSON.stringify(rnn);
    const loaded = await RNN.fromJSON(text, { backend });
    expect(paramBits(loaded)).toBe(paramBits(rnn));
    expect(Object.is(loaded.getParams().by[0], -0)).toBe(true);
    expect(JSON.stringify(loaded)).toBe(text);
    const file = JSON.parse(text) as ModelFile;
    expect(file).toMatchObject({ format: 'rnn-wasm-model', version: 1, inputDim: I, hiddenDim: H, outputDim: O, options: { init: 'notebook', seed: 'file' } });
    expect(Object.keys(file.optimizer.slots)).toEqual([...OPTIMIZER_SLOTS]);
    // Adam leaves the last loss (iRprop+'s) at its start, Infinity, which JSON keeps as a string.
    expect(file.optimizer.info).toEqual({ optimizer: expect.any(Number), steps: 7, lastLoss: 'Infinity' });
    // The parsed object loads as well as the text.
    expect(paramBits(await RNN.fromJSON(file, { backend }))).toBe(paramBits(rnn));
  });

  it.each(OPTIMIZERS)('train N, save, load, train M equals train N + M, bit for bit (%s)', async (optimizer) => {
    const options = { optimizer, learningRate: optimizer === 'adam' ? 0.01 : undefined };
    const whole = await create(core, I, H, O, { seed: 5 });
    const wholeLosses = whole.train(XS, TARGETS, { iterations: 30, ...options }).losses;
    const first = await create(core, I, H, O, { seed: 5 });
    const firstLosses = first.train(XS, TARGETS, { iterations: 12, ...options }).losses;
    const resumed = await reload(first);
    const restLosses = resumed.train(XS, TARGETS, { iterations: 18, ...options }).losses;
    expect(lossBits(Float64Array.from([...firstLosses, ...restLosses]))).toBe(lossBits(wholeLosses));
    expect(paramBits(resumed)).toBe(paramBits(whole));
    expect(JSON.stringify(resumed)).toBe(JSON.stringify(whole));
  });

  it('train N, save, load, train M equals train N + M, bit for bit (the notebook\'s rule)', async () => {
    const whole = await create(core, I, H, O, { seed: 6 });
    trainNotebook(whole, 20);
    const resumed = await create(core, I, H, O, { seed: 6 });
    trainNotebook(resumed, 8);
    const loaded = await reload(resumed);
    trainNotebook(loaded, 12);
    expect(paramBits(loaded)).toBe(paramBits(whole));
  });

  it('the optimiser state matters: a file without it resumes differently, as a fresh optimiser', async () => {
    const whole = await create(core, I, H, O, { seed: 5 });
    whole.train(XS, TARGETS, 30, 0.01);
    const first = await create(core, I, H, O, { seed: 5 });
    first.train(XS, TARGETS, 12, 0.01);
    const file = first.toJSON();
    file.optimizer = { slots: {}, info: {} };
    const stateless = await RNN.fromJSON(file, { backend });
    // A missing slot keeps a new model's value: the same as a new model given these parameters.
    const fresh = await create(core, I, H, O, { seed: 99 });
    fresh.setParams(first.getParams());
    stateless.train(XS, TARGETS, 18, 0.01);
    fresh.train(XS, TARGETS, 18, 0.01);
    expect(paramBits(stateless)).toBe(paramBits(fresh));
    expect(paramBits(stateless)).not.toBe(paramBits(whole));
  });

  it("adam's step count matters: a file without it resumes differently", async () => {
    const whole = await create(core, I, H, O, { seed: 5 });
    whole.train(XS, TARGETS, { iterations: 20, optimizer: 'adam' });
    const first = await create(core, I, H, O, { seed: 5 });
    first.train(XS, TARGETS, { iterations: 10, optimizer: 'adam' });
    const file = first.toJSON();
    delete file.optimizer.info.steps;
    const resumed = await RNN.fromJSON(file, { backend });
    resumed.train(XS, TARGETS, { iterations: 10, optimizer: 'adam' });
    expect(paramBits(resumed)).not.toBe(paramBits(whole));
  });

  it('a file moves between backends', async () => {
    const rnn = await create(core, I, H, O, { seed: 8 });
    rnn.train(XS, TARGETS, 5, 0.01);
    const other = backend === 'wasm' ? 'ts' : 'wasm';
    const moved = await reload(rnn, other);
    expect(moved.backend).toBe(other);
    expect(paramBits(moved)).toBe(paramBits(rnn));
  });
});

describe('bad model files', () => {
  const good = (): ModelFile => {
    const rnn = new RNN(2, 3, 2, { backend: 'ts', seed: 1 });
    return rnn.toJSON();
  };
  const text = (): string => JSON.stringify(good());
  type Case = [name: string, json: () => unknown, type: typeof TypeError | typeof RangeError, message: RegExp, options?: unknown];
  const edit = (change: (f: Record<string, any>) => void) => (): unknown => { // eslint-disable-line @typescript-eslint/no-explicit-any
    const f = good() as unknown as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    change(f);
    return f;
  };
  const CASES: Case[] = [
    ['not JSON', () => 'hello', TypeError, /^RNN.fromJSON: json is not valid JSON, is the file truncated\?( \(at character 0\))?$/],
    ['not JSON, whose text stays out of the message', () => 'root:x:0:0:root:/root:/bin/bash', TypeError, /^(?!.*root:x).*json is not valid JSON/],
    ['truncated', () => text().slice(0, text().length - 40), TypeError, /json is not valid JSON, is the file truncated/],
    ['empty', () => '', TypeError, /json is not valid JSON/],
    ['an array', () => '[1, 2]', TypeError, /json must be an object, got an array of length 2/],
    ['null', () => 'null', TypeError, /json must be an object, got null/],
    ['a number', () => 42, TypeError, /json must be an object, got 42/],
    ['another format', edit((f) => { f.format = 'keras'; }), TypeError, /not an rnn-wasm model file: format must be 'rnn-wasm-model', got "keras"/],
    ['no format', edit((f) => { delete f.format; }), TypeError, /format must be 'rnn-wasm-model', got undefined/],
    ['a newer version', edit((f) => { f.version = 3; }), RangeError, /model file version 3 is not supported \(this rnn-wasm reads versions 1 and 2\)/],
    ['version as a string', edit((f) => { f.version = '1'; }), TypeError, /version must be a number, got "1"/],
    ['an unknown key', edit((f) => { f.weights = []; }), TypeError, /unknown key json.weights/],
    ['huge sizes', edit((f) => { f.hiddenDim = 1e6; }), RangeError, /a 2-1000000-2 model needs \d+ bytes, more than the limit/],
    ['sizes beyond any model', edit((f) => { f.inputDim = 2 ** 40; }), RangeError, /inputDim must be an integer in \[1, 16777216\], got 1099511627776/],
    ['a zero size', edit((f) => { f.outputDim = 0; }), RangeError, /outputDim must be an integer in \[1, 16777216\], got 0/],
    ['a fractional size', edit((f) => { f.hiddenDim = 2.5; }), RangeError, /hiddenDim must be an integer/],
    ['a size as a string', edit((f) => { f.hiddenDim = '3'; }), TypeError, /hiddenDim must be a finite number, got "3"/],
    ['sizes that disagree with the arrays', edit((f) => { f.hiddenDim = 4; }), RangeError, /params.Wxh must have length 8, got length 6/],
    ['a short parameter', edit((f) => { f.params.by.pop(); }), RangeError, /params.by must have length 2, got length 1/],
    ['a long optimiser slot', edit((f) => { f.optimizer.slots.opt1.push(0); }), RangeError, /optimizer.slots.opt1 must have length 26, got length 27/],
    ['a missing parameter', edit((f) => { delete f.params.Whh; }), TypeError, /params.Whh is missing/],
    ['an unknown parameter', edit((f) => { f.params.W = [1]; }), TypeError, /unknown key params.W /],
    ['NaN', edit((f) => { f.params.Wxh[2] = NaN; }), TypeError, /params.Wxh\[2\] must be a finite number \(or "-0"\), got NaN/],
    ['Infinity', edit((f) => { f.params.Whh[5] = -Infinity; }), TypeError, /params.Whh\[5\] must be a finite number \(or "-0"\), got -Infinity/],
    ['"Infinity" in a parameter', edit((f) => { f.params.Whh[1] = 'Infinity'; }), TypeError, /params.Whh\[1\] must be a finite number \(or "-0"\), got "Infinity"/],
    ['a number as a string in the optimiser state', edit((f) => { f.optimizer.slots.opt0[3] = '1e5'; }), TypeError, /optimizer.slots.opt0\[3\] must be a number \(or "-0", "Infinity", "-Infinity", "NaN"\), got "1e5"/],
    ['a bad step count', edit((f) => { f.optimizer.info.steps = [3]; }), TypeError, /optimizer.info.steps must be a number/],
    ['unknown optimiser info', edit((f) => { f.optimizer.info.beta = 0.9; }), TypeError, /unknown key optimizer.info.beta .*written by a newer rnn-wasm/],
    ['slots not an object', edit((f) => { f.optimizer.slots = [[1]]; }), TypeError, /optimizer.slots must be an object, got an array of length 1/],
    ['NaN written by JSON.stringify (null)', () => JSON.stringify(edit((f) => { f.params.bh[0] = NaN; })()), TypeError, /params.bh\[0\] must be a finite number \(or "-0"\), got null/],
    ['a string number', edit((f) => { f.params.by[1] = '0.5'; }), TypeError, /params.by\[1\] must be a finite number \(or "-0"\), got "0.5"/],
    ['parameters not an array', edit((f) => { f.params.bh = { length: 3 }; }), TypeError, /params.bh must be an array, got an object/],
    ['an unknown optimiser slot', edit((f) => { f.optimizer.slots.opt3 = []; }), TypeError, /unknown key optimizer.slots.opt3 .*written by a newer rnn-wasm/],
    ['an unknown optimiser key', edit((f) => { f.optimizer.opt0 = []; }), TypeError, /unknown key optimizer.opt0 \(known: slots, info\)/],
    ['no optimiser', edit((f) => { delete f.optimizer; }), TypeError, /optimizer must be an object, got undefined/],
    ['a bad init', edit((f) => { f.options.init = 'xavier'; }), TypeError, /options.init must be 'uniform' or 'notebook', got "xavier"/],
    ['a bad seed', edit((f) => { f.options.seed = [1]; }), TypeError, /options.seed must be a string or a finite number/],
    ['an unknown option', edit((f) => { f.options.backend = 'ts'; }), TypeError, /unknown key options.backend/],
    ['a bad backend to load on', () => text(), TypeError, /options.backend must be 'wasm' or 'ts', got "gpu"/, { backend: 'gpu' }],
    // Optimiser state no optimiser leaves: it would make the next update meaningless or non-finite.
    ['a NaN step count', edit((f) => { f.optimizer.info.steps = 'NaN'; }), RangeError, /optimizer.info.steps must be a whole number, got NaN/],
    ['a negative step count', edit((f) => { f.optimizer.info.steps = -7; }), RangeError, /optimizer.info.steps must be a whole number, got -7/],
    ['an unknown optimiser code', edit((f) => { f.optimizer.info.optimizer = 3.5; }), RangeError, /optimizer.info.optimizer must be 0 \(none\) or the code of a stateful optimiser .*got 3.5/],
    ['plain SGD as the owner', edit((f) => { f.optimizer.info.optimizer = 1; }), RangeError, /optimizer.info.optimizer must be 0 \(none\) or the code/],
    ["a negative second moment for adam", edit((f) => { f.optimizer.info.optimizer = 4; f.optimizer.slots.opt1[5] = -1; }), RangeError, /optimizer.slots.opt1\[5\] must be a mean of squares in \[0, 2\^1000\] for adam, got -1/],
    ['an Rprop step beyond 50', edit((f) => { f.optimizer.info.optimizer = 5; f.optimizer.slots.opt1[0] = 51; }), RangeError, /optimizer.slots.opt1\[0\] must be 0 or a step in \[0.000001, 50\] for rprop, got 51/],
    ['a NaN gradient in the state', edit((f) => { f.optimizer.info.optimizer = 6; f.optimizer.slots.opt0[2] = 'NaN'; }), RangeError, /optimizer.slots.opt0\[2\] must be a gradient for irprop\+, got NaN/],
    ['a multiplier out of the notebook\'s range', edit((f) => { f.optimizer.info.optimizer = 7; f.optimizer.slots.opt1.fill(1); f.optimizer.slots.opt1[1] = 0.001; }), RangeError, /optimizer.slots.opt1\[1\] must be a multiplier in \[0.01, 100\] for rprop-notebook, got 0.001/],
    ['-Infinity as the last loss', edit((f) => { f.optimizer.info.lastLoss = '-Infinity'; }), RangeError, /optimizer.info.lastLoss must be a number or Infinity, got -Infinity/],
    // State no training produces, which would make the next update overflow.
    ['an adagrad memory of Infinity', edit((f) => { f.optimizer.info.optimizer = 3; f.optimizer.slots.opt0[4] = 'Infinity'; }), RangeError, /optimizer.slots.opt0\[4\] must be a sum of squares in \[0, 2\^1000\] for adagrad, got Infinity/],
    ['a momentum velocity of 1e308', edit((f) => { f.optimizer.info.optimizer = 2; f.optimizer.slots.opt0[1] = -1e308; }), RangeError, /optimizer.slots.opt0\[1\] must be a velocity within ±2\^500 for momentum, got -1e\+308/],
    ['an Adam first moment that overflows the next step', edit((f) => { f.optimizer.info.optimizer = 4; f.optimizer.slots.opt0[0] = 1e308; }), RangeError, /optimizer.slots.opt0\[0\] must be a mean within ±2\^500 for adam, got 1e\+308/],
    ['an Adam second moment beyond 2^1000', edit((f) => { f.optimizer.info.optimizer = 4; f.optimizer.slots.opt1[2] = 1e305; }), RangeError, /optimizer.slots.opt1\[2\] must be a mean of squares in \[0, 2\^1000\] for adam, got 1e\+305/],
  ];

  it.each(CASES)('%s', async (_, json, type, message, options) => {
    const call = RNN.fromJSON(json() as string, options as never);
    await expect(call).rejects.toThrow(type);
    await expect(RNN.fromJSON(json() as string, options as never)).rejects.toThrow(message);
  });

  it('the good file of these cases loads', async () => {
    await expect(RNN.fromJSON(text(), { backend: 'ts' })).resolves.toBeInstanceOf(RNN);
  });

  // The bounds are where the next update stops being finite: state at them loads, and a step of
  // its optimiser with the default settings keeps every weight finite.
  it.each([
    ['momentum', 2, { opt0: 2 ** 500 }],
    ['adagrad', 3, { opt0: 2 ** 1000 }],
    ['adam', 4, { opt0: -(2 ** 500), opt1: 0 }],
    ['adam', 4, { opt0: 2 ** 500, opt1: 2 ** 1000 }],
  ] as const)('%s state at its bounds loads and trains a step that stays finite', async (optimizer, code, values) => {
    const f = good() as unknown as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    f.optimizer.info = { optimizer: code, steps: 1, lastLoss: 'Infinity' };
    for (const [slot, value] of Object.entries(values)) f.optimizer.slots[slot].fill(value);
    const rnn = await RNN.fromJSON(f, { backend: 'ts' });
    const result = rnn.train([[1, 0], [0, 1]], [0, 1], { iterations: 1, optimizer });
    expect(result.stopped).toBe('iterations');
    expect(Object.values(rnn.getParams()).every((p) => p.every(Number.isFinite))).toBe(true);
  });
});
