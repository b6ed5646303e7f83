// The one door from a model to its internals, for tests and for the library's own modules: the
// Model behind each RNN (its block, plan and history). Not exported from the package.
import type { Model } from './model.js';

const models = new WeakMap<object, Model>();

export function register(rnn: object, model: Model): void {
  models.set(rnn, model);
}

/** The Model behind an RNN; throws for anything else. */
export function modelOf(rnn: object): Model {
  const model = models.get(rnn);
  if (model === undefined) throw new TypeError('modelOf: not an RNN');
  return model;
}

/** What a run in workers lets a test do: send worker `w` a fault ('throw' at its next batch, or 'exit' at once). */
export interface WorkerFaults {
  inject(w: number, how: 'throw' | 'exit'): void;
}

const runs = new WeakMap<object, WorkerFaults>();

/** Registers (or with null, forgets) the run in workers that an RNN is busy with. */
export function registerRun(rnn: object, run: WorkerFaults | null): void {
  if (run === null) runs.delete(rnn);
  else runs.set(rnn, run);
}

/** The run in workers that an RNN is busy with, or null. */
export function runOf(rnn: object): WorkerFaults | null {
  return runs.get(rnn) ?? null;
}
