// Before init() the wasm backend cannot be built synchronously; this file runs in its own module
// graph, so the core is not compiled yet when it starts.
import { describe, expect, it } from 'vitest';
import { init, RNN } from '../src/index.js';

describe('init', () => {
  it('new RNN with the wasm backend before init() says what to do', () => {
    expect(() => new RNN(3, 5, 3)).toThrow(/await init\(\) first/);
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
  });
});
