// What the heads share: the dense layer z = W h + b over the top layer's states, each sequence's
// number of steps, and backpropagation through the layer once dy holds d loss / d z. Mirrored by
// src/backends/ts/heads/dense.ts.
import { HeadRecord } from '../records';
import { addTo, copy, matMulAdd, matMulTAdd, matTMulAdd, matTVecAdd, outerAdd, row, at, zero } from '../linalg';

/** z = W h + b at steps t0 .. t1-1 of every sequence, into `z` (O numbers a step). */
export function denseForward(R: HeadRecord, z: usize, t0: i32, t1: i32): void {
  const H = R.H, O = R.O, first = t0 * R.B, n = (t1 - t0) * R.B;
  for (let s = first; s < first + n; s++) copy(row(z, s, O), R.b, O);
  matMulTAdd(row(z, first, O), row(R.hs, first, H), R.W, n, O, H, H, H, O);
}

/** The steps of sequence b that count, of a history of T: its length, at most T. */
// @ts-ignore: decorator
@inline export function laneSteps(R: HeadRecord, b: i32, T: i32): i32 {
  const n = at(R.lengths, b);
  return n >= <f64>T ? T : n > 0 ? <i32>n : 0;
}

/** The row of the one step with a loss of sequence b (outputAt 'last'), or -1 if it has no steps. */
// @ts-ignore: decorator
@inline export function lastRow(R: HeadRecord, b: i32, T: i32): i32 {
  const n = laneSteps(R, b, T);
  return n > 0 ? (n - 1) * R.B + b : -1;
}

/**
 * From dy, d loss / d z at every step with a loss (the rows of the others are zeros; with
 * outputAt 'last' only the rows of lastRow are read): adds the gradients of W and b and writes the
 * gradient with respect to each step's state into dhs, for the top layer's backward pass. The
 * steps are taken from the last to the first, as backpropagation through time meets them.
 */
export function denseBackward(R: HeadRecord, T: i32): void {
  const H = R.H, O = R.O, B = R.B, S = T * B;
  zero(R.dhs, S * H);
  if (R.last) {
    for (let b = 0; b < B; b++) {
      const s = lastRow(R, b, T);
      if (s < 0) continue;
      const dy = row(R.dy, s, O);
      outerAdd(R.dW, dy, row(R.hs, s, H), O, H);
      addTo(R.db, dy, O);
      matTVecAdd(row(R.dhs, s, H), R.W, dy, O, H); // dh = W^T dy
    }
    return;
  }
  for (let s = S - 1; s >= 0; s--) addTo(R.db, row(R.dy, s, O), O);
  matTMulAdd(R.dW, R.dy, R.hs, S, O, H, O, H, H); // sum of dy h^T
  matMulAdd(R.dhs, R.dy, R.W, S, H, O, O, H, H); // dh = W^T dy
}
