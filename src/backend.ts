import type { Layout } from './layout.js';

/**
 * The two builds of the numeric core: `'wasm'` (AssemblyScript compiled to WebAssembly, the
 * default) and `'ts'` (plain TypeScript). Both compute the same bits.
 *
 * @example
 * const backend: BackendName = 'ts';
 * const rnn = await RNN.create(3, 8, 3, { seed: 1, backend });
 */
export type BackendName = 'wasm' | 'ts';

/**
 * What the facade needs from a build of the numeric core: one model's block of float64s, laid out
 * as `layout` describes, and the kernels that run over it (see assembly/ for each kernel's maths).
 * Both builds implement it; the facade never knows which one it holds.
 */
export interface Backend {
  readonly name: BackendName;
  /** Offsets in elements from the start of `data`. Replaced when the block grows. */
  readonly layout: Layout;
  /** The model's block. Valid until the next `reserve`, which may replace it. */
  readonly data: Float64Array;
  /** Grows the per-step buffers to hold exactly `steps` steps if they hold fewer, keeping every buffer's contents. */
  reserve(steps: number): void;
  /** Releases the block; nothing may be called afterwards. */
  dispose(): void;
  /** Runs steps t0 .. t1-1 from the inputs in `xs` and the hidden state in `hs` row t0. */
  forward(t0: number, t1: number): void;
  /** Cross-entropy of steps 0 .. T-1 against `targets`. */
  loss(T: number): number;
  /** Backpropagation through steps 0 .. T-1 into the gradient buffers, or added to them. */
  backward(T: number, accumulate: boolean): void;
  clip(c: number): void;
  scaleGrads(s: number): void;
  /** Each update returns false when it left a non-finite parameter. */
  sgd(lr: number): boolean;
  momentum(lr: number, mu: number): boolean;
  adagrad(lr: number): boolean;
  adam(lr: number, beta1: number, beta2: number, eps: number, c1: number, c2: number): boolean;
  rprop(lr: number): boolean;
  irpropPlus(lr: number, lossRose: boolean): boolean;
  rpropNotebook(lr: number): boolean;
}
