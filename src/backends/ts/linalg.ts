// Dense kernels over row-major float64 matrices stored in one block `m`. Offsets and counts are
// in elements. Mirrors assembly/linalg.ts.

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

/** out += W x, where W is rows x cols. */
export function matVecAdd(m: Float64Array, out: number, W: number, x: number, rows: number, cols: number): void {
  for (let i = 0; i < rows; i++) {
    const w = row(W, i, cols);
    let acc = 0;
    for (let j = 0; j < cols; j++) acc += m[w + j] * m[x + j];
    m[out + i] += acc;
  }
}

/** out += W^T v, where W is rows x cols (out has cols elements, v has rows). */
export function matTVecAdd(m: Float64Array, out: number, W: number, v: number, rows: number, cols: number): void {
  for (let i = 0; i < rows; i++) {
    const w = row(W, i, cols);
    const vi = m[v + i];
    for (let j = 0; j < cols; j++) m[out + j] += m[w + j] * vi;
  }
}

/** A += u v^T, where A is rows x cols, u has rows elements and v has cols. */
export function outerAdd(m: Float64Array, A: number, u: number, v: number, rows: number, cols: number): void {
  for (let i = 0; i < rows; i++) {
    const a = row(A, i, cols);
    const ui = m[u + i];
    for (let j = 0; j < cols; j++) m[a + j] += ui * m[v + j];
  }
}
