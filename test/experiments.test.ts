// The notebook's experiments, with default options and train(xs, targets, iters, 0.01): every
// prediction right within 200 iterations, on 5 seeds. The notebook itself failed the periodic ones.
import { describe, expect, it } from 'vitest';
import { constantDataset, periodicDataset, type Dataset } from '../src/index.js';
import { BACKENDS, create } from './helpers.js';

const TASKS: { name: string; hidden: number; data: (seed: number) => Dataset }[] = [
  { name: 'constant 0', hidden: 5, data: (seed) => constantDataset(0, 10, 3, { seed }) },
  { name: 'constant 1', hidden: 5, data: (seed) => constantDataset(1, 10, 3, { seed }) },
  { name: 'constant 2', hidden: 5, data: (seed) => constantDataset(2, 10, 3, { seed }) },
  { name: 'periodic [0,1]', hidden: 10, data: () => periodicDataset([0, 1], 10, 3) },
  { name: 'periodic [0,1,2]', hidden: 50, data: () => periodicDataset([0, 1, 2], 10, 3) },
];
const SEEDS = [1, 2, 3, 4, 5];

describe.each(BACKENDS)('notebook experiments on %s', (backend) => {
  describe.each(TASKS)('$name', ({ hidden, data }) => {
    it.each(SEEDS)('seed %i: all predictions right after 200 iterations', async (seed) => {
      const { xs, targets } = data(seed);
      const rnn = await create(backend, 3, hidden, 3, { seed });
      const result = rnn.train(xs, targets, 200, 0.01);
      expect(result.stopped).toBe('iterations');
      expect(result.losses[199]).toBeLessThan(result.losses[0]);
      rnn.resetHistory();
      expect(rnn.predict(xs)).toEqual(targets);
    });
  });
});
