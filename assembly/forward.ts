// The forward pass over time steps t0 .. t1-1, keeping what the backward pass needs:
//   h_t = tanh(Wxh x_t + Whh h_{t-1} + bh)      hs row t+1 (row 0 is the initial state)
//   y_t = softmax(Why h_t + by)                  ps row t, and its logarithm in logps row t
// Mirrored by src/backends/ts/forward.ts.
import { Layout } from './layout';
import { at, copy, matVecAdd, put, row } from './linalg';
import { exp, log, tanh } from './mathf';

export function forward(L: Layout, t0: i32, t1: i32): void {
  const I = L.I, H = L.H, O = L.O;
  for (let t = t0; t < t1; t++) {
    const x = row(L.xs, t, I);
    const hPrev = row(L.hs, t, H);
    const h = row(L.hs, t + 1, H);
    copy(h, L.bh, H);
    matVecAdd(h, L.Wxh, x, H, I);
    matVecAdd(h, L.Whh, hPrev, H, H);
    for (let i = 0; i < H; i++) put(h, i, tanh(at(h, i)));

    const logp = row(L.logps, t, O);
    copy(logp, L.by, O);
    matVecAdd(logp, L.Why, h, O, H);
    logSoftmax(logp, row(L.ps, t, O), O);
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

/** Cross-entropy over steps 0 .. T-1: sum_t -log y_t[target_t]. */
export function loss(L: Layout, T: i32): f64 {
  let sum = 0.0;
  for (let t = 0; t < T; t++) {
    const target = <i32>at(L.targets, t);
    sum -= at(row(L.logps, t, L.O), target);
  }
  return sum;
}
