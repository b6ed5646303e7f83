// The cell of torch.nn.GRU, gates in torch's order r, z, n:
//   r = sigmoid(W_ir x + b_ir + W_hr h + b_hr)      z = sigmoid(W_iz x + b_iz + W_hz h + b_hz)
//   n = tanh(W_in x + b_in + r (W_hn h + b_hn))      h_t = (1 - z) n + z h_{t-1}
// over a batch of B sequences in lockstep (rows [t][b]). hs holds C + 1 rows (row 0 the initial
// state); gates holds each step's r, z, n and W_hn h + b_hn (4H numbers), which backward reads.
// The three gate blocks are one matrix of 3H rows, so each step is one pass over each weight
// matrix; forward keeps W_hh h + b_hh in dh, which backward alone otherwise uses.
// Mirrors assembly/cells/gru.ts.
import type { CellRecord } from '../../../plan.js';
import { addColumn, addTo, addToColumn, copy, matTVecAdd, matVecAdd, outerAdd, row, zero } from '../linalg.js';
import { sigmoid, tanh } from '../mathf.js';

/** Steps t0 .. t1-1, from the inputs in xs and the states in hs row t0. */
export function gruForward(m: Float64Array, R: CellRecord, t0: number, t1: number): number {
  const { I, H, B } = R;
  const G = 3 * H;
  for (let t = t0; t < t1; t++) {
    for (let b = 0; b < B; b++) {
      const s = t * B + b;
      const hPrev = row(R.hs, s, H), h = row(R.hs, s + B, H);
      const g = row(R.gates, s, 4 * H), gh = row(R.dh, b, G);
      copy(m, g, R.bih, G); // W_ih x + b_ih, into the first 3H of the step's gates
      if (R.index) addColumn(m, g, R.Wih, m[R.xs + s], G, I);
      else matVecAdd(m, g, R.Wih, row(R.xs, s, I), G, I);
      copy(m, gh, R.bhh, G); // W_hh h + b_hh
      matVecAdd(m, gh, R.Whh, hPrev, G, H);
      for (let j = 0; j < H; j++) {
        const r = sigmoid(m[g + j] + m[gh + j]);
        const z = sigmoid(m[g + H + j] + m[gh + H + j]);
        const hn = m[gh + 2 * H + j];
        const n = tanh(m[g + 2 * H + j] + r * hn);
        m[g + j] = r;
        m[g + H + j] = z;
        m[g + 2 * H + j] = n;
        m[g + 3 * H + j] = hn;
        m[h + j] = (1 - z) * n + z * m[hPrev + j];
      }
    }
  }
  return 0;
}

/**
 * Backpropagation through steps T-1 .. 0, from the gradient of the loss with respect to each
 * step's output in dhs, adding into dWih, dWhh, dbih and dbhh and, for a layer above another,
 * writing the gradient with respect to its inputs into dxs. dh holds a step's gradient with
 * respect to W_ih x + b_ih, then (its n block times r) with respect to W_hh h + b_hh; dhNext
 * carries the gradient with respect to h into the step before. The gradient stops at the initial
 * state.
 */
export function gruBackward(m: Float64Array, R: CellRecord, T: number): number {
  const { I, H, B } = R;
  const G = 3 * H;
  zero(m, R.dhNext, B * H);
  for (let t = T - 1; t >= 0; t--) {
    for (let b = 0; b < B; b++) {
      const s = t * B + b;
      const hPrev = row(R.hs, s, H);
      const g = row(R.gates, s, 4 * H);
      const da = row(R.dh, b, G), dhNext = row(R.dhNext, b, H), dhOut = row(R.dhs, s, H);
      for (let j = 0; j < H; j++) {
        const r = m[g + j], z = m[g + H + j], n = m[g + 2 * H + j], hn = m[g + 3 * H + j];
        const dhj = m[dhOut + j] + m[dhNext + j];
        const dn = dhj * (1 - z) * (1 - n * n);
        m[da + j] = dn * hn * (r * (1 - r));
        m[da + H + j] = dhj * (m[hPrev + j] - n) * (z * (1 - z));
        m[da + 2 * H + j] = dn;
        m[dhNext + j] = dhj * z; // the path through z h_{t-1}; W_hh^T da is added below
      }
      addTo(m, R.dbih, da, G);
      if (R.index) addToColumn(m, R.dWih, da, m[R.xs + s], G, I);
      else outerAdd(m, R.dWih, da, row(R.xs, s, I), G, I);
      if (R.inputGrad) {
        const dx = row(R.dxs, s, I);
        zero(m, dx, I);
        matTVecAdd(m, dx, R.Wih, da, G, I); // the layer below's dhs = W_ih^T da
      }
      for (let j = 0; j < H; j++) m[da + 2 * H + j] *= m[g + j]; // d(W_hn h + b_hn) = r dn
      addTo(m, R.dbhh, da, G);
      outerAdd(m, R.dWhh, da, hPrev, G, H);
      matTVecAdd(m, dhNext, R.Whh, da, G, H);
    }
  }
  return 0;
}
