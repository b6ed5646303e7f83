// Builds dist/rnn-wasm.browser.js: one self-contained ES module with the wasm inlined and
// seedrandom bundled, for a plain <script type="module"> with no bundler and no import map. It is
// also its own training worker (see src/browser.ts).
//
// The library reads its wasm through `#wasm-bytes` (package.json `imports`), by build. Here a plugin
// serves that specifier as a module holding the bytes of each build's file (esbuild's `binary`
// loader inlines them), so the bundle never fetches anything, and names no file that a bundler
// which bundles it again (as an app's worker: src/workers/spawn.ts) would look for.
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outfile = join(root, 'dist/rnn-wasm.browser.js');

/** Each build's file, as src/backends/wasm-files.ts names it. */
const BUILDS = { simd: 'build/rnn.wasm', scalar: 'build/rnn.scalar.wasm' };
const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
for (const file of Object.values(BUILDS)) {
  if (!pkg.files.includes(file)) throw new Error(`build-browser: package.json "files" does not list ${file}`);
}

/** Serves `#wasm-bytes` as a module of inlined bytes, keyed by build. */
const inlineWasm = {
  name: 'inline-wasm',
  setup(b) {
    b.onResolve({ filter: /^#wasm-bytes$/ }, () => ({ path: 'wasm-bytes', namespace: 'inline-wasm' }));
    b.onLoad({ filter: /.*/, namespace: 'inline-wasm' }, () => {
      const builds = Object.entries(BUILDS);
      const imports = builds.map(([, file], i) => `import file${i} from ${JSON.stringify(join(root, file))};`);
      const entries = builds.map(([name], i) => `${name}: file${i}`);
      return {
        resolveDir: root,
        loader: 'js',
        contents: `${imports.join('\n')}
const files = { ${entries.join(', ')} };
export async function loadWasm(build) {
  const bytes = files[build];
  if (bytes === undefined) throw new Error('rnn-wasm: the build ' + build + ' is not inlined in this bundle');
  return bytes;
}
`,
      };
    });
  },
};

/**
 * Serves `#spawn-worker` as the browser one whose workers are the bundle itself: `import.meta.url`
 * is the bundle's URL, and src/browser.ts serves a run in a worker started by that name.
 */
const selfWorker = {
  name: 'self-worker',
  setup(b) {
    b.onResolve({ filter: /^#spawn-worker$/ }, () => ({ path: 'spawn-worker', namespace: 'self-worker' }));
    b.onLoad({ filter: /.*/, namespace: 'self-worker' }, () => ({
      resolveDir: root,
      loader: 'js',
      contents: `import { adoptWorker, WORKER_NAME, workerChannel } from ${JSON.stringify(join(root, 'src/workers/spawn.ts'))};
export { workerChannel };
export function spawnWorker(events) {
  return adoptWorker(new Worker(import.meta.url, { type: 'module', name: WORKER_NAME }), import.meta.url, events);
}
`,
    }));
  },
};

await build({
  entryPoints: [join(root, 'src/browser.ts')],
  outfile,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  sourcemap: true,
  legalComments: 'eof',
  loader: { '.wasm': 'binary' },
  plugins: [inlineWasm, selfWorker],
  logLevel: 'warning',
});

// Types for the bundle are the package's own.
await writeFile(join(root, 'dist/rnn-wasm.browser.d.ts'), "export * from './index.js';\n");
