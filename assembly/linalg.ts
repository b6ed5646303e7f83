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

// Products over a batch: the matrix forms of matVecAdd, matTVecAdd and outerAdd, each element
// computed with exactly the additions of those kernels (so one row gives their bits), in tiles
// whose partial sums stay in registers. Row strides (lda, ldw, ldx, ldo, in elements) let a
// product read or write a block of columns of a wider matrix.

/**
 * out += A W^T, where A is M x K, W is N x K and out is M x N: out[m][n] += dot(A[m], W[n]), each
 * dot with dot's four running sums. Tiles of 2 x 2 outputs share their loads of A and W.
 */
export function matMulTAdd(out: usize, A: usize, W: usize, M: i32, N: i32, K: i32, lda: i32, ldw: i32, ldo: i32): void {
  let m = 0;
  if (ASC_FEATURE_SIMD) {
    for (; m + 2 <= M; m += 2) {
      const a0 = row(A, m, lda), a1 = row(A, m + 1, lda);
      const o0 = row(out, m, ldo), o1 = row(out, m + 1, ldo);
      let n = 0;
      for (; n + 2 <= N; n += 2) {
        // c holds the sums of the terms j = 0, 1 (mod 4) of each of the four outputs, d of j = 2, 3.
        const w0 = row(W, n, ldw), w1 = row(W, n + 1, ldw);
        let c00 = f64x2.splat(0), d00 = f64x2.splat(0), c01 = f64x2.splat(0), d01 = f64x2.splat(0);
        let c10 = f64x2.splat(0), d10 = f64x2.splat(0), c11 = f64x2.splat(0), d11 = f64x2.splat(0);
        let j = 0;
        for (; j + 4 <= K; j += 4) {
          const o = <usize>j << 3;
          const x0 = v128.load(a0 + o), x1 = v128.load(a1 + o), y0 = v128.load(w0 + o), y1 = v128.load(w1 + o);
          c00 = f64x2.add(c00, f64x2.mul(x0, y0));
          c01 = f64x2.add(c01, f64x2.mul(x0, y1));
          c10 = f64x2.add(c10, f64x2.mul(x1, y0));
          c11 = f64x2.add(c11, f64x2.mul(x1, y1));
          const u0 = v128.load(a0 + o, 16), u1 = v128.load(a1 + o, 16), v0 = v128.load(w0 + o, 16), v1 = v128.load(w1 + o, 16);
          d00 = f64x2.add(d00, f64x2.mul(u0, v0));
          d01 = f64x2.add(d01, f64x2.mul(u0, v1));
          d10 = f64x2.add(d10, f64x2.mul(u1, v0));
          d11 = f64x2.add(d11, f64x2.mul(u1, v1));
        }
        if (j + 2 <= K) {
          const o = <usize>j << 3;
          const x0 = v128.load(a0 + o), x1 = v128.load(a1 + o), y0 = v128.load(w0 + o), y1 = v128.load(w1 + o);
          c00 = f64x2.add(c00, f64x2.mul(x0, y0));
          c01 = f64x2.add(c01, f64x2.mul(x0, y1));
          c10 = f64x2.add(c10, f64x2.mul(x1, y0));
          c11 = f64x2.add(c11, f64x2.mul(x1, y1));
          j += 2;
        }
        let s00 = f64x2.extract_lane(c00, 0), s01 = f64x2.extract_lane(c01, 0);
        let s10 = f64x2.extract_lane(c10, 0), s11 = f64x2.extract_lane(c11, 0);
        if (j < K) {
          s00 += at(a0, j) * at(w0, j);
          s01 += at(a0, j) * at(w1, j);
          s10 += at(a1, j) * at(w0, j);
          s11 += at(a1, j) * at(w1, j);
        }
        put(o0, n, at(o0, n) + ((s00 + f64x2.extract_lane(d00, 0)) + (f64x2.extract_lane(c00, 1) + f64x2.extract_lane(d00, 1))));
        put(o0, n + 1, at(o0, n + 1) + ((s01 + f64x2.extract_lane(d01, 0)) + (f64x2.extract_lane(c01, 1) + f64x2.extract_lane(d01, 1))));
        put(o1, n, at(o1, n) + ((s10 + f64x2.extract_lane(d10, 0)) + (f64x2.extract_lane(c10, 1) + f64x2.extract_lane(d10, 1))));
        put(o1, n + 1, at(o1, n + 1) + ((s11 + f64x2.extract_lane(d11, 0)) + (f64x2.extract_lane(c11, 1) + f64x2.extract_lane(d11, 1))));
      }
      if (n < N) {
        const w0 = row(W, n, ldw);
        put(o0, n, at(o0, n) + dot(a0, w0, K));
        put(o1, n, at(o1, n) + dot(a1, w0, K));
      }
    }
  }
  // One row: W times it, two rows of W at a time (matVecAdd).
  for (; m < M; m++) matVecAddStrided(row(out, m, ldo), W, row(A, m, lda), N, K, ldw);
}

/** matVecAdd over a W whose rows are `ldw` apart. */
// @ts-ignore: decorator
@inline function matVecAddStrided(out: usize, W: usize, x: usize, rows: i32, cols: i32, ldw: i32): void {
  if (ldw == cols) matVecAdd(out, W, x, rows, cols);
  else for (let i = 0; i < rows; i++) put(out, i, at(out, i) + dot(row(W, i, ldw), x, cols));
}

/**
 * out += A W, where A is M x K, W is K x N and out is M x N: each element adds its K products in
 * order of k, one at a time (as matTVecAdd adds W's rows). Tiles of 2 rows x 8 columns of out
 * stay in registers over the whole k loop.
 */
export function matMulAdd(out: usize, A: usize, W: usize, M: i32, N: i32, K: i32, lda: i32, ldw: i32, ldo: i32): void {
  let m = 0;
  if (ASC_FEATURE_SIMD) {
    const step = <usize>ldw << 3;
    for (; m + 2 <= M; m += 2) {
      const a0 = row(A, m, lda), a1 = row(A, m + 1, lda);
      const o0 = row(out, m, ldo), o1 = row(out, m + 1, ldo);
      let n = 0;
      for (; n + 8 <= N; n += 8) {
        const on = <usize>n << 3;
        let c0 = v128.load(o0 + on), c1 = v128.load(o0 + on, 16), c2 = v128.load(o0 + on, 32), c3 = v128.load(o0 + on, 48);
        let e0 = v128.load(o1 + on), e1 = v128.load(o1 + on, 16), e2 = v128.load(o1 + on, 32), e3 = v128.load(o1 + on, 48);
        let w = W + on, p = a0, q = a1;
        let k = 0;
        for (; k + 2 <= K; k += 2) {
          let s = v128.load64_splat(p), r = v128.load64_splat(q);
          let w0 = v128.load(w), w1 = v128.load(w, 16), w2 = v128.load(w, 32), w3 = v128.load(w, 48);
          c0 = f64x2.add(c0, f64x2.mul(w0, s));
          c1 = f64x2.add(c1, f64x2.mul(w1, s));
          c2 = f64x2.add(c2, f64x2.mul(w2, s));
          c3 = f64x2.add(c3, f64x2.mul(w3, s));
          e0 = f64x2.add(e0, f64x2.mul(w0, r));
          e1 = f64x2.add(e1, f64x2.mul(w1, r));
          e2 = f64x2.add(e2, f64x2.mul(w2, r));
          e3 = f64x2.add(e3, f64x2.mul(w3, r));
          const x = w + step;
          s = v128.load64_splat(p, 8);
          r = v128.load64_splat(q, 8);
          w0 = v128.load(x); w1 = v128.load(x, 16); w2 = v128.load(x, 32); w3 = v128.load(x, 48);
          c0 = f64x2.add(c0, f64x2.mul(w0, s));
          c1 = f64x2.add(c1, f64x2.mul(w1, s));
          c2 = f64x2.add(c2, f64x2.mul(w2, s));
          c3 = f64x2.add(c3, f64x2.mul(w3, s));
          e0 = f64x2.add(e0, f64x2.mul(w0, r));
          e1 = f64x2.add(e1, f64x2.mul(w1, r));
          e2 = f64x2.add(e2, f64x2.mul(w2, r));
          e3 = f64x2.add(e3, f64x2.mul(w3, r));
          w = x + step;
          p += 16;
          q += 16;
        }
        if (k < K) {
          const s = v128.load64_splat(p), r = v128.load64_splat(q);
          const w0 = v128.load(w), w1 = v128.load(w, 16), w2 = v128.load(w, 32), w3 = v128.load(w, 48);
          c0 = f64x2.add(c0, f64x2.mul(w0, s));
          c1 = f64x2.add(c1, f64x2.mul(w1, s));
          c2 = f64x2.add(c2, f64x2.mul(w2, s));
          c3 = f64x2.add(c3, f64x2.mul(w3, s));
          e0 = f64x2.add(e0, f64x2.mul(w0, r));
          e1 = f64x2.add(e1, f64x2.mul(w1, r));
          e2 = f64x2.add(e2, f64x2.mul(w2, r));
          e3 = f64x2.add(e3, f64x2.mul(w3, r));
        }
        v128.store(o0 + on, c0);
        v128.store(o0 + on, c1, 16);
        v128.store(o0 + on, c2, 32);
        v128.store(o0 + on, c3, 48);
        v128.store(o1 + on, e0);
        v128.store(o1 + on, e1, 16);
        v128.store(o1 + on, e2, 32);
        v128.store(o1 + on, e3, 48);
      }
      for (; n + 2 <= N; n += 2) {
        const on = <usize>n << 3;
        let c0 = v128.load(o0 + on), e0 = v128.load(o1 + on);
        let w = W + on;
        for (let k = 0; k < K; k++) {
          const w0 = v128.load(w);
          c0 = f64x2.add(c0, f64x2.mul(w0, v128.load64_splat(a0 + (<usize>k << 3))));
          e0 = f64x2.add(e0, f64x2.mul(w0, v128.load64_splat(a1 + (<usize>k << 3))));
          w += step;
        }
        v128.store(o0 + on, c0);
        v128.store(o1 + on, e0);
      }
      if (n < N) {
        let c = at(o0, n), e = at(o1, n);
        for (let k = 0; k < K; k++) {
          const w = at(row(W, k, ldw), n);
          c += w * at(a0, k);
          e += w * at(a1, k);
        }
        put(o0, n, c);
        put(o1, n, e);
      }
    }
  }
  for (; m < M; m++) {
    const o = row(out, m, ldo), a = row(A, m, lda);
    if (ldw == N) matTVecAdd(o, W, a, K, N);
    else for (let k = 0; k < K; k++) axpy(o, row(W, k, ldw), at(a, k), N);
  }
}

/** Rows of A and X that matTMulAdd runs through at a time: 64 rows of 128 numbers are 64 kB. */
const ROWS_PER_CHUNK = 64;

/**
 * out += A^T X over the rows s = S-1 .. 0, where A is S x N, X is S x K and out is N x K: the sum
 * of S outer products A[s] X[s]^T, each element adding them one at a time from the last row to
 * the first (as outerAdd at each step of backpropagation through time). Tiles of 4 x 4 outputs
 * stay in registers over a chunk of rows; the chunks go from the last rows to the first, so the
 * order of additions is the same.
 */
export function matTMulAdd(out: usize, A: usize, X: usize, S: i32, N: i32, K: i32, lda: i32, ldx: i32, ldo: i32): void {
  if (!ASC_FEATURE_SIMD) {
    for (let s = S - 1; s >= 0; s--) {
      const a = row(A, s, lda), x = row(X, s, ldx);
      for (let i = 0; i < N; i++) axpy(row(out, i, ldo), x, at(a, i), K);
    }
    return;
  }
  const da = <usize>lda << 3, dx = <usize>ldx << 3;
  for (let s1 = S; s1 > 0; s1 -= ROWS_PER_CHUNK) {
    const s0 = s1 > ROWS_PER_CHUNK ? s1 - ROWS_PER_CHUNK : 0;
    let i = 0;
    for (; i + 4 <= N; i += 4) {
      const p0 = row(out, i, ldo), p1 = row(out, i + 1, ldo), p2 = row(out, i + 2, ldo), p3 = row(out, i + 3, ldo);
      const ai = <usize>i << 3;
      let j = 0;
      for (; j + 4 <= K; j += 4) {
        const oj = <usize>j << 3;
        let c0 = v128.load(p0 + oj), d0 = v128.load(p0 + oj, 16), c1 = v128.load(p1 + oj), d1 = v128.load(p1 + oj, 16);
        let c2 = v128.load(p2 + oj), d2 = v128.load(p2 + oj, 16), c3 = v128.load(p3 + oj), d3 = v128.load(p3 + oj, 16);
        let a = row(A, s1 - 1, lda) + ai, x = row(X, s1 - 1, ldx) + oj;
        let s = s1 - 1;
        for (; s > s0; s -= 2) {
          let x0 = v128.load(x), x1 = v128.load(x, 16);
          let v0 = v128.load64_splat(a), v1 = v128.load64_splat(a, 8);
          c0 = f64x2.add(c0, f64x2.mul(x0, v0));
          d0 = f64x2.add(d0, f64x2.mul(x1, v0));
          c1 = f64x2.add(c1, f64x2.mul(x0, v1));
          d1 = f64x2.add(d1, f64x2.mul(x1, v1));
          v0 = v128.load64_splat(a, 16);
          v1 = v128.load64_splat(a, 24);
          c2 = f64x2.add(c2, f64x2.mul(x0, v0));
          d2 = f64x2.add(d2, f64x2.mul(x1, v0));
          c3 = f64x2.add(c3, f64x2.mul(x0, v1));
          d3 = f64x2.add(d3, f64x2.mul(x1, v1));
          a -= da;
          x -= dx;
          x0 = v128.load(x);
          x1 = v128.load(x, 16);
          v0 = v128.load64_splat(a);
          v1 = v128.load64_splat(a, 8);
          c0 = f64x2.add(c0, f64x2.mul(x0, v0));
          d0 = f64x2.add(d0, f64x2.mul(x1, v0));
          c1 = f64x2.add(c1, f64x2.mul(x0, v1));
          d1 = f64x2.add(d1, f64x2.mul(x1, v1));
          v0 = v128.load64_splat(a, 16);
          v1 = v128.load64_splat(a, 24);
          c2 = f64x2.add(c2, f64x2.mul(x0, v0));
          d2 = f64x2.add(d2, f64x2.mul(x1, v0));
          c3 = f64x2.add(c3, f64x2.mul(x0, v1));
          d3 = f64x2.add(d3, f64x2.mul(x1, v1));
          a -= da;
          x -= dx;
        }
        if (s == s0) {
          const x0 = v128.load(x), x1 = v128.load(x, 16);
          let v0 = v128.load64_splat(a), v1 = v128.load64_splat(a, 8);
          c0 = f64x2.add(c0, f64x2.mul(x0, v0));
          d0 = f64x2.add(d0, f64x2.mul(x1, v0));
          c1 = f64x2.add(c1, f64x2.mul(x0, v1));
          d1 = f64x2.add(d1, f64x2.mul(x1, v1));
          v0 = v128.load64_splat(a, 16);
          v1 = v128.load64_splat(a, 24);
          c2 = f64x2.add(c2, f64x2.mul(x0, v0));
          d2 = f64x2.add(d2, f64x2.mul(x1, v0));
          c3 = f64x2.add(c3, f64x2.mul(x0, v1));
          d3 = f64x2.add(d3, f64x2.mul(x1, v1));
        }
        v128.store(p0 + oj, c0);
        v128.store(p0 + oj, d0, 16);
        v128.store(p1 + oj, c1);
        v128.store(p1 + oj, d1, 16);
        v128.store(p2 + oj, c2);
        v128.store(p2 + oj, d2, 16);
        v128.store(p3 + oj, c3);
        v128.store(p3 + oj, d3, 16);
      }
      for (; j < K; j++) {
        let e0 = at(p0, j), e1 = at(p1, j), e2 = at(p2, j), e3 = at(p3, j);
        for (let s = s1 - 1; s >= s0; s--) {
          const a = row(A, s, lda) + ai, xj = at(row(X, s, ldx), j);
          e0 += xj * load<f64>(a);
          e1 += xj * load<f64>(a, 8);
          e2 += xj * load<f64>(a, 16);
          e3 += xj * load<f64>(a, 24);
        }
        put(p0, j, e0);
        put(p1, j, e1);
        put(p2, j, e2);
        put(p3, j, e3);
      }
    }
    for (; i < N; i++) {
      const p = row(out, i, ldo);
      for (let s = s1 - 1; s >= s0; s--) axpy(p, row(X, s, ldx), at(row(A, s, lda), i), K);
    }
  }
}
