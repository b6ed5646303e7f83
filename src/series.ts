// Numeric series as training windows for a forecasting model (output 'linear', inputDim =
// outputDim = the number of columns), with the standardising scaler fitted on the training part.
import { checkFinite, checkInteger, checkOptionKeys, show } from './errors.js';
import { readLength } from './inputs.js';

/**
 * Standardises each column of a series: (x - mean) / std, with the mean and the (population)
 * standard deviation of the training part; a constant column has std 1. `inverse` maps a model's
 * outputs back to the original units. A model keeps its scaler in its file (`rnn.setScaler`).
 *
 * @example
 * const scaler = new Scaler([112], [33.5]);
 * scaler.transform([[145.5]]); // [[1]]
 * scaler.inverse([[1]]); // [[145.5]]
 */
export class Scaler {
  /**
   * The mean of each column.
   *
   * @example
   * new Scaler([1, 2], [3, 4]).mean; // Float64Array [1, 2]
   */
  readonly mean: Float64Array;
  /**
   * The standard deviation of each column (positive).
   *
   * @example
   * new Scaler([1, 2], [3, 4]).std; // Float64Array [3, 4]
   */
  readonly std: Float64Array;

  /**
   * A scaler from its means and standard deviations: finite numbers, the deviations positive.
   *
   * @example
   * const scaler = new Scaler([0.5], [2]);
   */
  constructor(mean: ArrayLike<number>, std: ArrayLike<number>) {
    const where = 'Scaler';
    const n = readLength(where, 'mean', mean);
    if (n === 0) throw new RangeError(`${where}: mean must have at least one column, got length 0`);
    if (readLength(where, 'std', std) !== n) throw new RangeError(`${where}: std must have length ${n} (as mean), got length ${std.length}`);
    const m = new Float64Array(n), s = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      m[j] = checkFinite(where, `mean[${j}]`, mean[j]);
      s[j] = checkFinite(where, `std[${j}]`, std[j]);
      if (!(s[j] > 0)) throw new RangeError(`${where}: std[${j}] must be positive, got ${s[j]}`);
    }
    this.mean = m;
    this.std = s;
  }

  /**
   * Fits a scaler to the rows of a series (each a vector of the same length).
   *
   * @example
   * Scaler.fit([[1], [2], [3]]).mean; // Float64Array [2]
   */
  static fit(rows: ArrayLike<ArrayLike<number>>): Scaler {
    const D = rows[0].length, n = rows.length;
    const mean = new Float64Array(D), std = new Float64Array(D);
    for (let i = 0; i < n; i++) for (let j = 0; j < D; j++) mean[j] += rows[i][j];
    for (let j = 0; j < D; j++) mean[j] /= n;
    for (let i = 0; i < n; i++) for (let j = 0; j < D; j++) std[j] += (rows[i][j] - mean[j]) ** 2;
    for (let j = 0; j < D; j++) {
      const s = Math.sqrt(std[j] / n);
      std[j] = s > 0 && Number.isFinite(s) ? s : 1;
    }
    return new Scaler(mean, std);
  }

  /**
   * The number of columns.
   *
   * @example
   * new Scaler([1, 2], [3, 4]).columns; // 2
   */
  get columns(): number {
    return this.mean.length;
  }

  /**
   * Rows in original units, standardised.
   *
   * @example
   * new Scaler([1], [2]).transform([[5]]); // [Float64Array [2]]
   */
  transform(rows: ArrayLike<ArrayLike<number>>): Float64Array[] {
    return Array.from(rows, (r) => Float64Array.from(r, (v, j) => (v - this.mean[j]) / this.std[j]));
  }

  /**
   * Standardised rows (a model's outputs), in original units.
   *
   * @example
   * new Scaler([1], [2]).inverse([[2]]); // [Float64Array [5]]
   */
  inverse(rows: ArrayLike<ArrayLike<number>>): Float64Array[] {
    return Array.from(rows, (r) => Float64Array.from(r, (v, j) => v * this.std[j] + this.mean[j]));
  }

  /**
   * The scaler as JSON: `{ mean, std }`.
   *
   * @example
   * JSON.stringify(new Scaler([1], [2])); // '{"mean":[1],"std":[2]}'
   */
  toJSON(): { mean: number[]; std: number[] } {
    return { mean: Array.from(this.mean), std: Array.from(this.std) };
  }
}

/**
 * Options of `seriesDataset`.
 *
 * @example
 * const options: SeriesOptions = { length: 24, horizon: 1, stride: 1, test: 0.2 };
 */
export interface SeriesOptions {
  /** Steps in each window. */
  length: number;
  /** How far ahead each target is: the row `horizon` steps after its input. Default 1. */
  horizon?: number;
  /** Steps between the starts of two windows. Default 1. */
  stride?: number;
  /** The fraction of the series held out at its end, in [0, 1). Default 0. */
  test?: number;
  /** 'every' (default): a target at every step of a window; 'last': one, for its last step. */
  outputAt?: 'every' | 'last';
  /** Standardise with a scaler fitted on the training part (default true). */
  scale?: boolean;
}

/**
 * What `seriesDataset` returns.
 *
 * @example
 * const { train, test, scaler, columns, split }: SeriesDataset = seriesDataset(values, { length: 12 });
 */
export interface SeriesDataset {
  /** Windows over the training part (rows 0 .. split-1), standardised: `fit`'s data. */
  train: { xs: Float64Array[]; targets: Float64Array[] }[];
  /** Windows whose last target lies in the held-out part (rows split ..), standardised. */
  test: { xs: Float64Array[]; targets: Float64Array[] }[];
  /** Fitted on the training part; the identity (mean 0, std 1) with `scale: false`. */
  scaler: Scaler;
  /** Numbers per row: the model's inputDim and outputDim. */
  columns: number;
  /** The first held-out row (the length of the series without `test`). */
  split: number;
}

/** A series as rows: numbers (one column) or vectors of the same length (several), checked and copied. */
export function readSeries(where: string, name: string, series: unknown): Float64Array[] {
  const n = readLength(where, name, series);
  const v = series as ArrayLike<unknown>;
  const rows: Float64Array[] = [];
  let D = -1;
  for (let i = 0; i < n; i++) {
    const x = v[i];
    let row: Float64Array;
    if (typeof x === 'number') row = Float64Array.of(checkFinite(where, `${name}[${i}]`, x));
    else if (typeof x === 'object' && x !== null) {
      const k = readLength(where, `${name}[${i}]`, x);
      row = new Float64Array(k);
      for (let j = 0; j < k; j++) row[j] = checkFinite(where, `${name}[${i}][${j}]`, (x as ArrayLike<unknown>)[j]);
    } else throw new TypeError(`${where}: ${name}[${i}] must be a number or a vector of numbers, got ${show(x)}`);
    if (D === -1) D = row.length;
    if (row.length !== D || D === 0) throw new RangeError(`${where}: ${name}[${i}] must have ${D || 'at least one'} column(s) (as ${name}[0]), got ${row.length}`);
    rows.push(row);
  }
  return rows;
}

/**
 * Turns a numeric series into training windows for a forecasting model: one column (numbers) or
 * several (rows of the same length, such as the columns of a CSV file). Each window has `length`
 * steps; its targets are the rows `horizon` steps later, at every step or (outputAt 'last') for
 * the last step only. Windows start every `stride` rows. The last `test` fraction of the rows is
 * held out: the scaler is fitted on the rest only, and `test` holds the windows whose last target
 * lies in the held-out part. Train a model of `columns` inputs and outputs with output 'linear'.
 *
 * @example
 * const values = Array.from({ length: 200 }, (_, t) => Math.sin(t / 5));
 * const data = seriesDataset(values, { length: 20, test: 0.2 });
 * const rnn = await RNN.create(1, 16, 1, { output: 'linear', seed: 1 });
 * rnn.setScaler(data.scaler);
 * rnn.fit(data.train, { epochs: 20, optimizer: 'adam', learningRate: 0.01, validation: data.test });
 * rnn.forecast(values.slice(140, 160).map((v) => [v]), 40); // in the series' units
 */
export function seriesDataset(series: ArrayLike<number> | ArrayLike<ArrayLike<number>>, options: SeriesOptions): SeriesDataset {
  const where = 'seriesDataset';
  const rows = readSeries(where, 'series', series);
  const o = checkOptionKeys(where, options, ['length', 'horizon', 'stride', 'test', 'outputAt', 'scale']);
  if (o.length === undefined) throw new TypeError(`${where}: options.length is required`);
  const length = checkInteger(where, 'options.length', o.length, 1);
  const horizon = o.horizon === undefined ? 1 : checkInteger(where, 'options.horizon', o.horizon, 1);
  const stride = o.stride === undefined ? 1 : checkInteger(where, 'options.stride', o.stride, 1);
  const test = o.test === undefined ? 0 : checkFinite(where, 'options.test', o.test);
  if (!(test >= 0 && test < 1)) throw new RangeError(`${where}: options.test must be in [0, 1), got ${test}`);
  const outputAt = o.outputAt ?? 'every';
  if (outputAt !== 'every' && outputAt !== 'last') throw new TypeError(`${where}: options.outputAt must be 'every' or 'last', got ${show(outputAt)}`);
  if (o.scale !== undefined && typeof o.scale !== 'boolean') throw new TypeError(`${where}: options.scale must be a boolean, got ${show(o.scale)}`);
  const N = rows.length;
  const split = N - Math.round(N * test);
  const span = length + horizon; // rows a window reads, inputs and targets
  if (split < span) {
    throw new RangeError(`${where}: a window of length ${length} and horizon ${horizon} needs ${span} rows of training data, got ${split} (of ${N}, test ${test})`);
  }
  const D = rows[0].length;
  const scaler = o.scale === false ? new Scaler(new Float64Array(D), new Float64Array(D).fill(1)) : Scaler.fit(rows.slice(0, split));
  const scaled = scaler.transform(rows);
  const window = (i: number) => {
    const xs = scaled.slice(i, i + length);
    const targets = outputAt === 'last' ? [scaled[i + length - 1 + horizon]] : scaled.slice(i + horizon, i + length + horizon);
    return { xs, targets };
  };
  const train = [], held = [];
  for (let i = 0; i + span <= split; i += stride) train.push(window(i));
  // Held-out windows: those whose last target row, i + span - 1, is at or after the split.
  for (let i = Math.max(0, split - span + 1); i + span <= N; i += stride) held.push(window(i));
  return { train, test: split < N ? held : [], scaler, columns: D, split };
}
