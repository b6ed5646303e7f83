// The softmax head: logits z = W h + b over the top layer's states, probabilities in ys and their
// logarithms in logps, cross-entropy against class ids, counted over each sequence's steps (its
// length in lengths). Mirrored by src/backends/ts/heads/softmax.ts.
import { HeadRecord } from '../records';
import { at, copy, put, row, zero } from '../linalg';
import { exp, log } from '../mathf';
import { denseBackward, denseForward, lastRow, laneSteps } from './dense';

/** Steps t0 .. t1-1. */
export function softmaxForward(R: HeadRecord, t0: i32, t1: i32): void {
  const O = R.O;
  denseForward(R, R.logps, t0, t1);
  for (let s = t0 * R.B; s < t1 * R.B; s++) logSoftmax(row(R.logps, s, O), row(R.ys, s, O), O);
}

/**
 * Turns the logits in z into log-probabilities in place and writes the probabilities to p.
 * Shifting by the largest logit keeps exp from overflowing, and taking the log of the sum (at
 * least 1) instead of the log of each probability keeps the loss finite where a probability
 * underflows to 0.
 */
export function logSoftmax(z: usize, p: usize, n: i32): void {
  let max = at(z, 0);
  for (let i = 1; i < n; i++) max = Math.max(max, at(z, i));
  let sum = 0.0;
  for (let i = 0; i < n; i++) {
    const e = exp(at(z, i) - max);
    put(p, i, e);
    sum += e;
  }
  const logSum = log(sum);
  for (let i = 0; i < n; i++) {
    put(p, i, at(p, i) / sum);
    put(z, i, at(z, i) - max - logSum);
  }
}

/**
 * The class id of the step in row s (of sequence b), or -1 if it is not one of the O classes (the
 * facade never writes such). With outputAt 'last' each sequence has one target, in row b.
 */
// @ts-ignore: decorator
@inline function targetAt(R: HeadRecord, s: i32, b: i32): i32 {
  const c = at(R.targets, R.last ? b : s);
  return c >= 0 && c < <f64>R.O ? <i32>c : -1;
}

/**
 * Cross-entropy over steps 0 .. T-1 of each sequence's steps (only its last with outputAt
 * 'last'): sum -log y_t[target_t]; NaN for an id out of range.
 */
export function softmaxLoss(R: HeadRecord, T: i32): f64 {
  const B = R.B, O = R.O;
  let sum = 0.0;
  if (R.last) {
    for (let b = 0; b < B; b++) {
      const s = lastRow(R, b, T);
      if (s < 0) continue;
      const target = targetAt(R, s, b);
      if (target < 0) return NaN;
      sum -= at(row(R.logps, s, O), target);
    }
    return sum;
  }
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) {
      if (t >= laneSteps(R, b, T)) continue;
      const s = t * B + b;
      const target = targetAt(R, s, b);
      if (target < 0) return NaN;
      sum -= at(row(R.logps, s, O), target);
    }
  }
  return sum;
}

/** dy = y - onehot(target) at the step in row s (of sequence b). */
// @ts-ignore: decorator
@inline function lossGradient(R: HeadRecord, s: i32, b: i32): void {
  const dy = row(R.dy, s, R.O);
  copy(dy, row(R.ys, s, R.O), R.O);
  const target = targetAt(R, s, b);
  if (target >= 0) put(dy, target, at(dy, target) - 1);
}

/** Backpropagation of the loss of steps 0 .. T-1 through the head (see denseBackward). */
export function softmaxBackward(R: HeadRecord, T: i32): void {
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
