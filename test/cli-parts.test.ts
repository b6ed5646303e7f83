// Parts of the command line tested in-process: the training function and the loss chart.
import { describe, expect, it } from 'vitest';
import { lossChart } from '../src/cli/chart.js';
import { trainModel } from '../src/cli/train-model.js';
import { periodicDataset } from '../src/index.js';
import { BACKENDS, create } from './helpers.js';

describe.each(BACKENDS)('trainModel on %s', (backend) => {
  it('gives the same losses and weights, bit for bit, as one train call, and reports every iteration', async () => {
    const data = periodicDataset([0, 1, 2], 9, 3);
    const trained = await create(backend, 3, 8, 3, { seed: 4 });
    const progress: number[] = [];
    const result = await trainModel(trained, { data }, { optimizer: 'rprop', learningRate: 0.01, iterations: 250, onProgress: (done) => progress.push(done) });
    const whole = await create(backend, 3, 8, 3, { seed: 4 });
    const expected = whole.train(data.xs, data.targets, 250, 0.01);
    expect(Buffer.from(result.losses.buffer).equals(Buffer.from(expected.losses.buffer))).toBe(true);
    expect(JSON.stringify(trained.toJSON())).toBe(JSON.stringify(whole.toJSON()));
    expect(result.stopped).toBe('iterations');
    expect(progress).toEqual(Array.from({ length: 250 }, (_, k) => k + 1));
  });

  it('zero iterations train nothing', async () => {
    const rnn = await create(backend, 3, 4, 3, { seed: 4 });
    const before = JSON.stringify(rnn.toJSON());
    expect((await trainModel(rnn, { data: periodicDataset([0, 1], 4, 3) }, { optimizer: 'rprop', learningRate: 0.01, iterations: 0 })).losses).toHaveLength(0);
    expect(JSON.stringify(rnn.toJSON())).toBe(before);
  });
});

describe('lossChart', () => {
  /** The row of the mark in each column. */
  const marks = (lines: string[]): number[] => {
    const rows = lines.slice(0, -2).map((l) => l.slice(l.indexOf('|') + 1));
    return Array.from({ length: rows[0].length }, (_, c) => rows.findIndex((r) => r[c] === '*'));
  };

  it('draws a falling loss from the top left to the bottom right, one mark per column, labelled with its extremes', () => {
    const losses = Array.from({ length: 200 }, (_, i) => 10 * 0.95 ** i);
    const lines = lossChart(losses, 40, 8);
    expect(lines).toHaveLength(8 + 2);
    const rows = marks(lines);
    expect(rows).toHaveLength(40);
    expect(rows[0]).toBe(0);
    expect(rows[39]).toBe(7);
    rows.forEach((r, c) => expect(r).toBeGreaterThanOrEqual(c === 0 ? 0 : rows[c - 1]));
    expect(lines[0]).toMatch(/^\s*9\.\de\+0 \|/);
    expect(lines[7]).toMatch(/^\s*\d\.\de-4 \|/);
    expect(lines[9]).toMatch(/iterations 1 to 200, log scale/);
  });

  it('a log scale: a loss ten times smaller is as far down at any magnitude', () => {
    const rows = marks(lossChart([1000, 100, 10, 1], 4, 4));
    expect(rows).toEqual([0, 1, 2, 3]);
  });

  it('fewer losses than columns take one column each; a flat loss is one row; a loss of 0 sits at the bottom', () => {
    expect(marks(lossChart([3, 2, 1], 60, 5))).toHaveLength(3);
    expect(lossChart([2, 2, 2], 60, 5)).toHaveLength(1 + 2);
    const rows = marks(lossChart([1, 0.1, 0], 3, 6));
    expect(rows[2]).toBe(5);
    expect(lossChart([], 60, 5)).toEqual([]);
  });
});
