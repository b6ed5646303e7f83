// fit on held-out data: validation loss and accuracy every epoch, early stopping as Keras's
// EarlyStopping, and learning-rate schedules as torch.optim.lr_scheduler's.
import { describe, expect, it } from 'vitest';
import { RNN, type Example, type FitOptions, type Progress } from '../src/index.js';
import { BACKENDS, bits, create, lcg, paramBits, randomInputs, randomTargets } from './helpers.js';
import { stateDigest } from './internals.js';

function examples(seed: number, n: number, target?: number): Example[] {
  const random = lcg(seed);
  return Array.from({ length: n }, (_, k) => {
    const T = 3 + (k % 4);
    return { xs: randomInputs(random, T, 3, {}) as number[][], targets: target === undefined ? randomTargets(random, T, 3) : Array(T).fill(target) };
  });
}

/** The mean loss of the examples and the fraction of their targets predicted, each from a zero state. */
function byHand(rnn: RNN, data: Example[]): { loss: number; accuracy: number } {
  let sum = 0, right = 0, count = 0;
  for (const { xs, targets } of data) {
    rnn.resetHistory();
    const predictions = rnn.predict(xs as number[][]);
    sum += rnn.loss(targets as number[]);
    right += predictions.filter((p, t) => p === (targets as number[])[t]).length;
    count += predictions.length;
  }
  return { loss: sum / data.length, accuracy: right / count };
}

describe('validation', () => {
  it.each(BACKENDS)('%s: the loss and accuracy of the held-out data after every epoch, in the result and in onProgress', async (core) => {
    const train = examples(1, 6), held = examples(2, 3);
    const rnn = await create(core, 3, 6, 3, { seed: 1 });
    const told: Progress[] = [];
    const result = rnn.fit(train, { epochs: 4, optimizer: 'adam', learningRate: 0.01, validation: held, onProgress: (p) => void told.push(p) });
    expect(result.validationLosses).toHaveLength(4);
    expect(result.validationAccuracies).toHaveLength(4);
    expect(told.map((p) => p.validationLoss)).toEqual([...(result.validationLosses as Float64Array)]);
    expect(told.map((p) => p.validationAccuracy)).toEqual([...(result.validationAccuracies as Float64Array)]);
    const last = byHand(rnn, held);
    expect(bits([result.validationLoss as number])).toBe(bits([last.loss]));
    expect(result.validationAccuracy).toBe(last.accuracy);
  });

  it('split holds out the last sequences, before shuffling, and does not train on them', async () => {
    const data = examples(3, 8);
    const a = await create('ts', 3, 5, 3, { seed: 2 });
    const b = await create('ts', 3, 5, 3, { seed: 2 });
    const options: FitOptions = { epochs: 3, optimizer: 'adam', shuffle: true, seed: 4, batchSize: 2 };
    const split = a.fit(data, { ...options, validation: { split: 0.25 } });
    const apart = b.fit(data.slice(0, 6), { ...options, validation: data.slice(6) });
    expect(paramBits(a)).toBe(paramBits(b));
    expect(bits(split.losses)).toBe(bits(apart.losses));
    expect(bits(split.validationLosses as Float64Array)).toBe(bits(apart.validationLosses as Float64Array));
  });

  it('a linear output reports the validation loss and no accuracy', async () => {
    const random = lcg(5);
    const data = Array.from({ length: 5 }, () => ({ xs: randomInputs(random, 4, 2, {}) as number[][], targets: [[random()]] }));
    const rnn = await create('ts', 2, 4, 1, { seed: 1, output: 'linear', outputAt: 'last' });
    const result = rnn.fit(data, { epochs: 2, optimizer: 'adam', validation: { split: 0.4 } });
    expect(result.validationLosses).toHaveLength(2);
    expect(result.validationAccuracies).toBeUndefined();
  });
});

describe('early stopping', () => {
  // Held-out data that contradicts the training data: its loss rises from the first epoch on.
  const train = examples(6, 6, 0), held = examples(7, 3, 1);

  // As Keras: patience 0 stops at the first epoch without improvement, but never at the first epoch.
  it.each([[0, 2], [1, 2], [2, 3], [5, 6]])('patience %i: stops after %i epochs, and restores the best weights', async (patience, epochs) => {
    const rnn = await create('ts', 3, 5, 3, { seed: 3 });
    const result = rnn.fit(train, { epochs: 50, optimizer: 'sgd', learningRate: 0.05, validation: held, earlyStopping: { patience, restoreBestWeights: true } });
    const v = result.validationLosses as Float64Array;
    for (let e = 1; e < v.length; e++) expect(v[e]).toBeGreaterThan(v[e - 1]);
    expect([result.stopped, result.iterations, result.bestEpoch]).toEqual(['earlyStopping', epochs, 0]);
    const once = await create('ts', 3, 5, 3, { seed: 3 });
    once.fit(train, { epochs: 1, optimizer: 'sgd', learningRate: 0.05 });
    expect(paramBits(rnn)).toBe(paramBits(once));
  });

  it('without restoreBestWeights the model keeps the weights of the last epoch', async () => {
    const rnn = await create('ts', 3, 5, 3, { seed: 3 });
    const result = rnn.fit(train, { epochs: 50, optimizer: 'sgd', learningRate: 0.05, validation: held, earlyStopping: { patience: 2 } });
    expect(result.iterations).toBe(3);
    const same = await create('ts', 3, 5, 3, { seed: 3 });
    same.fit(train, { epochs: 3, optimizer: 'sgd', learningRate: 0.05 });
    expect(paramBits(rnn)).toBe(paramBits(same));
  });

  it('minDelta: a smaller improvement is none; monitor loss watches the training loss', async () => {
    const rnn = await create('ts', 3, 5, 3, { seed: 3 });
    const improving = rnn.fit(train, { epochs: 20, optimizer: 'sgd', learningRate: 0.05, earlyStopping: { patience: 3 } });
    expect(improving.stopped).toBe('iterations'); // the training loss falls every epoch
    const strict = await create('ts', 3, 5, 3, { seed: 3 });
    const result = strict.fit(train, { epochs: 20, optimizer: 'sgd', learningRate: 0.05, earlyStopping: { patience: 3, minDelta: 1e6 } });
    expect([result.stopped, result.iterations, result.bestEpoch]).toEqual(['earlyStopping', 4, 0]);
    const again = await create('ts', 3, 5, 3, { seed: 3 });
    const monitored = again.fit(train, { epochs: 20, optimizer: 'sgd', learningRate: 0.05, validation: held, earlyStopping: { patience: 3, monitor: 'loss' } });
    expect(monitored.stopped).toBe('iterations');
  });
});

describe('learning-rate schedules', () => {
  const data = examples(8, 4);
  const rates = async (options: FitOptions): Promise<number[]> => {
    const rnn = await create('ts', 3, 4, 3, { seed: 1 });
    const told: number[] = [];
    rnn.fit(data, { ...options, onProgress: (p) => void told.push(p.learningRate as number) });
    return told;
  };

  it('step and exponential decay, by epoch', async () => {
    expect(await rates({ epochs: 7, optimizer: 'adam', learningRate: 0.1, learningRateSchedule: { type: 'step', stepSize: 3, gamma: 0.5 } }))
      .toEqual([0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025]);
    const exponential = await rates({ epochs: 4, optimizer: 'sgd', learningRate: 0.1, learningRateSchedule: { type: 'exponential', gamma: 0.5 } });
    expect(exponential).toEqual([0.1, 0.05, 0.025, 0.0125]);
  });

  it('an epoch trains at its rate: two epochs of a schedule equal one epoch at each rate (sgd keeps no state)', async () => {
    const a = await create('ts', 3, 4, 3, { seed: 1 });
    a.fit(data, { epochs: 2, optimizer: 'sgd', learningRate: 0.1, learningRateSchedule: { type: 'exponential', gamma: 0.25 } });
    const b = await create('ts', 3, 4, 3, { seed: 1 });
    b.fit(data, { epochs: 1, optimizer: 'sgd', learningRate: 0.1 });
    b.fit(data, { epochs: 1, optimizer: 'sgd', learningRate: 0.025 });
    expect(paramBits(a)).toBe(paramBits(b));
  });

  it('reduce on plateau: after more than patience epochs without improvement, as torch', async () => {
    const train = examples(6, 6, 0), held = examples(7, 3, 1);
    const rnn = await create('ts', 3, 5, 3, { seed: 3 });
    const told: number[] = [];
    rnn.fit(train, {
      epochs: 7, optimizer: 'sgd', learningRate: 0.05, validation: held,
      learningRateSchedule: { type: 'plateau', patience: 1, factor: 0.5, minLearningRate: 0.02 },
      onProgress: (p) => void told.push(p.learningRate as number),
    });
    expect(told).toEqual([0.05, 0.05, 0.05, 0.025, 0.025, 0.02, 0.02]);
  });
});

describe('the builds agree to the bit with validation, early stopping and a schedule', () => {
  it('losses, validation losses and accuracies, weights', async () => {
    const train = examples(9, 7), held = examples(10, 3);
    const nets = await Promise.all(BACKENDS.map((core) => create(core, 3, 6, 3, { seed: 5, layers: 2 })));
    const results = nets.map((net) => net.fit(train, {
      epochs: 12, optimizer: 'momentum', learningRate: 0.02, batchSize: 2, shuffle: true, seed: 1, validation: held,
      earlyStopping: { patience: 3, restoreBestWeights: true }, learningRateSchedule: { type: 'plateau', patience: 1 },
    }));
    for (const pick of [(r: typeof results[0]) => r.losses, (r: typeof results[0]) => r.validationLosses as Float64Array, (r: typeof results[0]) => r.validationAccuracies as Float64Array]) {
      expect(new Set(results.map((r) => bits(pick(r)))).size).toBe(1);
    }
    expect(new Set(nets.map(paramBits)).size).toBe(1);
  });
});

describe('bad options throw and change nothing', () => {
  it.each([
    [{ validation: 5 }, TypeError, /options.validation must be an array of \{ xs, targets \} or \{ split \}, got 5/],
    [{ validation: { split: 0 } }, RangeError, /options.validation.split must be in \(0, 1\), got 0/],
    [{ validation: { split: 1 } }, RangeError, /options.validation.split must be in \(0, 1\), got 1/],
    [{ validation: { split: 0.9 } }, RangeError, /options.validation.split 0.9 of 4 sequences leaves none to train on/],
    [{ validation: { splitt: 0.1 } }, TypeError, /splitt/],
    [{ validation: [] }, RangeError, /options.validation must hold at least one sequence/],
    [{ validation: [{ xs: [[1, 0, 0]], targets: [3] }] }, RangeError, /options.validation\[0\].targets\[0\] must be an integer in \[0, 2\], got 3/],
    [{ earlyStopping: { patience: -1 } }, RangeError, /options.earlyStopping.patience/],
    [{ earlyStopping: { minDelta: -1 } }, RangeError, /options.earlyStopping.minDelta must be >= 0, got -1/],
    [{ earlyStopping: { monitor: 'validationLoss' } }, TypeError, /monitor 'validationLoss' needs options.validation/],
    [{ earlyStopping: { restoreBestWeights: 1 } }, TypeError, /restoreBestWeights must be a boolean, got 1/],
    [{ learningRateSchedule: { type: 'step', stepSize: 2 } }, TypeError, /applies to the optimisers that take a rate .* not 'rprop', whose learningRate is only its first step size/],
    [{ optimizer: 'adam', learningRateSchedule: { type: 'cosine' } }, TypeError, /options.learningRateSchedule.type must be one of 'step', 'exponential', 'plateau', got "cosine"/],
    [{ optimizer: 'adam', learningRateSchedule: { type: 'step' } }, TypeError, /stepSize is required/],
    [{ optimizer: 'adam', learningRateSchedule: { type: 'exponential', gamma: 0 } }, RangeError, /gamma must be positive, got 0/],
    [{ optimizer: 'adam', learningRateSchedule: { type: 'plateau', factor: 1 } }, RangeError, /factor must be in \(0, 1\), got 1/],
  ] as const)('%o', async (extra, type, message) => {
    const rnn = await create('ts', 3, 4, 3, { seed: 1 });
    rnn.forward([[1, 0, 0]]);
    const before = stateDigest(rnn);
    const call = () => rnn.fit(examples(11, 4), { epochs: 2, ...(extra as object) });
    expect(call).toThrow(type);
    expect(call).toThrow(message);
    expect(stateDigest(rnn)).toBe(before);
  });
});
