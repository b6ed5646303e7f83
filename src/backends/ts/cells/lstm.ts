// The cell of torch.nn.LSTM, gates in torch's order i, f, g, o:
//   [i f g o] = [sigmoid sigmoid tanh sigmoid](W_ih x_t + b_ih + b_hh + W_hh h_{t-1})
//   c_t = f c_{t-1} + i g        h_t = o tanh(c_t)
// over a batch of B sequences in lockstep (rows [t][b]). hs and cs hold C + 1 rows (row 0 the
// initial state); gates holds each step's four activated gates (4H numbers), which backward reads.
// The four gate blocks are one matrix of 4H rows, so each step is one pass over each weight
// matrix. Mirrors assembly/cells/lstm.ts.
import type { CellRecord } from '../../../plan.js';
import { addColumn, addTo, addToColumn, copy, matTVecAdd, matVecAdd, outerAdd, row, zero } from '../linalg.js';
import { sigmoid, tanh } from '../mathf.js';

/** Steps t0 .. t1-1, from the inputs in xs and the states in hs and cs row t0. */
export function lstmForward(m: Float64Array, R: CellRecord, t0: number, t1: number): number {
  const { I, H, B } = R;
  const G = 4 * H;
  for (let t = t0; t < t1; t++) {
    for (let b = 0; b < B; b++) {
      const s = t * B + b;
      const hPrev = row(R.hs, s, H), cPrev = row(R.cs, s, H);
      const h = row(R.hs, s + B, H), c = row(R.cs, s + B, H);
      const g = row(R.gates, s, G);
      copy(m, g, R.bih, G);
      addTo(m, g, R.bhh, G);
      if (R.index) addColumn(m, g, R.Wih, m[R.xs + s], G, I);
      else matVecAdd(m, g, R.Wih, row(R.xs, s, I), G, I);
      matVecAdd(m, g, R.Whh, hPrev, G, H);
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
 * writing the gradient with respect to its inputs into dxs. dh holds a step's gradient with
 * respect to the four gates' pre-activations; dhNext and dcNext carry the gradients with respect
 * to h and c into the step before. The gradient stops at the initial state.
 */
export function lstmBackward(m: Float64Array, R: CellRecord, T: number): number {
  const { I, H, B } = R;
  const G = 4 * H;
  zero(m, R.dhNext, B * H);
  zero(m, R.dcNext, B * H);
  for (let t = T - 1; t >= 0; t--) {
    for (let b = 0; b < B; b++) {
      const s = t * B + b;
      const hPrev = row(R.hs, s, H), cPrev = row(R.cs, s, H), c = row(R.cs, s + B, H);
      const g = row(R.gates, s, G);
      const da = row(R.dh, b, G), dhNext = row(R.dhNext, b, H), dcNext = row(R.dcNext, b, H), dhOut = row(R.dhs, s, H);
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
      addTo(m, R.dbih, da, G);
      addTo(m, R.dbhh, da, G);
      if (R.index) addToColumn(m, R.dWih, da, m[R.xs + s], G, I);
      else outerAdd(m, R.dWih, da, row(R.xs, s, I), G, I);
      outerAdd(m, R.dWhh, da, hPrev, G, H);
      zero(m, dhNext, H);
      matTVecAdd(m, dhNext, R.Whh, da, G, H); // dhNext = W_hh^T da
      if (R.inputGrad) {
        const dx = row(R.dxs, s, I);
        zero(m, dx, I);
        matTVecAdd(m, dx, R.Wih, da, G, I); // the layer below's dhs = W_ih^T da
      }
    }
  }
  return 0;
}
