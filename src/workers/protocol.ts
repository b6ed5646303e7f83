// What the library's threads say to each other: the messages between a run and its workers, and
// the small channel each side sees (spawn.node.ts and spawn.ts supply it in Node and in browsers).
import type { BackendName } from '../backend.js';
import type { WasmBuild } from '../backends/wasm.js';
import type { Examples } from '../inputs.js';
import type { ModelSpec } from '../spec.js';
import type { Progress, TrainResult } from '../training-options.js';

/** The caller's side of a started worker. */
export interface WorkerHandle {
  post(message: ToWorker, transfer?: ArrayBuffer[]): void;
  /** Ends the worker at once; it says nothing more. */
  terminate(): void;
}

/** What a started worker tells its caller: its messages, and a fault (it threw, or it died). */
export interface WorkerEvents {
  message(message: unknown): void;
  fault(error: Error): void;
}

/** A worker's side of its channel. */
export interface Channel {
  post(message: FromWorker, transfer?: ArrayBuffer[]): void;
  listen(handler: (message: unknown) => void): void;
}

/** Which model a worker builds: the same spec on the same build as the caller's. */
export interface ModelShape {
  spec: ModelSpec;
  backend: BackendName;
  build?: WasmBuild;
}

/**
 * A worker of data-parallel fit: a copy of the model laid out for `lanes` sequences, the data of
 * the run, and (in shared mode) the buffer of parameters, gradients and flags.
 */
export interface ShardsMessage extends ModelShape {
  type: 'shards';
  /** This worker's place among the run's workers. */
  index: number;
  lanes: number;
  steps: number;
  examples: Examples;
  /** null: the parameters come in each batch message and the gradients go back in the reply. */
  shared: SharedArrayBuffer | null;
  /** The most shards a batch has: the gradient slots of the shared buffer. */
  slots: number;
  workers: number;
}

/** The batch whose examples are `order`, of which this worker computes the shards `shards`. */
export interface BatchMessage {
  type: 'batch';
  /** Counts the batches, so that each side can tell the other's writes to the shared buffer are in. */
  sequence: number;
  order: number[];
  shards: number[];
  carry: boolean;
  params?: Float64Array;
}

/** A whole training run in one worker: fit or train on a copy of the caller's model. */
export interface RunMessage extends ModelShape {
  type: 'run';
  method: 'fit' | 'train';
  /** The parameters and the whole optimiser state. */
  state: Float64Array;
  /** fit: [data, options]; train: [xs, targets, options]. Callbacks and the signal stay with the caller. */
  args: unknown[];
  progress: boolean;
  /** Send a copy of the weights with a progress report, at most every WEIGHTS_EVERY_MS. */
  weights: boolean;
  /** With a progress callback: where the caller answers it (Int32Array: 0 waiting, 1 go on, 2 stop). */
  control: SharedArrayBuffer | null;
}

/**
 * A fault, for the tests of how a run ends when a worker fails (through src/internal.ts):
 * 'throw' makes the worker's next batch throw, 'exit' ends the worker at once.
 */
export interface FaultMessage {
  type: 'fault';
  how: 'throw' | 'exit';
}

export type ToWorker = ShardsMessage | BatchMessage | RunMessage | FaultMessage | { type: 'stop' };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'gradients'; sequence: number; losses: number[]; gradients?: Float64Array[] }
  | { type: 'progress'; info: Progress; tensors?: Record<string, Float64Array> }
  | { type: 'done'; result: TrainResult; state: Float64Array }
  | { type: 'error'; name: string; message: string };

/** A run in a worker sends its weights (for onWeights) at most this often. */
export const WEIGHTS_EVERY_MS = 100;

/** Where the parts of the shared buffer of data-parallel fit are: the parameters and each shard's gradients (in doubles), the flags (in bytes). */
export function sharedLayout(P: number, slots: number, workers: number): { params: number; gradients: number; flags: number; bytes: number } {
  const params = 0, gradients = P, end = gradients + slots * P;
  // Int32 flags (a byte offset) after the doubles: one per worker, and one for the caller.
  return { params, gradients, flags: end * 8, bytes: end * 8 + 4 * (workers + 1) };
}
