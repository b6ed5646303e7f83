// The records the kernels read: sizes, then byte addresses, every field 4 bytes wide, written by
// src/backends/wasm.ts from the offsets src/plan.ts computes. The field order of each class is
// RECORD_FIELDS in src/plan.ts (test/records.test.ts checks that they match). An address of 0
// means the part has no such region.

/** One recurrent layer over a batch of B sequences (see src/plan.ts). */
@unmanaged
export class CellRecord {
  I!: i32;
  H!: i32;
  B!: i32;
  G!: i32;
  index!: i32;
  inputGrad!: i32;
  Wih!: usize;
  Whh!: usize;
  bih!: usize;
  bhh!: usize;
  dWih!: usize;
  dWhh!: usize;
  dbih!: usize;
  dbhh!: usize;
  xs!: usize;
  hs!: usize;
  cs!: usize;
  gates!: usize;
  dhs!: usize;
  dxs!: usize;
  dh!: usize;
  dhNext!: usize;
  dcNext!: usize;
  das!: usize;
}

/** The output layer over the top layer's states. */
@unmanaged
export class HeadRecord {
  H!: i32;
  O!: i32;
  B!: i32;
  last!: i32;
  W!: usize;
  b!: usize;
  dW!: usize;
  db!: usize;
  hs!: usize;
  logps!: usize;
  ys!: usize;
  targets!: usize;
  dhs!: usize;
  dy!: usize;
  lengths!: usize;
  loss!: usize;
}

/** The flat parameters, their gradients, the optimiser's slots and its arguments. */
@unmanaged
export class OptimRecord {
  P!: i32;
  params!: usize;
  grads!: usize;
  opt0!: usize;
  opt1!: usize;
  opt2!: usize;
  args!: usize;
}
