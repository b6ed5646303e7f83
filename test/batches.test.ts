// Batches of sequences advancing together (fit with batchSize > 1): the same mean gradient as
// one sequence after another, within rounding; the same bits in every build; padding that never
// reaches the loss.
import { describe, expect, it } from 'vitest';
import { OPTIMIZERS, RNN, textDataset, type Example, type RNNOptions } from '../src/index.js';
import { readExamples } from '../src/inputs.js';
import { BACKENDS, bitDifference, create, lcg, type Core } from './helpers.js';
import { modelOf, type Model } from './internals.js';

/** Sequences of the given lengths, with random inputs (or ids) and targets for the model's spec. */
function examples(rnn: RNN, lengths: number[], seed: number): Example[] {
  const random = lcg(seed);
  const { inputDim: I, outputDim: O } = rnn;
  const spec = modelOf(rnn).spec;
  return lengths.map((T) => {
    const xs = Array.from({ length: T }, () => (spec.input === 'index' ? Math.floor(random() * I) : Array.from({ length: I }, () => 2 * random() - 1)));
    const target = () => (spec.output === 'softmax' ? Math.floor(random() * O) : Array.from({ length: O }, () => 2 * random() - 1));
    const targets = spec.outputAt === 'last' ? [target()] : Array.from({ length: T }, target);
    return { xs, targets } as Example;
  });
}

/** The mean gradient over `data`: one sequence after another, or all of them as one batch. */
function meanGradient(model: Model, data: Example[], batched: boolean): { grads: Float64Array; loss: number } {
  const e = readExamples('test', data, model.spec);
  const n = e.lengths.length, longest = Math.max(...e.lengths);
  let loss = 0;
  if (batched) {
    model.layOut('test', n, longest);
    model.forward(0, model.writeBatch(e, e.lengths.map((_, k) => k), 0, n));
    loss = model.loss();
    model.backward(false);
  } else {
    model.layOut('test', 1, longest);
    for (let k = 0; k < n; k++) {
      model.startFrom();
      model.writeInputs(e.xs, 0, e.starts[k], e.lengths[k]);
      model.writeTargets(e.targets, e.targetStarts[k], model.spec.outputAt === 'last' ? 1 : e.lengths[k]);
      model.forward(0, e.lengths[k]);
      loss += model.loss();
      model.backward(k > 0);
    }
  }
  model.scaleGrads(n);
  const grads = model.data.slice(model.plan.grads, model.plan.grads + model.plan.P);
  model.layOut('test', 1, longest);
  return { grads, loss };
}

const LENGTHS = [7, 3, 12, 1, 9];

const SPECS: [string, RNNOptions][] = [];
for (const cell of ['rnn', 'lstm', 'gru'] as const) {
  for (const layers of [1, 2]) {
    SPECS.push([`${cell}, ${layers} layer(s), dense, softmax at every step`, { cell, layers }]);
  }
  SPECS.push([`${cell}, index inputs`, { cell, input: 'index' }]);
  SPECS.push([`${cell}, linear output at the last step`, { cell, output: 'linear', outputAt: 'last' }]);
  SPECS.push([`${cell}, softmax at the last step, 2 layers`, { cell, layers: 2, outputAt: 'last' }]);
  SPECS.push([`${cell}, linear output at every step`, { cell, output: 'linear' }]);
}

describe.each(BACKENDS)('batches on %s', (core: Core) => {
  it.each(SPECS)('%s: the batch gradient is the one-at-a-time gradient within 1e-12', async (_, options) => {
    const rnn = await create(core, 4, 6, 3, { seed: 3, ...options });
    const data = examples(rnn, LENGTHS, 11);
    const model = modelOf(rnn);
    const one = meanGradient(model, data, false);
    const all = meanGradient(model, data, true);
    const scale = Math.max(...one.grads.map(Math.abs));
    const worst = Math.max(...one.grads.map((g, i) => Math.abs(g - all.grads[i])));
    expect(scale).toBeGreaterThan(1e-3);
    expect(worst / scale).toBeLessThan(1e-12);
    expect(Math.abs(all.loss - one.loss) / one.loss).toBeLessThan(1e-12);
  });
});

/** The parameters and optimiser state of a model, as bits. */
function state(rnn: RNN): Float64Array {
  const { data, plan: p } = modelOf(rnn);
  return data.slice(p.params, p.params + p.stateSize);
}

describe('fit in batches', () => {
  it.each(['rnn', 'lstm', 'gru'] as const)('%s: every build gives the same bits with every optimiser, in shuffled batches of 3 of mixed lengths', async (cell) => {
    for (const optimizer of OPTIMIZERS) {
      const results: Float64Array[] = [];
      const losses: Float64Array[] = [];
      for (const core of BACKENDS) {
        const rnn = await create(core, 3, 5, 3, { seed: 7, cell });
        const data = examples(rnn, [4, 9, 2, 6, 6, 1, 8], 5);
        const result = rnn.fit(data, { epochs: 3, batchSize: 3, shuffle: true, seed: 2, optimizer, clip: 5 });
        expect(result.stopped).toBe('iterations');
        results.push(state(rnn));
        losses.push(result.losses);
      }
      for (let k = 1; k < BACKENDS.length; k++) {
        expect(bitDifference(results[k], results[0]), `${optimizer} on ${BACKENDS[k]}`).toBeUndefined();
        expect(bitDifference(losses[k], losses[0]), `${optimizer} losses on ${BACKENDS[k]}`).toBeUndefined();
      }
    }
  });

  it('one batch of all the data: the same update as the mean gradient one sequence at a time, within 1e-12', async () => {
    for (const output of ['softmax', 'linear'] as const) {
      const rnn = await RNN.create(3, 6, 2, { seed: 4, cell: 'lstm', output });
      const data = examples(rnn, LENGTHS, 9);
      const before = state(rnn);
      const { grads } = meanGradient(modelOf(rnn), data, false);
      const P = modelOf(rnn).plan.P;
      rnn.fit(data, { epochs: 1, batchSize: LENGTHS.length, optimizer: 'sgd', learningRate: 0.1 });
      const after = state(rnn);
      const scale = Math.max(...grads.map(Math.abs));
      for (let i = 0; i < P; i++) expect(Math.abs(before[i] - 0.1 * grads[i] - after[i]) / (0.1 * scale), `parameter ${i}`).toBeLessThan(1e-12);
    }
  });

  it('validation in batches: the loss and the accuracy of one sequence at a time', async () => {
    const sequential = await RNN.create(4, 6, 3, { seed: 3, cell: 'gru', outputAt: 'last' });
    const batched = await RNN.create(4, 6, 3, { seed: 3, cell: 'gru', outputAt: 'last' });
    const data = examples(sequential, [5, 3, 8, 2, 7, 4, 6], 1);
    const held = examples(sequential, [6, 2, 9, 4, 3], 2);
    const options = { epochs: 1, optimizer: 'sgd' as const, learningRate: 0, validation: held };
    const one = sequential.fit(data, { ...options, batchSize: 1 });
    const all = batched.fit(data, { ...options, batchSize: 4 });
    expect(Math.abs((all.validationLoss as number) - (one.validationLoss as number)) / (one.validationLoss as number)).toBeLessThan(1e-12);
    expect(all.validationAccuracy).toBe(one.validationAccuracy);
    expect(one.validationAccuracy).toBeGreaterThan(0);
  });

  it('leaves the model laid out for one sequence, with an empty history, working as before', async () => {
    for (const core of BACKENDS) {
      const rnn = await create(core, 4, 6, 3, { seed: 3, layers: 2 });
      const data = examples(rnn, [5, 3, 8], 1);
      rnn.fit(data, { epochs: 2, batchSize: 8 }); // more than the sequences: one batch of 3
      const model = modelOf(rnn);
      expect(model.plan.batch).toBe(1);
      expect(rnn.seqLength).toBe(0);
      const copy = await RNN.fromJSON(rnn.toJSON(), { backend: core === 'ts' ? 'ts' : 'wasm' });
      const xs = data[0].xs as number[][];
      expect(bitDifference(rnn.forward(xs).flatMap((y) => Array.from(y)), copy.forward(xs).flatMap((y) => Array.from(y)))).toBeUndefined();
    }
  });

  it('a callback that throws still leaves the model laid out for one sequence', async () => {
    const rnn = await RNN.create(4, 6, 3, { seed: 3 });
    const data = examples(rnn, [5, 3, 8, 4], 1);
    expect(() => rnn.fit(data, { epochs: 2, batchSize: 2, onProgress: () => { throw new Error('stop'); } })).toThrow('stop');
    expect(modelOf(rnn).plan.batch).toBe(1);
    expect(rnn.forward(data[0].xs as number[][])).toHaveLength(5);
  });
});

describe('fit in batches with carryState: B streams side by side', () => {
  const TEXT = 'the quick brown fox jumps over the lazy dog, and the dog sleeps on. '.repeat(3);

  it('each sequence starts from the state its stream ended in: the losses of one stream at a time', async () => {
    const text = textDataset(TEXT, 7, { input: 'index', streams: 4 });
    const V = text.vocab.length;
    const rnn = await RNN.create(V, 8, V, { seed: 2, input: 'index', cell: 'lstm' });
    const model = modelOf(rnn);
    const e = readExamples('test', text.sequences, model.spec);
    const order = e.lengths.map((_, k) => k);
    // Batched: the first two batches, the second carrying on from the first.
    model.layOut('test', 4, 7);
    model.forward(0, model.writeBatch(e, order, 0, 4));
    const first = model.loss();
    model.forward(0, model.writeBatch(e, order, 4, 8, true));
    const second = model.loss();
    // One stream at a time: chunk 0 of stream b, then chunk 1 from where it ended.
    model.layOut('test', 1, 7);
    let one = 0, two = 0;
    for (let b = 0; b < 4; b++) {
      for (const [k, add] of [[b, (l: number) => (one += l)], [4 + b, (l: number) => (two += l)]] as const) {
        if (k === b) model.startFrom();
        else model.carryState();
        model.writeInputs(e.xs, 0, e.starts[k], e.lengths[k]);
        model.writeTargets(e.targets, e.targetStarts[k], e.lengths[k]);
        model.forward(0, e.lengths[k]);
        add(model.loss());
      }
    }
    expect(Math.abs(first - one) / one).toBeLessThan(1e-12);
    expect(Math.abs(second - two) / two).toBeLessThan(1e-12);
    // And carrying matters: from zero states the second batch's loss is another.
    model.layOut('test', 4, 7);
    model.forward(0, model.writeBatch(e, order, 4, 8));
    expect(Math.abs(model.loss() - two) / two).toBeGreaterThan(1e-6);
  });

  it('every build gives the same bits; the streams are the text cut into B stretches', async () => {
    const text = textDataset(TEXT, 5, { input: 'index', streams: 3 });
    const chunks = textDataset(TEXT, 5, { input: 'index' }).sequences;
    const per = Math.floor(chunks.length / 3);
    expect(text.sequences).toHaveLength(3 * per);
    expect(text.sequences[3 * 2 + 1]).toEqual(chunks[per + 2]); // chunk 2 of stream 1
    const results: Float64Array[] = [];
    for (const core of BACKENDS) {
      const V = text.vocab.length;
      const rnn = await create(core, V, 6, V, { seed: 1, input: 'index', cell: 'gru' });
      const result = rnn.fit(text.sequences, { epochs: 3, batchSize: 3, carryState: true, optimizer: 'adam', learningRate: 0.01 });
      expect(result.losses[2]).toBeLessThan(result.losses[0]);
      results.push(state(rnn));
    }
    for (let k = 1; k < BACKENDS.length; k++) expect(bitDifference(results[k], results[0]), BACKENDS[k]).toBeUndefined();
  });

  it('textDataset refuses more streams than chunks, and carryState refuses shuffling', async () => {
    expect(() => textDataset('hello world', 4, { streams: 4 })).toThrow(/3 chunks cannot make 4 streams/);
    expect(() => textDataset('hello world', 4, { streams: 0 })).toThrow(RangeError);
    const text = textDataset(TEXT, 5, { input: 'index', streams: 2 });
    const rnn = await RNN.create(text.vocab.length, 4, text.vocab.length, { input: 'index' });
    expect(() => rnn.fit(text.sequences, { epochs: 1, batchSize: 2, carryState: true, shuffle: true })).toThrow(/carryState needs shuffle false/);
  });
});
