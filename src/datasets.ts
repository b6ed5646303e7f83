// The notebook's tasks, as sequences of input vectors and class targets.
import { checkArrayLike, checkInteger, show } from './errors.js';
import { makeRandom, type Seed } from './random.js';

/** A training sequence: `xs[t]` is the input at step t, `targets[t]` the class to predict there. */
export interface Dataset {
  xs: Float64Array[];
  targets: number[];
}

/** Longest sequence a dataset helper builds, to catch a mistaken huge length early. */
const MAX_LENGTH = 1 << 24;

function checkOptions(where: string, options: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${where}: options must be an object, got ${show(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      throw new TypeError(`${where}: unknown option '${key}' (known: ${allowed.join(', ')})`);
    }
  }
  return options as Record<string, unknown>;
}

/**
 * The constant task: inputs drawn uniformly from [0, 1), every target `c`. The answer never
 * depends on the input.
 *
 * @example
 * const { xs, targets } = constantDataset(1, 10, 3, { seed: 42 });
 * targets; // [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]
 */
export function constantDataset(c: number, length: number, dim: number, options?: { seed?: Seed }): Dataset {
  const where = 'constantDataset';
  checkInteger(where, 'dim', dim, 1);
  checkInteger(where, 'c', c, 0, dim - 1);
  checkInteger(where, 'length', length, 1, MAX_LENGTH);
  const random = makeRandom(where, checkOptions(where, options, ['seed']).seed as Seed | undefined);
  const xs: Float64Array[] = [];
  for (let t = 0; t < length; t++) {
    const x = new Float64Array(dim);
    for (let j = 0; j < dim; j++) x[j] = random();
    xs.push(x);
  }
  return { xs, targets: new Array<number>(length).fill(c) };
}

/**
 * The periodic task: every input is all ones, and the targets repeat `pattern`, so the model must
 * count steps in its hidden state.
 *
 * @example
 * const { targets } = periodicDataset([0, 1, 2], 7, 3);
 * targets; // [0, 1, 2, 0, 1, 2, 0]
 */
export function periodicDataset(pattern: ArrayLike<number>, length: number, dim: number): Dataset {
  const where = 'periodicDataset';
  checkInteger(where, 'dim', dim, 1);
  checkArrayLike(where, 'pattern', pattern);
  if (pattern.length === 0) throw new RangeError(`${where}: pattern must not be empty`);
  for (let i = 0; i < pattern.length; i++) checkInteger(where, `pattern[${i}]`, pattern[i], 0, dim - 1);
  checkInteger(where, 'length', length, 1, MAX_LENGTH);
  const xs: Float64Array[] = [];
  const targets: number[] = [];
  for (let t = 0; t < length; t++) {
    xs.push(new Float64Array(dim).fill(1));
    targets.push(pattern[t % pattern.length]);
  }
  return { xs, targets };
}

/**
 * The identity (copy) task: each input is a random one-hot class, and the target is the class
 * shown `delay` steps earlier (default 0: the class shown now). The first `delay` steps have
 * nothing to recall yet, so their targets are class 0.
 *
 * @example
 * const { xs, targets } = identityDataset(6, 3, { seed: 7, delay: 1 });
 * // xs[t] is one-hot of class c[t]; targets = [0, c[0], c[1], c[2], c[3], c[4]]
 */
export function identityDataset(length: number, dim: number, options?: { seed?: Seed; delay?: number }): Dataset {
  const where = 'identityDataset';
  checkInteger(where, 'length', length, 1, MAX_LENGTH);
  checkInteger(where, 'dim', dim, 1);
  const opts = checkOptions(where, options, ['seed', 'delay']);
  const delay = opts.delay === undefined ? 0 : checkInteger(where, 'options.delay', opts.delay, 0, length - 1);
  const random = makeRandom(where, opts.seed as Seed | undefined);
  const classes: number[] = [];
  const xs: Float64Array[] = [];
  for (let t = 0; t < length; t++) {
    const c = Math.floor(random() * dim);
    classes.push(c);
    const x = new Float64Array(dim);
    x[c] = 1;
    xs.push(x);
  }
  const targets = classes.map((_, t) => (t < delay ? 0 : classes[t - delay]));
  return { xs, targets };
}
