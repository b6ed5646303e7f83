// The optimisers: their names, options and defaults, and one update step over a Backend's
// gradient buffers. The maths of each is in assembly/optim.ts (and its mirror).
import type { Backend } from './backend.js';
import { checkFinite, show } from './errors.js';
import { STEP_MAX, STEP_MIN } from './backends/ts/optim.js';
import { powi } from './backends/ts/mathf.js';
import { ARGS } from './kernels.js';
import { OPT_INFO, OPT_INFO_SIZE, OPTIM } from './plan.js';

/**
 * Every optimiser `train` and `fit` accept.
 *
 * @example
 * const optimizer: OptimizerName = 'irprop+';
 */
export type OptimizerName = 'rprop' | 'irprop+' | 'rprop-notebook' | 'sgd' | 'momentum' | 'adagrad' | 'adam';

/**
 * Their names, for listing in a user interface or a command line.
 *
 * @example
 * OPTIMIZERS.includes('adam'); // true
 */
export const OPTIMIZERS: readonly OptimizerName[] = ['rprop', 'irprop+', 'rprop-notebook', 'sgd', 'momentum', 'adagrad', 'adam'];

/**
 * The learning rate each optimiser uses when none is given: for the Rprop family it is the initial
 * step size (torch.optim.Rprop's default), for adagrad min-char-rnn's, for adam torch's. Gradients
 * are those of the loss summed over the steps of a sequence, so plain SGD wants a small rate.
 *
 * @example
 * DEFAULT_LEARNING_RATES.adam; // 0.001
 */
export const DEFAULT_LEARNING_RATES: Readonly<Record<OptimizerName, number>> = {
  'rprop': 0.01,
  'irprop+': 0.01,
  'rprop-notebook': 0.01,
  'sgd': 0.01,
  'momentum': 0.01,
  'adagrad': 0.1,
  'adam': 0.001,
};

/** A fully resolved optimiser setting. */
export interface Optimizer {
  name: OptimizerName;
  learningRate: number;
  momentum: number;
  beta1: number;
  beta2: number;
  eps: number;
  /** Clip every gradient element to [-clip, clip] before the update, when set. */
  clip?: number;
}

/** The options that tune one optimiser, and which optimiser each belongs to. */
const TUNING: Record<string, OptimizerName> = { momentum: 'momentum', beta1: 'adam', beta2: 'adam', eps: 'adam' };

/** Codes stored in the model's block to say which optimiser owns the state (0: none yet). */
const CODES: Readonly<Record<OptimizerName, number>> = {
  'sgd': 1, 'momentum': 2, 'adagrad': 3, 'adam': 4, 'rprop': 5, 'irprop+': 6, 'rprop-notebook': 7,
};

/** Checks the optimiser options of `train` or `fit` and fills in the defaults. */
export function resolveOptimizer(where: string, options: Record<string, unknown>): Optimizer {
  const name = options.optimizer ?? 'rprop';
  if (!OPTIMIZERS.includes(name as OptimizerName)) {
    throw new TypeError(`${where}: options.optimizer must be one of ${OPTIMIZERS.map((o) => `'${o}'`).join(', ')}, got ${show(name)}`);
  }
  const optimizer = name as OptimizerName;
  for (const [key, owner] of Object.entries(TUNING)) {
    if (options[key] !== undefined && owner !== optimizer) {
      throw new TypeError(`${where}: options.${key} applies to '${owner}' only, not '${optimizer}'`);
    }
  }
  const number = (key: string, fallback: number, ok: (v: number) => boolean, range: string): number => {
    if (options[key] === undefined) return fallback;
    const v = checkFinite(where, `options.${key}`, options[key]);
    if (!ok(v)) throw new RangeError(`${where}: options.${key} must be ${range}, got ${v}`);
    return v;
  };
  const clip = options.clip === undefined ? undefined : number('clip', 0, (v) => v > 0, 'positive');
  return {
    name: optimizer,
    learningRate: number('learningRate', DEFAULT_LEARNING_RATES[optimizer], (v) => v >= 0, 'a number >= 0'),
    momentum: number('momentum', 0.9, (v) => v >= 0, 'a number >= 0'),
    beta1: number('beta1', 0.9, (v) => v >= 0 && v < 1, 'in [0, 1)'),
    beta2: number('beta2', 0.999, (v) => v >= 0 && v < 1, 'in [0, 1)'),
    eps: number('eps', 1e-8, (v) => v > 0, 'positive'),
    ...(clip === undefined ? {} : { clip }),
  };
}

/** The settings the notebook's API methods use: only the name and learning rate matter there. */
export function plainOptimizer(name: OptimizerName, learningRate: number): Optimizer {
  return { name, learningRate, momentum: 0.9, beta1: 0.9, beta2: 0.999, eps: 1e-8 };
}

/**
 * Makes `name` the owner of the optimiser state, starting it afresh if another optimiser had it.
 * Plain SGD keeps no state, so it leaves the state to its owner.
 */
function own(core: Backend, name: Exclude<OptimizerName, 'sgd'>): void {
  const { data, plan: L } = core;
  if (data[L.optInfo + OPT_INFO.optimizer] === CODES[name]) return;
  data.fill(0, L.opt0, L.optInfo + OPT_INFO_SIZE);
  data[L.optInfo + OPT_INFO.optimizer] = CODES[name];
  data[L.optInfo + OPT_INFO.lastLoss] = Infinity;
  if (name === 'rprop-notebook') {
    // The notebook starts with previous gradients and multipliers of 1.
    data.fill(1, L.opt0, L.opt0 + L.P);
    data.fill(1, L.opt1, L.opt1 + L.P);
  }
}

/**
 * One update from the gradients in the backend's buffers. The loss these gradients belong to is
 * in the block at `stepLoss` (iRprop+ compares it with the previous one; the others ignore it):
 * passed there rather than as an argument, so that the training loop boxes no number per
 * iteration. Returns false when the update left a parameter non-finite; the caller undoes it.
 */
export function applyOptimizer(core: Backend, opt: Optimizer): boolean {
  const { data, plan: L } = core;
  const args = L.args;
  if (opt.clip !== undefined) {
    data[args + ARGS.clip] = opt.clip;
    core.call('clip', OPTIM);
  }
  data[args + ARGS.lr] = opt.learningRate;
  if (opt.name === 'sgd') return core.call('sgd', OPTIM) === 1;
  own(core, opt.name);
  const info = L.optInfo;
  const t = (data[info + OPT_INFO.steps] += 1);
  switch (opt.name) {
    case 'momentum':
      data[args + ARGS.mu] = opt.momentum;
      return core.call('momentum', OPTIM) === 1;
    case 'adagrad':
      return core.call('adagrad', OPTIM) === 1;
    case 'adam':
      // The bias corrections are computed here, once, so that both builds use the same bits.
      data[args + ARGS.beta1] = opt.beta1;
      data[args + ARGS.beta2] = opt.beta2;
      data[args + ARGS.eps] = opt.eps;
      data[args + ARGS.c1] = 1 - powi(opt.beta1, t);
      data[args + ARGS.c2] = 1 - powi(opt.beta2, t);
      return core.call('adam', OPTIM) === 1;
    case 'rprop':
      return core.call('rprop', OPTIM) === 1;
    case 'irprop+': {
      data[args + ARGS.lossRose] = data[L.stepLoss] > data[info + OPT_INFO.lastLoss] ? 1 : 0;
      data[info + OPT_INFO.lastLoss] = data[L.stepLoss];
      return core.call('irpropPlus', OPTIM) === 1;
    }
    case 'rprop-notebook':
      return core.call('rpropNotebook', OPTIM) === 1;
  }
}

/**
 * Empties the optimiser state, so that the next update starts its optimiser afresh. Training
 * calls it when it stops on a divergence: the state then holds what the failed step made of it,
 * which belongs to no weights that the model keeps.
 */
export function forgetOptimizerState(core: Backend): void {
  const { data, plan: L } = core;
  data.fill(0, L.opt0, L.optInfo + OPT_INFO_SIZE);
}

/**
 * Why a saved optimiser state (as a model file holds it; absent entries are a new model's zeros)
 * is not one that training produces, or null when it is. The owner must be a known optimiser
 * (or none), the step count a whole number, and each slot within what its owner's rule keeps
 * there: so that a file cannot make the next update non-finite or meaningless.
 */
export function optimizerStateProblem(
  info: ReadonlyMap<keyof typeof OPT_INFO, number>,
  slots: ReadonlyMap<'opt0' | 'opt1' | 'opt2', Float64Array>,
): string | null {
  const code = info.get('optimizer') ?? 0;
  const owner = (Object.keys(CODES) as OptimizerName[]).find((name) => CODES[name] === code);
  if (code !== 0 && (owner === undefined || owner === 'sgd')) {
    return `optimizer.info.optimizer must be 0 (none) or the code of a stateful optimiser (${OPTIMIZERS.filter((o) => o !== 'sgd').map((o) => `${CODES[o]}: ${o}`).join(', ')}), got ${code}`;
  }
  const steps = info.get('steps') ?? 0;
  if (!Number.isInteger(steps) || steps < 0) return `optimizer.info.steps must be a whole number, got ${steps}`;
  const lastLoss = info.get('lastLoss') ?? 0;
  if (Number.isNaN(lastLoss) || lastLoss === -Infinity) return `optimizer.info.lastLoss must be a number or Infinity, got ${lastLoss}`;
  /** Checks every value of a slot; `ok` says what the owner's rule can leave there. */
  const each = (slot: 'opt0' | 'opt1' | 'opt2', what: string, ok: (v: number) => boolean): string | null => {
    const values = slots.get(slot);
    if (values === undefined) return null;
    for (let i = 0; i < values.length; i++) {
      if (!ok(values[i])) return `optimizer.slots.${slot}[${i}] must be ${what} for ${owner ?? 'no optimiser'}, got ${values[i]}`;
    }
    return null;
  };
  const notNaN = (v: number): boolean => !Number.isNaN(v);
  const finite = (v: number): boolean => Number.isFinite(v);
  const step = (v: number) => v === 0 || (v >= STEP_MIN && v <= STEP_MAX);
  // Slots that an update scales and adds a gradient to (momentum's velocity, Adam's first
  // moment) stay within ±2^500, those it adds a squared gradient to (adagrad's sum, Adam's second
  // moment) within [0, 2^1000]. Then, with the default settings, every term the next update
  // computes from them stays finite for any gradient up to 2^500 (about 3e150): Adam's worst,
  // m / (1 - beta1) / eps, is 2^530 times the learning rate. Training goes beyond these only
  // through gradients of about 1e145 or more.
  const LINEAR = 2 ** 500, SQUARES = 2 ** 1000;
  const linear = (v: number): boolean => Math.abs(v) <= LINEAR; // false for NaN
  const squares = (v: number): boolean => v >= 0 && v <= SQUARES;
  type Check = [slot: 'opt0' | 'opt1' | 'opt2', what: string, ok: (v: number) => boolean];
  const rules: Record<OptimizerName | 'none', Check[]> = {
    none: [['opt0', 'finite', finite], ['opt1', 'finite', finite], ['opt2', 'finite', finite]],
    'rprop': [['opt0', 'a gradient', notNaN], ['opt1', `0 or a step in [${STEP_MIN}, ${STEP_MAX}]`, step], ['opt2', 'finite', finite]],
    'irprop+': [['opt0', 'a gradient', notNaN], ['opt1', `0 or a step in [${STEP_MIN}, ${STEP_MAX}]`, step], ['opt2', `a change within ±${STEP_MAX}`, (v) => Math.abs(v) <= STEP_MAX]],
    'rprop-notebook': [['opt0', 'a gradient', notNaN], ['opt1', 'a multiplier in [0.01, 100]', (v) => v >= 0.01 && v <= 100], ['opt2', 'finite', finite]],
    'momentum': [['opt0', 'a velocity within ±2^500', linear], ['opt1', 'finite', finite], ['opt2', 'finite', finite]],
    'adagrad': [['opt0', 'a sum of squares in [0, 2^1000]', squares], ['opt1', 'finite', finite], ['opt2', 'finite', finite]],
    'adam': [['opt0', 'a mean within ±2^500', linear], ['opt1', 'a mean of squares in [0, 2^1000]', squares], ['opt2', 'finite', finite]],
    'sgd': [],
  };
  for (const [slot, what, ok] of rules[owner ?? 'none']) {
    const problem = each(slot, what, ok);
    if (problem !== null) return problem;
  }
  return null;
}
