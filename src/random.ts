import seedrandom from 'seedrandom';
import { show } from './errors.js';

/**
 * A seed for seedrandom: a string or a finite number. A number seeds as its string, so `1` and
 * `'1'` give the same weights.
 *
 * @example
 * const seed: Seed = 'experiment-1';
 * const rnn = await RNN.create(3, 8, 3, { seed });
 */
export type Seed = string | number;

/**
 * A uniform generator on [0, 1) from seedrandom (ARC4), seeded with `seed`, or from the platform's
 * entropy when `seed` is undefined. The same seed gives the same numbers in Node and in browsers.
 * `where` names the call in the TypeError thrown for a bad seed.
 *
 * @example
 * const random = makeRandom('constantDataset', 42);
 * random() === makeRandom('constantDataset', '42')(); // true
 */
export function makeRandom(where: string, seed: Seed | undefined): () => number {
  if (seed === undefined) return seedrandom();
  if (typeof seed !== 'string' && !(typeof seed === 'number' && Number.isFinite(seed))) {
    throw new TypeError(`${where}: seed must be a string or a finite number, got ${show(seed)}`);
  }
  return seedrandom(String(seed));
}
