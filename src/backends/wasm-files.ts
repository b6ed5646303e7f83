// Where each build of the wasm core is, for the loaders of `#wasm-bytes` that read files
// (wasm-bytes.ts and wasm-bytes.node.ts). The browser bundle's loader holds the bytes instead and
// never imports this module, so that the bundle names no file a bundler would look for.
import type { WasmBuild } from './wasm.js';

/**
 * Each build's file. Each URL is written out in full so that bundlers (Vite, webpack 5) see the
 * file and emit it.
 *
 * @example
 * const url = WASM_FILES.scalar(); // .../build/rnn.scalar.wasm
 */
export const WASM_FILES: Record<WasmBuild, () => URL> = {
  simd: () => new URL('../../build/rnn.wasm', import.meta.url),
  scalar: () => new URL('../../build/rnn.scalar.wasm', import.meta.url),
};
