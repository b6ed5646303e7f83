// Before init() the wasm backend cannot be built synchronously; this file runs in its own module
// graph, so the core is not compiled yet when it starts.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { init, RNN } from '../src/index.js';
import { notebookSpec } from '../src/spec.js';

describe('init', () => {
  it('new RNN with the wasm backend before init() says what to do', () => {
    expect(() => new RNN(3, 5, 3)).toThrow(/await init\(\) first/);
    expect(() => new RNN(3, 5, 3, { wasmBuild: 'scalar' })).toThrow(/await init\('scalar'\) first/);
  });

  it('the ts backend needs no init', () => {
    expect(new RNN(3, 5, 3, { backend: 'ts', seed: 1 }).backend).toBe('ts');
  });

  it('init() compiles once and is idempotent; then new RNN works', async () => {
    const first = init();
    const second = init();
    await Promise.all([first, second]);
    await init();
    const rnn = new RNN(3, 5, 3, { seed: 1 });
    expect(rnn.backend).toBe('wasm');
    expect(rnn.forwardOneStep([1, 0, 0])).toHaveLength(3);
    // init() compiled only the build it chose: the scalar one still needs init('scalar').
    expect(() => new RNN(3, 5, 3, { wasmBuild: 'scalar' })).toThrow(/await init\('scalar'\) first/);
    await init('scalar');
    expect(new RNN(3, 5, 3, { wasmBuild: 'scalar' }).forwardOneStep([1, 0, 0])).toHaveLength(3);
    await expect(init('sse' as never)).rejects.toThrow(/init: wasmBuild must be 'simd' or 'scalar', got "sse"/);
  });
});

describe('choosing a build', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  const fresh = async () => {
    vi.resetModules();
    return import('../src/backends/wasm.js');
  };

  it('picks the SIMD build where the engine validates it (Node 20 does)', async () => {
    const validate = vi.spyOn(WebAssembly, 'validate');
    const { compileCore, WasmBackend } = await fresh();
    expect(await compileCore()).toBe('simd');
    expect(validate).toHaveBeenCalledTimes(1);
    expect(new WasmBackend(notebookSpec(3, 5, 3), 4).build).toBe('simd');
  });

  it('falls back to the scalar build where it does not', async () => {
    vi.spyOn(WebAssembly, 'validate').mockReturnValue(false);
    const { compileCore, WasmBackend } = await fresh();
    expect(await compileCore()).toBe('scalar');
    expect(new WasmBackend(notebookSpec(3, 5, 3), 4).build).toBe('scalar');
  });
});
