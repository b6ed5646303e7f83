// The notebook's experiments, with default options and train(xs, targets, iters, 0.01): every
// prediction right within 200 iterations, on 5 seeds. The notebook itself failed the periodic ones.
import { describe, expect, it } from 'vitest';
import { runExperiment, runNotebookExperiments } from '../src/experiments.js';
import { constantDataset, periodicDataset, RNN, type Dataset } from '../src/index.js';
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

describe("npm start's table", () => {
  it('shows the loss per step untrained and when first all right, not a final loss rounded to 0', async () => {
    const lines: string[] = [];
    const results = await runNotebookExperiments({ iterations: 300, backend: 'ts' }, (line) => lines.push(line));
    const output = lines.join('\n');
    expect(output).not.toMatch(/0\.00e\+0/);
    expect(output).toMatch(/^task +hidden +loss \/ step untrained +updates to all right +loss \/ step then +µs \/ iteration$/m);
    for (const r of results) {
      expect(r.solvedAt, r.task).not.toBeNull();
      expect(r.lossWhenSolved, r.task).toBeGreaterThan(0);
      expect(output).toMatch(new RegExp(`^${r.task.replace(/[[\]()]/g, '\\$&')} +${r.hidden} +${r.lossBefore.toFixed(3)} +\\d+.* +${r.lossWhenSolved.toFixed(3)} +[\\d.]+$`, 'm'));
    }
  });

  it('says when the untrained model is already right, with the loss it has', async () => {
    // With seed 1 the untrained 3-5-3 model predicts class 2 at every step of constant 2.
    const data = constantDataset(2, 10, 3, { seed: 1 });
    const result = await runExperiment({ task: 'constant 2', hidden: 5, data }, { iterations: 20, backend: 'ts' });
    expect(result.solvedAt).toBe(0);
    const rnn = await RNN.create(3, 5, 3, { seed: 1, backend: 'ts' });
    rnn.forward(data.xs);
    expect(result.lossBefore).toBe(rnn.loss(data.targets) / 10);
    expect(result.lossWhenSolved).toBe(result.lossBefore);
    const lines: string[] = [];
    await runNotebookExperiments({ iterations: 20, backend: 'ts' }, (line) => lines.push(line));
    expect(lines.join('\n')).toMatch(/^constant 2 +5 +\d\.\d{3} +0 \(right untrained\) +\d\.\d{3} /m);
  });
});
