// Backpropagation through time over steps 0 .. T-1, into the gradient buffers (dWxh ... dby),
// from the activations the forward pass kept. Mirrored by src/backends/ts/backward.ts.
import { Layout } from './layout';
import { addTo, at, copy, matTVecAdd, outerAdd, put, row, zero } from './linalg';

/** With accumulate = 1 the gradients are added to those already in the buffers (a batch). */
export function backward(L: Layout, T: i32, accumulate: i32): void {
  const I = L.I, H = L.H, O = L.O;
  if (!accumulate) zero(L.dWxh, L.P);
  zero(L.dhNext, H);
  const dy = L.dy, dh = L.dh, dhNext = L.dhNext;
  for (let t = T - 1; t >= 0; t--) {
    const x = row(L.xs, t, I);
    const hPrev = row(L.hs, t, H); // hs row 0 is the initial state, so step t reads rows t, t+1
    const h = row(L.hs, t + 1, H);

    copy(dy, row(L.ps, t, O), O);
    const target = <i32>at(L.targets, t);
    put(dy, target, at(dy, target) - 1); // d loss / d logits = y - onehot(target)
    outerAdd(L.dWhy, dy, h, O, H);
    addTo(L.dby, dy, O);

    copy(dh, dhNext, H);
    matTVecAdd(dh, L.Why, dy, O, H); // dh = Why^T dy + dhNext
    for (let i = 0; i < H; i++) {
      const hi = at(h, i);
      put(dh, i, (1 - hi * hi) * at(dh, i)); // backprop through tanh: dh becomes dhRaw
    }
    addTo(L.dbh, dh, H);
    outerAdd(L.dWxh, dh, x, H, I);
    outerAdd(L.dWhh, dh, hPrev, H, H);

    zero(dhNext, H);
    matTVecAdd(dhNext, L.Whh, dh, H, H); // dhNext = Whh^T dhRaw
  }
}
