// The softmax head: logits z = W h + b over the top layer's states, probabilities in ys and their
// logarithms in logps, cross-entropy against class ids. Mirrors assembly/heads/softmax.ts.
import type { HeadRecord } from '../../../plan.js';
import { addTo, copy, matTVecAdd, matVecAdd, outerAdd, row, zero } from '../linalg.js';
import { exp, log } from '../mathf.js';

/** Steps t0 .. t1-1. */
export function softmaxForward(m: Float64Array, R: HeadRecord, t0: number, t1: number): number {
  const { H, O, B } = R;
  for (let s = t0 * B; s < t1 * B; s++) {
    const logp = row(R.logps, s, O);
    copy(m, logp, R.b, O);
    matVecAdd(m, logp, R.W, row(R.hs, s, H), O, H);
    logSoftmax(m, logp, row(R.ys, s, O), O);
  }
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
 * The class id of step t of sequence b, or -1 if it is not one of the O classes (the facade never
 * writes such). With outputAt 'last' each sequence has one target, in row b.
 */
function targetAt(m: Float64Array, R: HeadRecord, t: number, b: number): number {
  const c = m[R.targets + (R.last ? b : t * R.B + b)];
  return c >= 0 && c < R.O ? Math.trunc(c) : -1;
}

/**
 * Cross-entropy over steps 0 .. T-1 (only step T-1 with outputAt 'last'): sum_t -log y_t[target_t];
 * NaN for an id out of range.
 */
export function softmaxLoss(m: Float64Array, R: HeadRecord, T: number): number {
  const { B } = R;
  let sum = 0;
  for (let t = R.last ? T - 1 : 0; t < T; t++) {
    for (let b = 0; b < B; b++) {
      const target = targetAt(m, R, t, b);
      if (target < 0) return NaN;
      sum -= m[row(R.logps, t * B + b, R.O) + target];
    }
  }
  return sum;
}

/**
 * Steps T-1 .. 0: adds the gradients of W and b and writes the gradient with respect to each
 * step's state into dhs, for the top layer's backward pass. With outputAt 'last' only step T-1
 * has a loss: the other steps' dhs are zeros.
 */
export function softmaxBackward(m: Float64Array, R: HeadRecord, T: number): number {
  const { H, O, B } = R;
  const first = R.last ? T - 1 : 0;
  if (first > 0) zero(m, R.dhs, first * B * H);
  for (let t = T - 1; t >= first; t--) {
    for (let b = 0; b < B; b++) {
      const s = t * B + b;
      const dy = row(R.dy, b, O);
      copy(m, dy, row(R.ys, s, O), O);
      const target = targetAt(m, R, t, b);
      if (target >= 0) m[dy + target] -= 1; // d loss / d logits = y - onehot(target)
      outerAdd(m, R.dW, dy, row(R.hs, s, H), O, H);
      addTo(m, R.db, dy, O);
      const dh = row(R.dhs, s, H);
      zero(m, dh, H);
      matTVecAdd(m, dh, R.W, dy, O, H); // dh = W^T dy
    }
  }
  return 0;
}
