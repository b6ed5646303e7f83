// The cell of torch.nn.LSTM, gates in torch's order i, f, g, o:
//   [i f g o] = [sigmoid sigmoid tanh sigmoid](W_ih x_t + b_ih + b_hh + W_hh h_{t-1})
//   c_t = f c_{t-1} + i g        h_t = o tanh(c_t)
// over a batch of B sequences in lockstep (rows [t][b]). hs and cs hold C + 1 rows (row 0 the
// initial state); gates holds each step's four activated gates (4H numbers), which backward reads
// and replaces with the gradients with respect to their pre-activations (das). The four gate
// blocks are one matrix of 4H rows, so each step is one product per weight matrix over the batch.
// Mirrored by src/backends/ts/cells/lstm.ts.
import { CellRecord } from '../records';
import { addColumn, addTo, addToColumn, at, copy, idAt, matMulAdd, matMulTAdd, matTMulAdd, put, row, zero } from '../linalg';
import { sigmoid, tanh } from '../mathf';

/** Steps t0 .. t1-1, from the inputs in xs and the states in hs and cs row t0. */
export function lstmForward(R: CellRecord, t0: i32, t1: i32): void {
  const I = R.I, H = R.H, B = R.B, G = 4 * H;
  const first = t0 * B, n = (t1 - t0) * B;
  for (let s = first; s < first + n; s++) {
    const g = row(R.gates, s, G);
    copy(g, R.bih, G);
    addTo(g, R.bhh, G);
    if (R.index) addColumn(g, R.Wih, idAt(R.xs, s, I), G, I);
  }
  if (!R.index) matMulTAdd(row(R.gates, first, G), row(R.xs, first, I), R.Wih, n, G, I, I, I, G);
  for (let t = t0; t < t1; t++) {
    matMulTAdd(row(R.gates, t * B, G), row(R.hs, t * B, H), R.Whh, B, G, H, H, H, G);
    for (let b = 0; b < B; b++) {
      const s = t * B + b;
      const cPrev = row(R.cs, s, H), h = row(R.hs, s + B, H), c = row(R.cs, s + B, H), g = row(R.gates, s, G);
      for (let j = 0; j < H; j++) {
        const ig = sigmoid(at(g, j)), fg = sigmoid(at(g, H + j)), gg = tanh(at(g, 2 * H + j)), og = sigmoid(at(g, 3 * H + j));
        put(g, j, ig);
        put(g, H + j, fg);
        put(g, 2 * H + j, gg);
        put(g, 3 * H + j, og);
        const cj = fg * at(cPrev, j) + ig * gg;
        put(c, j, cj);
        put(h, j, og * tanh(cj));
      }
    }
  }
}

/**
 * Backpropagation through steps T-1 .. 0, from the gradient of the loss with respect to each
 * step's output in dhs, adding into dWih, dWhh, dbih and dbhh and, for a layer above another,
 * writing the gradient with respect to its inputs into dxs. Each step's gates are replaced by the
 * gradient with respect to their pre-activations (das); dhNext and dcNext carry the gradients
 * with respect to h and c into the step before. The gradient stops at the initial state.
 */
export function lstmBackward(R: CellRecord, T: i32): void {
  const I = R.I, H = R.H, B = R.B, G = 4 * H, S = T * B;
  zero(R.dhNext, B * H);
  zero(R.dcNext, B * H);
  for (let t = T - 1; t >= 0; t--) {
    for (let b = 0; b < B; b++) {
      const s = t * B + b;
      const cPrev = row(R.cs, s, H), c = row(R.cs, s + B, H), g = row(R.gates, s, G), da = row(R.das, s, G);
      const dhNext = row(R.dhNext, b, H), dcNext = row(R.dcNext, b, H), dhOut = row(R.dhs, s, H);
      for (let j = 0; j < H; j++) {
        const ig = at(g, j), fg = at(g, H + j), gg = at(g, 2 * H + j), og = at(g, 3 * H + j);
        const dhj = at(dhOut, j) + at(dhNext, j);
        const tc = tanh(at(c, j));
        const dc = dhj * og * (1 - tc * tc) + at(dcNext, j);
        put(da, j, dc * gg * (ig * (1 - ig)));
        put(da, H + j, dc * at(cPrev, j) * (fg * (1 - fg)));
        put(da, 2 * H + j, dc * ig * (1 - gg * gg));
        put(da, 3 * H + j, dhj * tc * (og * (1 - og)));
        put(dcNext, j, dc * fg);
      }
    }
    if (t > 0) {
      zero(R.dhNext, B * H);
      matMulAdd(R.dhNext, row(R.das, t * B, G), R.Whh, B, H, G, G, H, H); // dhNext = W_hh^T da
    }
  }
  for (let s = S - 1; s >= 0; s--) {
    addTo(R.dbih, row(R.das, s, G), G);
    addTo(R.dbhh, row(R.das, s, G), G);
  }
  if (R.index) for (let s = S - 1; s >= 0; s--) addToColumn(R.dWih, row(R.das, s, G), idAt(R.xs, s, I), G, I);
  else matTMulAdd(R.dWih, R.das, R.xs, S, G, I, G, I, I); // sum of da x^T
  matTMulAdd(R.dWhh, R.das, R.hs, S, G, H, G, H, H); // sum of da h_{t-1}^T
  if (R.inputGrad) {
    zero(R.dxs, S * I);
    matMulAdd(R.dxs, R.das, R.Wih, S, I, G, G, I, I); // the layer below's dhs = W_ih^T da
  }
}
