// The softmax head: logits z = W h + b over the top layer's states, probabilities in ys and their
// logarithms in logps, cross-entropy against class ids, counted over each sequence's steps (its
// length in lengths). Mirrors assembly/heads/softmax.ts.
import type { HeadRecord } from '../../../plan.js';
import { copy, row, zero } from '../linalg.js';
import { exp, log } from '../mathf.js';
import { denseBackward, denseForward, lastRow, laneSteps } from './dense.js';

/** Steps t0 .. t1-1. */
export function softmaxForward(m: Float64Array, R: HeadRecord, t0: number, t1: number): number {
  const { O } = R;
  denseForward(m, R, R.logps, t0, t1);
  for (let s = t0 * R.B; s < t1 * R.B; s++) logSoftmax(m, row(R.logps, s, O), row(R.ys, s, O), O);
  return 0;
}

/**
 * Turns the logits in z into log-probabilities in place and writes the probabilities to p.
 * Shifting by the largest logit keeps exp from overflowing, and taking the log of the sum (at
 * least 1) instead of the log of each probability keeps the loss finite where a probability
 * underflows to 0.
 */
export function logSoftmax(m: Float64Array, z: number, p: number, n: number): void {
  let max = m[z];
  for (let i = 1; i < n; i++) max = Math.max(max, m[z + i]);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const e = exp(m[z + i] - max);
    m[p + i] = e;
    sum += e;
  }
  const logSum = log(sum);
  for (let i = 0; i < n; i++) {
    m[p + i] = m[p + i] / sum;
    m[z + i] = m[z + i] - max - logSum;
  }
}

/**
 * The class id of the step in row s (of sequence b), or -1 if it is not one of the O classes (the
 * facade never writes such). With outputAt 'last' each sequence has one target, in row b.
 */
function targetAt(m: Float64Array, R: HeadRecord, s: number, b: number): number {
  const c = m[R.targets + (R.last ? b : s)];
  return c >= 0 && c < R.O ? Math.trunc(c) : -1;
}

/**
 * Cross-entropy over steps 0 .. T-1 of each sequence's steps (only its last with outputAt
 * 'last'): sum -log y_t[target_t]; NaN for an id out of range.
 */
export function softmaxLoss(m: Float64Array, R: HeadRecord, T: number): number {
  const { B, O } = R;
  let sum = 0;
  if (R.last) {
    for (let b = 0; b < B; b++) {
      const s = lastRow(m, R, b, T);
      if (s < 0) continue;
      const target = targetAt(m, R, s, b);
      if (target < 0) return NaN;
      sum -= m[row(R.logps, s, O) + target];
    }
    return sum;
  }
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) {
      if (t >= laneSteps(m, R, b, T)) continue;
      const s = t * B + b;
      const target = targetAt(m, R, s, b);
      if (target < 0) return NaN;
      sum -= m[row(R.logps, s, O) + target];
    }
  }
  return sum;
}

/** dy = y - onehot(target) at the step in row s (of sequence b). */
function lossGradient(m: Float64Array, R: HeadRecord, s: number, b: number): void {
  const dy = row(R.dy, s, R.O);
  copy(m, dy, row(R.ys, s, R.O), R.O);
  const target = targetAt(m, R, s, b);
  if (target >= 0) m[dy + target] -= 1;
}

/** Backpropagation of the loss of steps 0 .. T-1 through the head (see denseBackward). */
export function softmaxBackward(m: Float64Array, R: HeadRecord, T: number): number {
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
