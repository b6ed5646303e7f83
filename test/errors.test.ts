// Bad input throws the documented error type with a clear message, and changes nothing.
import { describe, expect, it } from 'vitest';
import { RNN, type Gradients } from '../src/index.js';
import { BACKENDS, coreOptions, create } from './helpers.js';
import { stateDigest as digest } from './internals.js';

const I = 3, H = 4, O = 3;
const XS = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
const TARGETS = [0, 1, 2];

function zeroGrads(): Gradients {
  return {
    dWxh: new Float64Array(H * I), dWhh: new Float64Array(H * H), dWhy: new Float64Array(O * H),
    dbh: new Float64Array(H), dby: new Float64Array(O),
  };
}

type Call = [name: string, call: (rnn: RNN) => unknown, type: typeof TypeError | typeof RangeError, message: RegExp];

const BAD_CALLS: Call[] = [
  ['forwardOneStep: vector too short', (r) => r.forwardOneStep([1, 0]), RangeError, /x must have length 3 \(inputDim\), got length 2/],
  ['forwardOneStep: not an array', (r) => r.forwardOneStep(5 as never), TypeError, /x must be an array or typed array, got 5/],
  ['forwardOneStep: a string', (r) => r.forwardOneStep('abc' as never), TypeError, /x must be an array/],
  ['forwardOneStep: NaN', (r) => r.forwardOneStep([1, NaN, 0]), TypeError, /x\[1\] must be a finite number, got NaN/],
  ['forwardOneStep: Infinity', (r) => r.forwardOneStep([Infinity, 0, 0]), TypeError, /x\[0\] must be a finite number, got Infinity/],
  ['forward: one bad vector among good ones', (r) => r.forward([[1, 0, 0], [1, 0]]), RangeError, /xs\[1\] must have length 3/],
  ['forward: NaN at the last step', (r) => r.forward([[1, 0, 0], [0, 0, NaN]]), TypeError, /xs\[1\]\[2\] must be a finite number/],
  ['forward: a string element', (r) => r.forward([[1, '0', 0]] as never), TypeError, /xs\[0\]\[1\] must be a finite number, got "0"/],
  ['predict: null', (r) => r.predict(null as never), TypeError, /xs must be an array or typed array, got null/],
  ['predictOneStep: too long', (r) => r.predictOneStep([1, 0, 0, 0]), RangeError, /got length 4/],
  ['loss: too few targets', (r) => r.loss([0, 1]), RangeError, /targets must have one target per step, 3, got length 2/],
  ['loss: target out of range', (r) => r.loss([0, 3, 1]), RangeError, /targets\[1\] must be an integer in \[0, 2\], got 3/],
  ['loss: negative target', (r) => r.loss([0, -1, 1]), RangeError, /targets\[1\] must be an integer in \[0, 2\], got -1/],
  ['loss: fractional target', (r) => r.loss([0, 1.5, 1]), RangeError, /targets\[1\] must be an integer in \[0, 2\], got 1.5/],
  ['loss: NaN target', (r) => r.loss([0, NaN, 1]), TypeError, /targets\[1\] must be a finite number, got NaN/],
  ['backward: targets of another length', (r) => r.backward(XS, [0, 1]), RangeError, /targets must have one target per step/],
  ['backward: xs of another length', (r) => r.backward(XS.slice(0, 2), [0, 1]), RangeError, /xs must be the 3 steps run by forward/],
  ['backward: xs other than those run', (r) => r.backward([[1, 0, 0], [0, 1, 0], [0, 0, 0.5]], TARGETS), RangeError, /xs\[2\] is not the input forward ran/],
  ['backward: target out of range', (r) => r.backward(XS, [0, 1, 7]), RangeError, /targets\[2\] must be an integer in \[0, 2\], got 7/],
  ['update: NaN in a gradient', (r) => r.update({ ...zeroGrads(), dWhh: new Float64Array(H * H).fill(NaN) }, 0.1), TypeError, /grads.dWhh\[0\] must be a finite number, got NaN/],
  ['update: gradient of the wrong length', (r) => r.update({ ...zeroGrads(), dby: new Float64Array(2) }, 0.1), RangeError, /grads.dby must have length 3 \(outputDim\), got length 2/],
  ['update: missing gradient', (r) => r.update({ ...zeroGrads(), dbh: undefined } as never, 0.1), TypeError, /grads.dbh must be an array or typed array, got undefined/],
  ['update: not an object', (r) => r.update(null as never, 0.1), TypeError, /grads must be an object/],
  ['update: NaN learning rate', (r) => r.update(zeroGrads(), NaN), TypeError, /learningRate must be a finite number, got NaN/],
  ['updateRprop: negative learning rate', (r) => r.updateRprop(zeroGrads(), -1), RangeError, /learningRate must not be negative, got -1/],
  ['updateRpropNotebook: learning rate as a string', (r) => r.updateRpropNotebook(zeroGrads(), '0.1' as never), TypeError, /learningRate must be a finite number, got "0.1"/],
  ['update: a step that overflows', (r) => r.update({ ...zeroGrads(), dby: Float64Array.of(1e10, 1, 1) }, 1e300), RangeError, /would make some weights non-finite.*nothing was changed/],
  ['setParams: unknown name', (r) => r.setParams({ wxh: new Float64Array(12) } as never), TypeError, /unknown parameter 'wxh'/],
  ['setParams: wrong length', (r) => r.setParams({ Whh: new Float64Array(3) }), RangeError, /Whh must have length 16 \(hiddenDim \* hiddenDim\), got length 3/],
  ['setParams: a later parameter is bad', (r) => r.setParams({ Wxh: new Float64Array(12), by: [0, 0, Infinity] }), TypeError, /by\[2\] must be a finite number, got Infinity/],
  ['train: targets of another length', (r) => r.train(XS, [0, 1], 5, 0.01), RangeError, /targets must have one target per step, 3, got length 2/],
  ['train: empty sequence', (r) => r.train([], [], 5, 0.01), RangeError, /xs must have at least one step/],
  ['train: fractional iterations', (r) => r.train(XS, TARGETS, 2.5, 0.01), RangeError, /iterations must be an integer >= 0, got 2.5/],
  ['train: negative iterations', (r) => r.train(XS, TARGETS, -1, 0.01), RangeError, /iterations must be an integer >= 0, got -1/],
  ['train: printEvery 0', (r) => r.train(XS, TARGETS, 5, 0.01, 0), RangeError, /printEvery must be an integer >= 1, got 0/],
  ['train: target out of range', (r) => r.train(XS, [0, 1, 3], 5, 0.01), RangeError, /targets\[2\] must be an integer in \[0, 2\]/],
];

describe.each(BACKENDS)('bad input on %s', (backend) => {
  it.each(BAD_CALLS)('%s', async (_, call, type, message) => {
    const rnn = await create(backend, I, H, O, { seed: 11 });
    rnn.forward(XS);
    rnn.updateRprop(rnn.backward(XS, TARGETS), 0.01); // some optimiser state too
    rnn.resetHistory();
    rnn.forward(XS);
    const before = digest(rnn);
    expect(() => call(rnn)).toThrow(type);
    expect(() => call(rnn)).toThrow(message);
    expect(digest(rnn)).toBe(before);
    // The optimiser state is unchanged too: the next step is the same as on an untouched twin.
    const twin = await create(backend, I, H, O, { seed: 11 });
    twin.forward(XS);
    twin.updateRprop(twin.backward(XS, TARGETS), 0.01);
    twin.resetHistory();
    twin.forward(XS);
    rnn.updateRprop(rnn.backward(XS, TARGETS), 0.01);
    twin.updateRprop(twin.backward(XS, TARGETS), 0.01);
    expect(rnn.getParams()).toEqual(twin.getParams());
  });

  it('backward before forward', async () => {
    const rnn = await create(backend, I, H, O, { seed: 1 });
    const before = digest(rnn);
    expect(() => rnn.backward(XS, TARGETS)).toThrow(RangeError);
    expect(() => rnn.backward(XS, TARGETS)).toThrow(/no steps have run since resetHistory\(\); call forward\(xs\) first/);
    expect(digest(rnn)).toBe(before);
  });

  it.each([
    ['inputDim', 0, RangeError, /inputDim must be an integer >= 1, got 0/],
    ['inputDim', -3, RangeError, /inputDim must be an integer >= 1, got -3/],
    ['hiddenDim', 2.5, RangeError, /hiddenDim must be an integer >= 1, got 2.5/],
    ['outputDim', NaN, TypeError, /outputDim must be a finite number, got NaN/],
    ['hiddenDim', '5', TypeError, /hiddenDim must be a finite number, got "5"/],
    ['hiddenDim', 100_000, RangeError, /needs \d+ bytes, more than the limit/],
  ] as const)('size %s = %s', async (name, value, type, message) => {
    const sizes = { inputDim: 3, hiddenDim: 5, outputDim: 3, [name]: value };
    const make = () => create(backend, sizes.inputDim as number, sizes.hiddenDim as number, sizes.outputDim as number);
    await expect(make()).rejects.toThrow(type);
    await expect(make()).rejects.toThrow(message);
  });

  it.each([
    [{ backend: 'gpu' }, /options.backend must be 'wasm' or 'ts', got "gpu"/],
    [{ init: 'zeros' }, /options.init must be 'uniform' or 'notebook', got "zeros"/],
    [{ seed: {} }, /seed must be a string or a finite number/],
    [{ sead: 1 }, /unknown option 'sead'/],
    [{ wasmBuild: 'avx' }, /options.wasmBuild must be 'simd' or 'scalar', got "avx"/],
  ])('options %o', async (options, message) => {
    await expect(RNN.create(3, 5, 3, { ...coreOptions(backend), ...options } as never)).rejects.toThrow(TypeError);
    await expect(RNN.create(3, 5, 3, { ...coreOptions(backend), ...options } as never)).rejects.toThrow(message);
  });
});
