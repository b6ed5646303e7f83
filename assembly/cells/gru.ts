// The cell of torch.nn.GRU, gates in torch's order r, z, n:
//   r = sigmoid(W_ir x + b_ir + W_hr h + b_hr)      z = sigmoid(W_iz x + b_iz + W_hz h + b_hz)
//   n = tanh(W_in x + b_in + r (W_hn h + b_hn))      h_t = (1 - z) n + z h_{t-1}
// over a batch of B sequences in lockstep (rows [t][b]). hs holds C + 1 rows (row 0 the initial
// state); gates holds each step's r, z, n and W_hn h + b_hn (4H numbers), which backward reads and
// replaces with the gradients with respect to W_ih x + b_ih (3H) and to W_hn h + b_hn (H): das.
// The three gate blocks are one matrix of 3H rows, so each step is one product per weight matrix
// over the batch; forward keeps W_hh h + b_hh in dh, which backward does not use.
// Mirrored by src/backends/ts/cells/gru.ts.
import { CellRecord } from '../records';
import { addColumn, addTo, addToColumn, at, copy, idAt, matMulAdd, matMulTAdd, matTMulAdd, put, row, zero } from '../linalg';
import { sigmoid, tanh } from '../mathf';

/** Steps t0 .. t1-1, from the inputs in xs and the states in hs row t0. */
export function gruForward(R: CellRecord, t0: i32, t1: i32): void {
  const I = R.I, H = R.H, B = R.B, G = 3 * H;
  const first = t0 * B, n = (t1 - t0) * B;
  for (let s = first; s < first + n; s++) {
    const g = row(R.gates, s, 4 * H);
    copy(g, R.bih, G); // W_ih x + b_ih, into the first 3H of the step's gates
    if (R.index) addColumn(g, R.Wih, idAt(R.xs, s, I), G, I);
  }
  if (!R.index) matMulTAdd(row(R.gates, first, 4 * H), row(R.xs, first, I), R.Wih, n, G, I, I, I, 4 * H);
  for (let t = t0; t < t1; t++) {
    for (let b = 0; b < B; b++) copy(row(R.dh, b, G), R.bhh, G); // W_hh h + b_hh
    matMulTAdd(R.dh, row(R.hs, t * B, H), R.Whh, B, G, H, H, H, G);
    for (let b = 0; b < B; b++) {
      const s = t * B + b;
      const hPrev = row(R.hs, s, H), h = row(R.hs, s + B, H), g = row(R.gates, s, 4 * H), gh = row(R.dh, b, G);
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
 * writing the gradient with respect to its inputs into dxs. Each step's das is the gradient with
 * respect to W_ih x + b_ih (dr, dz, dn), then r dn, the n block's gradient with respect to
 * W_hn h + b_hn: with dr and dz, the gradient with respect to W_hh h + b_hh. dhNext carries the
 * gradient with respect to h into the step before. The gradient stops at the initial state.
 */
export function gruBackward(R: CellRecord, T: i32): void {
  const I = R.I, H = R.H, B = R.B, G = 3 * H, S = T * B, W = 4 * H;
  const dan = R.das + (<usize>G << 3), dWhn = R.dWhh + (<usize>(2 * H * H) << 3), Whn = R.Whh + (<usize>(2 * H * H) << 3);
  zero(R.dhNext, B * H);
  for (let t = T - 1; t >= 0; t--) {
    for (let b = 0; b < B; b++) {
      const s = t * B + b;
      const hPrev = row(R.hs, s, H), g = row(R.gates, s, W), da = row(R.das, s, W);
      const dhNext = row(R.dhNext, b, H), dhOut = row(R.dhs, s, H);
      for (let j = 0; j < H; j++) {
        const r = at(g, j), z = at(g, H + j), n = at(g, 2 * H + j), hn = at(g, 3 * H + j);
        const dhj = at(dhOut, j) + at(dhNext, j);
        const dn = dhj * (1 - z) * (1 - n * n);
        put(da, j, dn * hn * (r * (1 - r)));
        put(da, H + j, dhj * (at(hPrev, j) - n) * (z * (1 - z)));
        put(da, 2 * H + j, dn);
        put(da, 3 * H + j, dn * r); // d(W_hn h + b_hn) = r dn
        put(dhNext, j, dhj * z); // the path through z h_{t-1}; W_hh^T of the gradient is added below
      }
    }
    if (t > 0) {
      const a = row(R.das, t * B, W);
      matMulAdd(R.dhNext, a, R.Whh, B, H, 2 * H, W, H, H); // W_hr^T dr + W_hz^T dz
      matMulAdd(R.dhNext, a + (<usize>G << 3), Whn, B, H, H, W, H, H); // + W_hn^T (r dn)
    }
  }
  for (let s = S - 1; s >= 0; s--) {
    const da = row(R.das, s, W);
    addTo(R.dbih, da, G);
    addTo(R.dbhh, da, 2 * H);
    addTo(R.dbhh + (<usize>(2 * H) << 3), da + (<usize>G << 3), H);
  }
  if (R.index) for (let s = S - 1; s >= 0; s--) addToColumn(R.dWih, row(R.das, s, W), idAt(R.xs, s, I), G, I);
  else matTMulAdd(R.dWih, R.das, R.xs, S, G, I, W, I, I); // sum of (dr, dz, dn) x^T
  matTMulAdd(R.dWhh, R.das, R.hs, S, 2 * H, H, W, H, H); // sum of (dr, dz) h_{t-1}^T
  matTMulAdd(dWhn, dan, R.hs, S, H, H, W, H, H); // sum of (r dn) h_{t-1}^T
  if (R.inputGrad) {
    zero(R.dxs, S * I);
    matMulAdd(R.dxs, R.das, R.Wih, S, I, G, W, I, I); // the layer below's dhs = W_ih^T (dr, dz, dn)
  }
}
