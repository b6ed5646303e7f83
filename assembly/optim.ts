// Parameter updates over the P parameters as one flat vector (Wxh ... by, then dWxh ... dby in
// the same order). Each returns 1 when every updated parameter is finite and 0 otherwise, so the
// caller can undo a step that diverged. Mirrored by src/backends/ts/optim.ts.
import { Layout } from './layout';
import { at, put } from './linalg';

/** Gradient descent: p -= lr g. */
export function sgd(L: Layout, lr: f64): i32 {
  const p = L.Wxh, g = L.dWxh;
  let finite: bool = true;
  for (let i = 0; i < L.P; i++) {
    const v = at(p, i) - lr * at(g, i);
    put(p, i, v);
    finite = finite && isFinite(v);
  }
  return finite ? 1 : 0;
}

export const ETA_PLUS: f64 = 1.2;
export const ETA_MINUS: f64 = 0.5;
export const STEP_MIN: f64 = 1e-6;
export const STEP_MAX: f64 = 50;

/**
 * Rprop: Riedmiller & Braun 1993, in the iRprop- form of torch.optim.Rprop. Every weight has its
 * own step size, which starts at lr (a stored step of 0 means "not started"), grows by ETA_PLUS
 * while the gradient keeps its sign and shrinks by ETA_MINUS when it flips, within
 * [STEP_MIN, STEP_MAX]. A weight whose gradient flipped does not move, and its stored gradient
 * becomes 0 so that the next step neither grows nor shrinks. The weight moves by
 * -sign(g) * step; only the gradient's sign is used.
 */
export function rprop(L: Layout, lr: f64): i32 {
  const p = L.Wxh, g = L.dWxh, prev = L.rpropPrev, steps = L.rpropStep;
  let finite: bool = true;
  for (let i = 0; i < L.P; i++) {
    let gi = at(g, i);
    let step = at(steps, i);
    if (step == 0) step = lr;
    const agreement = sign(gi) * sign(at(prev, i));
    if (agreement > 0) {
      step *= ETA_PLUS;
    } else if (agreement < 0) {
      step *= ETA_MINUS;
      gi = 0;
    }
    step = Math.min(Math.max(step, STEP_MIN), STEP_MAX);
    put(steps, i, step);
    put(prev, i, gi);
    const v = at(p, i) - sign(gi) * step;
    put(p, i, v);
    finite = finite && isFinite(v);
  }
  return finite ? 1 : 0;
}

/**
 * The notebook's update_rprop, kept so that its results can be reproduced. It is not Rprop: it
 * scales the raw gradient by a per-weight multiplier (starting at 1, times 1.2 when the
 * gradient's sign equals the previous one's, halved otherwise, within [0.01, 100]) and by lr.
 * The previous gradients start at 1.
 */
export function rpropNotebook(L: Layout, lr: f64): i32 {
  const p = L.Wxh, g = L.dWxh, prev = L.notebookPrev, mult = L.notebookMult;
  let finite: bool = true;
  for (let i = 0; i < L.P; i++) {
    const gi = at(g, i);
    let m = at(mult, i);
    m = sign(gi) == sign(at(prev, i)) ? m * 1.2 : m / 2;
    m = Math.min(Math.max(m, 0.01), 100);
    put(mult, i, m);
    put(prev, i, gi);
    const v = at(p, i) - gi * m * lr;
    put(p, i, v);
    finite = finite && isFinite(v);
  }
  return finite ? 1 : 0;
}

/** numpy's sign: -1, 0 or 1, and NaN for NaN. */
// @ts-ignore: decorator
@inline function sign(x: f64): f64 {
  return x > 0 ? 1 : x < 0 ? -1 : x == 0 ? 0 : NaN;
}
