// The linear head: real outputs y = W h + b over the top layer's states, squared error against
// target vectors, summed over each sequence's steps (its length in lengths) and outputs (torch's
// MSELoss(reduction='sum')). Mirrors assembly/heads/linear.ts.
import type { HeadRecord } from '../../../plan.js';
import { row, zero } from '../linalg.js';
import { denseBackward, denseForward, lastRow, laneSteps } from './dense.js';

/** Steps t0 .. t1-1. */
export function linearForward(m: Float64Array, R: HeadRecord, t0: number, t1: number): number {
  denseForward(m, R, R.ys, t0, t1);
  return 0;
}

/** Where the target vector of the step in row s (of sequence b) is: with outputAt 'last', row b. */
function targetRow(R: HeadRecord, s: number, b: number): number {
  return row(R.targets, R.last ? b : s, R.O);
}

/** `sum` plus (y_k - target_k)^2 for each k at the step in row s (of sequence b), one at a time. */
function addSquaredError(m: Float64Array, R: HeadRecord, s: number, b: number, sum: number): number {
  const y = row(R.ys, s, R.O), target = targetRow(R, s, b);
  for (let k = 0; k < R.O; k++) {
    const e = m[y + k] - m[target + k];
    sum += e * e;
  }
  return sum;
}

/** Squared error over each sequence's steps (only its last with outputAt 'last'). */
export function linearLoss(m: Float64Array, R: HeadRecord, T: number): number {
  const { B } = R;
  let sum = 0;
  if (R.last) {
    for (let b = 0; b < B; b++) {
      const s = lastRow(m, R, b, T);
      if (s >= 0) sum = addSquaredError(m, R, s, b, sum);
    }
    return sum;
  }
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) if (t < laneSteps(m, R, b, T)) sum = addSquaredError(m, R, t * B + b, b, sum);
  }
  return sum;
}

/** dy = 2 (y - target) at the step in row s (of sequence b): d (y - target)^2 / d y. */
function lossGradient(m: Float64Array, R: HeadRecord, s: number, b: number): void {
  const dy = row(R.dy, s, R.O), y = row(R.ys, s, R.O), target = targetRow(R, s, b);
  for (let k = 0; k < R.O; k++) m[dy + k] = 2 * (m[y + k] - m[target + k]);
}

/** Backpropagation of the loss of steps 0 .. T-1 through the head (see denseBackward). */
export function linearBackward(m: Float64Array, R: HeadRecord, T: number): number {
  const { B } = R;
  if (R.last) {
    for (let b = 0; b < B; b++) {
      const s = lastRow(m, R, b, T);
      if (s >= 0) lossGradient(m, R, s, b);
    }
  } else {
    for (let t = 0; t < T; t++) {
      for (let b = 0; b < B; b++) {
        const s = t * B + b;
        if (t < laneSteps(m, R, b, T)) lossGradient(m, R, s, b);
        else zero(m, row(R.dy, s, R.O), R.O);
      }
    }
  }
  denseBackward(m, R, T);
  return 0;
}
