// The Elman cell of torch.nn.RNN (tanh), with one hidden bias:
//   h_t = tanh(W_ih x_t + b + W_hh h_{t-1})      hs row t+1 (row 0 is the initial state)
// over a batch of B sequences in lockstep (rows [t][b]): each step is one product of W_hh with
// the B states, and the input product, the weight gradients and the gradients of the layer below
// are each one product over every step of the batch. Mirrors assembly/cells/rnn.ts.
import type { CellRecord } from '../../../plan.js';
import { addColumn, addTo, addToColumn, copy, matMulAdd, matMulTAdd, matTMulAdd, row, zero } from '../linalg.js';
import { tanh } from '../mathf.js';

/** Steps t0 .. t1-1, from the inputs in xs and the states in hs row t0. */
export function rnnForward(m: Float64Array, R: CellRecord, t0: number, t1: number): number {
  const { I, H, B } = R;
  const first = t0 * B, n = (t1 - t0) * B;
  for (let s = first; s < first + n; s++) {
    const h = row(R.hs, s + B, H);
    copy(m, h, R.bih, H);
    if (R.index) addColumn(m, h, R.Wih, m[R.xs + s], H, I);
  }
  if (!R.index) matMulTAdd(m, row(R.hs, first + B, H), row(R.xs, first, I), R.Wih, n, H, I, I, I, H); // W_ih x, every step
  for (let t = t0; t < t1; t++) {
    const h = row(R.hs, (t + 1) * B, H);
    matMulTAdd(m, h, row(R.hs, t * B, H), R.Whh, B, H, H, H, H, H); // W_hh h_{t-1}, the B sequences at once
    for (let i = 0; i < B * H; i++) m[h + i] = tanh(m[h + i]);
  }
  return 0;
}

/**
 * Backpropagation through steps T-1 .. 0, from the gradient of the loss with respect to each
 * step's output in dhs (written by the layer above or the head), adding into dWih, dWhh and dbih
 * and, for a layer above another, writing the gradient with respect to its inputs into dxs.
 * Each step's dhRaw replaces its dhs (das). The gradient stops at the initial state.
 */
export function rnnBackward(m: Float64Array, R: CellRecord, T: number): number {
  const { I, H, B } = R;
  const S = T * B;
  zero(m, R.dhNext, B * H);
  for (let t = T - 1; t >= 0; t--) {
    for (let b = 0; b < B; b++) {
      const s = t * B + b;
      const h = row(R.hs, s + B, H), dhNext = row(R.dhNext, b, H), dhOut = row(R.dhs, s, H), dhRaw = row(R.das, s, H);
      for (let i = 0; i < H; i++) {
        const hi = m[h + i];
        m[dhRaw + i] = (1 - hi * hi) * (m[dhOut + i] + m[dhNext + i]); // backprop through tanh
      }
    }
    if (t > 0) {
      zero(m, R.dhNext, B * H);
      matMulAdd(m, R.dhNext, row(R.das, t * B, H), R.Whh, B, H, H, H, H, H); // dhNext = W_hh^T dhRaw
    }
  }
  for (let s = S - 1; s >= 0; s--) addTo(m, R.dbih, row(R.das, s, H), H);
  if (R.index) for (let s = S - 1; s >= 0; s--) addToColumn(m, R.dWih, row(R.das, s, H), m[R.xs + s], H, I);
  else matTMulAdd(m, R.dWih, R.das, R.xs, S, H, I, H, I, I); // sum of dhRaw x^T
  matTMulAdd(m, R.dWhh, R.das, R.hs, S, H, H, H, H, H); // sum of dhRaw h_{t-1}^T
  if (R.inputGrad) {
    zero(m, R.dxs, S * I);
    matMulAdd(m, R.dxs, R.das, R.Wih, S, I, H, H, I, I); // the layer below's dhs = W_ih^T dhRaw
  }
  return 0;
}
