// Reads a compiled wasm file in browsers, workers and bundled apps: a plain fetch of the URL that
// `new URL('../../build/X.wasm', import.meta.url)` gives, which Vite and webpack 5 rewrite to the
// file they emit. package.json's `imports` map serves this module as `#wasm-bytes` everywhere but
// Node, so no bundler ever sees a Node built-in.

/**
 * The bytes of the wasm file at `url`.
 *
 * @example
 * const bytes = await loadWasm(new URL('../../build/rnn.wasm', import.meta.url));
 */
export async function loadWasm(url: URL): Promise<BufferSource> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`rnn-wasm: could not fetch ${url.href}: HTTP ${response.status}`);
  return response.arrayBuffer();
}
