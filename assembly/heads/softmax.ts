// The softmax head: logits z = W h + b over the top layer's states, probabilities in ys and their
// logarithms in logps, cross-entropy against class ids. Mirrored by src/backends/ts/heads/softmax.ts.
import { HeadRecord } from '../records';
import { addTo, at, copy, matTVecAdd, matVecAdd, outerAdd, put, row, zero } from '../linalg';
import { exp, log } from '../mathf';

/** Steps t0 .. t1-1. */
export function softmaxForward(R: HeadRecord, t0: i32, t1: i32): void {
  const H = R.H, O = R.O, B = R.B;
  for (let s = t0 * B; s < t1 * B; s++) {
    const logp = row(R.logps, s, O);
    copy(logp, R.b, O);
    matVecAdd(logp, R.W, row(R.hs, s, H), O, H);
    logSoftmax(logp, row(R.ys, s, O), O);
  }
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
 * The class id of step t of sequence b, or -1 if it is not one of the O classes (the facade never
 * writes such). With outputAt 'last' each sequence has one target, in row b.
 */
// @ts-ignore: decorator
@inline function targetAt(R: HeadRecord, t: i32, b: i32): i32 {
  const c = at(R.targets, R.last ? b : t * R.B + b);
  return c >= 0 && c < <f64>R.O ? <i32>c : -1;
}

/**
 * Cross-entropy over steps 0 .. T-1 (only step T-1 with outputAt 'last'): sum_t -log y_t[target_t];
 * NaN for an id out of range.
 */
export function softmaxLoss(R: HeadRecord, T: i32): f64 {
  const B = R.B;
  let sum = 0.0;
  for (let t = R.last ? T - 1 : 0; t < T; t++) {
    for (let b = 0; b < B; b++) {
      const target = targetAt(R, t, b);
      if (target < 0) return NaN;
      sum -= at(row(R.logps, t * B + b, R.O), target);
    }
  }
  return sum;
}

/**
 * Steps T-1 .. 0: adds the gradients of W and b and writes the gradient with respect to each
 * step's state into dhs, for the top layer's backward pass. With outputAt 'last' only step T-1
 * has a loss: the other steps' dhs are zeros.
 */
export function softmaxBackward(R: HeadRecord, T: i32): void {
  const H = R.H, O = R.O, B = R.B;
  const first = R.last ? T - 1 : 0;
  if (first > 0) zero(R.dhs, first * B * H);
  for (let t = T - 1; t >= first; t--) {
    for (let b = 0; b < B; b++) {
      const s = t * B + b;
      const dy = row(R.dy, b, O);
      copy(dy, row(R.ys, s, O), O);
      const target = targetAt(R, t, b);
      if (target >= 0) put(dy, target, at(dy, target) - 1); // d loss / d logits = y - onehot(target)
      outerAdd(R.dW, dy, row(R.hs, s, H), O, H);
      addTo(R.db, dy, O);
      const dh = row(R.dhs, s, H);
      zero(dh, H);
      matTVecAdd(dh, R.W, dy, O, H); // dh = W^T dy
    }
  }
}
