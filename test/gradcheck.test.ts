// backward against central finite differences of loss, on random nets of several shapes: the
// notebook model, then every cell with each head at each position.
import { describe, expect, it } from 'vitest';
import type { Gradients } from '../src/index.js';
import { CELLS, OUTPUT_POSITIONS, OUTPUTS } from '../src/spec.js';
import { BACKENDS, create, lcg, numericGradients, PARAMS, randomInputs, randomSequence, randomTargets, randomTargetsFor, relativeDifference } from './helpers.js';

const SHAPES = [
  { I: 1, H: 1, O: 2, T: 1 },
  { I: 1, H: 1, O: 2, T: 30 },
  { I: 3, H: 5, O: 3, T: 10 },
  { I: 2, H: 17, O: 4, T: 30 },
  { I: 4, H: 8, O: 6, T: 1 },
] as const;
const INITS = ['uniform', 'notebook'] as const;

/** Normwise relative error allowed per parameter. */
const TOLERANCE = 1e-6;

/** The notebook's names of getTensors' tensors. */
const TORCH: Record<(typeof PARAMS)[number], string> = { Wxh: 'rnn.weight_ih_l0', Whh: 'rnn.weight_hh_l0', Why: 'fc.weight', bh: 'rnn.bias_ih_l0', by: 'fc.bias' };

describe.each(BACKENDS)('gradient check on %s', (backend) => {
  describe.each(INITS)('%s initialisation', (init) => {
    it.each(SHAPES)('I=$I H=$H O=$O T=$T', async ({ I, H, O, T }) => {
      const random = lcg(1000 * H + T);
      const rnn = await create(backend, I, H, O, { seed: `${I}-${H}-${O}-${T}`, init });
      const xs = randomSequence(random, T, I);
      const targets = randomTargets(random, T, O);
      rnn.forward(xs);
      const grads: Gradients = rnn.backward(xs, targets);
      const numerics = numericGradients(rnn, xs, targets);
      for (const name of PARAMS) {
        const analytic = grads[`d${name}`];
        const numeric = numerics[TORCH[name]];
        expect(relativeDifference(analytic, numeric), name).toBeLessThan(TOLERANCE);
        const scale = Math.max(1, ...Array.from(numeric, Math.abs));
        analytic.forEach((a, i) => expect(Math.abs(a - numeric[i]), `${name}[${i}]`).toBeLessThan(TOLERANCE * scale));
      }
    });
  });
});

/** Every cell this version has, with each head at each position, over one and two layers. */
const HEADS = CELLS.flatMap((cell) => OUTPUTS.flatMap((output) => OUTPUT_POSITIONS.map((outputAt) => ({ cell, output, outputAt }))));

describe.each(BACKENDS)('gradient check of the heads on %s', (backend) => {
  describe.each(HEADS)('cell $cell, output $output at $outputAt', (head) => {
    it.each([
      { I: 2, H: 4, O: 1, T: 1, layers: 1 },
      { I: 3, H: 5, O: 3, T: 12, layers: 1 },
      { I: 1, H: 6, O: 2, T: 20, layers: 2 },
    ])('I=$I H=$H O=$O T=$T layers=$layers', async ({ I, H, O, T, layers }) => {
      const options = { ...head, layers };
      const random = lcg(100 * H + T);
      const rnn = await create(backend, I, H, O, { ...options, seed: `${head.cell}-${I}-${H}-${O}-${T}` });
      const xs = randomInputs(random, T, I, options);
      const targets = randomTargetsFor(random, T, O, options);
      rnn.forward(xs);
      const analytic = rnn.backwardTensors(xs, targets);
      const numeric = numericGradients(rnn, xs, targets);
      for (const name of Object.keys(numeric)) {
        expect(relativeDifference(analytic[name], numeric[name]), name).toBeLessThan(TOLERANCE);
      }
    });
  });
});
