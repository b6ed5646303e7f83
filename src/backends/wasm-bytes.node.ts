// Reads a compiled wasm file in Node, where the package's files are on disk (Node's fetch does not
// read file: URLs). package.json's `imports` map serves this module as `#wasm-bytes` under the
// `node` condition only; wasm-bytes.ts is the same function for everything else.

/**
 * The bytes of the wasm file at `url`: read from disk for a file: URL, fetched otherwise.
 *
 * @example
 * const bytes = await loadWasm(new URL('../../build/rnn.wasm', import.meta.url));
 */
export async function loadWasm(url: URL): Promise<BufferSource> {
  if (url.protocol === 'file:') {
    const { readFile } = await import('node:fs/promises');
    return readFile(url);
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(`rnn-wasm: could not fetch ${url.href}: HTTP ${response.status}`);
  return response.arrayBuffer();
}
