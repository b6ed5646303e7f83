// The three builds (wasm with SIMD, wasm without, pure TS) compute the same bits on random nets
// and sequences: outputs, loss, gradients, every update, and the weights after long training.
import { describe, expect, it } from 'vitest';
import { OPTIMIZERS, textDataset, type RNN } from '../src/index.js';
import { BACKENDS, bitDifference, create, GRADS, lcg, PARAMS, randomSequence, randomTargets } from './helpers.js';


// Sizes cover every remainder mod 4 of the dot products' lengths (I and H), on both sides of 4.
const CASES = Array.from({ length: 12 }, (_, k) => {
  const random = lcg(77 + k);
  const size = (max: number) => 1 + Math.floor(random() * max);
  return { k, I: size(9), H: k < 4 ? k + 1 : size(70), O: 1 + size(6), T: size(40), init: k % 3 === 2 ? 'notebook' as const : 'uniform' as const };
});

function models(I: number, H: number, O: number, options: Parameters<typeof create>[4]): Promise<RNN[]> {
  return Promise.all(BACKENDS.map((core) => create(core, I, H, O, options)));
}

describe(`${BACKENDS.join(', ')} agree to the bit`, () => {
  it.each(CASES)('case $k: I=$I H=$H O=$O T=$T $init', async ({ k, I, H, O, T, init }) => {
    const random = lcg(1000 + k);
    const xs = randomSequence(random, T, I, 2);
    const targets = randomTargets(random, T, O);
    const nets = await models(I, H, O, { seed: k, init });
    const [first, ...others] = nets;
    const ys = nets.map((net) => net.forward(xs));
    const losses = nets.map((net) => net.loss(targets));
    const grads = nets.map((net) => net.backward(xs, targets));
    others.forEach((_, n) => {
      const core = BACKENDS[n + 1];
      ys[0].forEach((y, t) => expect(bitDifference(ys[n + 1][t], y), `${core} output ${t}`).toBeUndefined());
      expect(bitDifference([losses[n + 1]], [losses[0]]), `${core} loss`).toBeUndefined();
      for (const name of GRADS) expect(bitDifference(grads[n + 1][name], grads[0][name]), `${core} ${name}`).toBeUndefined();
    });
    // Each build's own gradients into each of its update rules.
    for (const update of ['update', 'updateRprop', 'updateRpropNotebook'] as const) {
      nets.forEach((net, n) => net[update](grads[n], 0.05));
      const expected = first.getParams();
      others.forEach((net, n) => {
        const params = net.getParams();
        for (const name of PARAMS) expect(bitDifference(params[name], expected[name]), `${BACKENDS[n + 1]} ${update} ${name}`).toBeUndefined();
      });
    }
  });

  it.each([
    { I: 3, H: 50, O: 3, T: 10, iterations: 300 },
    { I: 7, H: 33, O: 5, T: 23, iterations: 200 },
  ])('after training $iterations iterations: I=$I H=$H O=$O T=$T', async ({ I, H, O, T, iterations }) => {
    const random = lcg(I * 1000 + H);
    const xs = randomSequence(random, T, I);
    const targets = randomTargets(random, T, O);
    const nets = await models(I, H, O, { seed: 'train' });
    const results = nets.map((net) => net.train(xs, targets, iterations, 0.01));
    expect(results[0].stopped).toBe('iterations');
    expect(results[0].losses[iterations - 1]).toBeLessThan(results[0].losses[0] / 2); // it learnt something
    const expected = nets[0].getParams();
    nets.slice(1).forEach((net, n) => {
      const core = BACKENDS[n + 1];
      expect(bitDifference(results[n + 1].losses, results[0].losses), `${core} losses`).toBeUndefined();
      const params = net.getParams();
      for (const name of PARAMS) expect(bitDifference(params[name], expected[name]), `${core} ${name}`).toBeUndefined();
    });
  });

  it.each(OPTIMIZERS)('every optimiser: %s, with clipping, over 150 iterations', async (optimizer) => {
    const random = lcg(31);
    const xs = randomSequence(random, 12, 5);
    const targets = randomTargets(random, 12, 4);
    const nets = await models(5, 21, 4, { seed: optimizer });
    const results = nets.map((net) => net.train(xs, targets, { iterations: 150, optimizer, clip: 3 }));
    const expected = nets[0].getParams();
    nets.slice(1).forEach((net, n) => {
      const core = BACKENDS[n + 1];
      expect(results[n + 1].stopped).toBe(results[0].stopped);
      expect(bitDifference(results[n + 1].losses, results[0].losses), `${core} losses`).toBeUndefined();
      const params = net.getParams();
      for (const name of PARAMS) expect(bitDifference(params[name], expected[name]), `${core} ${name}`).toBeUndefined();
    });
  });

  it('fit in batches, with a carried state, and sample', async () => {
    const text = textDataset('to be or not to be, that is the question. ', 7);
    const V = text.vocab.length;
    const nets = await models(V, 19, V, { seed: 'fit' });
    const batched = nets.map((net) => net.fit(text.sequences, { epochs: 8, batchSize: 3, shuffle: true, seed: 1, optimizer: 'adam', learningRate: 0.01 }));
    const carried = nets.map((net) => net.fit(text.sequences, { epochs: 8, carryState: true, optimizer: 'adagrad' }));
    const samples = nets.map((net) => net.sample(0, 50, { seed: 2, temperature: 0.9 }));
    const expected = nets[0].getParams();
    nets.slice(1).forEach((net, n) => {
      const core = BACKENDS[n + 1];
      expect(bitDifference(batched[n + 1].losses, batched[0].losses), `${core} batched`).toBeUndefined();
      expect(bitDifference(carried[n + 1].losses, carried[0].losses), `${core} carried`).toBeUndefined();
      expect(samples[n + 1], `${core} sample`).toEqual(samples[0]);
      const params = net.getParams();
      for (const name of PARAMS) expect(bitDifference(params[name], expected[name]), `${core} ${name}`).toBeUndefined();
    });
  });
});
