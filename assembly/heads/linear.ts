// The linear head: real outputs y = W h + b over the top layer's states, squared error against
// target vectors, summed over steps and outputs (torch's MSELoss(reduction='sum')). Mirrored by
// src/backends/ts/heads/linear.ts.
import { HeadRecord } from '../records';
import { addTo, at, copy, matTVecAdd, matVecAdd, outerAdd, put, row, zero } from '../linalg';

/** Steps t0 .. t1-1. */
export function linearForward(R: HeadRecord, t0: i32, t1: i32): void {
  const H = R.H, O = R.O, B = R.B;
  for (let s = t0 * B; s < t1 * B; s++) {
    const y = row(R.ys, s, O);
    copy(y, R.b, O);
    matVecAdd(y, R.W, row(R.hs, s, H), O, H);
  }
}

/** Where the target vector of step t of sequence b is: with outputAt 'last', row b (one per sequence). */
// @ts-ignore: decorator
@inline function targetRow(R: HeadRecord, t: i32, b: i32): usize {
  return row(R.targets, R.last ? b : t * R.B + b, R.O);
}

/** Squared error over steps 0 .. T-1 (only step T-1 with outputAt 'last'): sum_t sum_k (y_tk - target_tk)^2. */
export function linearLoss(R: HeadRecord, T: i32): f64 {
  const O = R.O, B = R.B;
  let sum = 0.0;
  for (let t = R.last ? T - 1 : 0; t < T; t++) {
    for (let b = 0; b < B; b++) {
      const y = row(R.ys, t * B + b, O), target = targetRow(R, t, b);
      for (let k = 0; k < O; k++) {
        const e = at(y, k) - at(target, k);
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
export function linearBackward(R: HeadRecord, T: i32): void {
  const H = R.H, O = R.O, B = R.B;
  const first = R.last ? T - 1 : 0;
  if (first > 0) zero(R.dhs, first * B * H);
  for (let t = T - 1; t >= first; t--) {
    for (let b = 0; b < B; b++) {
      const s = t * B + b;
      const dy = row(R.dy, b, O), y = row(R.ys, s, O), target = targetRow(R, t, b);
      for (let k = 0; k < O; k++) put(dy, k, 2 * (at(y, k) - at(target, k))); // d (y - target)^2 / d y
      outerAdd(R.dW, dy, row(R.hs, s, H), O, H);
      addTo(R.db, dy, O);
      const dh = row(R.dhs, s, H);
      zero(dh, H);
      matTVecAdd(dh, R.W, dy, O, H); // dh = W^T dy
    }
  }
}
