// Forecasting: series as windows with a scaler fitted on the training part, forecasts of held-out
// data against the naive last-value forecast, the scaler in the model file; and a sequence-label
// task with outputAt 'last'.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RNN, Scaler, seriesDataset } from '../src/index.js';
import { bits, create, lcg } from './helpers.js';
import { stateDigest } from './internals.js';

/** The shipped series: Box and Jenkins's monthly airline passengers, 1949-1960. */
const AIRLINE = readFileSync(new URL('../examples/data/airline-passengers.csv', import.meta.url), 'utf8')
  .trim().split('\n').slice(1).map((line) => Number(line.split(',')[1]));

const mse = (a: number[], b: number[]): number => a.reduce((s, v, i) => s + (v - b[i]) ** 2, 0) / a.length;

describe('seriesDataset', () => {
  it('windows of length, horizon and stride; targets at every step or the last', () => {
    const values = Array.from({ length: 10 }, (_, t) => t);
    const every = seriesDataset(values, { length: 3, scale: false });
    expect(every.train).toHaveLength(7);
    expect(every.train[2].xs.map((x) => [...x])).toEqual([[2], [3], [4]]);
    expect(every.train[2].targets.map((x) => [...x])).toEqual([[3], [4], [5]]);
    const last = seriesDataset(values, { length: 3, horizon: 2, stride: 3, outputAt: 'last', scale: false });
    expect(last.train.map((w) => [w.xs[0][0], w.targets.length, w.targets[0][0]])).toEqual([[0, 1, 4], [3, 1, 7]]);
  });

  it('holds out the end; the scaler is fitted on the training part only; test windows end in the held-out part', () => {
    const values = Array.from({ length: 20 }, (_, t) => [t, 2 * t * t]);
    const data = seriesDataset(values, { length: 4, test: 0.25 });
    expect([data.split, data.columns]).toEqual([15, 2]);
    const mean = [7, (2 * Array.from({ length: 15 }, (_, t) => t * t).reduce((a, b) => a + b)) / 15];
    expect([...data.scaler.mean]).toEqual(mean);
    expect(data.scaler.std[0]).toBeCloseTo(Math.sqrt((15 * 15 - 1) / 12), 12);
    const original = (w: { targets: Float64Array[] }) => data.scaler.inverse(w.targets).map((r) => Math.round(r[0]));
    expect(data.train.every((w) => original(w).every((t) => t < 15))).toBe(true);
    expect(data.test.map((w) => original(w).at(-1))).toEqual([15, 16, 17, 18, 19]);
    expect(data.scaler.transform([[7, mean[1]]]).map((r) => [...r])).toEqual([[0, 0]]);
  });

  it('refuses bad series and options with clear errors', () => {
    expect(() => seriesDataset([1, 2, NaN, 4], { length: 1 })).toThrow(/series\[2\] must be a finite number, got NaN/);
    expect(() => seriesDataset([[1, 2], [3]], { length: 1 })).toThrow(RangeError);
    expect(() => seriesDataset([1, 2, 3], { length: 3 })).toThrow(/needs 4 rows of training data, got 3/);
    expect(() => seriesDataset([1, 2, 3], { length: 1, test: 1 })).toThrow(/options.test must be in \[0, 1\), got 1/);
    expect(() => seriesDataset([1, 2, 3], {} as never)).toThrow(/options.length is required/);
    expect(() => new Scaler([0], [0])).toThrow(/std\[0\] must be positive, got 0/);
  });
});

/** Trains a forecasting model on the training part and forecasts the held-out part. */
async function forecastHeldOut(values: number[], options: { length: number; test: number; hidden: number; epochs: number; seed: number }) {
  const data = seriesDataset(values, { length: options.length, test: options.test });
  const rnn = await create('wasm-simd', 1, options.hidden, 1, { seed: options.seed, output: 'linear' });
  rnn.setScaler(data.scaler);
  const result = rnn.fit(data.train, { epochs: options.epochs, optimizer: 'adam', learningRate: 0.005, batchSize: 8, shuffle: true, seed: 1 });
  const held = values.slice(data.split);
  const history = values.slice(0, data.split).map((v) => [v]);
  const forecast = rnn.forecast(history, held.length).map((y) => y[0]);
  const naive = held.map(() => values[data.split - 1]);
  return { rnn, result, held, forecast, naive };
}

describe('forecasting held-out data beats the naive last-value forecast', () => {
  it('a noisy sine', async () => {
    const random = lcg(1);
    const values = Array.from({ length: 300 }, (_, t) => Math.sin((2 * Math.PI * t) / 25) + 0.1 * (2 * random() - 1));
    const { held, forecast, naive } = await forecastHeldOut(values, { length: 25, test: 0.2, hidden: 12, epochs: 30, seed: 2 });
    const clean = held.map((_, k) => Math.sin((2 * Math.PI * (240 + k)) / 25));
    expect(mse(forecast, held)).toBeLessThan(mse(naive, held) / 4);
    expect(mse(forecast, clean)).toBeLessThan(0.05);
  });

  it('the airline passengers of Box and Jenkins, the last two years held out', async () => {
    expect(AIRLINE).toHaveLength(144);
    const { held, forecast, naive } = await forecastHeldOut(AIRLINE, { length: 24, test: 1 / 6, hidden: 16, epochs: 150, seed: 3 });
    expect(mse(forecast, held)).toBeLessThan(mse(naive, held) / 2);
  });
});

describe('the scaler in the model file', () => {
  it('a loaded model forecasts in the original units, to the bit', async () => {
    const values = Array.from({ length: 60 }, (_, t) => 100 + 10 * Math.sin(t / 3));
    const data = seriesDataset(values, { length: 10 });
    const rnn = await create('ts', 1, 5, 1, { seed: 1, output: 'linear' });
    rnn.setScaler(data.scaler);
    rnn.fit(data.train, { epochs: 3, optimizer: 'adam' });
    const history = values.slice(0, 20).map((v) => [v]);
    const forecast = rnn.forecast(history, 10);
    expect(forecast.every((y) => y[0] > 50 && y[0] < 150)).toBe(true); // original units
    const file = JSON.parse(JSON.stringify(rnn)) as { scaler: unknown };
    expect(file.scaler).toEqual(data.scaler.toJSON());
    const loaded = await RNN.fromJSON(JSON.stringify(rnn), { backend: 'wasm' });
    expect(bits(loaded.forecast(history, 10).flatMap((y) => [...y]))).toBe(bits(forecast.flatMap((y) => [...y])));
    expect(bits(loaded.getScaler()?.std ?? [])).toBe(bits(data.scaler.std));
    rnn.setScaler(null);
    expect(rnn.forecast(history, 1)[0][0]).not.toBeCloseTo(forecast[0][0], 3);
  });

  it('a bad scaler is refused, by setScaler and in a file, and changes nothing', async () => {
    const rnn = await create('ts', 1, 3, 1, { seed: 1, output: 'linear' });
    const before = stateDigest(rnn);
    expect(() => rnn.setScaler(new Scaler([0, 0], [1, 1]))).toThrow(/the scaler has 2 column\(s\)/);
    expect(() => rnn.setScaler({ mean: [0], std: [1] } as never)).toThrow(TypeError);
    const softmax = await create('ts', 1, 3, 1, { seed: 1 });
    expect(() => softmax.setScaler(new Scaler([0], [1]))).toThrow(/applies to output 'linear'/);
    expect(rnn.getScaler()).toBeNull();
    expect(stateDigest(rnn)).toBe(before);
    const file = { ...rnn.toJSON(), scaler: { mean: [0], std: [-1] } };
    await expect(RNN.fromJSON(file, { backend: 'ts' })).rejects.toThrow(/scaler.std\[0\] must be positive, got -1/);
    await expect(RNN.fromJSON({ ...file, scaler: { mean: [0, 1], std: [1, 1] } }, { backend: 'ts' })).rejects.toThrow(RangeError);
  });
});

describe('a sequence label with outputAt last', () => {
  it('the parity of a bit sequence, solved on held-out sequences of other lengths', async () => {
    const random = lcg(4);
    const sequence = (T: number) => {
      const bitsOf = Array.from({ length: T }, (): number => (random() < 0.5 ? 1 : 0));
      return { xs: bitsOf.map((b) => [b, 1 - b]), targets: [bitsOf.reduce((a, b) => a ^ b, 0)] };
    };
    const train = Array.from({ length: 200 }, (_, k) => sequence(2 + (k % 7)));
    const held = Array.from({ length: 100 }, (_, k) => sequence(3 + (k % 6)));
    const rnn = await create('wasm-simd', 2, 24, 2, { seed: 6, outputAt: 'last' });
    const result = rnn.fit(train, {
      epochs: 300, optimizer: 'adam', learningRate: 0.01, batchSize: 10, shuffle: true, seed: 1,
      validation: held,
    });
    let right = 0;
    for (const { xs, targets } of held) {
      rnn.resetHistory();
      const predicted = rnn.predict(xs);
      expect(predicted).toHaveLength(1);
      if (predicted[0] === targets[0]) right++;
    }
    expect(right / held.length).toBeGreaterThanOrEqual(0.95);
    expect(result.validationAccuracy).toBe(right / held.length);
  });
});
