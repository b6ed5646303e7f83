// Stacked Elman models against real PyTorch: torch.nn.RNN(I, H, num_layers) + torch.nn.Linear,
// float64, computed by test/fixtures/torch_stacked.py (committed; regenerate with Debian's
// python3-torch). Outputs, loss, every gradient, and 5 steps of Adam and of Rprop.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { RNN } from '../src/index.js';
import { BACKENDS, create, relativeDifference } from './helpers.js';

interface Case {
  inputDim: number; hiddenDim: number; outputDim: number; layers: number; input: 'dense' | 'index';
  tensors: Record<string, number[]>; xs: number[][] | number[]; targets: number[];
  probabilities: number[][]; loss: number; gradients: Record<string, number[]>;
  adam: Record<string, number[]>[]; rprop: Record<string, number[]>[];
}

const { torch: version, cases } = JSON.parse(readFileSync(new URL('./fixtures/torch-stacked.json', import.meta.url), 'utf8')) as { torch: string; cases: Case[] };
/** Agreement allowed: float64 computed in another order of operations. */
const TOLERANCE = 1e-12;

const title = (c: Case) => `${c.layers} layers ${c.inputDim}-${c.hiddenDim}-${c.outputDim}, ${c.input}, T=${c.targets.length}`;

async function model(core: (typeof BACKENDS)[number], c: Case): Promise<RNN> {
  const rnn = await create(core, c.inputDim, c.hiddenDim, c.outputDim, { layers: c.layers, input: c.input });
  expect(Object.keys(rnn.getTensors()).sort()).toEqual(Object.keys(c.tensors).sort());
  rnn.setTensors(c.tensors);
  return rnn;
}

describe.each(BACKENDS)(`PyTorch ${version} fixtures on %s`, (core) => {
  it.each(cases.map((c) => [title(c), c] as const))('%s: outputs, loss, gradients', async (_, c) => {
    const rnn = await model(core, c);
    const ys = rnn.forward(c.xs);
    expect(relativeDifference(ys.flatMap((y) => [...y]), c.probabilities.flat())).toBeLessThan(TOLERANCE);
    expect(Math.abs(rnn.loss(c.targets) - c.loss) / Math.abs(c.loss)).toBeLessThan(TOLERANCE);
    const grads = rnn.backwardTensors(c.xs, c.targets);
    for (const [name, expected] of Object.entries(c.gradients)) {
      expect(relativeDifference(grads[name], expected), name).toBeLessThan(TOLERANCE);
    }
  });

  it.each(cases.map((c) => [title(c), c] as const))('%s: 5 steps of torch.optim.Adam and torch.optim.Rprop', async (_, c) => {
    for (const optimizer of ['adam', 'rprop'] as const) {
      const rnn = await model(core, c);
      for (const expected of c[optimizer]) {
        rnn.train(c.xs, c.targets, { iterations: 1, optimizer, learningRate: 0.01 });
        const tensors = rnn.getTensors();
        for (const [name, values] of Object.entries(expected)) {
          expect(relativeDifference(tensors[name], values), `${optimizer} ${name}`).toBeLessThan(TOLERANCE);
        }
      }
    }
  });
});

// LSTM and GRU models against real PyTorch: torch.nn.LSTM|GRU(I, H, num_layers) + torch.nn.Linear,
// float64, computed by test/fixtures/torch_cells.py: outputs, final state (h_n then c_n), loss,
// every gradient, from a zero or a given initial state, and steps 1, 5 and 20 of Adam and Rprop.
interface CellCase extends Omit<Case, 'adam' | 'rprop'> {
  cell: 'lstm' | 'gru';
  initialState: number[] | null;
  finalState: number[];
  adam: Record<string, Record<string, number[]>>;
  rprop: Record<string, Record<string, number[]>>;
}

const cells = JSON.parse(readFileSync(new URL('./fixtures/torch-cells.json', import.meta.url), 'utf8')) as { torch: string; cases: CellCase[] };
const cellTitle = (c: CellCase) => `${c.cell} ${title(c as unknown as Case)}${c.initialState === null ? '' : ', given state'}`;

async function cellModel(core: (typeof BACKENDS)[number], c: CellCase): Promise<RNN> {
  const rnn = await create(core, c.inputDim, c.hiddenDim, c.outputDim, { cell: c.cell, layers: c.layers, input: c.input });
  expect(Object.keys(rnn.getTensors()).sort()).toEqual(Object.keys(c.tensors).sort());
  rnn.setTensors(c.tensors);
  return rnn;
}

describe.each(BACKENDS)(`PyTorch ${cells.torch} LSTM and GRU fixtures on %s`, (core) => {
  it.each(cells.cases.map((c) => [cellTitle(c), c] as const))('%s: outputs, state, loss, gradients', async (_, c) => {
    const rnn = await cellModel(core, c);
    rnn.resetHistory(c.initialState ?? undefined);
    const ys = rnn.forward(c.xs);
    expect(relativeDifference(ys.flatMap((y) => [...y]), c.probabilities.flat())).toBeLessThan(TOLERANCE);
    expect(relativeDifference(rnn.getHiddenState(), c.finalState)).toBeLessThan(TOLERANCE);
    expect(Math.abs(rnn.loss(c.targets) - c.loss) / Math.abs(c.loss)).toBeLessThan(TOLERANCE);
    rnn.resetHistory(c.initialState ?? undefined);
    rnn.forward(c.xs);
    const grads = rnn.backwardTensors(c.xs, c.targets);
    expect(Object.keys(grads).sort()).toEqual(Object.keys(c.gradients).sort());
    for (const [name, expected] of Object.entries(c.gradients)) {
      expect(relativeDifference(grads[name], expected), name).toBeLessThan(TOLERANCE);
    }
  });

  it.each(cells.cases.filter((c) => c.initialState === null).map((c) => [cellTitle(c), c] as const))('%s: 20 steps of torch.optim.Adam and torch.optim.Rprop', async (_, c) => {
    for (const optimizer of ['adam', 'rprop'] as const) {
      const rnn = await cellModel(core, c);
      for (let step = 1; step <= 20; step++) {
        rnn.train(c.xs, c.targets, { iterations: 1, optimizer, learningRate: 0.01 });
        const expected = c[optimizer][String(step)];
        if (expected === undefined) continue;
        const tensors = rnn.getTensors();
        for (const [name, values] of Object.entries(expected)) {
          expect(relativeDifference(tensors[name], values), `${optimizer} step ${step} ${name}`).toBeLessThan(TOLERANCE);
        }
      }
    }
  });
});
