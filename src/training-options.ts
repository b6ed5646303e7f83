// The options of train and fit, their checks, and what training returns (the loops are in
// src/training.ts).
import { checkFinite, checkInteger, checkOptionKeys, show } from './errors.js';
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
   * state was emptied (the next update starts it afresh). 'earlyStopping' (fit): the monitored
   * loss stopped improving for `earlyStopping.patience` epochs.
   */
  stopped: 'iterations' | 'targetLoss' | 'callback' | 'aborted' | 'diverged' | 'earlyStopping';
  /** fit with `validation`: the validation loss after every epoch (the mean over its sequences), and the last. */
  validationLosses?: Float64Array;
  validationLoss?: number;
  /** fit with `validation`, for a softmax output: the fraction of validation targets predicted, after every epoch, and the last. */
  validationAccuracies?: Float64Array;
  validationAccuracy?: number;
  /** fit with `earlyStopping`: the epoch whose monitored loss was the best. */
  bestEpoch?: number;
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
  /** fit with `validation`: this epoch's validation loss (and accuracy, for a softmax output). */
  validationLoss?: number;
  validationAccuracy?: number;
  /** fit with `learningRateSchedule`: the rate this epoch's updates used. */
  learningRate?: number;
}

/**
 * Held-out data for `fit`: sequences of their own, or `{ split }`, the last fraction of the data
 * (as Keras's validation_split: taken before any shuffling, and not trained on).
 *
 * @example
 * const held: Validation = { split: 0.2 };
 */
export type Validation = ArrayLike<Example> | { split: number };

/**
 * Early stopping, as Keras's EarlyStopping: after each epoch the monitored loss improves when it is
 * below the best so far by more than `minDelta` (default 0); training stops when it has not
 * improved for `patience` epochs (default 0: at the first epoch that does not improve). With
 * `restoreBestWeights` (default false), a run that stops this way puts back the weights of the
 * best epoch (the optimiser's state stays as it is, as in Keras). `monitor` defaults to
 * 'validationLoss' when there is validation data, else 'loss'.
 *
 * @example
 * const stopping: EarlyStopping = { patience: 10, minDelta: 1e-4, restoreBestWeights: true };
 */
export interface EarlyStopping {
  patience?: number;
  minDelta?: number;
  restoreBestWeights?: boolean;
  monitor?: 'loss' | 'validationLoss';
}

/**
 * A learning-rate schedule for `fit`, by epoch, as torch.optim.lr_scheduler's: 'step' multiplies
 * the rate by `gamma` (default 0.1) every `stepSize` epochs (StepLR); 'exponential' by `gamma`
 * every epoch (ExponentialLR); 'plateau' by `factor` (default 0.1) when the monitored loss (the
 * validation loss if there is validation data, else the training loss) has not improved on the
 * best by a relative `threshold` (default 1e-4) for more than `patience` epochs (default 10), and
 * never below `minLearningRate` (default 0) (ReduceLROnPlateau). For the optimisers that take a
 * rate: sgd, momentum, adagrad, adam and rprop-notebook (for rprop and irprop+ the rate is only
 * the first step size).
 *
 * @example
 * const decay: LearningRateSchedule = { type: 'step', stepSize: 30, gamma: 0.5 };
 */
export type LearningRateSchedule =
  | { type: 'step'; stepSize: number; gamma?: number }
  | { type: 'exponential'; gamma: number }
  | { type: 'plateau'; factor?: number; patience?: number; threshold?: number; minLearningRate?: number };

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
   * each epoch. With batchSize B the data is B streams side by side: each sequence carries on
   * from the one B places before it (textDataset's `streams` orders a text so). Needs no
   * shuffling. Default false.
   */
  carryState?: boolean;
  /** Held-out data, evaluated after every epoch: see Validation. */
  validation?: Validation;
  /** Stop when the monitored loss stops improving: see EarlyStopping. */
  earlyStopping?: EarlyStopping;
  /** Change the learning rate from epoch to epoch: see LearningRateSchedule. */
  learningRateSchedule?: LearningRateSchedule;
  /**
   * fitAsync only: compute each batch's gradients in this many workers (worker_threads in Node,
   * module Workers in browsers), data-parallel. Each batch is cut into shards of `shardSize`
   * sequences, whatever the number of workers; worker w computes shards w, w + n, ... on its own
   * copy of the model, and the shards' gradients are added in shard order on the caller's
   * thread, which updates the model. So every number of workers gives the same bits.
   */
  workers?: number;
  /** With workers: sequences per shard (default 8, or batchSize if smaller). Part of the arithmetic: changing it changes the last bits. */
  shardSize?: number;
  /**
   * With workers: share the parameters and gradients with them through a SharedArrayBuffer
   * (default: where there is one, always in Node and in cross-origin isolated pages), or send
   * them in messages (false). The same bits either way.
   */
  sharedMemory?: boolean;
}

/** With workers, the sequences of a shard unless `shardSize` says otherwise. */
export const DEFAULT_SHARD_SIZE = 8;

/** Workers of one run, at most: more than that many is a mistake, not a machine. */
export const MAX_WORKERS = 256;

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
  /** Data-parallel: how many workers, the sequences of a shard, and whether memory is shared. */
  workers?: { count: number; shardSize: number; sharedMemory?: boolean };
  shuffle: boolean;
  seed?: Seed;
  carryState: boolean;
  /** The held-out fraction, or the held-out data (read by the facade). */
  validation?: { split: number } | { data: unknown };
  earlyStopping?: Required<EarlyStopping>;
  learningRateSchedule?: CheckedSchedule;
}

/** A learning-rate schedule, checked, with its defaults. */
export type CheckedSchedule =
  | { type: 'step'; stepSize: number; gamma: number }
  | { type: 'exponential'; gamma: number }
  | { type: 'plateau'; factor: number; patience: number; threshold: number; minLearningRate: number };

/** The optimisers whose every update is scaled by the learning rate, so that a schedule applies. */
const SCHEDULED: readonly string[] = ['sgd', 'momentum', 'adagrad', 'adam', 'rprop-notebook'];

function checkValidation(where: string, value: unknown): FitPlan['validation'] {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null) {
    throw new TypeError(`${where}: options.validation must be an array of { xs, targets } or { split }, got ${show(value)}`);
  }
  if (!('length' in value)) {
    const o = checkOptionKeys(where, value, ['split']);
    if (o.split === undefined) throw new TypeError(`${where}: options.validation must be an array of { xs, targets } or { split }, got an object without split`);
    const split = checkFinite(where, 'options.validation.split', o.split);
    if (!(split > 0 && split < 1)) throw new RangeError(`${where}: options.validation.split must be in (0, 1), got ${split}`);
    return { split };
  }
  return { data: value };
}

function checkEarlyStopping(where: string, value: unknown, hasValidation: boolean): Required<EarlyStopping> | undefined {
  if (value === undefined) return undefined;
  const o = checkOptionKeys(where, value, ['patience', 'minDelta', 'restoreBestWeights', 'monitor']);
  const patience = o.patience === undefined ? 0 : checkInteger(where, 'options.earlyStopping.patience', o.patience, 0);
  const minDelta = o.minDelta === undefined ? 0 : checkFinite(where, 'options.earlyStopping.minDelta', o.minDelta);
  if (minDelta < 0) throw new RangeError(`${where}: options.earlyStopping.minDelta must be >= 0, got ${minDelta}`);
  if (o.restoreBestWeights !== undefined && typeof o.restoreBestWeights !== 'boolean') {
    throw new TypeError(`${where}: options.earlyStopping.restoreBestWeights must be a boolean, got ${show(o.restoreBestWeights)}`);
  }
  const monitor = o.monitor ?? (hasValidation ? 'validationLoss' : 'loss');
  if (monitor !== 'loss' && monitor !== 'validationLoss') {
    throw new TypeError(`${where}: options.earlyStopping.monitor must be 'loss' or 'validationLoss', got ${show(monitor)}`);
  }
  if (monitor === 'validationLoss' && !hasValidation) {
    throw new TypeError(`${where}: options.earlyStopping.monitor 'validationLoss' needs options.validation`);
  }
  return { patience, minDelta, restoreBestWeights: o.restoreBestWeights === true, monitor };
}

function checkLearningRateSchedule(where: string, value: unknown, optimizer: Optimizer): CheckedSchedule | undefined {
  if (value === undefined) return undefined;
  const name = 'options.learningRateSchedule';
  if (typeof value !== 'object' || value === null) throw new TypeError(`${where}: ${name} must be an object, got ${show(value)}`);
  const type = (value as { type?: unknown }).type;
  const positive = (o: Record<string, unknown>, key: string, fallback: number | undefined, below1: boolean): number => {
    if (o[key] === undefined) {
      if (fallback === undefined) throw new TypeError(`${where}: ${name}.${key} is required for type '${String(type)}'`);
      return fallback;
    }
    const v = checkFinite(where, `${name}.${key}`, o[key]);
    if (!(v > 0) || (below1 && !(v < 1))) throw new RangeError(`${where}: ${name}.${key} must be ${below1 ? 'in (0, 1)' : 'positive'}, got ${v}`);
    return v;
  };
  let schedule: CheckedSchedule;
  if (type === 'step') {
    const o = checkOptionKeys(where, value, ['type', 'stepSize', 'gamma']);
    if (o.stepSize === undefined) throw new TypeError(`${where}: ${name}.stepSize is required for type 'step'`);
    schedule = { type, stepSize: checkInteger(where, `${name}.stepSize`, o.stepSize, 1), gamma: positive(o, 'gamma', 0.1, false) };
  } else if (type === 'exponential') {
    const o = checkOptionKeys(where, value, ['type', 'gamma']);
    schedule = { type, gamma: positive(o, 'gamma', undefined, false) };
  } else if (type === 'plateau') {
    const o = checkOptionKeys(where, value, ['type', 'factor', 'patience', 'threshold', 'minLearningRate']);
    const minLearningRate = o.minLearningRate === undefined ? 0 : checkFinite(where, `${name}.minLearningRate`, o.minLearningRate);
    if (minLearningRate < 0) throw new RangeError(`${where}: ${name}.minLearningRate must be >= 0, got ${minLearningRate}`);
    const threshold = o.threshold === undefined ? 1e-4 : checkFinite(where, `${name}.threshold`, o.threshold);
    if (!(threshold >= 0 && threshold < 1)) throw new RangeError(`${where}: ${name}.threshold must be in [0, 1), got ${threshold}`);
    schedule = {
      type, factor: positive(o, 'factor', 0.1, true),
      patience: o.patience === undefined ? 10 : checkInteger(where, `${name}.patience`, o.patience, 0), threshold, minLearningRate,
    };
  } else {
    throw new TypeError(`${where}: ${name}.type must be one of 'step', 'exponential', 'plateau', got ${show(type)}`);
  }
  if (!SCHEDULED.includes(optimizer.name)) {
    throw new TypeError(`${where}: ${name} applies to the optimisers that take a rate (${SCHEDULED.map((s) => `'${s}'`).join(', ')}), not '${optimizer.name}', whose learningRate is only its first step size`);
  }
  return schedule;
}

export function checkFitOptions(where: string, options: unknown): FitPlan {
  const o = checkOptionKeys(where, options, [
    'epochs', 'batchSize', 'shuffle', 'seed', 'carryState', 'validation', 'earlyStopping', 'learningRateSchedule',
    'workers', 'shardSize', 'sharedMemory', ...SCHEDULE_KEYS,
  ]);
  if (o.epochs === undefined) throw new TypeError(`${where}: options.epochs is required`);
  const epochs = checkInteger(where, 'options.epochs', o.epochs, 0);
  const batchSize = o.batchSize === undefined ? 1 : checkInteger(where, 'options.batchSize', o.batchSize, 1);
  const flag = (key: string): boolean => {
    if (o[key] === undefined) return false;
    if (typeof o[key] !== 'boolean') throw new TypeError(`${where}: options.${key} must be a boolean, got ${show(o[key])}`);
    return o[key] as boolean;
  };
  const shuffle = flag('shuffle'), carryState = flag('carryState');
  if (carryState && shuffle) {
    throw new RangeError(`${where}: options.carryState needs shuffle false: its sequences are chunks of streams, in order`);
  }
  const schedule = checkSchedule(where, o);
  const validation = checkValidation(where, o.validation);
  const earlyStopping = checkEarlyStopping(where, o.earlyStopping, validation !== undefined);
  const learningRateSchedule = checkLearningRateSchedule(where, o.learningRateSchedule, schedule.optimizer);
  const plan: FitPlan = { ...schedule, epochs, batchSize, shuffle, seed: o.seed as Seed | undefined, carryState, validation, earlyStopping, learningRateSchedule };
  if (o.workers !== undefined) {
    const count = checkInteger(where, 'options.workers', o.workers, 1);
    if (count > MAX_WORKERS) throw new RangeError(`${where}: options.workers must be at most ${MAX_WORKERS}, got ${count}`);
    const shardSize = o.shardSize === undefined ? Math.min(DEFAULT_SHARD_SIZE, batchSize) : checkInteger(where, 'options.shardSize', o.shardSize, 1);
    plan.workers = { count, shardSize: Math.min(shardSize, batchSize) };
    if (o.sharedMemory !== undefined) plan.workers.sharedMemory = flag('sharedMemory');
  } else if (o.shardSize !== undefined || o.sharedMemory !== undefined) {
    throw new TypeError(`${where}: options.${o.shardSize !== undefined ? 'shardSize' : 'sharedMemory'} applies with options.workers`);
  }
  return plan;
}
