// The optimisers: their names, options and defaults, and one update step over a Backend's
// gradient buffers. The maths of each is in assembly/optim.ts (and its mirror).
import type { Backend } from './backend.js';
import { checkFinite, show } from './errors.js';
import { OPT_INFO, OPT_INFO_SIZE } from './layout.js';

/** Every optimiser `train` and `fit` accept. */
export type OptimizerName = 'rprop' | 'irprop+' | 'rprop-notebook' | 'sgd' | 'momentum' | 'adagrad' | 'adam';

/** Their names, for listing in a user interface or a command line. */
export const OPTIMIZERS: readonly OptimizerName[] = ['rprop', 'irprop+', 'rprop-notebook', 'sgd', 'momentum', 'adagrad', 'adam'];

/**
 * The learning rate each optimiser uses when none is given: for the Rprop family it is the initial
 * step size (torch.optim.Rprop's default), for adagrad min-char-rnn's, for adam torch's. Gradients
 * are those of the loss summed over the steps of a sequence, so plain SGD wants a small rate.
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
  const { data, layout: L } = core;
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
  if (opt.clip !== undefined) core.clip(opt.clip);
  const lr = opt.learningRate;
  if (opt.name === 'sgd') return core.sgd(lr);
  own(core, opt.name);
  const { data, layout: L } = core;
  const info = L.optInfo;
  const t = (data[info + OPT_INFO.steps] += 1);
  switch (opt.name) {
    case 'momentum':
      return core.momentum(lr, opt.momentum);
    case 'adagrad':
      return core.adagrad(lr);
    case 'adam':
      // The bias corrections are computed here, once, so that both builds use the same bits.
      return core.adam(lr, opt.beta1, opt.beta2, opt.eps, 1 - opt.beta1 ** t, 1 - opt.beta2 ** t);
    case 'rprop':
      return core.rprop(lr);
    case 'irprop+': {
      const lossRose = data[L.stepLoss] > data[info + OPT_INFO.lastLoss];
      data[info + OPT_INFO.lastLoss] = data[L.stepLoss];
      return core.irpropPlus(lr, lossRose);
    }
    case 'rprop-notebook':
      return core.rpropNotebook(lr);
  }
}
