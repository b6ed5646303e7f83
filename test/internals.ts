// White-box helpers: what the public API does not show, read for tests only.
import { createHash } from 'node:crypto';
import type { RNN } from '../src/index.js';
import type { Backend } from '../src/backend.js';

export function backendOf(rnn: RNN): Backend {
  return (rnn as unknown as { core: Backend }).core;
}

/**
 * A digest of everything a call could change: parameters, optimiser state, the length of the
 * history, the initial hidden state and the activations and inputs of the steps in the history.
 */
export function stateDigest(rnn: RNN): string {
  const { data, layout: L } = backendOf(rnn);
  const T = rnn.seqLength;
  const hash = createHash('sha256');
  const add = (start: number, length: number) => hash.update(new Uint8Array(data.buffer, data.byteOffset + 8 * start, 8 * length));
  add(L.Wxh, L.stateSize);
  add(L.hs, (T + 1) * L.H);
  add(L.ps, T * L.O);
  add(L.logps, T * L.O);
  add(L.xs, T * L.I);
  hash.update(String(T));
  return hash.digest('hex');
}
