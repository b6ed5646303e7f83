// Two ceilings for the f64x2 kernels of assembly/: how many f64 multiply-adds per second this
// machine's engine runs as separate f64x2.mul and f64x2.add (the portable SIMD set has no fused
// multiply-add, so the library's dot products are written this way), first from registers, then
// with the operands loaded from arrays that stay in L1, as the matrix-vector kernel reads W and h.
// Compiled by `npm run bench:torch` (asc, --enable simd -O3, as asconfig.json's release target);
// bench/torch.ts times the exports.

const OPERANDS: usize = memory.data(5 << 3, 16);

/**
 * n iterations of 8 independent accumulators, each `acc = acc + a_k * b` per iteration: 32 flops
 * per iteration (8 f64x2 muls and 8 f64x2 adds of 2 lanes). b is `c - b` after the first four, so
 * that no product is loop-invariant: without it, V8 (and Binaryen) hoist `a_k * b` out of the loop
 * and time adds alone. That sub, one op in 17, is not counted, so the figure is a lower bound.
 */
export function registers(n: i32, seed: f64): f64 {
  // The operands go through memory: from constants, V8 rematerialises every splat inside the loop.
  store<f64>(OPERANDS, 1.0);
  for (let k = 1; k < 5; k++) store<f64>(OPERANDS + (<usize>k << 3), seed / <f64>(1 << k));
  const c = v128.load64_splat(OPERANDS);
  let b = f64x2.splat(seed);
  const a0 = v128.load64_splat(OPERANDS, 8);
  const a1 = v128.load64_splat(OPERANDS, 16);
  const a2 = v128.load64_splat(OPERANDS, 24);
  const a3 = v128.load64_splat(OPERANDS, 32);
  let acc0 = f64x2.splat(0);
  let acc1 = f64x2.splat(0);
  let acc2 = f64x2.splat(0);
  let acc3 = f64x2.splat(0);
  let acc4 = f64x2.splat(0);
  let acc5 = f64x2.splat(0);
  let acc6 = f64x2.splat(0);
  let acc7 = f64x2.splat(0);
  for (let i = 0; i < n; i++) {
    acc0 = f64x2.add(acc0, f64x2.mul(a0, b));
    acc1 = f64x2.add(acc1, f64x2.mul(a1, b));
    acc2 = f64x2.add(acc2, f64x2.mul(a2, b));
    acc3 = f64x2.add(acc3, f64x2.mul(a3, b));
    b = f64x2.sub(c, b); // alternates between seed and 1 - seed: bounded, and never invariant
    acc4 = f64x2.add(acc4, f64x2.mul(a0, b));
    acc5 = f64x2.add(acc5, f64x2.mul(a1, b));
    acc6 = f64x2.add(acc6, f64x2.mul(a2, b));
    acc7 = f64x2.add(acc7, f64x2.mul(a3, b));
  }
  const sum = f64x2.add(
    f64x2.add(f64x2.add(acc0, acc1), f64x2.add(acc2, acc3)),
    f64x2.add(f64x2.add(acc4, acc5), f64x2.add(acc6, acc7)),
  );
  return f64x2.extract_lane(sum, 0) + f64x2.extract_lane(sum, 1);
}

/** Columns of the two rows and of x in `loads`: 3 x 4 KiB, well inside any L1 data cache. */
export const LENGTH = 512;
const W: usize = memory.data(2 * LENGTH << 3, 16);
const X: usize = memory.data(LENGTH << 3, 16);

/**
 * `passes` products of a 2 x LENGTH matrix, L1-resident, by a vector x, as the library's
 * matrix-vector kernel computes them (assembly/linalg.ts: two rows at once, each load of x serving
 * both): 8 f64x2 accumulators, 12 loads per 8 muls and 8 adds; 4 x LENGTH flops per pass.
 */
export function loads(passes: i32, seed: f64): f64 {
  for (let j = 0; j < 2 * LENGTH; j++) store<f64>(W + (<usize>j << 3), seed + <f64>(j & 7) * 0.125);
  for (let j = 0; j < LENGTH; j++) store<f64>(X + (<usize>j << 3), 1.0 - <f64>(j & 3) * 0.25);
  const w1 = W + (<usize>LENGTH << 3);
  let total: f64 = 0;
  for (let p = 0; p < passes; p++) {
    let a0 = f64x2.splat(0);
    let a1 = f64x2.splat(0);
    let a2 = f64x2.splat(0);
    let a3 = f64x2.splat(0);
    let b0 = f64x2.splat(0);
    let b1 = f64x2.splat(0);
    let b2 = f64x2.splat(0);
    let b3 = f64x2.splat(0);
    for (let o: usize = 0; o < <usize>LENGTH << 3; o += 64) {
      const x0 = v128.load(X + o);
      const x1 = v128.load(X + o, 16);
      const x2 = v128.load(X + o, 32);
      const x3 = v128.load(X + o, 48);
      a0 = f64x2.add(a0, f64x2.mul(v128.load(W + o), x0));
      a1 = f64x2.add(a1, f64x2.mul(v128.load(W + o, 16), x1));
      a2 = f64x2.add(a2, f64x2.mul(v128.load(W + o, 32), x2));
      a3 = f64x2.add(a3, f64x2.mul(v128.load(W + o, 48), x3));
      b0 = f64x2.add(b0, f64x2.mul(v128.load(w1 + o), x0));
      b1 = f64x2.add(b1, f64x2.mul(v128.load(w1 + o, 16), x1));
      b2 = f64x2.add(b2, f64x2.mul(v128.load(w1 + o, 32), x2));
      b3 = f64x2.add(b3, f64x2.mul(v128.load(w1 + o, 48), x3));
    }
    const sum = f64x2.add(
      f64x2.add(f64x2.add(a0, a1), f64x2.add(a2, a3)),
      f64x2.add(f64x2.add(b0, b1), f64x2.add(b2, b3)),
    );
    total += f64x2.extract_lane(sum, 0) + f64x2.extract_lane(sum, 1);
  }
  return total;
}
