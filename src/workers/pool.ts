// The caller's side of training in workers: the workers of data-parallel fit (each computes the
// gradients of its shards of every batch; the caller adds them in shard order and updates), and
// one worker that runs a whole fit or train on a copy of the model.
import { spawnWorker } from '#spawn-worker';
import type { Examples } from '../inputs.js';
import type { Model } from '../model.js';
import type { BatchWorkers } from '../training.js';
import type { Progress, TrainResult } from '../training-options.js';
import { sharedLayout, type FaultMessage, type FromWorker, type ModelShape, type WorkerHandle } from './protocol.js';

/** Whether this thread can share memory with its workers: always in Node, in a cross-origin isolated page in browsers. */
export function canShareMemory(): boolean {
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
  return typeof SharedArrayBuffer === 'function' && isolated !== false;
}

export function shapeOf(model: Model): ModelShape {
  const core = model.core as { name: ModelShape['backend']; build?: ModelShape['build'] };
  return core.build === undefined ? { spec: model.spec, backend: core.name } : { spec: model.spec, backend: core.name, build: core.build };
}

function workerError(where: string, who: string, m: { name: string; message: string }): Error {
  return new Error(`${where}: ${who} threw ${m.name}: ${m.message}`);
}

export interface ShardOptions {
  workers: number;
  /** Sequences per shard: the lanes of each worker's copy of the model. */
  lanes: number;
  /** The most sequences a batch has. */
  batchSize: number;
  /** The longest sequence's steps. */
  steps: number;
  shared: boolean;
}

/** The workers of one data-parallel fit run: started at once, ended by close or by a fault. */
export class GradientWorkers implements BatchWorkers {
  readonly #where: string;
  readonly #handles: WorkerHandle[] = [];
  readonly #lanes: number;
  readonly #P: number;
  readonly #count: number;
  readonly #views: { params: Float64Array; gradients: Float64Array[]; flags: Int32Array } | null;
  /** Message mode: each shard's gradients and loss of the batch last computed. */
  readonly #gradients: (Float64Array | null)[];
  readonly #losses: Float64Array;
  #shards = 0;
  #sequence = 0;
  #opening = true;
  #waitFor: number;
  #queued: (() => void) | null = null;
  #error: Error | null = null;
  #pending: Promise<void> | null = null;
  #wake: (() => void) | null = null;

  constructor(where: string, model: Model, examples: Examples, o: ShardOptions) {
    this.#where = where;
    this.#lanes = o.lanes;
    this.#P = model.plan.P;
    this.#count = o.workers;
    const slots = Math.ceil(o.batchSize / o.lanes);
    this.#gradients = new Array<Float64Array | null>(slots).fill(null);
    this.#losses = new Float64Array(slots);
    let shared: SharedArrayBuffer | null = null;
    if (o.shared) {
      const at = sharedLayout(this.#P, slots, o.workers);
      shared = new SharedArrayBuffer(at.bytes);
      this.#views = {
        params: new Float64Array(shared, 8 * at.params, this.#P),
        gradients: Array.from({ length: slots }, (_, k) => new Float64Array(shared as SharedArrayBuffer, 8 * (at.gradients + k * this.#P), this.#P)),
        flags: new Int32Array(shared, at.flags, o.workers + 1),
      };
    } else this.#views = null;
    this.#newPending();
    this.#waitFor = o.workers;
    const shape = shapeOf(model);
    try {
      for (let w = 0; w < o.workers; w++) {
        const handle = spawnWorker({ message: (m) => this.#heard(w, m as FromWorker), fault: (e) => this.#fail(new Error(`${where}: worker ${w} failed: ${e.message}`)) });
        this.#handles.push(handle);
        handle.post({ type: 'shards', ...shape, index: w, lanes: o.lanes, steps: o.steps, examples, shared, slots, workers: o.workers });
      }
    } catch (error) {
      this.close();
      throw error;
    }
  }

  get pending(): Promise<void> | null {
    return this.#pending;
  }

  #newPending(): void {
    this.#pending = new Promise((resolve) => {
      this.#wake = resolve;
    });
  }

  #settle(): void {
    const wake = this.#wake;
    this.#pending = null;
    this.#wake = null;
    wake?.();
  }

  #fail(error: Error): void {
    if (this.#error !== null) return;
    this.#error = error;
    this.close();
    this.#settle();
  }

  #heard(w: number, m: FromWorker): void {
    if (this.#error !== null) return;
    if (m.type === 'error') return this.#fail(workerError(this.#where, `worker ${w}`, m));
    if (m.type === 'ready') {
      if (--this.#waitFor > 0) return;
      this.#opening = false;
      const queued = this.#queued;
      this.#queued = null;
      if (queued !== null) queued();
      else this.#settle();
      return;
    }
    if (m.type !== 'gradients' || m.sequence !== this.#sequence) {
      return this.#fail(new Error(`${this.#where}: worker ${w} answered out of turn (${m.type})`));
    }
    if (this.#views !== null) {
      // The worker stored the batch's number after writing its gradients: reading it makes them visible here.
      if (Atomics.load(this.#views.flags, w) !== m.sequence) return this.#fail(new Error(`${this.#where}: worker ${w}'s gradients are not in the shared buffer`));
    }
    const n = this.#count;
    for (let j = 0, k = w; k < this.#shards; j++, k += n) {
      this.#losses[k] = m.losses[j];
      if (this.#views === null) this.#gradients[k] = (m.gradients as Float64Array[])[j];
    }
    if (--this.#waitFor === 0) this.#settle();
  }

  send(model: Model, order: readonly number[], start: number, end: number, carry: boolean): void {
    if (this.#error !== null) return;
    const batch = order.slice(start, end);
    const post = (): void => {
      const { data, plan: p } = model;
      const n = this.#count, params = data.subarray(p.params, p.params + p.P);
      this.#shards = Math.ceil(batch.length / this.#lanes);
      const sequence = ++this.#sequence;
      if (this.#views !== null) {
        this.#views.params.set(params);
        Atomics.store(this.#views.flags, n, sequence);
      }
      this.#waitFor = 0;
      for (let w = 0; w < n && w < this.#shards; w++) {
        const shards: number[] = [];
        for (let k = w; k < this.#shards; k += n) shards.push(k);
        if (this.#views !== null) this.#handles[w].post({ type: 'batch', sequence, order: batch, shards, carry });
        else {
          const copy = params.slice();
          this.#handles[w].post({ type: 'batch', sequence, order: batch, shards, carry, params: copy }, [copy.buffer]);
        }
        this.#waitFor++;
      }
    };
    if (this.#opening) this.#queued = post;
    else {
      this.#newPending();
      post();
    }
  }

  collect(model: Model): number {
    if (this.#error !== null) throw this.#error;
    const { data, plan: p } = model;
    const at = p.grads, P = this.#P;
    let loss = 0;
    for (let k = 0; k < this.#shards; k++) {
      const g = this.#views !== null ? this.#views.gradients[k] : this.#gradients[k] as Float64Array;
      if (k === 0) data.set(g, at);
      else for (let i = 0; i < P; i++) data[at + i] += g[i];
      loss += this.#losses[k];
      this.#gradients[k] = null;
    }
    return loss;
  }

  /** Sends worker `w` a fault (for tests, through src/internal.ts). */
  inject(w: number, how: FaultMessage['how']): void {
    this.#handles[w]?.post({ type: 'fault', how });
  }

  /** Fails the run (a fault from outside: the model was disposed). */
  cancel(error: Error): void {
    this.#fail(error);
  }

  close(): void {
    for (const handle of this.#handles) handle.terminate();
    this.#handles.length = 0;
  }
}

/** What a run in a worker tells its caller, and how the caller stops it. */
export interface RunHooks {
  onProgress?: (progress: Progress) => void | boolean;
  /** A copy of the weights, by torch names, after an iteration (epoch), at most every WEIGHTS_EVERY_MS. */
  onWeights?: (tensors: Record<string, Float64Array>, progress: Progress) => void;
  signal?: AbortSignal;
}

/** A whole run in one worker: its outcome, and a way to end it from outside. */
export interface WorkerRun {
  /** The run's result and the model's state (parameters and optimiser state) after it. */
  done: Promise<{ result: TrainResult; state: Float64Array }>;
  cancel(error: Error): void;
  /** Sends the worker a fault (for tests, through src/internal.ts). */
  inject(w: number, how: FaultMessage['how']): void;
}

/**
 * Runs `method` (fit or train) in a new worker on a model of `shape` starting from `state`, with
 * `args` (whose last one is the options, without the callback and the signal, which `hooks`
 * carry). The worker ends with the run, however it ends.
 */
export function runInWorker(where: string, shape: ModelShape, state: Float64Array, method: 'fit' | 'train', args: unknown[], hooks: RunHooks): WorkerRun {
  const progress = hooks.onProgress !== undefined, weights = hooks.onWeights !== undefined;
  // With shared memory the worker waits for each answer of the callback, so that it stops where
  // the callback said, as on the caller's thread; without, it goes on, and stops when told.
  const control = progress && canShareMemory() ? new SharedArrayBuffer(4) : null;
  const flag = control === null ? null : new Int32Array(control);
  let handle: WorkerHandle | null = null;
  let settled = false, toldToStop = false;
  let resolveRun: (value: { result: TrainResult; state: Float64Array }) => void = () => {};
  let rejectRun: (error: Error) => void = () => {};
  const done = new Promise<{ result: TrainResult; state: Float64Array }>((resolve, reject) => {
    resolveRun = resolve;
    rejectRun = reject;
  });
  const abort = (): void => handle?.post({ type: 'stop' });
  const end = (): void => {
    settled = true;
    handle?.terminate();
    hooks.signal?.removeEventListener('abort', abort);
  };
  const fail = (error: Error): void => {
    if (settled) return;
    end();
    rejectRun(error);
  };
  const answer = (go: boolean): void => {
    if (flag !== null) {
      Atomics.store(flag, 0, go ? 1 : 2);
      Atomics.notify(flag, 0);
    } else if (!go && !toldToStop) {
      toldToStop = true;
      handle?.post({ type: 'stop' });
    }
  };
  const heard = (m: FromWorker): void => {
    if (settled) return;
    if (m.type === 'error') return fail(workerError(where, 'the worker', m));
    if (m.type === 'progress') {
      let go: boolean;
      try {
        if (m.tensors !== undefined) hooks.onWeights?.(m.tensors, m.info);
        go = hooks.onProgress?.(m.info) !== false;
      } catch (error) {
        return fail(error instanceof Error ? error : new Error(String(error)));
      }
      if (progress) answer(go);
      return;
    }
    if (m.type === 'done') {
      end();
      // Told to stop by the callback (without shared memory), the run stopped as aborted.
      if (toldToStop && m.result.stopped === 'aborted') m.result.stopped = 'callback';
      resolveRun({ result: m.result, state: m.state });
    }
  };
  try {
    handle = spawnWorker({ message: (m) => heard(m as FromWorker), fault: (e) => fail(new Error(`${where}: the worker failed: ${e.message}`)) });
    const copy = state.slice();
    handle.post({ type: 'run', ...shape, method, state: copy, args, progress, weights, control }, [copy.buffer]);
    if (hooks.signal !== undefined) {
      if (hooks.signal.aborted) abort();
      else hooks.signal.addEventListener('abort', abort, { once: true });
    }
  } catch (error) {
    fail(error instanceof Error ? error : new Error(String(error)));
  }
  return { done, cancel: fail, inject: (_w, how) => handle?.post({ type: 'fault', how }) };
}
