// The cell of torch.nn.GRU, gates in torch's order r, z, n:
//   r = sigmoid(W_ir x + b_ir + W_hr h + b_hr)      z = sigmoid(W_iz x + b_iz + W_hz h + b_hz)
//   n = tanh(W_in x + b_in + r (W_hn h + b_hn))      h_t = (1 - z) n + z h_{t-1}
// over a batch of B sequences in lockstep (rows [t][b]). hs holds C + 1 rows (row 0 the initial
// state); gates holds each step's r, z, n and W_hn h + b_hn (4H numbers), which backward reads and
// replaces with the gradients with respect to W_ih x + b_ih (3H) and to W_hn h + b_hn (H): das.
// The three gate blocks are one matrix of 3H rows, so each step is one product per weight matrix
// over the batch; forward keeps W_hh h + b_hh in dh, which backward does not use.
// Mirrors assembly/cells/gru.ts.
import type { CellRecord } from '../../../plan.js';
import { addColumn, addTo, addToColumn, copy, matMulAdd, matMulTAdd, matTMulAdd, row, zero } from '../linalg.js';
import { sigmoid, tanh } from '../mathf.js';

/** Steps t0 .. t1-1, from the inputs in xs and the states in hs row t0. */
export function gruForward(m: Float64Array, R: CellRecord, t0: number, t1: number): number {
  const { I, H, B } = R;
  const G = 3 * H, first = t0 * B, n = (t1 - t0) * B;
  for (let s = first; s < first + n; s++) {
    const g = row(R.gates, s, 4 * H);
    copy(m, g, R.bih, G); // W_ih x + b_ih, into the first 3H of the step's gates
    if (R.index) addColumn(m, g, R.Wih, m[R.xs + s], G, I);
  }
  if (!R.index) matMulTAdd(m, row(R.gates, first, 4 * H), row(R.xs, first, I), R.Wih, n, G, I, I, I, 4 * H);
  for (let t = t0; t < t1; t++) {
    for (let b = 0; b < B; b++) copy(m, row(R.dh, b, G), R.bhh, G); // W_hh h + b_hh
    matMulTAdd(m, R.dh, row(R.hs, t * B, H), R.Whh, B, G, H, H, H, G);
    for (let b = 0; b < B; b++) {
      const s = t * B + b;
      const hPrev = row(R.hs, s, H), h = row(R.hs, s + B, H), g = row(R.gates, s, 4 * H), gh = row(R.dh, b, G);
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
 * writing the gradient with respect to its inputs into dxs. Each step's das is the gradient with
 * respect to W_ih x + b_ih (dr, dz, dn), then r dn, the n block's gradient with respect to
 * W_hn h + b_hn: with dr and dz, the gradient with respect to W_hh h + b_hh. dhNext carries the
 * gradient with respect to h into the step before. The gradient stops at the initial state.
 */
export function gruBackward(m: Float64Array, R: CellRecord, T: number): number {
  const { I, H, B } = R;
  const G = 3 * H, S = T * B, W = 4 * H;
  const dan = R.das + G, dWhn = R.dWhh + 2 * H * H, Whn = R.Whh + 2 * H * H;
  zero(m, R.dhNext, B * H);
  for (let t = T - 1; t >= 0; t--) {
    for (let b = 0; b < B; b++) {
      const s = t * B + b;
      const hPrev = row(R.hs, s, H), g = row(R.gates, s, W), da = row(R.das, s, W);
      const dhNext = row(R.dhNext, b, H), dhOut = row(R.dhs, s, H);
      for (let j = 0; j < H; j++) {
        const r = m[g + j], z = m[g + H + j], n = m[g + 2 * H + j], hn = m[g + 3 * H + j];
        const dhj = m[dhOut + j] + m[dhNext + j];
        const dn = dhj * (1 - z) * (1 - n * n);
        m[da + j] = dn * hn * (r * (1 - r));
        m[da + H + j] = dhj * (m[hPrev + j] - n) * (z * (1 - z));
        m[da + 2 * H + j] = dn;
        m[da + 3 * H + j] = dn * r; // d(W_hn h + b_hn) = r dn
        m[dhNext + j] = dhj * z; // the path through z h_{t-1}; W_hh^T of the gradient is added below
      }
    }
    if (t > 0) {
      const a = row(R.das, t * B, W);
      matMulAdd(m, R.dhNext, a, R.Whh, B, H, 2 * H, W, H, H); // W_hr^T dr + W_hz^T dz
      matMulAdd(m, R.dhNext, a + G, Whn, B, H, H, W, H, H); // + W_hn^T (r dn)
    }
  }
  for (let s = S - 1; s >= 0; s--) {
    const da = row(R.das, s, W);
    addTo(m, R.dbih, da, G);
    addTo(m, R.dbhh, da, 2 * H);
    addTo(m, R.dbhh + 2 * H, da + G, H);
  }
  if (R.index) for (let s = S - 1; s >= 0; s--) addToColumn(m, R.dWih, row(R.das, s, W), m[R.xs + s], G, I);
  else matTMulAdd(m, R.dWih, R.das, R.xs, S, G, I, W, I, I); // sum of (dr, dz, dn) x^T
  matTMulAdd(m, R.dWhh, R.das, R.hs, S, 2 * H, H, W, H, H); // sum of (dr, dz) h_{t-1}^T
  matTMulAdd(m, dWhn, dan, R.hs, S, H, H, W, H, H); // sum of (r dn) h_{t-1}^T
  if (R.inputGrad) {
    zero(m, R.dxs, S * I);
    matMulAdd(m, R.dxs, R.das, R.Wih, S, I, G, W, I, I); // the layer below's dhs = W_ih^T (dr, dz, dn)
  }
  return 0;
}
