// Backpropagation through time over steps 0 .. T-1, into the gradient buffers (dWxh ... dby),
// from the activations the forward pass kept. Mirrors assembly/backward.ts.
import type { Layout } from '../../layout.js';
import { addTo, copy, matTVecAdd, outerAdd, row, zero } from './linalg.js';

/** With accumulate the gradients are added to those already in the buffers (a batch). */
export function backward(m: Float64Array, L: Layout, T: number, accumulate: boolean): void {
  const { I, H, O } = L;
  if (!accumulate) zero(m, L.dWxh, L.P);
  zero(m, L.dhNext, H);
  const { dy, dh, dhNext } = L;
  for (let t = T - 1; t >= 0; t--) {
    const x = row(L.xs, t, I);
    const hPrev = row(L.hs, t, H); // hs row 0 is the initial state, so step t reads rows t, t+1
    const h = row(L.hs, t + 1, H);

    copy(m, dy, row(L.ps, t, O), O);
    const target = m[L.targets + t];
    m[dy + target] -= 1; // d loss / d logits = y - onehot(target)
    outerAdd(m, L.dWhy, dy, h, O, H);
    addTo(m, L.dby, dy, O);

    copy(m, dh, dhNext, H);
    matTVecAdd(m, dh, L.Why, dy, O, H); // dh = Why^T dy + dhNext
    for (let i = 0; i < H; i++) {
      const hi = m[h + i];
      m[dh + i] = (1 - hi * hi) * m[dh + i]; // backprop through tanh: dh becomes dhRaw
    }
    addTo(m, L.dbh, dh, H);
    outerAdd(m, L.dWxh, dh, x, H, I);
    outerAdd(m, L.dWhh, dh, hPrev, H, H);

    zero(m, dhNext, H);
    matTVecAdd(m, dhNext, L.Whh, dh, H, H); // dhNext = Whh^T dhRaw
  }
}
