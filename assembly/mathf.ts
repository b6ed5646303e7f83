// The elementary functions the kernels use: one portable implementation, written twice
// (here and in src/backends/ts/mathf.ts) with the same operations in the same order, so that both
// builds compute the same bits. AssemblyScript's Math (ported from musl) and engines' Math.tanh
// and exp differ by a few ulp, so neither is used. Only + - * /, trunc, comparisons and a table of
// powers of two: every operation is correctly rounded IEEE arithmetic in both languages.
// Accurate to about 1 ulp; test/mathf.test.ts checks them against mpmath.

/** POW2[k + 1022] = 2^k for k in [-1022, 1023], every entry exact, filled when the module starts. */
const POW2: usize = memory.data(2046 << 3, 16);
store<f64>(POW2 + (1022 << 3), 1.0);
for (let k = 1023; k < 2046; k++) store<f64>(POW2 + (<usize>k << 3), load<f64>(POW2 + (<usize>(k - 1) << 3)) * 2);
for (let k = 1021; k >= 0; k--) store<f64>(POW2 + (<usize>k << 3), load<f64>(POW2 + (<usize>(k + 1) << 3)) * 0.5);

/** 2^k for an integer k in [-1022, 1023]. */
// @ts-ignore: decorator
@inline function pow2(k: i32): f64 {
  return load<f64>(POW2 + (<usize>(k + 1022) << 3));
}

/** y * 2^k for an integer k in [-1075, 1024], rounding once (subnormal results included). */
function scale(y: f64, k: i32): f64 {
  if (k > 1000) {
    y *= pow2(1000);
    k -= 1000;
  } else if (k < -1000) {
    y *= pow2(-1000);
    k += 1000;
  }
  return y * pow2(k);
}

const LN2_HI = 6.93147180369123816490e-01;
const LN2_LO = 1.90821492927058770002e-10;
const INV_LN2 = 1.44269504088896338700e+00;

const EXP_OVERFLOW = 7.09782712893383973096e+02;
const EXP_UNDERFLOW = -7.45133219101941108420e+02;
const P1 = 1.66666666666666019037e-01;
const P2 = -2.77777777770155933842e-03;
const P3 = 6.61375632143793436117e-05;
const P4 = -1.65339022054652515390e-06;
const P5 = 4.13813679705723846039e-08;

/** e^x. see: FreeBSD msun/src/e_exp.c (argument reduction by ln 2, a Remez polynomial). */
export function exp(x: f64): f64 {
  if (x != x) return x;
  if (x > EXP_OVERFLOW) return Infinity;
  if (x < EXP_UNDERFLOW) return 0;
  const ax = x < 0 ? -x : x;
  if (ax < 3.725290298461914e-9) return 1 + x; // |x| < 2^-28
  let k: i32 = 0;
  let hi = x, lo = 0.0;
  if (ax > 0.5 * LN2_HI) {
    k = <i32>Math.trunc(INV_LN2 * x + (x < 0 ? -0.5 : 0.5));
    hi = x - <f64>k * LN2_HI;
    lo = <f64>k * LN2_LO;
    x = hi - lo;
  }
  const t = x * x;
  const c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k == 0) return 1 - ((x * c) / (c - 2) - x);
  return scale(1 - ((lo - (x * c) / (2 - c)) - hi), k);
}

const Q1 = -3.33333333333331316428e-02;
const Q2 = 1.58730158725481460165e-03;
const Q3 = -7.93650757867487942473e-05;
const Q4 = 4.00821782732936239552e-06;
const Q5 = -2.01099218183624371326e-07;

/** e^x - 1, accurate near 0. see: FreeBSD msun/src/s_expm1.c */
export function expm1(x: f64): f64 {
  if (x != x) return x;
  const ax = x < 0 ? -x : x;
  if (ax >= 38.816242111356935) { // 56 ln 2
    if (x > EXP_OVERFLOW) return Infinity;
    if (x < 0) return -1;
  }
  let k: i32 = 0;
  let c = 0.0;
  if (ax > 0.5 * LN2_HI) {
    let hi: f64, lo: f64;
    if (ax < 1.5 * LN2_HI) {
      k = x > 0 ? 1 : -1;
      hi = x > 0 ? x - LN2_HI : x + LN2_HI;
      lo = x > 0 ? LN2_LO : -LN2_LO;
    } else {
      k = <i32>Math.trunc(INV_LN2 * x + (x < 0 ? -0.5 : 0.5));
      hi = x - <f64>k * LN2_HI;
      lo = <f64>k * LN2_LO;
    }
    x = hi - lo;
    c = (hi - x) - lo;
  } else if (ax < 5.551115123125783e-17) { // |x| < 2^-54
    return x;
  }
  const hfx = 0.5 * x;
  const hxs = x * hfx;
  const r1 = 1 + hxs * (Q1 + hxs * (Q2 + hxs * (Q3 + hxs * (Q4 + hxs * Q5))));
  const t = 3 - r1 * hfx;
  let e = hxs * ((r1 - t) / (6 - x * t));
  if (k == 0) return x - (x * e - hxs);
  e = x * (e - c) - c;
  e -= hxs;
  if (k == -1) return 0.5 * (x - e) - 0.5;
  if (k == 1) {
    if (x < -0.25) return -2 * (e - (x + 0.5));
    return 1 + 2 * (x - e);
  }
  if (k <= -2 || k > 56) return scale(1 - (e - x), k) - 1;
  if (k < 20) return (1 - pow2(-k) - (e - x)) * pow2(k);
  return (x - (e + pow2(-k)) + 1) * pow2(k);
}

/** tanh x. see: FreeBSD msun/src/s_tanh.c */
export function tanh(x: f64): f64 {
  if (x != x) return x;
  const ax = x < 0 ? -x : x;
  let z: f64;
  if (ax < 22) {
    if (ax < 3.725290298461914e-9) return x; // |x| < 2^-28, keeps the sign of -0
    if (ax >= 1) {
      z = 1 - 2 / (expm1(2 * ax) + 2);
    } else {
      const t = expm1(-2 * ax);
      z = -t / (t + 2);
    }
  } else {
    z = 1;
  }
  return x < 0 ? -z : z;
}

/**
 * The logistic function 1 / (1 + e^-x), from the portable exp: for x < 0 as e^x / (1 + e^x), so
 * that it never divides by an overflowed e^-x and keeps its relative accuracy far into the tail.
 */
export function sigmoid(x: f64): f64 {
  if (x != x) return x;
  if (x >= 0) return 1 / (1 + exp(-x));
  const e = exp(x);
  return e / (1 + e);
}

const LG1 = 6.666666666666735130e-01;
const LG2 = 3.999999999940941908e-01;
const LG3 = 2.857142874366239149e-01;
const LG4 = 2.222219843214978396e-01;
const LG5 = 1.818357216161805012e-01;
const LG6 = 1.531383769920937332e-01;
const LG7 = 1.479819860511658591e-01;
/** Mantissas at or above this are halved, so that f = m - 1 lies in [sqrt(2)/2 - 1, sqrt(2) - 1]. */
const SQRT2_SPLIT = 1.41421127319335937500;

/** Natural logarithm. see: FreeBSD msun/src/e_log.c, with the exponent found by comparisons. */
export function log(x: f64): f64 {
  if (x != x || x < 0) return NaN;
  if (x == 0) return -Infinity;
  if (x == Infinity) return x;
  let k: i32 = 0;
  if (x < pow2(-1022)) { // subnormal: scale into the normal range first
    x *= pow2(54);
    k = -54;
  }
  // x = m 2^k with m in [1, 2), by binary search on the exponent.
  if (x >= 2) {
    for (let b = 512; b >= 1; b >>= 1) {
      if (x >= pow2(b)) {
        x *= pow2(-b);
        k += b;
      }
    }
  } else if (x < 1) {
    for (let b = 512; b >= 1; b >>= 1) {
      if (x < pow2(-b)) {
        x *= pow2(b);
        k -= b;
      }
    }
    x *= 2;
    k -= 1;
  }
  if (x >= SQRT2_SPLIT) {
    x *= 0.5;
    k += 1;
  }
  const f = x - 1;
  const s = f / (2 + f);
  const z = s * s;
  const w = z * z;
  const t1 = w * (LG2 + w * (LG4 + w * LG6));
  const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  const R = t2 + t1;
  const hfsq = 0.5 * f * f;
  if (k == 0) return f - (hfsq - s * (hfsq + R));
  const dk = <f64>k;
  return dk * LN2_HI - ((hfsq - (s * (hfsq + R) + dk * LN2_LO)) - f);
}
