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
