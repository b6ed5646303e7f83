// Models against real PyTorch. Stacked Elman models: torch.nn.RNN(I, H, num_layers) + torch.nn.Linear,
// float64, computed by test/fixtures/torch_stacked.py (committed; regenerate with Debian's
// python3-torch). Outputs, loss, every gradient, and 5 steps of Adam and of Rprop; then the LSTM and
// GRU cells (test/fixtures/torch_cells.py) and both heads at both positions (test/fixtures/torch_heads.py).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RNN } from '../src/index.js';
import { decodeSafetensors, encodeSafetensors, type Tensor } from '../src/safetensors.js';
import { BACKENDS, backendNameOf, create, paramBits, relativeDifference } from './helpers.js';

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

// Safetensors both ways with real PyTorch (test/fixtures/torch_interchange.py): a state_dict that
// torch made and saved loads (the cell read off the shapes) and gives torch's outputs; the file
// the library writes is the one torch loaded with load_state_dict(strict=True), whose outputs
// were the library's.
interface Interchange {
  torch: string;
  fromTorch: { file: string; cell: string; layers: number; xs: number[][]; outputs: number[][]; finalState: number[] }[];
  toTorch: { cell: 'rnn' | 'lstm' | 'gru'; layers: number; sizes: [number, number, number]; seed: number; sha256: string; xs: number[][]; outputs: number[][]; finalState: number[] }[];
}
const interchange = JSON.parse(readFileSync(new URL('./fixtures/torch-interchange.json', import.meta.url), 'utf8')) as Interchange;

describe.each(BACKENDS)(`safetensors both ways with PyTorch ${interchange.torch} on %s`, (core) => {
  it.each(interchange.fromTorch.map((c) => [c.file, c] as const))('%s, saved by torch, loads and gives its outputs', async (_, c) => {
    const bytes = readFileSync(new URL(`./fixtures/${c.file}`, import.meta.url));
    const rnn = await RNN.fromSafetensors(bytes, { backend: backendNameOf(core) });
    expect([rnn.cell, rnn.layers]).toEqual([c.cell, c.layers]);
    const ys = rnn.forward(c.xs);
    expect(relativeDifference(ys.flatMap((y) => [...y]), c.outputs.flat())).toBeLessThan(TOLERANCE);
    expect(relativeDifference(rnn.getHiddenState(), c.finalState)).toBeLessThan(TOLERANCE);
  });

  it.each(interchange.toTorch.map((c) => [`${c.layers}-layer ${c.cell}`, c] as const))('a %s file is the one torch loaded strictly, with the outputs torch gave', async (_, c) => {
    const rnn = await create(core, ...c.sizes, { cell: c.cell, layers: c.layers, seed: c.seed });
    expect(createHash('sha256').update(rnn.toSafetensors()).digest('hex')).toBe(c.sha256);
    const ys = rnn.forward(c.xs);
    expect(relativeDifference(ys.flatMap((y) => [...y]), c.outputs.flat())).toBeLessThan(TOLERANCE);
    expect(relativeDifference(rnn.getHiddenState(), c.finalState)).toBeLessThan(TOLERANCE);
    const back = await RNN.fromSafetensors(rnn.toSafetensors(), { backend: backendNameOf(core) });
    expect(paramBits(back)).toBe(paramBits(rnn));
  });

  it('refuses what it cannot be, saying what it expected', async () => {
    const bytes = readFileSync(new URL('./fixtures/torch-lstm-1.safetensors', import.meta.url));
    const rnn = await RNN.fromSafetensors(bytes, { backend: backendNameOf(core) });
    const { tensors } = decodeSafetensors('test', bytes);
    const file = (entries: [string, Tensor][], metadata: Record<string, string> = {}): Uint8Array => encodeSafetensors(entries, metadata);
    const all = [...tensors.entries()];
    await expect(RNN.fromSafetensors(file(all.filter(([n]) => !n.includes('bias'))), { backend: backendNameOf(core) })).rejects.toThrow(/bias=False/);
    await expect(RNN.fromSafetensors(file([...all, ['rnn.weight_ih_l0_reverse', all[0][1]]]), { backend: backendNameOf(core) })).rejects.toThrow(/bidirectional/);
    await expect(RNN.fromSafetensors(file(all, { cell: 'gru' }), { backend: backendNameOf(core) })).rejects.toThrow(/metadata cell is 'gru', but rnn.weight_ih_l0 \[20,3\] has the 4 gate block\(s\) of a 'lstm' cell/);
    await expect(RNN.fromSafetensors(file(all, { nonlinearity: 'relu' }), { backend: backendNameOf(core) })).rejects.toThrow(/nonlinearity='relu' is not supported/);
    const odd = all.map(([n, t]): [string, Tensor] => (n === 'rnn.weight_ih_l0' ? [n, { shape: [10, 3], data: t.data.subarray(0, 30) }] : [n, t]));
    await expect(RNN.fromSafetensors(file(odd), { backend: backendNameOf(core) })).rejects.toThrow(/rnn.weight_ih_l0 has shape \[10,3\]: its rows must be 1, 3 or 4 times hiddenDim 5/);
    expect(rnn.cell).toBe('lstm');
  });
});

// Other module names, and one step of training, with real PyTorch (test/fixtures/torch_names.py):
// a module whose attributes are `lstm` and `out` loads with options.names; a file written with
// names loads strictly into torch's module of those names; and one SGD step in torch on
// CrossEntropyLoss(reduction='sum') (the Elman layer's bias_hh frozen at 0) is rnn-wasm's step at
// the same learning rate.
interface Names {
  torch: string;
  fromTorch: { file: string; names: { rnn: string; fc: string }; xs: number[][]; outputs: number[][] };
  toTorch: { sizes: [number, number, number]; seed: number; names: { rnn: string; fc: string }; sha256: string; xs: number[][]; outputs: number[][] };
  sgdStep: { cell: 'rnn' | 'lstm' | 'gru'; sizes: [number, number, number]; layers: number; lr: number; xs: number[][]; targets: number[]; loss: number; before: Record<string, number[]>; after: Record<string, number[]> }[];
}
const named = JSON.parse(readFileSync(new URL('./fixtures/torch-names.json', import.meta.url), 'utf8')) as Names;

describe.each(BACKENDS)(`module names and a training step with PyTorch ${named.torch} on %s`, (core) => {
  const backend = backendNameOf(core);

  it('a module with attributes lstm and out, saved by torch, loads with names { rnn: \'lstm\', fc: \'out\' } and gives its outputs', async () => {
    const c = named.fromTorch;
    const bytes = readFileSync(new URL(`./fixtures/${c.file}`, import.meta.url));
    await expect(RNN.fromSafetensors(bytes, { backend })).rejects.toThrow(/unexpected tensor lstm\.weight_ih_l0 .*options\.names, such as \{ names: \{ rnn: 'lstm', fc: 'out' \} \}/);
    const rnn = await RNN.fromSafetensors(bytes, { backend, names: c.names });
    expect([rnn.cell, rnn.layers]).toEqual(['lstm', 2]);
    const ys = rnn.forward(c.xs);
    expect(relativeDifference(ys.flatMap((y) => [...y]), c.outputs.flat())).toBeLessThan(TOLERANCE);
  });

  it('a file written with names { rnn: \'gru\', fc: \'head\' } is the one torch loaded strictly into those attributes', async () => {
    const c = named.toTorch;
    const rnn = await create(core, ...c.sizes, { cell: 'gru', seed: c.seed });
    const bytes = rnn.toSafetensors({ names: c.names });
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(c.sha256);
    expect(relativeDifference(rnn.forward(c.xs).flatMap((y) => [...y]), c.outputs.flat())).toBeLessThan(TOLERANCE);
    const back = await RNN.fromSafetensors(bytes, { backend, names: c.names });
    expect(paramBits(back)).toBe(paramBits(rnn));
  });

  it.each(named.sgdStep.map((c) => [c.cell, c] as const))('%s: one SGD step on the summed cross-entropy is torch\'s step at the same learning rate', async (_, c) => {
    const rnn = await create(core, ...c.sizes, { cell: c.cell, layers: c.layers });
    rnn.setTensors(Object.fromEntries(Object.keys(rnn.getTensors()).map((name) => [name, c.before[name]])));
    for (const [name, value] of Object.entries(c.before)) {
      if (c.cell === 'rnn' && name.includes('bias_hh')) expect(value.every((v) => v === 0)).toBe(true); // frozen at 0
    }
    const result = rnn.train(c.xs, c.targets, { iterations: 1, optimizer: 'sgd', learningRate: c.lr });
    expect(Math.abs(result.losses[0] - c.loss)).toBeLessThan(TOLERANCE * c.loss);
    const after = rnn.getTensors();
    for (const [name, value] of Object.entries(after)) expect(relativeDifference(value, c.after[name]), name).toBeLessThan(TOLERANCE);
    if (c.cell === 'rnn') for (const name of Object.keys(c.after).filter((n) => n.includes('bias_hh'))) expect(c.after[name].every((v) => v === 0)).toBe(true);
  });
});
