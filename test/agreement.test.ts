// The wasm and pure-TS builds agree on random nets and sequences.
import { describe, expect, it } from 'vitest';
import { create, lcg, randomSequence, randomTargets, relativeDifference } from './helpers.js';

/** The builds use different tanh and exp (musl's port and the engine's), a few ulp apart. */
const TOLERANCE = 1e-12;

const CASES = Array.from({ length: 12 }, (_, k) => {
  const random = lcg(77 + k);
  const size = (max: number) => 1 + Math.floor(random() * max);
  return { k, I: size(6), H: size(40), O: 1 + size(6), T: size(40), init: k % 3 === 2 ? 'notebook' as const : 'uniform' as const };
});

describe('wasm and ts agree', () => {
  it.each(CASES)('case $k: I=$I H=$H O=$O T=$T $init', async ({ k, I, H, O, T, init }) => {
    const random = lcg(1000 + k);
    const xs = randomSequence(random, T, I, 2);
    const targets = randomTargets(random, T, O);
    const [wasm, ts] = await Promise.all([
      create('wasm', I, H, O, { seed: k, init }),
      create('ts', I, H, O, { seed: k, init }),
    ]);
    expect(wasm.getParams()).toEqual(ts.getParams()); // the same seed draws the same bits

    const ysWasm = wasm.forward(xs), ysTs = ts.forward(xs);
    ysWasm.forEach((y, t) => expect(relativeDifference(y, ysTs[t]), `output ${t}`).toBeLessThan(TOLERANCE));
    expect(relativeDifference([wasm.loss(targets)], [ts.loss(targets)])).toBeLessThan(TOLERANCE);

    const gWasm = wasm.backward(xs, targets), gTs = ts.backward(xs, targets);
    for (const name of ['dWxh', 'dWhh', 'dWhy', 'dbh', 'dby'] as const) {
      expect(relativeDifference(gWasm[name], gTs[name]), name).toBeLessThan(TOLERANCE);
    }
    // The same gradients into each build's update rules give the same weights.
    for (const update of ['update', 'updateRprop', 'updateRpropNotebook'] as const) {
      wasm[update](gTs, 0.05);
      ts[update](gTs, 0.05);
      const pWasm = wasm.getParams(), pTs = ts.getParams();
      for (const name of ['Wxh', 'Whh', 'Why', 'bh', 'by'] as const) {
        expect(relativeDifference(pWasm[name], pTs[name]), `${update} ${name}`).toBeLessThan(TOLERANCE);
      }
    }
  });
});
