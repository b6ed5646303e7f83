// The registry of kernels: every kernel of the numeric core, by name, with the record it reads.
// Both builds implement each one under this name (assembly/index.ts exports them, and
// src/backends/ts/index.ts maps them), with one calling convention: (record, a, b) -> number.
// What a and b mean is said here once; real-valued arguments travel in the block's `args`.

export const KERNELS = {
  /** Cells: forward over steps a .. b-1; backward over steps a-1 .. 0, adding into the gradients. */
  rnnForward: 'cell',
  rnnBackward: 'cell',
  lstmForward: 'cell',
  lstmBackward: 'cell',
  gruForward: 'cell',
  gruBackward: 'cell',
  /**
   * Heads: forward over steps a .. b-1; the loss of steps 0 .. a-1, written to the record's `loss`
   * (returned as 0: a double returned to JS would be boxed where the call is not inlined);
   * backward of steps 0 .. a-1.
   */
  softmaxForward: 'head',
  softmaxLoss: 'head',
  softmaxBackward: 'head',
  linearForward: 'head',
  linearLoss: 'head',
  linearBackward: 'head',
  /** Over the flat parameters and gradients. The updates return 1 when every parameter stayed finite. */
  zeroGrads: 'optim',
  clip: 'optim',
  scaleGrads: 'optim',
  sgd: 'optim',
  momentum: 'optim',
  adagrad: 'optim',
  adam: 'optim',
  rprop: 'optim',
  irpropPlus: 'optim',
  rpropNotebook: 'optim',
} as const;

/**
 * The name of a kernel of the numeric core.
 *
 * @example
 * const kernel: KernelName = 'rnnForward';
 */
export type KernelName = keyof typeof KERNELS;

export const KERNEL_NAMES = Object.keys(KERNELS) as KernelName[];

/**
 * The optimisers' real-valued arguments, by index into the block's `args` region (written by
 * src/optimizers.ts before each update, read by assembly/optim.ts and its mirror).
 */
export const ARGS = { lr: 0, mu: 1, beta1: 2, beta2: 3, eps: 4, c1: 5, c2: 6, clip: 7, scale: 8, lossRose: 9 } as const;
export const ARGS_SIZE = 10;
