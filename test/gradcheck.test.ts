// backward against central finite differences of loss, on random nets of several shapes.
import { describe, expect, it } from 'vitest';
import type { Gradients, Params, RNN } from '../src/index.js';
import { BACKENDS, create, lcg, PARAMS, randomSequence, randomTargets, relativeDifference } from './helpers.js';

const SHAPES = [
  { I: 1, H: 1, O: 2, T: 1 },
  { I: 1, H: 1, O: 2, T: 30 },
  { I: 3, H: 5, O: 3, T: 10 },
  { I: 2, H: 17, O: 4, T: 30 },
  { I: 4, H: 8, O: 6, T: 1 },
] as const;
const INITS = ['uniform', 'notebook'] as const;

/**
 * The five-point central difference has error O(EPS^4) plus rounding O(ulp(loss) / EPS). The
 * plain two-point one, O(EPS^2), is too coarse for the tiny gradients of a saturated net (the
 * notebook's initialisation): there no EPS makes both errors small next to 1e-6.
 */
const EPS = 1e-3;
/** Normwise relative error allowed per parameter. */
const TOLERANCE = 1e-6;

function numericGradient(rnn: RNN, xs: number[][], targets: number[], name: keyof Params): Float64Array {
  const params = rnn.getParams();
  const values = params[name];
  const grad = new Float64Array(values.length);
  const lossAt = (v: number, i: number): number => {
    const perturbed = values.slice();
    perturbed[i] = v;
    rnn.setParams({ [name]: perturbed });
    rnn.resetHistory();
    rnn.forward(xs);
    return rnn.loss(targets);
  };
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    grad[i] = (8 * (lossAt(v + EPS, i) - lossAt(v - EPS, i)) - (lossAt(v + 2 * EPS, i) - lossAt(v - 2 * EPS, i))) / (12 * EPS);
  }
  rnn.setParams({ [name]: values });
  return grad;
}

describe.each(BACKENDS)('gradient check on %s', (backend) => {
  describe.each(INITS)('%s initialisation', (init) => {
    it.each(SHAPES)('I=$I H=$H O=$O T=$T', async ({ I, H, O, T }) => {
      const random = lcg(1000 * H + T);
      const rnn = await create(backend, I, H, O, { seed: `${I}-${H}-${O}-${T}`, init });
      const xs = randomSequence(random, T, I);
      const targets = randomTargets(random, T, O);
      rnn.forward(xs);
      const grads: Gradients = rnn.backward(xs, targets);
      for (const name of PARAMS) {
        const analytic = grads[`d${name}`];
        const numeric = numericGradient(rnn, xs, targets, name);
        expect(relativeDifference(analytic, numeric), name).toBeLessThan(TOLERANCE);
        const scale = Math.max(1, ...Array.from(numeric, Math.abs));
        analytic.forEach((a, i) => expect(Math.abs(a - numeric[i]), `${name}[${i}]`).toBeLessThan(TOLERANCE * scale));
      }
    });
  });
});
