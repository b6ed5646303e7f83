// What the heads share: the dense layer z = W h + b over the top layer's states, each sequence's
// number of steps, and backpropagation through the layer once dy holds d loss / d z. Mirrors
// assembly/heads/dense.ts.
import type { HeadRecord } from '../../../plan.js';
import { addTo, copy, matMulAdd, matMulTAdd, matTMulAdd, matTVecAdd, outerAdd, row, zero } from '../linalg.js';

/** z = W h + b at steps t0 .. t1-1 of every sequence, into `z` (O numbers a step). */
export function denseForward(m: Float64Array, R: HeadRecord, z: number, t0: number, t1: number): void {
  const { H, O } = R;
  const first = t0 * R.B, n = (t1 - t0) * R.B;
  for (let s = first; s < first + n; s++) copy(m, row(z, s, O), R.b, O);
  matMulTAdd(m, row(z, first, O), row(R.hs, first, H), R.W, n, O, H, H, H, O);
}

/** The steps of sequence b that count, of a history of T: its length, at most T. */
export function laneSteps(m: Float64Array, R: HeadRecord, b: number, T: number): number {
  const n = m[R.lengths + b];
  return n >= T ? T : n > 0 ? Math.trunc(n) : 0;
}

/** The row of the one step with a loss of sequence b (outputAt 'last'), or -1 if it has no steps. */
export function lastRow(m: Float64Array, R: HeadRecord, b: number, T: number): number {
  const n = laneSteps(m, R, b, T);
  return n > 0 ? (n - 1) * R.B + b : -1;
}

/**
 * From dy, d loss / d z at every step with a loss (the rows of the others are zeros; with
 * outputAt 'last' only the rows of lastRow are read): adds the gradients of W and b and writes the
 * gradient with respect to each step's state into dhs, for the top layer's backward pass. The
 * steps are taken from the last to the first, as backpropagation through time meets them.
 */
export function denseBackward(m: Float64Array, R: HeadRecord, T: number): void {
  const { H, O, B } = R;
  const S = T * B;
  zero(m, R.dhs, S * H);
  if (R.last) {
    for (let b = 0; b < B; b++) {
      const s = lastRow(m, R, b, T);
      if (s < 0) continue;
      const dy = row(R.dy, s, O);
      outerAdd(m, R.dW, dy, row(R.hs, s, H), O, H);
      addTo(m, R.db, dy, O);
      matTVecAdd(m, row(R.dhs, s, H), R.W, dy, O, H); // dh = W^T dy
    }
    return;
  }
  for (let s = S - 1; s >= 0; s--) addTo(m, R.db, row(R.dy, s, O), O);
  matTMulAdd(m, R.dW, R.dy, R.hs, S, O, H, O, H, H); // sum of dy h^T
  matMulAdd(m, R.dhs, R.dy, R.W, S, H, O, O, H, H); // dh = W^T dy
}
