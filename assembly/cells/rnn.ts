// The Elman cell of torch.nn.RNN (tanh), with one hidden bias:
//   h_t = tanh(W_ih x_t + b + W_hh h_{t-1})      hs row t+1 (row 0 is the initial state)
// over a batch of B sequences in lockstep (rows [t][b]). Mirrored by src/backends/ts/cells/rnn.ts.
import { CellRecord } from '../records';
import { addColumn, addTo, addToColumn, at, copy, idAt, matTVecAdd, matVecAdd, outerAdd, put, row, zero } from '../linalg';
import { tanh } from '../mathf';

/** Steps t0 .. t1-1, from the inputs in xs and the states in hs row t0. */
export function rnnForward(R: CellRecord, t0: i32, t1: i32): void {
  const I = R.I, H = R.H, B = R.B;
  for (let t = t0; t < t1; t++) {
    for (let b = 0; b < B; b++) {
      const s = t * B + b;
      const hPrev = row(R.hs, s, H);
      const h = row(R.hs, s + B, H);
      copy(h, R.bih, H);
      if (R.index) addColumn(h, R.Wih, idAt(R.xs, s, I), H, I);
      else matVecAdd(h, R.Wih, row(R.xs, s, I), H, I);
      matVecAdd(h, R.Whh, hPrev, H, H);
      for (let i = 0; i < H; i++) put(h, i, tanh(at(h, i)));
    }
  }
}

/**
 * Backpropagation through steps T-1 .. 0, from the gradient of the loss with respect to each
 * step's output in dhs (written by the layer above or the head), adding into dWih, dWhh and dbih
 * and, for a layer above another, writing the gradient with respect to its inputs into dxs.
 * The gradient stops at the initial state.
 */
export function rnnBackward(R: CellRecord, T: i32): void {
  const I = R.I, H = R.H, B = R.B;
  zero(R.dhNext, B * H);
  for (let t = T - 1; t >= 0; t--) {
    for (let b = 0; b < B; b++) {
      const s = t * B + b;
      const hPrev = row(R.hs, s, H);
      const h = row(R.hs, s + B, H);
      const dh = row(R.dh, b, H), dhNext = row(R.dhNext, b, H), dhOut = row(R.dhs, s, H);
      for (let i = 0; i < H; i++) {
        const hi = at(h, i);
        put(dh, i, (1 - hi * hi) * (at(dhOut, i) + at(dhNext, i))); // backprop through tanh: dhRaw
      }
      addTo(R.dbih, dh, H);
      if (R.index) addToColumn(R.dWih, dh, idAt(R.xs, s, I), H, I);
      else outerAdd(R.dWih, dh, row(R.xs, s, I), H, I);
      outerAdd(R.dWhh, dh, hPrev, H, H);
      zero(dhNext, H);
      matTVecAdd(dhNext, R.Whh, dh, H, H); // dhNext = W_hh^T dhRaw
      if (R.inputGrad) {
        const dx = row(R.dxs, s, I);
        zero(dx, I);
        matTVecAdd(dx, R.Wih, dh, H, I); // the layer below's dhs = W_ih^T dhRaw
      }
    }
  }
}
