import seedrandom from 'seedrandom';
import { show } from './errors.js';

/** A seed for seedrandom: a string or a finite number. */
export type Seed = string | number;

/**
 * A uniform generator on [0, 1) from seedrandom (ARC4), seeded with `seed`, or from the platform's
 * entropy when `seed` is undefined. The same seed gives the same numbers in Node and in browsers.
 */
export function makeRandom(where: string, seed: Seed | undefined): () => number {
  if (seed === undefined) return seedrandom();
  if (typeof seed !== 'string' && !(typeof seed === 'number' && Number.isFinite(seed))) {
    throw new TypeError(`${where}: seed must be a string or a finite number, got ${show(seed)}`);
  }
  return seedrandom(String(seed));
}
