// The options of train and fit, their checks, and what training returns (the loops are in
// src/training.ts).
import { checkInteger, checkOptionKeys, show } from './errors.js';
import { resolveOptimizer, type Optimizer, type OptimizerName } from './optimizers.js';
import type { Seed } from './random.js';

/**
 * How training went: the loss of every iteration and why it stopped.
 *
 * @example
 * const { stopped, iterations, loss }: TrainResult = rnn.train(xs, targets, { iterations: 100 });
 */
export interface TrainResult {
  /** Iterations (epochs, for `fit`) whose loss was recorded: `losses.length`. */
  iterations: number;
  /** The last entry of `losses` (NaN when none was recorded). */
  loss: number;
  /** The loss of every iteration (for `fit`, of every epoch: the mean over its sequences). */
  losses: Float64Array;
  /**
   * 'iterations': all ran. 'targetLoss': the loss reached `targetLoss`. 'callback': `onProgress`
   * returned false. 'aborted': `signal` was aborted. 'diverged': the loss or a weight stopped being
   * finite: the weights were put back to those of the last finite iteration and the optimiser's
   * state was emptied (the next update starts it afresh).
   */
  stopped: 'iterations' | 'targetLoss' | 'callback' | 'aborted' | 'diverged';
}

/**
 * What `onProgress` is told after each iteration (each epoch, for `fit`).
 *
 * @example
 * rnn.train(xs, targets, { iterations: 100, onProgress: ({ iteration, loss }: Progress) => console.log(iteration, loss) });
 */
export interface Progress {
  iteration: number;
  loss: number;
}

/**
 * Options of `train`: how long, which optimiser, and when to stop.
 *
 * @example
 * const options: TrainOptions = { iterations: 1000, optimizer: 'adam', learningRate: 0.01, clip: 5, targetLoss: 0.01 };
 */
export interface TrainOptions {
  /** How many iterations (each resets the history, runs the sequence and updates once). */
  iterations: number;
  /** Defaults per optimiser: see DEFAULT_LEARNING_RATES. For the Rprop family, the initial step. */
  learningRate?: number;
  /** Default 'rprop'. */
  optimizer?: OptimizerName;
  /** For 'momentum': default 0.9. */
  momentum?: number;
  /** For 'adam': defaults 0.9, 0.999 and 1e-8. */
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** Clip every gradient element to [-clip, clip] before the update. */
  clip?: number;
  /** Stop once the loss is at or below this. */
  targetLoss?: number;
  /** Print progress every this many iterations. */
  printEvery?: number;
  /** Called after each iteration's loss; returning false stops training. */
  onProgress?: (progress: Progress) => void | boolean;
  /** Aborting it stops training before the next iteration. */
  signal?: AbortSignal;
}

/**
 * Options of `fit`: those of `train` but `iterations`, and how to go through the data.
 *
 * @example
 * const options: FitOptions = { epochs: 20, batchSize: 4, shuffle: true, seed: 1, optimizer: 'adam' };
 */
export interface FitOptions extends Omit<TrainOptions, 'iterations'> {
  /** Passes over the data. */
  epochs: number;
  /** Sequences per update; the batch's gradient is the mean of theirs. Default 1. */
  batchSize?: number;
  /** Shuffle the sequences at every epoch (default false), with `seed`. */
  shuffle?: boolean;
  /** seedrandom seed for shuffling. */
  seed?: Seed;
  /**
   * Carry the hidden state from each sequence to the next, as consecutive chunks of one stream
   * (truncated backpropagation through time, as min-char-rnn trains); it restarts from zero at
   * each epoch. Needs batchSize 1 and no shuffling. Default false.
   */
  carryState?: boolean;
}

/**
 * One training sequence for `fit`: its inputs (vectors, or class ids for a model with
 * `input: 'index'`) and one target per step.
 *
 * @example
 * const example: Example = { xs: [[1, 0], [0, 1]], targets: [1, 0] };
 * const ids: Example = { xs: [0, 1], targets: [1, 0] }; // input: 'index'
 */
export interface Example {
  xs: ArrayLike<ArrayLike<number>> | ArrayLike<number>;
  /** One per step, or one with outputAt 'last': class ids, or for a linear output vectors (numbers where outputDim is 1). */
  targets: ArrayLike<number> | ArrayLike<ArrayLike<number>>;
}

/** Checked options shared by train and fit. */
export interface Schedule {
  optimizer: Optimizer;
  targetLoss?: number;
  printEvery?: number;
  onProgress?: (progress: Progress) => void | boolean;
  signal?: AbortSignal;
}

const SCHEDULE_KEYS = ['learningRate', 'optimizer', 'momentum', 'beta1', 'beta2', 'eps', 'clip', 'targetLoss', 'printEvery', 'onProgress', 'signal'];


function checkSchedule(where: string, o: Record<string, unknown>): Schedule {
  const optimizer = resolveOptimizer(where, o);
  const schedule: Schedule = { optimizer };
  if (o.targetLoss !== undefined) {
    if (typeof o.targetLoss !== 'number' || Number.isNaN(o.targetLoss)) {
      throw new TypeError(`${where}: options.targetLoss must be a number, got ${show(o.targetLoss)}`);
    }
    schedule.targetLoss = o.targetLoss;
  }
  if (o.printEvery !== undefined) schedule.printEvery = checkInteger(where, 'options.printEvery', o.printEvery, 1);
  if (o.onProgress !== undefined) {
    if (typeof o.onProgress !== 'function') throw new TypeError(`${where}: options.onProgress must be a function, got ${show(o.onProgress)}`);
    schedule.onProgress = o.onProgress as Schedule['onProgress'];
  }
  if (o.signal !== undefined) {
    const signal = o.signal as { aborted?: unknown };
    if (typeof signal !== 'object' || signal === null || typeof signal.aborted !== 'boolean') {
      throw new TypeError(`${where}: options.signal must be an AbortSignal, got ${show(o.signal)}`);
    }
    schedule.signal = o.signal as AbortSignal;
  }
  return schedule;
}

export function checkTrainOptions(where: string, options: unknown): Schedule & { iterations: number } {
  const o = checkOptionKeys(where, options, ['iterations', ...SCHEDULE_KEYS]);
  if (o.iterations === undefined) throw new TypeError(`${where}: options.iterations is required`);
  const iterations = checkInteger(where, 'options.iterations', o.iterations, 0);
  return { ...checkSchedule(where, o), iterations };
}

export interface FitPlan extends Schedule {
  epochs: number;
  batchSize: number;
  shuffle: boolean;
  seed?: Seed;
  carryState: boolean;
}

export function checkFitOptions(where: string, options: unknown): FitPlan {
  const o = checkOptionKeys(where, options, ['epochs', 'batchSize', 'shuffle', 'seed', 'carryState', ...SCHEDULE_KEYS]);
  if (o.epochs === undefined) throw new TypeError(`${where}: options.epochs is required`);
  const epochs = checkInteger(where, 'options.epochs', o.epochs, 0);
  const batchSize = o.batchSize === undefined ? 1 : checkInteger(where, 'options.batchSize', o.batchSize, 1);
  const flag = (key: string): boolean => {
    if (o[key] === undefined) return false;
    if (typeof o[key] !== 'boolean') throw new TypeError(`${where}: options.${key} must be a boolean, got ${show(o[key])}`);
    return o[key] as boolean;
  };
  const shuffle = flag('shuffle'), carryState = flag('carryState');
  if (carryState && (shuffle || batchSize !== 1)) {
    throw new RangeError(`${where}: options.carryState needs batchSize 1 and shuffle false, got batchSize ${batchSize} and shuffle ${shuffle}`);
  }
  return { ...checkSchedule(where, o), epochs, batchSize, shuffle, seed: o.seed as Seed | undefined, carryState };
}
