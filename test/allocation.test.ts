// Memory: the size of a notebook model's block is the formula the README gives, every region is 16-byte
// aligned, and training allocates nothing per iteration (train) or per batch (fit), neither in wasm
// memory nor in JS.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { WasmBackend } from '../src/backends/wasm.js';
import { ARGS_SIZE } from '../src/kernels.js';
import { OPT_INFO_SIZE, plan } from '../src/plan.js';
import { notebookSpec } from '../src/spec.js';
import type { RNN } from '../src/index.js';
import { create, lcg, randomSequence, randomTargets } from './helpers.js';
import { backendOf } from './internals.js';

/** Regions that start aligned (up to one float64 of padding each), and pads inside the state. */
const MAX_PADDING = 20;

const SIZES = [[1, 1, 1, 1], [3, 5, 3, 16], [3, 50, 3, 16], [7, 33, 5, 40], [64, 256, 64, 64]];

describe('the plan of the notebook model', () => {
  it.each(SIZES)('I=%i H=%i O=%i C=%i: the README formula, and aligned regions', (I, H, O, C) => {
    const p = plan(notebookSpec(I, H, O), C);
    const P = H * I + H * H + O * H + H + O;
    expect(p.P).toBe(P);
    const formula = 9 * P + 2 * OPT_INFO_SIZE + ARGS_SIZE + 2 + 2 * H + 1 + (C + 1) * H + C * H + 3 * C * O + C * I + C;
    expect(p.size - formula).toBeGreaterThanOrEqual(0);
    expect(p.size - formula).toBeLessThanOrEqual(MAX_PADDING);
    const [cell] = p.cells;
    const regions = {
      params: p.params, opt0: p.opt0, opt1: p.opt1, opt2: p.opt2, optInfo: p.optInfo, backup: p.backup, grads: p.grads, args: p.args,
      dh: cell.dh, dhNext: cell.dhNext, lengths: p.lengths, dy: p.head.dy, xs: p.xs, hs: cell.hs, dhs: cell.dhs, logps: p.head.logps, ys: p.ys, targets: p.targets,
    };
    for (const [name, offset] of Object.entries(regions)) expect(offset % 2, name).toBe(0);
    // The parameters and their gradients are P contiguous numbers each, in the notebook's order.
    expect(p.tensors.map((t) => [t.name, t.at - p.params, t.gradAt - p.grads])).toEqual([
      ['rnn.weight_ih_l0', 0, 0], ['rnn.weight_hh_l0', H * I, H * I], ['fc.weight', H * I + H * H, H * I + H * H],
      ['rnn.bias_ih_l0', H * I + H * H + O * H, H * I + H * H + O * H], ['fc.bias', P - O, P - O],
    ]);
  });
});

describe.each(['wasm-simd', 'wasm-scalar'] as const)('training on %s allocates nothing per iteration', (core) => {
  const task = async (): Promise<{ rnn: RNN; train: (iterations: number) => void }> => {
    const random = lcg(5);
    const xs = randomSequence(random, 25, 3);
    const targets = randomTargets(random, 25, 3);
    const rnn = await create(core, 3, 20, 3, { seed: 5 });
    return { rnn, train: (iterations) => void rnn.train(xs, targets, iterations, 0.01) };
  };

  it('in wasm: the memory does not grow, and the core has no allocator', async () => {
    const { rnn, train } = await task();
    const backend = backendOf(rnn) as WasmBackend;
    train(1); // the first run makes room for the sequence
    const bytes = backend.memoryBytes;
    expect(bytes).toBeLessThanOrEqual(8 * backend.plan.size + 2 * 65536); // the block, the static data, rounding up to a page
    train(2000);
    expect(backend.memoryBytes).toBe(bytes);
    // The stub runtime's allocator is linked only if some kernel allocates.
    const file = core === 'wasm-simd' ? 'rnn.wat' : 'rnn.scalar.wat';
    const wat = readFileSync(new URL(`../build/${file}`, import.meta.url), 'utf8');
    expect(wat).not.toMatch(/__alloc|__new|memory\.grow/);
  });

  it('in JS: the bytes allocated by train do not grow with the iterations', () => {
    // Measured in a child process on dist/, as users run it: this runner's transforms of src/
    // change what the engine optimises (and so what it boxes).
    const probe = fileURLToPath(new URL('./probes/allocation.mjs', import.meta.url));
    const out = execFileSync(process.execPath, [probe, core === 'wasm-simd' ? 'simd' : 'scalar'], { encoding: 'utf8' });
    const { few, many } = JSON.parse(out) as { few: number; many: number };
    // One 16-byte object per iteration would add 320 000 bytes. What may grow is the result: its
    // losses, 8 bytes an iteration (160 000 more, of which the sampler sees about a third here),
    // so the bound is well below one object per iteration and above the result's growth.
    expect(many - few).toBeLessThan(100_000);
    expect(many).toBeGreaterThan(0); // the sampler sees train's one-off allocations (the result)
  });
});

describe.each(['wasm-simd', 'wasm-scalar'] as const)('fit in batches on %s', (core) => {
  it('in wasm: the memory does not grow from one batch or epoch to the next', async () => {
    const random = lcg(5);
    const data = Array.from({ length: 64 }, (_, k) => ({ xs: randomSequence(random, 3 + (k % 5), 3), targets: randomTargets(random, 3 + (k % 5), 3) }));
    const rnn = await create(core, 3, 20, 3, { seed: 5 });
    const backend = backendOf(rnn) as WasmBackend;
    rnn.fit(data, { epochs: 1, batchSize: 8 }); // the first run makes room for the batch
    const bytes = backend.memoryBytes;
    rnn.fit(data, { epochs: 20, batchSize: 8, shuffle: true, seed: 1 });
    expect(backend.memoryBytes).toBe(bytes);
    expect(backend.plan.batch).toBe(1); // laid out for one sequence again
  });

  it.each([1, 4])('in JS: a batch of %i allocates nothing once the engine has optimised the loop', (B) => {
    // Measured in a child process on dist/ (see above), inside one fit: from the end of its
    // epoch 100 to the end of epoch 300, 256 sequences an epoch, so that the call's one-off
    // allocations fall outside. What an epoch allocates (its progress object and loss, about
    // 200 bytes) stays inside: 200 epochs make about 40 kB. One boxed double per batch (16
    // bytes) would add 205 kB at B = 4 and 819 kB at B = 1, as the loss returned by the head's
    // kernel did before it was written to the block.
    const probe = fileURLToPath(new URL('./probes/allocation.mjs', import.meta.url));
    const out = execFileSync(process.execPath, [probe, core === 'wasm-simd' ? 'simd' : 'scalar', 'fit', String(B), 'momentum'], { encoding: 'utf8' });
    const { batches, epochs, bytes } = JSON.parse(out) as { batches: number; epochs: number; bytes: number };
    expect(epochs).toBe(200);
    expect(batches).toBe(200 * (256 / B));
    expect(bytes).toBeGreaterThan(0); // the sampler sees the epochs' allocations
    expect(bytes).toBeLessThan(500 * epochs);
  });
});
