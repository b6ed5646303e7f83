import type { KernelName } from './kernels.js';
import type { Plan } from './plan.js';

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
 * What the model needs from a build of the numeric core: one model's block of float64s, laid out
 * as `plan` says, and the kernels of the registry (src/kernels.ts) that run over it. Both builds
 * implement it; nothing above it knows which one it holds.
 */
export interface Backend {
  readonly name: BackendName;
  /** Offsets in elements from the start of `data`, and the kernels' records. Replaced when the block grows. */
  readonly plan: Plan;
  /** The model's block. Valid until the next `reserve`, which may replace it. */
  readonly data: Float64Array;
  /** Grows the per-step regions to hold `capacity` steps if they hold fewer, keeping every region's contents. */
  reserve(capacity: number): void;
  /**
   * Lays the block out anew for `batch` sequences advancing together, of `capacity` steps: the
   * block's start (`plan.fixedSize` numbers: the parameters, the optimiser state, the gradients
   * and the arguments) is kept, and everything after it starts from zeros.
   */
  layOut(batch: number, capacity: number): void;
  /** Releases the block; nothing may be called afterwards. */
  dispose(): void;
  /** Runs a kernel over the record at `record` in `plan.records` (see src/kernels.ts for a and b). */
  call(kernel: KernelName, record: number, a?: number, b?: number): number;
}
