// Parameter updates over the P parameters as one flat vector (every tensor of the table, then
// their gradients in the same order), with each optimiser's state in the slots opt0 .. opt2 (see
// src/plan.ts) and its real-valued arguments in the block's args (ARGS in src/kernels.ts). Each
// update returns 1 when every updated parameter is finite and 0 otherwise, so the caller can undo
// a step that diverged. Mirrors assembly/optim.ts.
import { ARGS } from '../../kernels.js';
import type { OptimRecord } from '../../plan.js';

/** Zeros the gradients, before a backward pass that does not add to a batch's. */
export function zeroGrads(m: Float64Array, R: OptimRecord): number {
  m.fill(0, R.grads, R.grads + R.P);
  return 0;
}

/** Clips every gradient element to [-c, c]. */
export function clip(m: Float64Array, R: OptimRecord): number {
  const c = m[R.args + ARGS.clip];
  const g = R.grads;
  for (let i = 0; i < R.P; i++) m[g + i] = Math.min(Math.max(m[g + i], -c), c);
  return 0;
}

/** Multiplies every gradient element by s (a batch's sum of gradients into its mean). */
export function scaleGrads(m: Float64Array, R: OptimRecord): number {
  const s = m[R.args + ARGS.scale];
  const g = R.grads;
  for (let i = 0; i < R.P; i++) m[g + i] = m[g + i] * s;
  return 0;
}

/** Gradient descent: p -= lr g. */
export function sgd(m: Float64Array, R: OptimRecord): number {
  const lr = m[R.args + ARGS.lr];
  const p = R.params, g = R.grads;
  let finite = true;
  for (let i = 0; i < R.P; i++) {
    const v = m[p + i] - lr * m[g + i];
    m[p + i] = v;
    finite = finite && Number.isFinite(v);
  }
  return finite ? 1 : 0;
}

/**
 * SGD with momentum as torch.optim.SGD (no dampening, no Nesterov): velocity = mu * velocity + g,
 * which is g on the first step since the velocity starts at 0; p -= lr * velocity.
 */
export function momentum(m: Float64Array, R: OptimRecord): number {
  const lr = m[R.args + ARGS.lr], mu = m[R.args + ARGS.mu];
  const p = R.params, g = R.grads, buf = R.opt0;
  let finite = true;
  for (let i = 0; i < R.P; i++) {
    const b = mu * m[buf + i] + m[g + i];
    m[buf + i] = b;
    const v = m[p + i] - lr * b;
    m[p + i] = v;
    finite = finite && Number.isFinite(v);
  }
  return finite ? 1 : 0;
}

/** Adagrad as in min-char-rnn: mem += g^2; p -= lr g / sqrt(mem + 1e-8). */
export function adagrad(m: Float64Array, R: OptimRecord): number {
  const lr = m[R.args + ARGS.lr];
  const p = R.params, g = R.grads, mem = R.opt0;
  let finite = true;
  for (let i = 0; i < R.P; i++) {
    const gi = m[g + i];
    const s = m[mem + i] + gi * gi;
    m[mem + i] = s;
    const v = m[p + i] - (lr * gi) / Math.sqrt(s + 1e-8);
    m[p + i] = v;
    finite = finite && Number.isFinite(v);
  }
  return finite ? 1 : 0;
}

/**
 * Adam (Kingma & Ba 2015) as torch.optim.Adam: m and v are moving averages of g and g^2 with
 * rates beta1 and beta2; p -= lr * (m / c1) / (sqrt(v / c2) + eps), where c1 = 1 - beta1^t and
 * c2 = 1 - beta2^t are the bias corrections for step t (computed by src/optimizers.ts, once per step).
 */
export function adam(m: Float64Array, R: OptimRecord): number {
  const a = R.args;
  const lr = m[a + ARGS.lr], beta1 = m[a + ARGS.beta1], beta2 = m[a + ARGS.beta2], eps = m[a + ARGS.eps], c1 = m[a + ARGS.c1], c2 = m[a + ARGS.c2];
  const p = R.params, g = R.grads, first = R.opt0, second = R.opt1;
  let finite = true;
  for (let i = 0; i < R.P; i++) {
    const gi = m[g + i];
    const mi = beta1 * m[first + i] + (1 - beta1) * gi;
    const si = beta2 * m[second + i] + (1 - beta2) * gi * gi;
    m[first + i] = mi;
    m[second + i] = si;
    const v = m[p + i] - (lr * (mi / c1)) / (Math.sqrt(si / c2) + eps);
    m[p + i] = v;
    finite = finite && Number.isFinite(v);
  }
  return finite ? 1 : 0;
}

export const ETA_PLUS = 1.2;
export const ETA_MINUS = 0.5;
export const STEP_MIN = 1e-6;
export const STEP_MAX = 50;

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
export function rprop(m: Float64Array, R: OptimRecord): number {
  const lr = m[R.args + ARGS.lr];
  const p = R.params, g = R.grads, prev = R.opt0, steps = R.opt1;
  let finite = true;
  for (let i = 0; i < R.P; i++) {
    let gi = m[g + i];
    let step = m[steps + i];
    if (step === 0) step = lr;
    const agreement = gi * m[prev + i];
    if (agreement > 0) {
      step *= ETA_PLUS;
    } else if (agreement < 0) {
      step *= ETA_MINUS;
      gi = 0;
    }
    step = Math.min(Math.max(step, STEP_MIN), STEP_MAX);
    m[steps + i] = step;
    m[prev + i] = gi;
    const w = m[p + i];
    const v = gi > 0 ? w - step : gi < 0 ? w + step : w - (gi - gi);
    m[p + i] = v;
    finite = finite && Number.isFinite(v);
  }
  return finite ? 1 : 0;
}

/**
 * iRprop+ (Igel & Hüsken 2000): Rprop with weight backtracking. As rprop, except that when a
 * weight's gradient flips sign and the loss went up since the last step (lossRose), the
 * weight's last change (opt2) is undone.
 */
export function irpropPlus(m: Float64Array, R: OptimRecord): number {
  const lr = m[R.args + ARGS.lr], lossRose = m[R.args + ARGS.lossRose] !== 0;
  const p = R.params, g = R.grads, prev = R.opt0, steps = R.opt1, delta = R.opt2;
  let finite = true;
  for (let i = 0; i < R.P; i++) {
    let gi = m[g + i];
    let step = m[steps + i];
    if (step === 0) step = lr;
    const agreement = gi * m[prev + i];
    let change: number;
    if (agreement < 0) {
      step = Math.max(step * ETA_MINUS, STEP_MIN);
      change = lossRose ? -m[delta + i] : 0; // backtrack
      gi = 0;
    } else {
      if (agreement > 0) step *= ETA_PLUS;
      step = Math.min(Math.max(step, STEP_MIN), STEP_MAX);
      change = gi > 0 ? -step : gi < 0 ? step : -(gi - gi); // -0 where g is 0, as -sign(g) * step gives
    }
    m[steps + i] = step;
    m[prev + i] = gi;
    m[delta + i] = agreement < 0 ? 0 : change;
    const v = m[p + i] + change;
    m[p + i] = v;
    finite = finite && Number.isFinite(v);
  }
  return finite ? 1 : 0;
}

/**
 * The notebook's update_rprop, kept so that its results can be reproduced. It is not Rprop: it
 * scales the raw gradient by a per-weight multiplier (opt1, starting at 1, times 1.2 when the
 * gradient's sign equals the previous one's, halved otherwise, within [0.01, 100]) and by lr.
 * The previous gradients (opt0) start at 1.
 */
export function rpropNotebook(m: Float64Array, R: OptimRecord): number {
  const lr = m[R.args + ARGS.lr];
  const p = R.params, g = R.grads, prev = R.opt0, mult = R.opt1;
  let finite = true;
  for (let i = 0; i < R.P; i++) {
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
  return finite ? 1 : 0;
}

/** numpy's sign: -1, 0 or 1, and NaN for NaN. */
function sign(x: number): number {
  return x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : NaN;
}
