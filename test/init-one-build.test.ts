// In its own module graph: only the scalar build compiled, then the SIMD one asked for again.
import { describe, expect, it, vi } from 'vitest';
import { init, RNN } from '../src/index.js';
import type { WasmBackend } from '../src/backends/wasm.js';
import { backendOf } from './internals.js';

describe('init with one build', () => {
  it('after init("scalar") alone, a model without wasmBuild runs on the scalar build', async () => {
    await init('scalar');
    const rnn = new RNN(3, 5, 3, { seed: 1 });
    expect((backendOf(rnn) as WasmBackend).build).toBe('scalar');
    expect(rnn.forwardOneStep([1, 0, 0])).toHaveLength(3);
  });

  it('a build compiled once is not compiled again, whichever way it is asked for', async () => {
    const compile = vi.spyOn(WebAssembly, 'compile');
    try {
      await init(); // compiles the best build: SIMD here
      const calls = compile.mock.calls.length;
      await init('simd');
      await init('scalar');
      await init();
      expect(compile.mock.calls.length).toBe(calls);
    } finally {
      compile.mockRestore();
    }
  });
});
