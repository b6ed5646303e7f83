// The linear head: real outputs y = W h + b over the top layer's states, squared error against
// target vectors, summed over steps and outputs (torch's MSELoss(reduction='sum')). Mirrors
// assembly/heads/linear.ts.
import type { HeadRecord } from '../../../plan.js';
import { addTo, copy, matTVecAdd, matVecAdd, outerAdd, row, zero } from '../linalg.js';

/** Steps t0 .. t1-1. */
export function linearForward(m: Float64Array, R: HeadRecord, t0: number, t1: number): number {
  const { H, O, B } = R;
  for (let s = t0 * B; s < t1 * B; s++) {
    const y = row(R.ys, s, O);
    copy(m, y, R.b, O);
    matVecAdd(m, y, R.W, row(R.hs, s, H), O, H);
  }
  return 0;
}

/** Where the target vector of step t of sequence b is: with outputAt 'last', row b (one per sequence). */
function targetRow(R: HeadRecord, t: number, b: number): number {
  return row(R.targets, R.last ? b : t * R.B + b, R.O);
}

/** Squared error over steps 0 .. T-1 (only step T-1 with outputAt 'last'): sum_t sum_k (y_tk - target_tk)^2. */
export function linearLoss(m: Float64Array, R: HeadRecord, T: number): number {
  const { O, B } = R;
  let sum = 0;
  for (let t = R.last ? T - 1 : 0; t < T; t++) {
    for (let b = 0; b < B; b++) {
      const y = row(R.ys, t * B + b, O), target = targetRow(R, t, b);
      for (let k = 0; k < O; k++) {
        const e = m[y + k] - m[target + k];
        sum += e * e;
      }
    }
  }
  return sum;
}

/**
 * Steps T-1 .. 0: adds the gradients of W and b and writes the gradient with respect to each
 * step's state into dhs, for the top layer's backward pass. With outputAt 'last' only step T-1
 * has a loss: the other steps' dhs are zeros.
 */
export function linearBackward(m: Float64Array, R: HeadRecord, T: number): number {
  const { H, O, B } = R;
  const first = R.last ? T - 1 : 0;
  if (first > 0) zero(m, R.dhs, first * B * H);
  for (let t = T - 1; t >= first; t--) {
    for (let b = 0; b < B; b++) {
      const s = t * B + b;
      const dy = row(R.dy, b, O), y = row(R.ys, s, O), target = targetRow(R, t, b);
      for (let k = 0; k < O; k++) m[dy + k] = 2 * (m[y + k] - m[target + k]); // d (y - target)^2 / d y
      outerAdd(m, R.dW, dy, row(R.hs, s, H), O, H);
      addTo(m, R.db, dy, O);
      const dh = row(R.dhs, s, H);
      zero(m, dh, H);
      matTVecAdd(m, dh, R.W, dy, O, H); // dh = W^T dy
    }
  }
  return 0;
}
