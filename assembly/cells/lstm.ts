// The cell of torch.nn.LSTM, gates in torch's order i, f, g, o:
//   [i f g o] = [sigmoid sigmoid tanh sigmoid](W_ih x_t + b_ih + b_hh + W_hh h_{t-1})
//   c_t = f c_{t-1} + i g        h_t = o tanh(c_t)
// over a batch of B sequences in lockstep (rows [t][b]). hs and cs hold C + 1 rows (row 0 the
// initial state); gates holds each step's four activated gates (4H numbers), which backward reads.
// The four gate blocks are one matrix of 4H rows, so each step is one pass over each weight
// matrix. Mirrored by src/backends/ts/cells/lstm.ts.
import { CellRecord } from '../records';
import { addColumn, addTo, addToColumn, at, copy, idAt, matTVecAdd, matVecAdd, outerAdd, put, row, zero } from '../linalg';
import { sigmoid, tanh } from '../mathf';

/** Steps t0 .. t1-1, from the inputs in xs and the states in hs and cs row t0. */
export function lstmForward(R: CellRecord, t0: i32, t1: i32): void {
  const I = R.I, H = R.H, B = R.B, G = 4 * H;
  for (let t = t0; t < t1; t++) {
    for (let b = 0; b < B; b++) {
      const s = t * B + b;
      const hPrev = row(R.hs, s, H), cPrev = row(R.cs, s, H);
      const h = row(R.hs, s + B, H), c = row(R.cs, s + B, H);
      const g = row(R.gates, s, G);
      copy(g, R.bih, G);
      addTo(g, R.bhh, G);
      if (R.index) addColumn(g, R.Wih, idAt(R.xs, s, I), G, I);
      else matVecAdd(g, R.Wih, row(R.xs, s, I), G, I);
      matVecAdd(g, R.Whh, hPrev, G, H);
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
 * writing the gradient with respect to its inputs into dxs. dh holds a step's gradient with
 * respect to the four gates' pre-activations; dhNext and dcNext carry the gradients with respect
 * to h and c into the step before. The gradient stops at the initial state.
 */
export function lstmBackward(R: CellRecord, T: i32): void {
  const I = R.I, H = R.H, B = R.B, G = 4 * H;
  zero(R.dhNext, B * H);
  zero(R.dcNext, B * H);
  for (let t = T - 1; t >= 0; t--) {
    for (let b = 0; b < B; b++) {
      const s = t * B + b;
      const hPrev = row(R.hs, s, H), cPrev = row(R.cs, s, H), c = row(R.cs, s + B, H);
      const g = row(R.gates, s, G);
      const da = row(R.dh, b, G), dhNext = row(R.dhNext, b, H), dcNext = row(R.dcNext, b, H), dhOut = row(R.dhs, s, H);
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
      addTo(R.dbih, da, G);
      addTo(R.dbhh, da, G);
      if (R.index) addToColumn(R.dWih, da, idAt(R.xs, s, I), G, I);
      else outerAdd(R.dWih, da, row(R.xs, s, I), G, I);
      outerAdd(R.dWhh, da, hPrev, G, H);
      zero(dhNext, H);
      matTVecAdd(dhNext, R.Whh, da, G, H); // dhNext = W_hh^T da
      if (R.inputGrad) {
        const dx = row(R.dxs, s, I);
        zero(dx, I);
        matTVecAdd(dx, R.Wih, da, G, I); // the layer below's dhs = W_ih^T da
      }
    }
  }
}
