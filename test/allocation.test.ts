// Memory: the size of a model's block is the formula the README gives, every region is 16-byte
// aligned, and training allocates nothing per iteration, neither in wasm memory nor in JS.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { WasmBackend } from '../src/backends/wasm.js';
import { computeLayout, OPT_INFO_SIZE, parameterCount } from '../src/layout.js';
import type { RNN } from '../src/index.js';
import { create, lcg, randomSequence, randomTargets } from './helpers.js';

/** Regions that start aligned (up to one float64 of padding each), and pads inside the state. */
const MAX_PADDING = 18;

const SIZES = [[1, 1, 1, 1], [3, 5, 3, 16], [3, 50, 3, 16], [7, 33, 5, 40], [64, 256, 64, 64]];

describe('layout', () => {
  it.each(SIZES)('I=%i H=%i O=%i C=%i: the README formula, and aligned regions', (I, H, O, C) => {
    const L = computeLayout(I, H, O, C);
    const P = parameterCount(I, H, O);
    const formula = 9 * P + 2 * OPT_INFO_SIZE + O + 2 * H + 1 + (C + 1) * H + 2 * C * O + C * I + C;
    expect(L.size - formula).toBeGreaterThanOrEqual(0);
    expect(L.size - formula).toBeLessThanOrEqual(MAX_PADDING);
    for (const region of ['Wxh', 'opt0', 'opt1', 'opt2', 'optInfo', 'backup', 'dWxh', 'dy', 'dh', 'dhNext', 'hs', 'logps', 'ps', 'xs', 'targets'] as const) {
      expect(L[region] % 2, region).toBe(0);
    }
    // The parameters and their gradients are P contiguous numbers each.
    expect([L.Whh - L.Wxh, L.Why - L.Whh, L.bh - L.Why, L.by - L.bh]).toEqual([H * I, H * H, O * H, H]);
    expect([L.dWhh - L.dWxh, L.dWhy - L.dWhh, L.dbh - L.dWhy, L.dby - L.dbh]).toEqual([H * I, H * H, O * H, H]);
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
    const backend = (rnn as unknown as { core: WasmBackend }).core;
    train(1); // the first run makes room for the sequence
    const bytes = backend.memoryBytes;
    expect(bytes).toBeLessThanOrEqual(8 * backend.layout.size + 2 * 65536); // the block, the static data, rounding up to a page
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
    // One 16-byte object per iteration would add 320 000 bytes; allow a few stray samples.
    expect(many - few).toBeLessThan(20000);
    expect(many).toBeGreaterThan(0); // the sampler sees train's one-off allocations (the result)
  });
});
