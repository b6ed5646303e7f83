// Two ceilings for the f64x2 kernels of assembly/: how many f64 multiply-adds per second this
// machine's engine runs as separate f64x2.mul and f64x2.add (the portable SIMD set has no fused
// multiply-add, so the library's dot products are written this way), first from registers, then
// with both operands loaded from arrays that stay in L1, as a dot product reads a matrix row and h.
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

/** Doubles in each of the two arrays of `loads`: 2 x 8 KiB, well inside any L1 data cache. */
export const LENGTH = 1024;
const W: usize = memory.data(LENGTH << 3, 16);
const X: usize = memory.data(LENGTH << 3, 16);

/**
 * `passes` dot products of two L1-resident arrays of LENGTH doubles, each as the library's kernels
 * compute one (8 f64x2 accumulators, two loads, a mul and an add per accumulator and step):
 * 2 x LENGTH flops per pass.
 */
export function loads(passes: i32, seed: f64): f64 {
  for (let j = 0; j < LENGTH; j++) {
    store<f64>(W + (<usize>j << 3), seed + <f64>(j & 7) * 0.125);
    store<f64>(X + (<usize>j << 3), 1.0 - <f64>(j & 3) * 0.25);
  }
  let total: f64 = 0;
  for (let p = 0; p < passes; p++) {
    let acc0 = f64x2.splat(0);
    let acc1 = f64x2.splat(0);
    let acc2 = f64x2.splat(0);
    let acc3 = f64x2.splat(0);
    let acc4 = f64x2.splat(0);
    let acc5 = f64x2.splat(0);
    let acc6 = f64x2.splat(0);
    let acc7 = f64x2.splat(0);
    for (let j: usize = 0; j < <usize>LENGTH << 3; j += 128) {
      const w = W + j;
      const x = X + j;
      acc0 = f64x2.add(acc0, f64x2.mul(v128.load(w), v128.load(x)));
      acc1 = f64x2.add(acc1, f64x2.mul(v128.load(w, 16), v128.load(x, 16)));
      acc2 = f64x2.add(acc2, f64x2.mul(v128.load(w, 32), v128.load(x, 32)));
      acc3 = f64x2.add(acc3, f64x2.mul(v128.load(w, 48), v128.load(x, 48)));
      acc4 = f64x2.add(acc4, f64x2.mul(v128.load(w, 64), v128.load(x, 64)));
      acc5 = f64x2.add(acc5, f64x2.mul(v128.load(w, 80), v128.load(x, 80)));
      acc6 = f64x2.add(acc6, f64x2.mul(v128.load(w, 96), v128.load(x, 96)));
      acc7 = f64x2.add(acc7, f64x2.mul(v128.load(w, 112), v128.load(x, 112)));
    }
    const sum = f64x2.add(
      f64x2.add(f64x2.add(acc0, acc1), f64x2.add(acc2, acc3)),
      f64x2.add(f64x2.add(acc4, acc5), f64x2.add(acc6, acc7)),
    );
    total += f64x2.extract_lane(sum, 0) + f64x2.extract_lane(sum, 1);
  }
  return total;
}
