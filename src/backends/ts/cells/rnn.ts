// The Elman cell of torch.nn.RNN (tanh), with one hidden bias:
//   h_t = tanh(W_ih x_t + b + W_hh h_{t-1})      hs row t+1 (row 0 is the initial state)
// over a batch of B sequences in lockstep (rows [t][b]). Mirrors assembly/cells/rnn.ts.
import type { CellRecord } from '../../../plan.js';
import { addColumn, addTo, addToColumn, copy, matTVecAdd, matVecAdd, outerAdd, row, zero } from '../linalg.js';
import { tanh } from '../mathf.js';

/** Steps t0 .. t1-1, from the inputs in xs and the states in hs row t0. */
export function rnnForward(m: Float64Array, R: CellRecord, t0: number, t1: number): number {
  const { I, H, B } = R;
  for (let t = t0; t < t1; t++) {
    for (let b = 0; b < B; b++) {
      const s = t * B + b;
      const hPrev = row(R.hs, s, H);
      const h = row(R.hs, s + B, H);
      copy(m, h, R.bih, H);
      if (R.index) addColumn(m, h, R.Wih, m[R.xs + s], H, I);
      else matVecAdd(m, h, R.Wih, row(R.xs, s, I), H, I);
      matVecAdd(m, h, R.Whh, hPrev, H, H);
      for (let i = 0; i < H; i++) m[h + i] = tanh(m[h + i]);
    }
  }
  return 0;
}

/**
 * Backpropagation through steps T-1 .. 0, from the gradient of the loss with respect to each
 * step's output in dhs (written by the layer above or the head), adding into dWih, dWhh and dbih
 * and, for a layer above another, writing the gradient with respect to its inputs into dxs.
 * The gradient stops at the initial state.
 */
export function rnnBackward(m: Float64Array, R: CellRecord, T: number): number {
  const { I, H, B } = R;
  zero(m, R.dhNext, B * H);
  for (let t = T - 1; t >= 0; t--) {
    for (let b = 0; b < B; b++) {
      const s = t * B + b;
      const hPrev = row(R.hs, s, H);
      const h = row(R.hs, s + B, H);
      const dh = row(R.dh, b, H), dhNext = row(R.dhNext, b, H), dhOut = row(R.dhs, s, H);
      for (let i = 0; i < H; i++) {
        const hi = m[h + i];
        m[dh + i] = (1 - hi * hi) * (m[dhOut + i] + m[dhNext + i]); // backprop through tanh: dhRaw
      }
      addTo(m, R.dbih, dh, H);
      if (R.index) addToColumn(m, R.dWih, dh, m[R.xs + s], H, I);
      else outerAdd(m, R.dWih, dh, row(R.xs, s, I), H, I);
      outerAdd(m, R.dWhh, dh, hPrev, H, H);
      zero(m, dhNext, H);
      matTVecAdd(m, dhNext, R.Whh, dh, H, H); // dhNext = W_hh^T dhRaw
      if (R.inputGrad) {
        const dx = row(R.dxs, s, I);
        zero(m, dx, I);
        matTVecAdd(m, dx, R.Wih, dh, H, I); // the layer below's dhs = W_ih^T dhRaw
      }
    }
  }
  return 0;
}
