// Parts of the command line tested in-process: the training function, the loss chart, what the
// progress bar shows, which optimiser a run uses, and the heap a model's file needs.
import { describe, expect, it } from 'vitest';
import { UsageError } from '../src/cli/args.js';
import { lossChart } from '../src/cli/chart.js';
import { checkCanSave, HEAP_BYTES_PER_PARAMETER, parameterCount } from '../src/cli/limits.js';
import { compact, duration, lossSummary, lossView, progressFields } from '../src/cli/progress.js';
import { chooseSchedule, defaultRate, storedTraining } from '../src/cli/schedule.js';
import { streamsFor } from '../src/cli/tasks.js';
import { trainModel } from '../src/cli/train-model.js';
import { DEFAULT_LEARNING_RATES, periodicDataset } from '../src/index.js';
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
    expect(lines[0]).toMatch(/^\s*9\.\d\d \|/);
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

describe('lossChart with a reference', () => {
  it('draws the reference as a labelled row of dashes, and keeps it on the scale', () => {
    const lines = lossChart([3, 2, 1.5, 1.2], 4, 5, 'epochs', { value: 4.127, label: 'log V = 4.127, a uniform guess' }, 'loss per character, log scale');
    expect(lines[0]).toBe('4.13 |---- log V = 4.127, a uniform guess');
    expect(lines[lines.length - 1]).toBe('      epochs 1 to 4, loss per character, log scale');
    expect(lines.slice(1, -2).join('\n')).toMatch(/\*/);
  });
});

describe('the progress bar and the summary', () => {
  const text = lossView({ characters: 1000, chunks: 40, vocab: 50 });

  it('before the first iteration or epoch ends, show no loss, speed or time left (not "0s left")', () => {
    expect(progressFields(lossView(), 0, 100, 0)).toEqual({ loss: '-', speed: '-', left: '-' });
    expect(progressFields(text, 0, 10, 12.5)).toEqual({ loss: '-', speed: '-', left: '-' });
  });

  it('then show the loss (for a text, per character beside log V), the speed and the time left', () => {
    expect(progressFields(lossView(), 10, 100, 2, 1.5)).toEqual({ loss: '1.500e+0', speed: '5.00 sequences/s', left: '18s' });
    // A mean loss of 50 over 40 chunks of 1000 characters is 2 nats per character.
    expect(progressFields(text, 2, 10, 4, 50)).toEqual({ loss: '2.000/char (log V 3.912)', speed: '500 characters/s', left: '16s' });
  });

  it('summarises the loss in the unit it was shown in', () => {
    expect(lossSummary(lossView(), Float64Array.of(11, 0.5))).toBe('loss 1.100e+1 -> 5.000e-1');
    expect(lossSummary(text, Float64Array.of(100, 50))).toBe('loss 4.000 -> 2.000 per character (log V = 3.912 is a uniform guess)');
    expect(lossSummary(text, new Float64Array(0))).toBe('no epoch completed, so no loss to show');
  });

  it('formats counts and durations', () => {
    expect([5, 950, 12_345, 4_560_000].map(compact)).toEqual(['5.00', '950', '12.3k', '4.56M']);
    expect([0.4, 45, 725, 12_000].map(duration)).toEqual(['0s', '45s', '12m 5s', '3h 20m']);
  });
});

describe('streamsFor', () => {
  it('gives a long text the whole batch, a short one fewer streams, each of 8 chunks or more, leaving out at most 1 in 50 chunks', () => {
    expect(streamsFor(24_000, 16)).toBe(16);
    expect(streamsFor(24_001, 16)).toBe(16); // one chunk left out
    expect(streamsFor(120, 16)).toBe(15); // 8 chunks each, none left out
    expect(streamsFor(128, 16)).toBe(16);
    expect(streamsFor(127, 16)).toBe(14); // 16 would leave out 15 chunks and 15 leave out 7 (at most 2.54 may be): 14 leave out 1
    expect(streamsFor(13, 16)).toBe(1);
    expect(streamsFor(1, 16)).toBe(1);
    expect(streamsFor(24_000, 1)).toBe(1);
  });
});

describe('chooseSchedule', () => {
  const stored = { optimizer: 'adagrad' as const, learningRate: 0.05 };

  it('a new model takes the default of its kind of task', () => {
    expect(chooseSchedule({}, 'sequence')).toEqual({ optimizer: 'rprop', learningRate: 0.01, says: 'rprop from lr 0.01 (the default for one sequence)' });
    expect(chooseSchedule({}, 'text')).toEqual({ optimizer: 'adam', learningRate: 0.001, says: 'adam from lr 0.001 (the default for a text)' });
    expect(chooseSchedule({ optimizer: 'sgd', lr: '0.5' }, 'text')).toMatchObject({ optimizer: 'sgd', learningRate: 0.5 });
  });

  it('a resumed model keeps the optimiser and rate of its file unless a flag changes them', () => {
    const resumed = { path: 'm.json', stored };
    expect(chooseSchedule({}, 'sequence', resumed)).toEqual({ optimizer: 'adagrad', learningRate: 0.05, says: 'adagrad at lr 0.05, as m.json was trained' });
    expect(chooseSchedule({ lr: '0.2' }, 'sequence', resumed)).toMatchObject({ optimizer: 'adagrad', learningRate: 0.2 });
    expect(chooseSchedule({ optimizer: 'adam' }, 'sequence', resumed)).toMatchObject({ optimizer: 'adam', learningRate: 0.001 });
    expect(chooseSchedule({ optimizer: 'adagrad' }, 'sequence', resumed)).toMatchObject({ optimizer: 'adagrad', learningRate: 0.05 });
    expect(chooseSchedule({}, 'text', { path: 'm.json' })).toEqual({
      optimizer: 'adam', learningRate: 0.001, says: 'adam from lr 0.001 (m.json records no optimiser: the default for a text)',
    });
  });

  it('a text in batches takes adam\'s rate times the square root of the batch; the other optimisers keep theirs', () => {
    expect([1, 2, 13, 16, 32].map((batch) => defaultRate('adam', batch))).toEqual([0.001, 0.00141, 0.00361, 0.004, 0.00566]);
    expect(defaultRate('adagrad', 16)).toBe(DEFAULT_LEARNING_RATES.adagrad);
    expect(chooseSchedule({}, 'text', undefined, 16)).toEqual({ optimizer: 'adam', learningRate: 0.004, says: 'adam from lr 0.004 (the default for a text in batches of 16, 0.001 x sqrt(16))' });
    expect(chooseSchedule({ optimizer: 'adam' }, 'text', undefined, 16)).toEqual({ optimizer: 'adam', learningRate: 0.004, says: 'adam from lr 0.004 (in batches of 16, 0.001 x sqrt(16))' });
    expect(chooseSchedule({ lr: '0.01' }, 'text', undefined, 16)).toMatchObject({ optimizer: 'adam', learningRate: 0.01, says: 'adam from lr 0.01 (the default for a text)' });
    // A resumed model keeps its file's rate, whatever the batch.
    expect(chooseSchedule({}, 'text', { path: 'm.json', stored: { optimizer: 'adam', learningRate: 0.001 } }, 16)).toMatchObject({ learningRate: 0.001 });
    expect(chooseSchedule({ optimizer: 'adam' }, 'text', { path: 'm.json', stored }, 16)).toMatchObject({
      learningRate: 0.004, says: 'adam from lr 0.004 (--optimizer, in batches of 16, 0.001 x sqrt(16); m.json was trained with adagrad, whose state is not carried over)',
    });
  });

  it('checks what a file records', () => {
    expect(storedTraining('m.json', { optimizer: 'adam', learningRate: 0.01, iterations: 3 })).toEqual({ optimizer: 'adam', learningRate: 0.01 });
    expect(storedTraining('m.json', undefined)).toBeUndefined();
    expect(() => storedTraining('m.json', { optimizer: 'lbfgs', learningRate: 0.01 })).toThrow(new UsageError('--resume m.json: meta.training.optimizer must be one of: rprop, irprop+, rprop-notebook, sgd, momentum, adagrad, adam, got "lbfgs"'));
    expect(() => storedTraining('m.json', { optimizer: 'adam', learningRate: -1 })).toThrow(/meta.training.learningRate must be a finite number >= 0, got -1$/);
  });
});

describe('checkCanSave', () => {
  it('refuses a model whose file needs more heap than is free, and only then', () => {
    const P = parameterCount(3, 1000, 3);
    expect(P).toBe(1000 * 3 + 1000 * 1000 + 3 * 1000 + 1000 + 3);
    const heap = (limit: number, used = 0) => ({ heap_size_limit: limit, used_heap_size: used }) as ReturnType<typeof import('node:v8').getHeapStatistics>;
    expect(() => checkCanSave(3, 1000, 3, heap(HEAP_BYTES_PER_PARAMETER * P))).not.toThrow();
    expect(() => checkCanSave(3, 1000, 3, heap(HEAP_BYTES_PER_PARAMETER * P, 1))).toThrow(UsageError);
    expect(() => checkCanSave(3, 1000, 3, heap(2 ** 25, 2 ** 23))).toThrow(/^--hidden 1000: the file of a 3-1000-3 model takes about 39 MB of memory to write and read back, more than node's heap has free here \(24 MB of 32 MB\); give node more with NODE_OPTIONS=--max-old-space-size=59$/);
  });
});
