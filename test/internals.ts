// White-box helpers: what the public API does not show, read for tests only through the one door
// (src/internal.ts).
import { createHash } from 'node:crypto';
import type { RNN } from '../src/index.js';
import type { Backend } from '../src/backend.js';
import { modelOf } from '../src/internal.js';
import type { Model } from '../src/model.js';

export { modelOf };
export type { Model };

export function backendOf(rnn: RNN): Backend {
  return modelOf(rnn).core;
}

/**
 * A digest of everything a call could change: parameters, optimiser state, the length of the
 * history, the initial states and the activations and inputs of the steps in the history.
 */
export function stateDigest(rnn: RNN): string {
  const model = modelOf(rnn);
  const { data, plan: p } = model;
  const T = model.steps;
  const hash = createHash('sha256');
  const add = (start: number, length: number) => hash.update(new Uint8Array(data.buffer, data.byteOffset + 8 * start, 8 * length));
  add(p.params, p.stateSize);
  const H = p.spec.hiddenSize, O = p.spec.outputSize;
  for (const cell of p.cells) add(cell.hs, (T + 1) * H);
  add(p.ys, T * O);
  if (p.head.logps >= 0) add(p.head.logps, T * O);
  add(p.xs, T * p.inputWidth);
  hash.update(String(T));
  return hash.digest('hex');
}
