// Dense kernels over row-major f64 matrices in linear memory. Addresses are in bytes; counts
// are in elements. Mirrored by src/backends/ts/linalg.ts.
//
// Built twice from this one source: with SIMD (f64x2, ASC_FEATURE_SIMD true, build/rnn.wasm) and
// without (build/rnn.scalar.wasm). Both builds and the TS build add in the same order, so all three
// give the same bits: a dot product keeps four running sums, of the terms j = 0, 1, 2, 3 (mod 4),
// which are the lanes of two f64x2 accumulators, and adds them as (s0 + s2) + (s1 + s3); the other
// kernels add one product to each element, so lanes change nothing. f64x2 has no fused
// multiply-add, so every product is rounded before it is added, as in JavaScript.

/** Address of row `r` of a matrix with `cols` columns starting at `base`. */
// @ts-ignore: decorator
@inline export function row(base: usize, r: i32, cols: i32): usize {
  return base + ((<usize>r * <usize>cols) << 3);
}

// @ts-ignore: decorator
@inline export function at(p: usize, i: i32): f64 {
  return load<f64>(p + (<usize>i << 3));
}

// @ts-ignore: decorator
@inline export function put(p: usize, i: i32, v: f64): void {
  store<f64>(p + (<usize>i << 3), v);
}

/** out = src, n elements. */
export function copy(out: usize, src: usize, n: i32): void {
  memory.copy(out, src, <usize>n << 3);
}

/** out = 0, n elements. */
export function zero(out: usize, n: i32): void {
  memory.fill(out, 0, <usize>n << 3);
}

/** out += a, n elements. */
export function addTo(out: usize, a: usize, n: i32): void {
  for (let i = 0; i < n; i++) put(out, i, at(out, i) + at(a, i));
}

/** sum_j a[j] b[j], n elements, as four running sums (see the top of this file). */
export function dot(a: usize, b: usize, n: i32): f64 {
  let s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    let s01 = f64x2.splat(0), s23 = f64x2.splat(0);
    for (; j + 4 <= n; j += 4) {
      const pa = a + (<usize>j << 3), pb = b + (<usize>j << 3);
      s01 = f64x2.add(s01, f64x2.mul(v128.load(pa), v128.load(pb)));
      s23 = f64x2.add(s23, f64x2.mul(v128.load(pa, 16), v128.load(pb, 16)));
    }
    if (j + 2 <= n) {
      s01 = f64x2.add(s01, f64x2.mul(v128.load(a + (<usize>j << 3)), v128.load(b + (<usize>j << 3))));
      j += 2;
    }
    s0 = f64x2.extract_lane(s01, 0);
    s1 = f64x2.extract_lane(s01, 1);
    s2 = f64x2.extract_lane(s23, 0);
    s3 = f64x2.extract_lane(s23, 1);
  } else {
    for (; j + 4 <= n; j += 4) {
      s0 += at(a, j) * at(b, j);
      s1 += at(a, j + 1) * at(b, j + 1);
      s2 += at(a, j + 2) * at(b, j + 2);
      s3 += at(a, j + 3) * at(b, j + 3);
    }
    if (j + 2 <= n) {
      s0 += at(a, j) * at(b, j);
      s1 += at(a, j + 1) * at(b, j + 1);
      j += 2;
    }
  }
  if (j < n) s0 += at(a, j) * at(b, j);
  return (s0 + s2) + (s1 + s3);
}

/** out += W x, where W is rows x cols. */
export function matVecAdd(out: usize, W: usize, x: usize, rows: i32, cols: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    // Two rows at a time, sharing the loads of x; each row keeps its own four sums, as dot does.
    for (; i + 2 <= rows; i += 2) {
      const w0 = row(W, i, cols), w1 = row(W, i + 1, cols);
      let a01 = f64x2.splat(0), a23 = f64x2.splat(0), b01 = f64x2.splat(0), b23 = f64x2.splat(0);
      let j = 0;
      for (; j + 4 <= cols; j += 4) {
        const o = <usize>j << 3;
        const x01 = v128.load(x + o), x23 = v128.load(x + o, 16);
        a01 = f64x2.add(a01, f64x2.mul(v128.load(w0 + o), x01));
        a23 = f64x2.add(a23, f64x2.mul(v128.load(w0 + o, 16), x23));
        b01 = f64x2.add(b01, f64x2.mul(v128.load(w1 + o), x01));
        b23 = f64x2.add(b23, f64x2.mul(v128.load(w1 + o, 16), x23));
      }
      if (j + 2 <= cols) {
        const o = <usize>j << 3;
        const x01 = v128.load(x + o);
        a01 = f64x2.add(a01, f64x2.mul(v128.load(w0 + o), x01));
        b01 = f64x2.add(b01, f64x2.mul(v128.load(w1 + o), x01));
        j += 2;
      }
      let a0 = f64x2.extract_lane(a01, 0), b0 = f64x2.extract_lane(b01, 0);
      if (j < cols) {
        a0 += at(w0, j) * at(x, j);
        b0 += at(w1, j) * at(x, j);
      }
      put(out, i, at(out, i) + ((a0 + f64x2.extract_lane(a23, 0)) + (f64x2.extract_lane(a01, 1) + f64x2.extract_lane(a23, 1))));
      put(out, i + 1, at(out, i + 1) + ((b0 + f64x2.extract_lane(b23, 0)) + (f64x2.extract_lane(b01, 1) + f64x2.extract_lane(b23, 1))));
    }
  }
  for (; i < rows; i++) put(out, i, at(out, i) + dot(row(W, i, cols), x, cols));
}

/** out[j] += a[j] * s for j < n: one row of W^T v or of u v^T. */
// @ts-ignore: decorator
@inline function axpy(out: usize, a: usize, s: f64, n: i32): void {
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    const sv = f64x2.splat(s);
    for (; j + 2 <= n; j += 2) {
      const po = out + (<usize>j << 3);
      v128.store(po, f64x2.add(v128.load(po), f64x2.mul(v128.load(a + (<usize>j << 3)), sv)));
    }
  }
  for (; j < n; j++) put(out, j, at(out, j) + at(a, j) * s);
}

/** out += W^T v, where W is rows x cols (out has cols elements, v has rows). */
export function matTVecAdd(out: usize, W: usize, v: usize, rows: i32, cols: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    // Four rows at a time, adding their products to each pair of out in row order: the same
    // additions as one row at a time, with a quarter of the loads and stores of out.
    for (; i + 4 <= rows; i += 4) {
      const w0 = row(W, i, cols), w1 = row(W, i + 1, cols), w2 = row(W, i + 2, cols), w3 = row(W, i + 3, cols);
      const v0 = at(v, i), v1 = at(v, i + 1), v2 = at(v, i + 2), v3 = at(v, i + 3);
      const s0 = f64x2.splat(v0), s1 = f64x2.splat(v1), s2 = f64x2.splat(v2), s3 = f64x2.splat(v3);
      let j = 0;
      for (; j + 2 <= cols; j += 2) {
        const o = <usize>j << 3;
        let acc = v128.load(out + o);
        acc = f64x2.add(acc, f64x2.mul(v128.load(w0 + o), s0));
        acc = f64x2.add(acc, f64x2.mul(v128.load(w1 + o), s1));
        acc = f64x2.add(acc, f64x2.mul(v128.load(w2 + o), s2));
        acc = f64x2.add(acc, f64x2.mul(v128.load(w3 + o), s3));
        v128.store(out + o, acc);
      }
      if (j < cols) {
        put(out, j, at(out, j) + at(w0, j) * v0 + at(w1, j) * v1 + at(w2, j) * v2 + at(w3, j) * v3);
      }
    }
  }
  for (; i < rows; i++) axpy(out, row(W, i, cols), at(v, i), cols);
}

/** A += u v^T, where A is rows x cols, u has rows elements and v has cols. */
export function outerAdd(A: usize, u: usize, v: usize, rows: i32, cols: i32): void {
  for (let i = 0; i < rows; i++) axpy(row(A, i, cols), v, at(u, i), cols);
}

/** out += column c of W (rows x cols): W times the one-hot vector of c, with the same bits. */
export function addColumn(out: usize, W: usize, c: i32, rows: i32, cols: i32): void {
  for (let i = 0; i < rows; i++) put(out, i, at(out, i) + at(row(W, i, cols), c));
}

/** Column c of A (rows x cols) += u: A += u onehot(c)^T, with the same bits. */
export function addToColumn(A: usize, u: usize, c: i32, rows: i32, cols: i32): void {
  for (let i = 0; i < rows; i++) {
    const p = row(A, i, cols);
    put(p, c, at(p, c) + at(u, i));
  }
}

/** The input id at `s`, kept within [0, I) whatever the block holds (the facade checks every id). */
// @ts-ignore: decorator
@inline export function idAt(xs: usize, s: i32, I: i32): i32 {
  const c = <i32>at(xs, s);
  return <u32>c < <u32>I ? c : 0;
}
