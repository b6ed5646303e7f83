// The forward pass over time steps t0 .. t1-1, keeping what the backward pass needs:
//   h_t = tanh(Wxh x_t + Whh h_{t-1} + bh)      hs row t+1 (row 0 is the initial state)
//   y_t = softmax(Why h_t + by)                  ps row t, and its logarithm in logps row t
// Mirrors assembly/forward.ts.
import type { Layout } from '../../layout.js';
import { copy, matVecAdd, row } from './linalg.js';
import { exp, log, tanh } from './mathf.js';

export function forward(m: Float64Array, L: Layout, t0: number, t1: number): void {
  const { I, H, O } = L;
  for (let t = t0; t < t1; t++) {
    const x = row(L.xs, t, I);
    const hPrev = row(L.hs, t, H);
    const h = row(L.hs, t + 1, H);
    copy(m, h, L.bh, H);
    matVecAdd(m, h, L.Wxh, x, H, I);
    matVecAdd(m, h, L.Whh, hPrev, H, H);
    for (let i = 0; i < H; i++) m[h + i] = tanh(m[h + i]);

    const logp = row(L.logps, t, O);
    copy(m, logp, L.by, O);
    matVecAdd(m, logp, L.Why, h, O, H);
    logSoftmax(m, logp, row(L.ps, t, O), O);
  }
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

/** Cross-entropy over steps 0 .. T-1: sum_t -log y_t[target_t]. */
export function loss(m: Float64Array, L: Layout, T: number): number {
  let sum = 0;
  for (let t = 0; t < T; t++) {
    const target = m[L.targets + t];
    sum -= m[row(L.logps, t, L.O) + target];
  }
  return sum;
}
