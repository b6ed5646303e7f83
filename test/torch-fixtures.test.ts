// Stacked Elman models against real PyTorch: torch.nn.RNN(I, H, num_layers) + torch.nn.Linear,
// float64, computed by test/fixtures/torch_stacked.py (committed; regenerate with Debian's
// python3-torch). Outputs, loss, every gradient, and 5 steps of Adam and of Rprop; then both heads
// at both positions (test/fixtures/torch_heads.py).
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

// The heads at both positions against PyTorch: MSELoss(reduction='sum') for the linear output,
// and the loss of the last step only for outputAt 'last' (test/fixtures/torch_heads.py).
interface HeadCase {
  inputDim: number; hiddenDim: number; outputDim: number; layers: number; input: 'dense' | 'index';
  output: 'softmax' | 'linear'; outputAt: 'every' | 'last';
  tensors: Record<string, number[]>; xs: number[][] | number[]; targets: number[] | number[][];
  outputs: number[][]; loss: number; gradients: Record<string, number[]>;
  adam: Record<string, number[]>[]; rprop: Record<string, number[]>[];
}

const heads = JSON.parse(readFileSync(new URL('./fixtures/torch-heads.json', import.meta.url), 'utf8')) as { torch: string; cases: HeadCase[] };
const headTitle = (c: HeadCase) =>
  `${c.output} at ${c.outputAt}, ${c.layers} layer(s) ${c.inputDim}-${c.hiddenDim}-${c.outputDim}, ${c.input}, T=${c.xs.length}`;

async function headModel(core: (typeof BACKENDS)[number], c: HeadCase): Promise<RNN> {
  const rnn = await create(core, c.inputDim, c.hiddenDim, c.outputDim, { layers: c.layers, input: c.input, output: c.output, outputAt: c.outputAt });
  expect(Object.keys(rnn.getTensors()).sort()).toEqual(Object.keys(c.tensors).sort());
  rnn.setTensors(c.tensors);
  return rnn;
}

describe.each(BACKENDS)(`PyTorch ${heads.torch} fixtures of the heads on %s`, (core) => {
  it.each(heads.cases.map((c) => [headTitle(c), c] as const))('%s: outputs, loss, gradients', async (_, c) => {
    const rnn = await headModel(core, c);
    const ys = rnn.forward(c.xs);
    expect(ys).toHaveLength(c.outputs.length);
    expect(relativeDifference(ys.flatMap((y) => [...y]), c.outputs.flat())).toBeLessThan(TOLERANCE);
    expect(Math.abs(rnn.loss(c.targets) - c.loss) / Math.abs(c.loss)).toBeLessThan(TOLERANCE);
    const grads = rnn.backwardTensors(c.xs, c.targets);
    for (const [name, expected] of Object.entries(c.gradients)) {
      expect(relativeDifference(grads[name], expected), name).toBeLessThan(TOLERANCE);
    }
  });

  it.each(heads.cases.map((c) => [headTitle(c), c] as const))('%s: 5 steps of torch.optim.Adam and torch.optim.Rprop', async (_, c) => {
    for (const optimizer of ['adam', 'rprop'] as const) {
      const rnn = await headModel(core, c);
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
