// Dense kernels over row-major f64 matrices in linear memory. Addresses are in bytes; counts
// are in elements. Mirrored by src/backends/ts/linalg.ts.

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

/** out += W x, where W is rows x cols. */
export function matVecAdd(out: usize, W: usize, x: usize, rows: i32, cols: i32): void {
  for (let i = 0; i < rows; i++) {
    const w = row(W, i, cols);
    let acc = 0.0;
    for (let j = 0; j < cols; j++) acc += at(w, j) * at(x, j);
    put(out, i, at(out, i) + acc);
  }
}

/** out += W^T v, where W is rows x cols (out has cols elements, v has rows). */
export function matTVecAdd(out: usize, W: usize, v: usize, rows: i32, cols: i32): void {
  for (let i = 0; i < rows; i++) {
    const w = row(W, i, cols);
    const vi = at(v, i);
    for (let j = 0; j < cols; j++) put(out, j, at(out, j) + at(w, j) * vi);
  }
}

/** A += u v^T, where A is rows x cols, u has rows elements and v has cols. */
export function outerAdd(A: usize, u: usize, v: usize, rows: i32, cols: i32): void {
  for (let i = 0; i < rows; i++) {
    const a = row(A, i, cols);
    const ui = at(u, i);
    for (let j = 0; j < cols; j++) put(a, j, at(a, j) + ui * at(v, j));
  }
}
