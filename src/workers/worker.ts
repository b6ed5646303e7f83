// The worker's side of training off the caller's thread: either the shards of data-parallel fit
// (a copy of the model that computes the gradients of the batches' shards it is given) or one
// whole fit or train run on a copy of the caller's model. worker-main.ts starts it in a worker
// of its own; the browser bundle starts it when the bundle itself is loaded as one of our workers.
import { compileCore } from '../backends/wasm.js';
import type { Examples } from '../inputs.js';
import { modelOf } from '../internal.js';
import { Model } from '../model.js';
import { RNN } from '../rnn.js';
import type { FitOptions, Progress, TrainOptions } from '../training-options.js';
import { sharedLayout, WEIGHTS_EVERY_MS, type BatchMessage, type Channel, type ModelShape, type RunMessage, type ShardsMessage, type ToWorker } from './protocol.js';

/** A copy of the model that computes the gradients of shards of batches. */
class Shards {
  readonly #model: Model;
  readonly #examples: Examples;
  readonly #index: number;
  /** In shared mode: the parameters, each shard's gradients, and the flags. */
  readonly #shared: { params: Float64Array; gradients: Float64Array[]; flags: Int32Array } | null;
  /** With carryState: each shard's sequences' final states, which its next batch starts from. */
  readonly #states = new Map<number, Float64Array>();

  constructor(model: Model, m: ShardsMessage) {
    this.#model = model;
    this.#examples = m.examples;
    this.#index = m.index;
    model.layOut('fit', m.lanes, m.steps);
    if (m.shared === null) this.#shared = null;
    else {
      const P = model.plan.P, at = sharedLayout(P, m.slots, m.workers);
      this.#shared = {
        params: new Float64Array(m.shared, 8 * at.params, P),
        gradients: Array.from({ length: m.slots }, (_, k) => new Float64Array(m.shared as SharedArrayBuffer, 8 * (at.gradients + k * P), P)),
        flags: new Int32Array(m.shared, at.flags, m.workers + 1),
      };
    }
  }

  /** Computes the gradients (sums over their sequences) of the shards asked for, each from zero. */
  batch(m: BatchMessage, channel: Channel): void {
    const model = this.#model, shared = this.#shared;
    const { data, plan: p } = model;
    if (shared !== null) {
      // The caller stored the batch's number after writing the parameters.
      const seen = Atomics.load(shared.flags, shared.flags.length - 1);
      if (seen !== m.sequence) throw new Error(`worker ${this.#index}: the parameters of batch ${m.sequence} are not in the shared buffer (it holds batch ${seen})`);
      data.set(shared.params, p.params);
    } else data.set(m.params as Float64Array, p.params);
    const lanes = p.batch, losses: number[] = [], gradients: Float64Array[] = [];
    for (const k of m.shards) {
      const start = k * lanes, end = Math.min(start + lanes, m.order.length);
      const T = model.writeBatch(this.#examples, m.order, start, end, false);
      let states = this.#states.get(k);
      if (m.carry && states !== undefined) model.setLaneStates(states);
      model.forward(0, T);
      const loss = model.loss();
      model.backward(false);
      if (states === undefined) this.#states.set(k, states = new Float64Array(model.laneStateLength));
      model.saveLaneStates(states);
      const g = data.subarray(p.grads, p.grads + p.P);
      if (shared !== null) shared.gradients[k].set(g);
      else gradients.push(g.slice());
      losses.push(loss);
    }
    if (shared !== null) {
      Atomics.store(shared.flags, this.#index, m.sequence);
      channel.post({ type: 'gradients', sequence: m.sequence, losses });
    } else channel.post({ type: 'gradients', sequence: m.sequence, losses, gradients }, gradients.map((g) => g.buffer as ArrayBuffer));
  }
}

/**
 * The options of a run, with the caller's callback answered through the control buffer, and the
 * weights sent along (at most every WEIGHTS_EVERY_MS) when the caller wants them.
 */
function runOptions(m: RunMessage, channel: Channel, stop: AbortController, rnn: RNN): Record<string, unknown> {
  const options: Record<string, unknown> = { ...(m.args[m.args.length - 1] as Record<string, unknown>), signal: stop.signal };
  if (!m.progress && !m.weights) return options;
  const control = m.control === null ? null : new Int32Array(m.control);
  let sent = -Infinity;
  options.onProgress = (info: Progress): boolean => {
    const now = performance.now();
    if (m.weights && now - sent >= WEIGHTS_EVERY_MS) {
      sent = now;
      const tensors = rnn.getTensors();
      channel.post({ type: 'progress', info, tensors }, Object.values(tensors).map((t) => t.buffer as ArrayBuffer));
    } else channel.post({ type: 'progress', info });
    // Without shared memory (or a callback that answers) the caller stops the run by a message.
    if (control === null || !m.progress) return true;
    Atomics.wait(control, 0, 0);
    return Atomics.exchange(control, 0, 0) !== 2;
  };
  return options;
}

async function modelFor(shape: ModelShape): Promise<Model> {
  if (shape.backend === 'wasm') await compileCore(shape.build);
  return new Model(shape.spec, shape.backend, shape.build);
}

async function rnnFor(shape: ModelShape, state: Float64Array): Promise<RNN> {
  const { spec } = shape;
  const rnn = await RNN.create(spec.inputSize, spec.hiddenSize, spec.outputSize, {
    backend: shape.backend, ...(shape.build === undefined ? {} : { wasmBuild: shape.build }),
    cell: spec.cell, layers: spec.layers, input: spec.input, output: spec.output, outputAt: spec.outputAt,
  });
  const model = modelOf(rnn);
  model.data.set(state, model.plan.params);
  return rnn;
}

/** Ends this worker at once, as a crash would: the process's thread in Node, the worker in browsers. */
function exit(): void {
  const scope = globalThis as { process?: { exit(code: number): never }; close?: () => void };
  if (scope.process !== undefined) scope.process.exit(3);
  scope.close?.();
}

/** Serves one run on `channel`: the first message says which kind. */
export function serve(channel: Channel): void {
  let shards: Shards | null = null;
  let stop: AbortController | null = null;
  let faulty = false;
  const fail = (error: unknown): void => {
    const e = error instanceof Error ? error : new Error(String(error));
    channel.post({ type: 'error', name: e.name, message: e.message });
  };
  channel.listen((message) => {
    const m = message as ToWorker;
    try {
      if (m.type === 'fault') {
        if (m.how === 'exit') exit();
        faulty = true;
        if (stop !== null) throw new Error('a fault, as asked');
      } else if (m.type === 'batch') {
        if (faulty) throw new Error('a fault, as asked');
        if (shards === null) throw new Error('a batch came before the model');
        shards.batch(m, channel);
      } else if (m.type === 'shards') {
        modelFor(m).then((model) => {
          shards = new Shards(model, m);
          channel.post({ type: 'ready' });
        }, fail);
      } else if (m.type === 'run') {
        const controller = stop = new AbortController();
        void rnnFor(m, m.state).then(async (rnn) => {
          const options = runOptions(m, channel, controller, rnn);
          const result = m.method === 'fit'
            ? await rnn.fitAsync(m.args[0] as never, options as unknown as FitOptions)
            : await rnn.trainAsync(m.args[0] as never, m.args[1] as never, options as unknown as TrainOptions);
          const model = modelOf(rnn);
          const state = model.data.slice(model.plan.params, model.plan.params + model.plan.stateSize);
          channel.post({ type: 'done', result, state }, [state.buffer, result.losses.buffer as ArrayBuffer]);
        }).catch(fail);
      } else if (m.type === 'stop') stop?.abort();
    } catch (error) {
      fail(error);
    }
  });
}
