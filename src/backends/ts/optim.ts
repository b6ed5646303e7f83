// Parameter updates over the P parameters as one flat vector (Wxh ... by, then dWxh ... dby in
// the same order). Each returns true when every updated parameter is finite, so the caller can
// undo a step that diverged. Mirrors assembly/optim.ts.
import type { Layout } from '../../layout.js';

/** Gradient descent: p -= lr g. */
export function sgd(m: Float64Array, L: Layout, lr: number): boolean {
  const p = L.Wxh, g = L.dWxh;
  let finite = true;
  for (let i = 0; i < L.P; i++) {
    const v = m[p + i] - lr * m[g + i];
    m[p + i] = v;
    finite = finite && Number.isFinite(v);
  }
  return finite;
}

export const ETA_PLUS = 1.2;
export const ETA_MINUS = 0.5;
export const STEP_MIN = 1e-6;
export const STEP_MAX = 50;

/**
 * Rprop: Riedmiller & Braun 1993, in the iRprop- form of torch.optim.Rprop. Every weight has its
 * own step size, which starts at lr (a stored step of 0 means "not started"), grows by ETA_PLUS
 * while the gradient keeps its sign and shrinks by ETA_MINUS when it flips, within
 * [STEP_MIN, STEP_MAX]. A weight whose gradient flipped does not move, and its stored gradient
 * becomes 0 so that the next step neither grows nor shrinks. The weight moves by
 * -sign(g) * step; only the gradient's sign is used.
 */
export function rprop(m: Float64Array, L: Layout, lr: number): boolean {
  const p = L.Wxh, g = L.dWxh, prev = L.rpropPrev, steps = L.rpropStep;
  let finite = true;
  for (let i = 0; i < L.P; i++) {
    let gi = m[g + i];
    let step = m[steps + i];
    if (step === 0) step = lr;
    const agreement = sign(gi) * sign(m[prev + i]);
    if (agreement > 0) {
      step *= ETA_PLUS;
    } else if (agreement < 0) {
      step *= ETA_MINUS;
      gi = 0;
    }
    step = Math.min(Math.max(step, STEP_MIN), STEP_MAX);
    m[steps + i] = step;
    m[prev + i] = gi;
    const v = m[p + i] - sign(gi) * step;
    m[p + i] = v;
    finite = finite && Number.isFinite(v);
  }
  return finite;
}

/**
 * The notebook's update_rprop, kept so that its results can be reproduced. It is not Rprop: it
 * scales the raw gradient by a per-weight multiplier (starting at 1, times 1.2 when the
 * gradient's sign equals the previous one's, halved otherwise, within [0.01, 100]) and by lr.
 * The previous gradients start at 1.
 */
export function rpropNotebook(m: Float64Array, L: Layout, lr: number): boolean {
  const p = L.Wxh, g = L.dWxh, prev = L.notebookPrev, mult = L.notebookMult;
  let finite = true;
  for (let i = 0; i < L.P; i++) {
    const gi = m[g + i];
    let k = m[mult + i];
    k = sign(gi) === sign(m[prev + i]) ? k * 1.2 : k / 2;
    k = Math.min(Math.max(k, 0.01), 100);
    m[mult + i] = k;
    m[prev + i] = gi;
    const v = m[p + i] - gi * k * lr;
    m[p + i] = v;
    finite = finite && Number.isFinite(v);
  }
  return finite;
}

/** numpy's sign: -1, 0 or 1, and NaN for NaN. */
function sign(x: number): number {
  return x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : NaN;
}
