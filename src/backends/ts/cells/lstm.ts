// The cell of torch.nn.LSTM, gates in torch's order i, f, g, o:
//   [i f g o] = [sigmoid sigmoid tanh sigmoid](W_ih x_t + b_ih + b_hh + W_hh h_{t-1})
//   c_t = f c_{t-1} + i g        h_t = o tanh(c_t)
// over a batch of B sequences in lockstep (rows [t][b]). hs and cs hold C + 1 rows (row 0 the
// initial state); gates holds each step's four activated gates (4H numbers), which backward reads
// and replaces with the gradients with respect to their pre-activations (das). The four gate
// blocks are one matrix of 4H rows, so each step is one product per weight matrix over the batch.
// Mirrors assembly/cells/lstm.ts.
import type { CellRecord } from '../../../plan.js';
import { addColumn, addTo, addToColumn, copy, matMulAdd, matMulTAdd, matTMulAdd, row, zero } from '../linalg.js';
import { sigmoid, tanh } from '../mathf.js';

/** Steps t0 .. t1-1, from the inputs in xs and the states in hs and cs row t0. */
export function lstmForward(m: Float64Array, R: CellRecord, t0: number, t1: number): number {
  const { I, H, B } = R;
  const G = 4 * H, first = t0 * B, n = (t1 - t0) * B;
  for (let s = first; s < first + n; s++) {
    const g = row(R.gates, s, G);
    copy(m, g, R.bih, G);
    addTo(m, g, R.bhh, G);
    if (R.index) addColumn(m, g, R.Wih, m[R.xs + s], G, I);
  }
  if (!R.index) matMulTAdd(m, row(R.gates, first, G), row(R.xs, first, I), R.Wih, n, G, I, I, I, G);
  for (let t = t0; t < t1; t++) {
    matMulTAdd(m, row(R.gates, t * B, G), row(R.hs, t * B, H), R.Whh, B, G, H, H, H, G);
    for (let b = 0; b < B; b++) {
      const s = t * B + b;
      const cPrev = row(R.cs, s, H), h = row(R.hs, s + B, H), c = row(R.cs, s + B, H), g = row(R.gates, s, G);
      for (let j = 0; j < H; j++) {
        const ig = sigmoid(m[g + j]), fg = sigmoid(m[g + H + j]), gg = tanh(m[g + 2 * H + j]), og = sigmoid(m[g + 3 * H + j]);
        m[g + j] = ig;
        m[g + H + j] = fg;
        m[g + 2 * H + j] = gg;
        m[g + 3 * H + j] = og;
        const cj = fg * m[cPrev + j] + ig * gg;
        m[c + j] = cj;
        m[h + j] = og * tanh(cj);
      }
    }
  }
  return 0;
}

/**
 * Backpropagation through steps T-1 .. 0, from the gradient of the loss with respect to each
 * step's output in dhs, adding into dWih, dWhh, dbih and dbhh and, for a layer above another,
 * writing the gradient with respect to its inputs into dxs. Each step's gates are replaced by the
 * gradient with respect to their pre-activations (das); dhNext and dcNext carry the gradients
 * with respect to h and c into the step before. The gradient stops at the initial state.
 */
export function lstmBackward(m: Float64Array, R: CellRecord, T: number): number {
  const { I, H, B } = R;
  const G = 4 * H, S = T * B;
  zero(m, R.dhNext, B * H);
  zero(m, R.dcNext, B * H);
  for (let t = T - 1; t >= 0; t--) {
    for (let b = 0; b < B; b++) {
      const s = t * B + b;
      const cPrev = row(R.cs, s, H), c = row(R.cs, s + B, H), g = row(R.gates, s, G), da = row(R.das, s, G);
      const dhNext = row(R.dhNext, b, H), dcNext = row(R.dcNext, b, H), dhOut = row(R.dhs, s, H);
      for (let j = 0; j < H; j++) {
        const ig = m[g + j], fg = m[g + H + j], gg = m[g + 2 * H + j], og = m[g + 3 * H + j];
        const dhj = m[dhOut + j] + m[dhNext + j];
        const tc = tanh(m[c + j]);
        const dc = dhj * og * (1 - tc * tc) + m[dcNext + j];
        m[da + j] = dc * gg * (ig * (1 - ig));
        m[da + H + j] = dc * m[cPrev + j] * (fg * (1 - fg));
        m[da + 2 * H + j] = dc * ig * (1 - gg * gg);
        m[da + 3 * H + j] = dhj * tc * (og * (1 - og));
        m[dcNext + j] = dc * fg;
      }
    }
    if (t > 0) {
      zero(m, R.dhNext, B * H);
      matMulAdd(m, R.dhNext, row(R.das, t * B, G), R.Whh, B, H, G, G, H, H); // dhNext = W_hh^T da
    }
  }
  for (let s = S - 1; s >= 0; s--) {
    addTo(m, R.dbih, row(R.das, s, G), G);
    addTo(m, R.dbhh, row(R.das, s, G), G);
  }
  if (R.index) for (let s = S - 1; s >= 0; s--) addToColumn(m, R.dWih, row(R.das, s, G), m[R.xs + s], G, I);
  else matTMulAdd(m, R.dWih, R.das, R.xs, S, G, I, G, I, I); // sum of da x^T
  matTMulAdd(m, R.dWhh, R.das, R.hs, S, G, H, G, H, H); // sum of da h_{t-1}^T
  if (R.inputGrad) {
    zero(m, R.dxs, S * I);
    matMulAdd(m, R.dxs, R.das, R.Wih, S, I, G, G, I, I); // the layer below's dhs = W_ih^T da
  }
  return 0;
}
