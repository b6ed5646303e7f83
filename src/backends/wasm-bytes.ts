// Reads a build of the wasm core in browsers, workers and bundled apps: a plain fetch of the URL
// that `new URL('../../build/X.wasm', import.meta.url)` gives (wasm-files.ts), which Vite and
// webpack 5 rewrite to the file they emit. package.json's `imports` map serves this module as
// `#wasm-bytes` everywhere but Node, so no bundler ever sees a Node built-in.
import type { WasmBuild } from './wasm.js';
import { WASM_FILES } from './wasm-files.js';

/**
 * The bytes of `build`'s wasm file.
 *
 * @example
 * const bytes = await loadWasm('simd');
 */
export async function loadWasm(build: WasmBuild): Promise<BufferSource> {
  const url = WASM_FILES[build]();
  const response = await fetch(url);
  if (!response.ok) throw new Error(`rnn-wasm: could not fetch ${url.href}: HTTP ${response.status}`);
  return response.arrayBuffer();
}
