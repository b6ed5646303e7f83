// The notebook's basic functions, for users and for checking the kernels by hand. The kernels
// themselves compute softmax in log space (see assembly/forward.ts). All of them use the library's
// portable exp, never the engine's Math.exp, so they give the same bits on every engine.
import { exp } from './backends/ts/mathf.js';
import { checkArrayLike, checkFinite } from './errors.js';

/**
 * The logistic function 1 / (1 + e^-x). Portable: e^-x is the library's own exp (within 1 ulp of
 * the exact value), so the result has the same bits on every engine.
 *
 * @example
 * sigmoid(0); // 0.5
 */
export function sigmoid(x: number): number {
  checkFinite('sigmoid', 'x', x);
  return 1 / (1 + exp(-x));
}

/**
 * The derivative of the sigmoid, given its output s = sigmoid(x): s (1 - s).
 *
 * @example
 * sigmoidDerivative(sigmoid(0)); // 0.25
 */
export function sigmoidDerivative(sigmoidOutput: number): number {
  checkFinite('sigmoidDerivative', 'sigmoidOutput', sigmoidOutput);
  return sigmoidOutput * (1 - sigmoidOutput);
}

function checkLogits(where: string, x: unknown): ArrayLike<number> {
  const v = checkArrayLike(where, 'x', x);
  if (v.length === 0) throw new RangeError(`${where}: x must have at least one element, got length 0`);
  for (let i = 0; i < v.length; i++) checkFinite(where, `x[${i}]`, v[i]);
  return v as ArrayLike<number>;
}

/**
 * The softmax exp(x_i) / sum_j exp(x_j), computed stably by shifting x by its maximum first, so it
 * never overflows. Portable: exp is the library's own, so the result has the same bits on every
 * engine.
 *
 * @example
 * softmax([0, 1, 2]); // Float64Array [0.0900..., 0.2447..., 0.6652...]
 * softmax([1000, 1000]); // Float64Array [0.5, 0.5]
 */
export function softmax(x: ArrayLike<number>): Float64Array {
  const v = checkLogits('softmax', x);
  let max = -Infinity;
  for (let i = 0; i < v.length; i++) max = Math.max(max, v[i]);
  const p = new Float64Array(v.length);
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += p[i] = exp(v[i] - max);
  for (let i = 0; i < v.length; i++) p[i] /= sum;
  return p;
}

/**
 * The softmax exactly as written, exp(x_i) / sum_j exp(x_j): overflows to NaN once some x_i
 * exceeds about 709. Kept to show why `softmax` shifts first. Portable, as `softmax` is.
 *
 * @example
 * softmaxNaive([0, 1, 2]); // Float64Array [0.0900..., 0.2447..., 0.6652...]
 * softmaxNaive([1000, 1000]); // Float64Array [NaN, NaN]
 */
export function softmaxNaive(x: ArrayLike<number>): Float64Array {
  const v = checkLogits('softmaxNaive', x);
  const p = new Float64Array(v.length);
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += p[i] = exp(v[i]);
  for (let i = 0; i < v.length; i++) p[i] /= sum;
  return p;
}
