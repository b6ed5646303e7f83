// The cell of torch.nn.GRU, gates in torch's order r, z, n:
//   r = sigmoid(W_ir x + b_ir + W_hr h + b_hr)      z = sigmoid(W_iz x + b_iz + W_hz h + b_hz)
//   n = tanh(W_in x + b_in + r (W_hn h + b_hn))      h_t = (1 - z) n + z h_{t-1}
// over a batch of B sequences in lockstep (rows [t][b]). hs holds C + 1 rows (row 0 the initial
// state); gates holds each step's r, z, n and W_hn h + b_hn (4H numbers), which backward reads.
// The three gate blocks are one matrix of 3H rows, so each step is one pass over each weight
// matrix; forward keeps W_hh h + b_hh in dh, which backward alone otherwise uses.
// Mirrored by src/backends/ts/cells/gru.ts.
import { CellRecord } from '../records';
import { addColumn, addTo, addToColumn, at, copy, idAt, matTVecAdd, matVecAdd, outerAdd, put, row, zero } from '../linalg';
import { sigmoid, tanh } from '../mathf';

/** Steps t0 .. t1-1, from the inputs in xs and the states in hs row t0. */
export function gruForward(R: CellRecord, t0: i32, t1: i32): void {
  const I = R.I, H = R.H, B = R.B, G = 3 * H;
  for (let t = t0; t < t1; t++) {
    for (let b = 0; b < B; b++) {
      const s = t * B + b;
      const hPrev = row(R.hs, s, H), h = row(R.hs, s + B, H);
      const g = row(R.gates, s, 4 * H), gh = row(R.dh, b, G);
      copy(g, R.bih, G); // W_ih x + b_ih, into the first 3H of the step's gates
      if (R.index) addColumn(g, R.Wih, idAt(R.xs, s, I), G, I);
      else matVecAdd(g, R.Wih, row(R.xs, s, I), G, I);
      copy(gh, R.bhh, G); // W_hh h + b_hh
      matVecAdd(gh, R.Whh, hPrev, G, H);
      for (let j = 0; j < H; j++) {
        const r = sigmoid(at(g, j) + at(gh, j));
        const z = sigmoid(at(g, H + j) + at(gh, H + j));
        const hn = at(gh, 2 * H + j);
        const n = tanh(at(g, 2 * H + j) + r * hn);
        put(g, j, r);
        put(g, H + j, z);
        put(g, 2 * H + j, n);
        put(g, 3 * H + j, hn);
        put(h, j, (1 - z) * n + z * at(hPrev, j));
      }
    }
  }
}

/**
 * Backpropagation through steps T-1 .. 0, from the gradient of the loss with respect to each
 * step's output in dhs, adding into dWih, dWhh, dbih and dbhh and, for a layer above another,
 * writing the gradient with respect to its inputs into dxs. dh holds a step's gradient with
 * respect to W_ih x + b_ih, then (its n block times r) with respect to W_hh h + b_hh; dhNext
 * carries the gradient with respect to h into the step before. The gradient stops at the initial
 * state.
 */
export function gruBackward(R: CellRecord, T: i32): void {
  const I = R.I, H = R.H, B = R.B, G = 3 * H;
  zero(R.dhNext, B * H);
  for (let t = T - 1; t >= 0; t--) {
    for (let b = 0; b < B; b++) {
      const s = t * B + b;
      const hPrev = row(R.hs, s, H);
      const g = row(R.gates, s, 4 * H);
      const da = row(R.dh, b, G), dhNext = row(R.dhNext, b, H), dhOut = row(R.dhs, s, H);
      for (let j = 0; j < H; j++) {
        const r = at(g, j), z = at(g, H + j), n = at(g, 2 * H + j), hn = at(g, 3 * H + j);
        const dhj = at(dhOut, j) + at(dhNext, j);
        const dn = dhj * (1 - z) * (1 - n * n);
        put(da, j, dn * hn * (r * (1 - r)));
        put(da, H + j, dhj * (at(hPrev, j) - n) * (z * (1 - z)));
        put(da, 2 * H + j, dn);
        put(dhNext, j, dhj * z); // the path through z h_{t-1}; W_hh^T da is added below
      }
      addTo(R.dbih, da, G);
      if (R.index) addToColumn(R.dWih, da, idAt(R.xs, s, I), G, I);
      else outerAdd(R.dWih, da, row(R.xs, s, I), G, I);
      if (R.inputGrad) {
        const dx = row(R.dxs, s, I);
        zero(dx, I);
        matTVecAdd(dx, R.Wih, da, G, I); // the layer below's dhs = W_ih^T da
      }
      for (let j = 0; j < H; j++) put(da, 2 * H + j, at(da, 2 * H + j) * at(g, j)); // d(W_hn h + b_hn) = r dn
      addTo(R.dbhh, da, G);
      outerAdd(R.dWhh, da, hPrev, G, H);
      matTVecAdd(dhNext, R.Whh, da, G, H);
    }
  }
}
