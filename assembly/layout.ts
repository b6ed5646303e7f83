/**
 * Where one model's buffers sit in linear memory: the sizes, then byte addresses, written by
 * src/backends/wasm.ts from the offsets that src/layout.ts computes. The field order here is the
 * order of SIZE_FIELDS then ADDRESS_FIELDS in src/backends/wasm.ts: every field is 4 bytes wide.
 *
 * Parameters (Wxh Whh Why bh by) are contiguous, and so are their gradients in the same order,
 * so the optimisers can treat each as one flat vector of P numbers starting at Wxh and dWxh.
 */
@unmanaged
export class Layout {
  I!: i32;
  H!: i32;
  O!: i32;
  P!: i32;
  Wxh!: usize;
  Whh!: usize;
  Why!: usize;
  bh!: usize;
  by!: usize;
  dWxh!: usize;
  dWhh!: usize;
  dWhy!: usize;
  dbh!: usize;
  dby!: usize;
  opt0!: usize;
  opt1!: usize;
  opt2!: usize;
  dy!: usize;
  dh!: usize;
  dhNext!: usize;
  hs!: usize;
  logps!: usize;
  ps!: usize;
  xs!: usize;
  targets!: usize;
}
