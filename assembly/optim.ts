// Parameter updates over the P parameters as one flat vector (Wxh ... by, then dWxh ... dby in
// the same order), with each optimiser's state in the slots opt0 .. opt2 (see src/layout.ts).
// Each update returns 1 when every updated parameter is finite and 0 otherwise, so the caller can
// undo a step that diverged. Mirrored by src/backends/ts/optim.ts.
import { Layout } from './layout';
import { at, put } from './linalg';

/** Clips every gradient element to [-c, c]. */
export function clip(L: Layout, c: f64): void {
  const g = L.dWxh;
  for (let i = 0; i < L.P; i++) put(g, i, Math.min(Math.max(at(g, i), -c), c));
}

/** Multiplies every gradient element by s (a batch's sum of gradients into its mean). */
export function scaleGrads(L: Layout, s: f64): void {
  const g = L.dWxh;
  for (let i = 0; i < L.P; i++) put(g, i, at(g, i) * s);
}

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

/**
 * SGD with momentum as torch.optim.SGD (no dampening, no Nesterov): velocity = mu * velocity + g,
 * which is g on the first step since the velocity starts at 0; p -= lr * velocity.
 */
export function momentum(L: Layout, lr: f64, mu: f64): i32 {
  const p = L.Wxh, g = L.dWxh, buf = L.opt0;
  let finite: bool = true;
  for (let i = 0; i < L.P; i++) {
    const b = mu * at(buf, i) + at(g, i);
    put(buf, i, b);
    const v = at(p, i) - lr * b;
    put(p, i, v);
    finite = finite && isFinite(v);
  }
  return finite ? 1 : 0;
}

/** Adagrad as in min-char-rnn: mem += g^2; p -= lr g / sqrt(mem + 1e-8). */
export function adagrad(L: Layout, lr: f64): i32 {
  const p = L.Wxh, g = L.dWxh, mem = L.opt0;
  let finite: bool = true;
  for (let i = 0; i < L.P; i++) {
    const gi = at(g, i);
    const m = at(mem, i) + gi * gi;
    put(mem, i, m);
    const v = at(p, i) - (lr * gi) / Math.sqrt(m + 1e-8);
    put(p, i, v);
    finite = finite && isFinite(v);
  }
  return finite ? 1 : 0;
}

/**
 * Adam (Kingma & Ba 2015) as torch.optim.Adam: m and v are moving averages of g and g^2 with
 * rates beta1 and beta2; p -= lr * (m / c1) / (sqrt(v / c2) + eps), where c1 = 1 - beta1^t and
 * c2 = 1 - beta2^t are the bias corrections for step t (computed by the caller, once per step).
 */
export function adam(L: Layout, lr: f64, beta1: f64, beta2: f64, eps: f64, c1: f64, c2: f64): i32 {
  const p = L.Wxh, g = L.dWxh, m = L.opt0, s = L.opt1;
  let finite: bool = true;
  for (let i = 0; i < L.P; i++) {
    const gi = at(g, i);
    const mi = beta1 * at(m, i) + (1 - beta1) * gi;
    const si = beta2 * at(s, i) + (1 - beta2) * gi * gi;
    put(m, i, mi);
    put(s, i, si);
    const v = at(p, i) - (lr * (mi / c1)) / (Math.sqrt(si / c2) + eps);
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
 * own step size (opt1), which starts at lr (a stored step of 0 means "not started"), grows by
 * ETA_PLUS while the gradient keeps its sign and shrinks by ETA_MINUS when it flips, within
 * [STEP_MIN, STEP_MAX]. A weight whose gradient flipped does not move, and its stored gradient
 * (opt0) becomes 0 so that the next step neither grows nor shrinks. The weight moves by
 * -sign(g) * step; only the gradient's sign is used. As in torch.optim.Rprop, whether the sign
 * kept or flipped is the sign of g times the previous gradient (a product that underflows to 0
 * counts as neither), and the move is written out per sign rather than multiplied by it: where g
 * is 0 the weight stays as it is, where g is NaN it becomes NaN, so the caller sees it.
 */
export function rprop(L: Layout, lr: f64): i32 {
  const p = L.Wxh, g = L.dWxh, prev = L.opt0, steps = L.opt1;
  let finite: bool = true;
  for (let i = 0; i < L.P; i++) {
    let gi = at(g, i);
    let step = at(steps, i);
    if (step == 0) step = lr;
    const agreement = gi * at(prev, i);
    if (agreement > 0) {
      step *= ETA_PLUS;
    } else if (agreement < 0) {
      step *= ETA_MINUS;
      gi = 0;
    }
    step = Math.min(Math.max(step, STEP_MIN), STEP_MAX);
    put(steps, i, step);
    put(prev, i, gi);
    const w = at(p, i);
    const v = gi > 0 ? w - step : gi < 0 ? w + step : w - (gi - gi);
    put(p, i, v);
    finite = finite && isFinite(v);
  }
  return finite ? 1 : 0;
}

/**
 * iRprop+ (Igel & Hüsken 2000): Rprop with weight backtracking. As rprop, except that when a
 * weight's gradient flips sign and the loss went up since the last step (lossRose = 1), the
 * weight's last change (opt2) is undone.
 */
export function irpropPlus(L: Layout, lr: f64, lossRose: i32): i32 {
  const p = L.Wxh, g = L.dWxh, prev = L.opt0, steps = L.opt1, delta = L.opt2;
  let finite: bool = true;
  for (let i = 0; i < L.P; i++) {
    let gi = at(g, i);
    let step = at(steps, i);
    if (step == 0) step = lr;
    const agreement = gi * at(prev, i);
    let change: f64;
    if (agreement < 0) {
      step = Math.max(step * ETA_MINUS, STEP_MIN);
      change = lossRose ? -at(delta, i) : 0; // backtrack
      gi = 0;
    } else {
      if (agreement > 0) step *= ETA_PLUS;
      step = Math.min(Math.max(step, STEP_MIN), STEP_MAX);
      change = gi > 0 ? -step : gi < 0 ? step : -(gi - gi); // -0 where g is 0, as -sign(g) * step gives
    }
    put(steps, i, step);
    put(prev, i, gi);
    put(delta, i, agreement < 0 ? 0 : change);
    const v = at(p, i) + change;
    put(p, i, v);
    finite = finite && isFinite(v);
  }
  return finite ? 1 : 0;
}

/**
 * The notebook's update_rprop, kept so that its results can be reproduced. It is not Rprop: it
 * scales the raw gradient by a per-weight multiplier (opt1, starting at 1, times 1.2 when the
 * gradient's sign equals the previous one's, halved otherwise, within [0.01, 100]) and by lr.
 * The previous gradients (opt0) start at 1.
 */
export function rpropNotebook(L: Layout, lr: f64): i32 {
  const p = L.Wxh, g = L.dWxh, prev = L.opt0, mult = L.opt1;
  let finite: bool = true;
  for (let i = 0; i < L.P; i++) {
    const gi = at(g, i);
    let k = at(mult, i);
    k = sign(gi) == sign(at(prev, i)) ? k * 1.2 : k / 2;
    k = Math.min(Math.max(k, 0.01), 100);
    put(mult, i, k);
    put(prev, i, gi);
    const v = at(p, i) - gi * k * lr;
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
