// Reads a build of the wasm core in Node, where the package's files are on disk (Node's fetch does
// not read file: URLs). package.json's `imports` map serves this module as `#wasm-bytes` under the
// `node` condition only; wasm-bytes.ts is the same function for everything else.
import type { WasmBuild } from './wasm.js';
import { WASM_FILES } from './wasm-files.js';

/**
 * The bytes of `build`'s wasm file: read from disk for a file: URL, fetched otherwise.
 *
 * @example
 * const bytes = await loadWasm('scalar');
 */
export async function loadWasm(build: WasmBuild): Promise<BufferSource> {
  const url = WASM_FILES[build]();
  if (url.protocol === 'file:') {
    const { readFile } = await import('node:fs/promises');
    return readFile(url);
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(`rnn-wasm: could not fetch ${url.href}: HTTP ${response.status}`);
  return response.arrayBuffer();
}
