// Which optimiser and learning rate `rnn-wasm train` uses, and the words that say why: the flags,
// else (when resuming) what the model file's meta records, else the default of the kind of task.
import { show } from '../errors.js';
import { choice, number, UsageError, type Values } from './args.js';
import { DEFAULT_LEARNING_RATES, OPTIMIZERS, type OptimizerName } from './train-model.js';

/**
 * The optimiser each kind of task starts with. One sequence, updated on its whole gradient, is
 * Rprop's home ground. A text is trained chunk by chunk, one update per chunk, and Rprop's
 * step sizes, which follow the sign of each gradient, then chase the noise between chunks: on a
 * paragraph of 3,000 characters 50 epochs took the loss from 21 to 48 nats per character, far
 * above a uniform guess (4.1), where adam reached 0.9 (bench/optimizers.ts measures them all).
 */
export const DEFAULT_OPTIMIZER: Readonly<Record<TaskKind, OptimizerName>> = { sequence: 'rprop', text: 'adam', series: 'adam' };

/** The kinds of task, as far as training goes: one sequence, the chunks of a text, the windows of a series. */
export type TaskKind = 'sequence' | 'text' | 'series';

/** What a model file's meta says about the training so far, as `train` writes it. */
export interface StoredTraining {
  optimizer: OptimizerName;
  learningRate: number;
}

/** The optimiser and learning rate a run uses, and where they came from, in words. */
export interface Schedule {
  optimizer: OptimizerName;
  learningRate: number;
  /** For the first line of output, e.g. "adagrad at lr 0.1, as model.json was trained". */
  says: string;
}

/**
 * The optimiser and rate of meta.training in a model file, checked; undefined when the file
 * records none (a file the library wrote, say).
 */
export function storedTraining(path: string, training: unknown): StoredTraining | undefined {
  if (training === undefined) return undefined;
  const where = `--resume ${path}: meta.training`;
  if (typeof training !== 'object' || training === null) throw new UsageError(`${where} must be an object, got ${show(training)}`);
  const { optimizer, learningRate } = training as Record<string, unknown>;
  if (optimizer === undefined && learningRate === undefined) return undefined;
  if (!OPTIMIZERS.includes(optimizer as OptimizerName)) {
    throw new UsageError(`${where}.optimizer must be one of: ${OPTIMIZERS.join(', ')}, got ${show(optimizer)}`);
  }
  if (typeof learningRate !== 'number' || !Number.isFinite(learningRate) || learningRate < 0) {
    throw new UsageError(`${where}.learningRate must be a finite number >= 0, got ${show(learningRate)}`);
  }
  return { optimizer: optimizer as OptimizerName, learningRate };
}

/**
 * The default rate of `optimizer` for updates on the mean gradient of `batch` sequences. Adam's
 * grows with the square root of the batch (the square-root scaling rule for adaptive methods:
 * Malladi et al. 2022, "On the SDEs and Scaling Rules for Adaptive Gradient Algorithms"), rounded
 * to 3 digits: a text's batches of 16 chunks make 16 times fewer updates per epoch, and at
 * adam's 0.001 they learnt less in the time one stream took (bench notes in the README's Command
 * line). The others keep their rate.
 *
 * @example
 * defaultRate('adam', 16); // 0.004
 * defaultRate('adagrad', 16); // 0.1
 */
export function defaultRate(optimizer: OptimizerName, batch: number): number {
  const rate = DEFAULT_LEARNING_RATES[optimizer];
  return optimizer === 'adam' && batch > 1 ? Number((rate * Math.sqrt(batch)).toPrecision(3)) : rate;
}

/**
 * Chooses the optimiser and learning rate: --optimizer and --lr when given; when resuming, what
 * the file was trained with (its rate too, unless --optimizer names another optimiser, whose own
 * default rate then applies); else the default of the task's kind. A default rate is that of
 * updates on batches of `batch` sequences (see defaultRate).
 */
export function chooseSchedule(values: Values, kind: TaskKind, resumed?: { path: string; stored?: StoredTraining }, batch = 1): Schedule {
  const flagged = values.optimizer === undefined ? undefined : choice('optimizer', values.optimizer as string, OPTIMIZERS);
  const flaggedRate = values.lr === undefined ? undefined : number('lr', values.lr as string, 0);
  const stored = resumed?.stored;
  const optimizer = flagged ?? stored?.optimizer ?? DEFAULT_OPTIMIZER[kind];
  const keepsStored = stored !== undefined && stored.optimizer === optimizer;
  const learningRate = flaggedRate ?? (keepsStored ? stored.learningRate : defaultRate(optimizer, batch));
  const scaled = flaggedRate === undefined && !keepsStored && learningRate !== DEFAULT_LEARNING_RATES[optimizer]
    ? `in batches of ${batch}, ${DEFAULT_LEARNING_RATES[optimizer]} x sqrt(${batch})`
    : '';
  const task = { text: 'a text', series: 'a series', sequence: 'one sequence' }[kind];
  const rate = `lr ${learningRate}`;
  const file = resumed?.path ?? 'the model file';
  let says: string;
  if (stored !== undefined && keepsStored) {
    says = flaggedRate === undefined
      ? `${optimizer} at ${rate}, as ${file} was trained`
      : `${optimizer} at ${rate} (--lr; ${file} was trained at lr ${stored.learningRate})`;
  } else if (stored !== undefined) {
    says = `${optimizer} from ${rate} (--optimizer${scaled === '' ? '' : `, ${scaled}`}; ${file} was trained with ${stored.optimizer}, whose state is not carried over)`;
  } else if (flagged !== undefined) {
    says = `${optimizer} from ${rate}${scaled === '' ? '' : ` (${scaled})`}`;
  } else {
    const theDefault = `the default for ${task}${scaled === '' ? '' : ` ${scaled}`}`;
    const why = resumed === undefined ? theDefault : `${resumed.path} records no optimiser: ${theDefault}`;
    says = `${optimizer} from ${rate} (${why})`;
  }
  return { optimizer, learningRate, says };
}
