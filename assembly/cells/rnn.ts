// The Elman cell of torch.nn.RNN (tanh), with one hidden bias:
//   h_t = tanh(W_ih x_t + b + W_hh h_{t-1})      hs row t+1 (row 0 is the initial state)
// over a batch of B sequences in lockstep (rows [t][b]): each step is one product of W_hh with
// the B states, and the input product, the weight gradients and the gradients of the layer below
// are each one product over every step of the batch. Mirrored by src/backends/ts/cells/rnn.ts.
import { CellRecord } from '../records';
import { addColumn, addTo, addToColumn, at, copy, idAt, matMulAdd, matMulTAdd, matTMulAdd, put, row, zero } from '../linalg';
import { tanh } from '../mathf';

/** Steps t0 .. t1-1, from the inputs in xs and the states in hs row t0. */
export function rnnForward(R: CellRecord, t0: i32, t1: i32): void {
  const I = R.I, H = R.H, B = R.B;
  const first = t0 * B, n = (t1 - t0) * B;
  for (let s = first; s < first + n; s++) {
    const h = row(R.hs, s + B, H);
    copy(h, R.bih, H);
    if (R.index) addColumn(h, R.Wih, idAt(R.xs, s, I), H, I);
  }
  if (!R.index) matMulTAdd(row(R.hs, first + B, H), row(R.xs, first, I), R.Wih, n, H, I, I, I, H); // W_ih x, every step
  for (let t = t0; t < t1; t++) {
    const h = row(R.hs, (t + 1) * B, H);
    matMulTAdd(h, row(R.hs, t * B, H), R.Whh, B, H, H, H, H, H); // W_hh h_{t-1}, the B sequences at once
    for (let i = 0; i < B * H; i++) put(h, i, tanh(at(h, i)));
  }
}

/**
 * Backpropagation through steps T-1 .. 0, from the gradient of the loss with respect to each
 * step's output in dhs (written by the layer above or the head), adding into dWih, dWhh and dbih
 * and, for a layer above another, writing the gradient with respect to its inputs into dxs.
 * Each step's dhRaw replaces its dhs (das). The gradient stops at the initial state.
 */
export function rnnBackward(R: CellRecord, T: i32): void {
  const I = R.I, H = R.H, B = R.B, S = T * B;
  zero(R.dhNext, B * H);
  for (let t = T - 1; t >= 0; t--) {
    for (let b = 0; b < B; b++) {
      const s = t * B + b;
      const h = row(R.hs, s + B, H), dhNext = row(R.dhNext, b, H), dhOut = row(R.dhs, s, H), dhRaw = row(R.das, s, H);
      for (let i = 0; i < H; i++) {
        const hi = at(h, i);
        put(dhRaw, i, (1 - hi * hi) * (at(dhOut, i) + at(dhNext, i))); // backprop through tanh
      }
    }
    if (t > 0) {
      zero(R.dhNext, B * H);
      matMulAdd(R.dhNext, row(R.das, t * B, H), R.Whh, B, H, H, H, H, H); // dhNext = W_hh^T dhRaw
    }
  }
  for (let s = S - 1; s >= 0; s--) addTo(R.dbih, row(R.das, s, H), H);
  if (R.index) for (let s = S - 1; s >= 0; s--) addToColumn(R.dWih, row(R.das, s, H), idAt(R.xs, s, I), H, I);
  else matTMulAdd(R.dWih, R.das, R.xs, S, H, I, H, I, I); // sum of dhRaw x^T
  matTMulAdd(R.dWhh, R.das, R.hs, S, H, H, H, H, H); // sum of dhRaw h_{t-1}^T
  if (R.inputGrad) {
    zero(R.dxs, S * I);
    matMulAdd(R.dxs, R.das, R.Wih, S, I, H, H, I, I); // the layer below's dhs = W_ih^T dhRaw
  }
}
