// The linear head: real outputs y = W h + b over the top layer's states, squared error against
// target vectors, summed over each sequence's steps (its length in lengths) and outputs (torch's
// MSELoss(reduction='sum')). Mirrored by src/backends/ts/heads/linear.ts.
import { HeadRecord } from '../records';
import { at, put, row, zero } from '../linalg';
import { denseBackward, denseForward, lastRow, laneSteps } from './dense';

/** Steps t0 .. t1-1. */
export function linearForward(R: HeadRecord, t0: i32, t1: i32): void {
  denseForward(R, R.ys, t0, t1);
}

/** Where the target vector of the step in row s (of sequence b) is: with outputAt 'last', row b. */
// @ts-ignore: decorator
@inline function targetRow(R: HeadRecord, s: i32, b: i32): usize {
  return row(R.targets, R.last ? b : s, R.O);
}

/** `sum` plus (y_k - target_k)^2 for each k at the step in row s (of sequence b), one at a time. */
// @ts-ignore: decorator
@inline function addSquaredError(R: HeadRecord, s: i32, b: i32, sum: f64): f64 {
  const y = row(R.ys, s, R.O), target = targetRow(R, s, b);
  for (let k = 0; k < R.O; k++) {
    const e = at(y, k) - at(target, k);
    sum += e * e;
  }
  return sum;
}

/** Squared error over each sequence's steps (only its last with outputAt 'last'). */
export function linearLoss(R: HeadRecord, T: i32): f64 {
  const B = R.B;
  let sum = 0.0;
  if (R.last) {
    for (let b = 0; b < B; b++) {
      const s = lastRow(R, b, T);
      if (s >= 0) sum = addSquaredError(R, s, b, sum);
    }
    return sum;
  }
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) if (t < laneSteps(R, b, T)) sum = addSquaredError(R, t * B + b, b, sum);
  }
  return sum;
}

/** dy = 2 (y - target) at the step in row s (of sequence b): d (y - target)^2 / d y. */
// @ts-ignore: decorator
@inline function lossGradient(R: HeadRecord, s: i32, b: i32): void {
  const dy = row(R.dy, s, R.O), y = row(R.ys, s, R.O), target = targetRow(R, s, b);
  for (let k = 0; k < R.O; k++) put(dy, k, 2 * (at(y, k) - at(target, k)));
}

/** Backpropagation of the loss of steps 0 .. T-1 through the head (see denseBackward). */
export function linearBackward(R: HeadRecord, T: i32): void {
  const B = R.B;
  if (R.last) {
    for (let b = 0; b < B; b++) {
      const s = lastRow(R, b, T);
      if (s >= 0) lossGradient(R, s, b);
    }
  } else {
    for (let t = 0; t < T; t++) {
      for (let b = 0; b < B; b++) {
        const s = t * B + b;
        if (t < laneSteps(R, b, T)) lossGradient(R, s, b);
        else zero(row(R.dy, s, R.O), R.O);
      }
    }
  }
  denseBackward(R, T);
}
