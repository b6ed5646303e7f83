// Dense kernels over row-major float64 matrices stored in one block `m`. Offsets and counts are
// in elements. Mirrors assembly/linalg.ts.
//
// The order of additions is the wasm build's, so that both give the same bits: a dot product
// keeps four running sums, of the terms j = 0, 1, 2, 3 (mod 4) (the lanes of the wasm build's two
// f64x2 accumulators), and adds them as (s0 + s2) + (s1 + s3); the other kernels add one product
// to each element.

/** Offset of row `r` of a matrix with `cols` columns starting at `base`. */
export function row(base: number, r: number, cols: number): number {
  return base + r * cols;
}

/** out = src, n elements. */
export function copy(m: Float64Array, out: number, src: number, n: number): void {
  m.copyWithin(out, src, src + n);
}

/** out = 0, n elements. */
export function zero(m: Float64Array, out: number, n: number): void {
  m.fill(0, out, out + n);
}

/** out += a, n elements. */
export function addTo(m: Float64Array, out: number, a: number, n: number): void {
  for (let i = 0; i < n; i++) m[out + i] += m[a + i];
}

/** sum_j a[j] b[j], n elements, as four running sums (see the top of this file). */
export function dot(m: Float64Array, a: number, b: number, n: number): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    s0 += m[a + j] * m[b + j];
    s1 += m[a + j + 1] * m[b + j + 1];
    s2 += m[a + j + 2] * m[b + j + 2];
    s3 += m[a + j + 3] * m[b + j + 3];
  }
  if (j + 2 <= n) {
    s0 += m[a + j] * m[b + j];
    s1 += m[a + j + 1] * m[b + j + 1];
    j += 2;
  }
  if (j < n) s0 += m[a + j] * m[b + j];
  return (s0 + s2) + (s1 + s3);
}

/** out += W x, where W is rows x cols. */
export function matVecAdd(m: Float64Array, out: number, W: number, x: number, rows: number, cols: number): void {
  for (let i = 0; i < rows; i++) m[out + i] += dot(m, row(W, i, cols), x, cols);
}

/** out[j] += a[j] * s for j < n: one row of W^T v or of u v^T. */
function axpy(m: Float64Array, out: number, a: number, s: number, n: number): void {
  for (let j = 0; j < n; j++) m[out + j] += m[a + j] * s;
}

/** out += W^T v, where W is rows x cols (out has cols elements, v has rows). */
export function matTVecAdd(m: Float64Array, out: number, W: number, v: number, rows: number, cols: number): void {
  for (let i = 0; i < rows; i++) axpy(m, out, row(W, i, cols), m[v + i], cols);
}

/** A += u v^T, where A is rows x cols, u has rows elements and v has cols. */
export function outerAdd(m: Float64Array, A: number, u: number, v: number, rows: number, cols: number): void {
  for (let i = 0; i < rows; i++) axpy(m, row(A, i, cols), v, m[u + i], cols);
}

/** out += column c of W (rows x cols): W times the one-hot vector of c, with the same bits. */
export function addColumn(m: Float64Array, out: number, W: number, c: number, rows: number, cols: number): void {
  for (let i = 0; i < rows; i++) m[out + i] += m[W + i * cols + c];
}

/** Column c of A (rows x cols) += u: A += u onehot(c)^T, with the same bits. */
export function addToColumn(m: Float64Array, A: number, u: number, c: number, rows: number, cols: number): void {
  for (let i = 0; i < rows; i++) m[A + i * cols + c] += m[u + i];
}

// Products over a batch: the matrix forms of matVecAdd, matTVecAdd and outerAdd, each element
// computed with exactly the additions of those kernels. Row strides (lda, ldw, ldx, ldo, in
// elements) let a product read or write a block of columns of a wider matrix.

/** out += A W^T, where A is M x K, W is N x K and out is M x N: out[m][n] += dot(A[m], W[n]). */
export function matMulTAdd(m: Float64Array, out: number, A: number, W: number, M: number, N: number, K: number, lda: number, ldw: number, ldo: number): void {
  for (let r = 0; r < M; r++) {
    const o = row(out, r, ldo), a = row(A, r, lda);
    for (let n = 0; n < N; n++) m[o + n] += dot(m, a, row(W, n, ldw), K);
  }
}

/** out += A W, where A is M x K, W is K x N and out is M x N: each element adds its products in order of k. */
export function matMulAdd(m: Float64Array, out: number, A: number, W: number, M: number, N: number, K: number, lda: number, ldw: number, ldo: number): void {
  for (let r = 0; r < M; r++) {
    const o = row(out, r, ldo), a = row(A, r, lda);
    for (let k = 0; k < K; k++) axpy(m, o, row(W, k, ldw), m[a + k], N);
  }
}

/**
 * out += A^T X over the rows s = S-1 .. 0, where A is S x N, X is S x K and out is N x K: each
 * element adds the S products one at a time from the last row to the first.
 */
export function matTMulAdd(m: Float64Array, out: number, A: number, X: number, S: number, N: number, K: number, lda: number, ldx: number, ldo: number): void {
  for (let s = S - 1; s >= 0; s--) {
    const a = row(A, s, lda), x = row(X, s, ldx);
    for (let i = 0; i < N; i++) axpy(m, row(out, i, ldo), x, m[a + i], K);
  }
}
