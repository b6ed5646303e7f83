// Parameter updates over the P parameters as one flat vector (every tensor of the table, then
// their gradients in the same order), with each optimiser's state in the slots opt0 .. opt2 (see
// src/plan.ts) and its real-valued arguments in the block's args (ARGS in src/kernels.ts). Each
// update returns 1 when every updated parameter is finite and 0 otherwise, so the caller can undo
// a step that diverged. Mirrored by src/backends/ts/optim.ts.
import { OptimRecord } from './records';
import { at, put, zero } from './linalg';

// The indices of ARGS in src/kernels.ts.
const LR = 0, MU = 1, BETA1 = 2, BETA2 = 3, EPS = 4, C1 = 5, C2 = 6, CLIP = 7, SCALE = 8, LOSS_ROSE = 9;

/** Zeros the gradients, before a backward pass that does not add to a batch's. */
export function zeroGrads(R: OptimRecord): i32 {
  zero(R.grads, R.P);
  return 0;
}

/** Clips every gradient element to [-c, c]. */
export function clip(R: OptimRecord): i32 {
  const c = at(R.args, CLIP);
  const g = R.grads;
  for (let i = 0; i < R.P; i++) put(g, i, Math.min(Math.max(at(g, i), -c), c));
  return 0;
}

/** Multiplies every gradient element by s (a batch's sum of gradients into its mean). */
export function scaleGrads(R: OptimRecord): i32 {
  const s = at(R.args, SCALE);
  const g = R.grads;
  for (let i = 0; i < R.P; i++) put(g, i, at(g, i) * s);
  return 0;
}

/** Gradient descent: p -= lr g. */
export function sgd(R: OptimRecord): i32 {
  const lr = at(R.args, LR);
  const p = R.params, g = R.grads;
  let finite: bool = true;
  for (let i = 0; i < R.P; i++) {
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
export function momentum(R: OptimRecord): i32 {
  const lr = at(R.args, LR), mu = at(R.args, MU);
  const p = R.params, g = R.grads, buf = R.opt0;
  let finite: bool = true;
  for (let i = 0; i < R.P; i++) {
    const b = mu * at(buf, i) + at(g, i);
    put(buf, i, b);
    const v = at(p, i) - lr * b;
    put(p, i, v);
    finite = finite && isFinite(v);
  }
  return finite ? 1 : 0;
}

/** Adagrad as in min-char-rnn: mem += g^2; p -= lr g / sqrt(mem + 1e-8). */
export function adagrad(R: OptimRecord): i32 {
  const lr = at(R.args, LR);
  const p = R.params, g = R.grads, mem = R.opt0;
  let finite: bool = true;
  for (let i = 0; i < R.P; i++) {
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
 * c2 = 1 - beta2^t are the bias corrections for step t (computed by src/optimizers.ts, once per step).
 */
export function adam(R: OptimRecord): i32 {
  const a = R.args;
  const lr = at(a, LR), beta1 = at(a, BETA1), beta2 = at(a, BETA2), eps = at(a, EPS), c1 = at(a, C1), c2 = at(a, C2);
  const p = R.params, g = R.grads, m = R.opt0, s = R.opt1;
  let finite: bool = true;
  for (let i = 0; i < R.P; i++) {
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
export function rprop(R: OptimRecord): i32 {
  const lr = at(R.args, LR);
  const p = R.params, g = R.grads, prev = R.opt0, steps = R.opt1;
  let finite: bool = true;
  for (let i = 0; i < R.P; i++) {
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
export function irpropPlus(R: OptimRecord): i32 {
  const lr = at(R.args, LR), lossRose: bool = at(R.args, LOSS_ROSE) != 0;
  const p = R.params, g = R.grads, prev = R.opt0, steps = R.opt1, delta = R.opt2;
  let finite: bool = true;
  for (let i = 0; i < R.P; i++) {
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
export function rpropNotebook(R: OptimRecord): i32 {
  const lr = at(R.args, LR);
  const p = R.params, g = R.grads, prev = R.opt0, mult = R.opt1;
  let finite: bool = true;
  for (let i = 0; i < R.P; i++) {
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
