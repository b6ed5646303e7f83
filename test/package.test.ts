// The package as users get it: `npm pack`, unpacked into a scratch app's node_modules. Its types
// compile in a TypeScript consumer under moduleResolution node16 and bundler, CommonJS code loads
// it with require() (or is told how to load it where Node cannot), and Vite and webpack bundle it
// with no configuration into an app that trains in Chromium, on the page's thread and in workers,
// to the same bits as Node. `npm pack` on a fresh clone builds the package first.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, createServer, type ViteDevServer } from 'vite';
import webpack from 'webpack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve } from '../examples/browser/serve.mjs';
import { periodicDataset, RNN, textDataset } from '../src/index.js';
import { openPage, requireChromiumInCI, SKIP_REASON, skipNote } from './browser/chromium.js';

requireChromiumInCI();

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Every file a build wrote under `dist`, relative to it: what its server may answer. */
const builtFiles = (dist: string): string[] =>
  readdirSync(dist, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => relative(dist, join(e.parentPath, e.name)));
const here = join(root, 'test/package');
let scratch: string;
let app: string;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'rnn-wasm-package-'));
  app = join(scratch, 'app');
  const modules = join(app, 'node_modules');
  mkdirSync(join(modules, '@assemblyscript'), { recursive: true });
  // npm test has just built dist/; the prepack build would rewrite it under the other test files
  // that run it (the fresh clone below checks the prepack build).
  execFileSync('npm', ['pack', '--silent', '--ignore-scripts', '--pack-destination', scratch], { cwd: root, stdio: 'pipe' });
  const tarball = readdirSync(scratch).find((name) => name.endsWith('.tgz'));
  if (tarball === undefined) throw new Error('npm pack made no tarball');
  mkdirSync(join(modules, 'rnn-wasm'));
  execFileSync('tar', ['-xzf', join(scratch, tarball), '-C', join(modules, 'rnn-wasm'), '--strip-components=1']);
  // The package's own dependencies, as `npm install` would put them beside it.
  for (const dep of ['seedrandom', '@assemblyscript/loader', 'protobufjs', 'long']) symlinkSync(join(root, 'node_modules', dep), join(modules, dep), 'dir');
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
});

afterAll(() => {
  if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
});

describe('types of the packed package', () => {
  it.each([
    ['node16', { module: 'node16', moduleResolution: 'node16' }],
    ['bundler', { module: 'esnext', moduleResolution: 'bundler' }],
  ])('compile a consumer under moduleResolution %s', (name, options) => {
    cpSync(join(here, 'consumer.ts'), join(app, 'consumer.ts'));
    const config = join(app, `tsconfig.${name}.json`);
    writeFileSync(config, JSON.stringify({
      compilerOptions: {
        ...options, target: 'es2022', lib: ['es2022', 'dom'], types: [], strict: true, noEmit: true, skipLibCheck: false,
      },
      files: ['consumer.ts'],
    }));
    const tsc = join(root, 'node_modules/typescript/bin/tsc');
    let output = '';
    try {
      execFileSync(process.execPath, [tsc, '-p', config], { cwd: app, stdio: 'pipe' });
    } catch (error) {
      output = String((error as { stdout?: Buffer }).stdout ?? error);
    }
    expect(output).toBe('');
  });
});

describe('npm pack on a fresh clone', () => {
  it('builds first, so that the tarball holds dist/ and both wasm builds', { timeout: 0 }, () => {
    // The files a clone of this work tree has: tracked and new, none of the ignored build output.
    const clone = join(scratch, 'clone');
    mkdirSync(clone);
    const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: root, encoding: 'utf8' }).split('\0').filter((f) => f !== '');
    for (const file of files) cpSync(join(root, file), join(clone, file), { recursive: true });
    expect(existsSync(join(clone, 'dist'))).toBe(false);
    symlinkSync(join(root, 'node_modules'), join(clone, 'node_modules'), 'dir');
    const packed = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json'], { cwd: clone, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
    const paths: string[] = packed[0].files.map((f: { path: string }) => f.path);
    for (const path of ['build/rnn.wasm', 'build/rnn.scalar.wasm', 'dist/index.js', 'dist/index.d.ts', 'dist/require.cjs', 'dist/cli/main.js', 'dist/rnn-wasm.browser.js']) {
      expect(paths).toContain(path);
    }
  });
});

describe('CommonJS callers', () => {
  /** The training of the snippets below, in this process. */
  async function inNode() {
    const { xs, targets } = periodicDataset([0, 1, 2], 9, 3);
    const rnn = await RNN.create(3, 8, 3, { seed: 5 });
    return Array.from(rnn.train(xs, targets, 20, 0.01).losses);
  }
  const SNIPPET = `
    const { xs, targets } = periodicDataset([0, 1, 2], 9, 3);
    RNN.create(3, 8, 3, { seed: 5 }).then((rnn) => console.log(JSON.stringify(Array.from(rnn.train(xs, targets, 20, 0.01).losses))));`;

  function node(args: string[], cwd = app) {
    const run = spawnSync(process.execPath, args, { cwd, encoding: 'utf8' });
    return { code: run.status, stdout: run.stdout, stderr: run.stderr };
  }

  it("require('rnn-wasm') loads the package and trains to the bits of an import", async () => {
    writeFileSync(join(app, 'required.cjs'), `const { RNN, periodicDataset } = require('rnn-wasm');${SNIPPET}`);
    const run = node(['required.cjs']);
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual(await inNode());
  });

  it('where Node cannot require() an ES module, the error says to use await import, which works', async () => {
    writeFileSync(join(app, 'imported.cjs'), `(async () => { const { RNN, periodicDataset } = await import('rnn-wasm');${SNIPPET} })();`);
    const flag = '--no-experimental-require-module'; // what Node before 20.19 does
    const required = node([flag, 'required.cjs']);
    expect(required.code).not.toBe(0);
    expect(required.stderr).toMatch(/rnn-wasm is an ES module, and Node\.js v[\d.]+ cannot load an ES module with require\(\)\. Load it with `const \{ RNN \} = await import\('rnn-wasm'\);`/);
    const imported = node([flag, 'imported.cjs']);
    expect(imported.stderr).toBe('');
    expect(JSON.parse(imported.stdout)).toEqual(await inNode());
  });

  it('TypeScript with module commonjs type-checks, compiles to require() and runs', async () => {
    const dir = join(app, 'commonjs');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'commonjs' }));
    writeFileSync(join(dir, 'main.ts'), `import { RNN, periodicDataset } from 'rnn-wasm';${SNIPPET}\n`);
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { module: 'commonjs', target: 'es2022', lib: ['es2022', 'dom'], types: [], strict: true, skipLibCheck: false, outDir: 'out' },
      files: ['main.ts'],
    }));
    execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(dir, 'tsconfig.json')], { cwd: dir, stdio: 'pipe' });
    expect(readFileSync(join(dir, 'out/main.js'), 'utf8')).toMatch(/require\("rnn-wasm"\)/);
    const run = node([join(dir, 'out/main.js')], dir);
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual(await inNode());
  });
});

describe.skipIf(SKIP_REASON !== undefined)(`bundlers with no configuration, in chromium${skipNote}`, () => {
  /** The workers app/main.js starts: one for fitInWorker, two for fitAsync. */
  const WORKERS_STARTED = 3;

  /** The same training as app/main.js, in Node (its workers are worker_threads). */
  async function inNode() {
    const { xs, targets } = periodicDataset([0, 1, 2], 9, 3);
    const rnn = await RNN.create(3, 8, 3, { seed: 5 });
    const { losses } = rnn.train(xs, targets, 50, 0.01);
    rnn.resetHistory();
    const text = textDataset('hello world, hello wasm, hello workers', 5);
    const V = text.vocab.length;
    const fit = { epochs: 4, batchSize: 4, optimizer: 'adam', learningRate: 0.01 } as const;
    const inWorker = await RNN.create(V, 8, V, { seed: 5 });
    const fitInWorker = Array.from((await inWorker.fitInWorker(text.sequences, fit)).losses);
    const sharded = await RNN.create(V, 8, V, { seed: 5 });
    const fitAsync = Array.from((await sharded.fitAsync(text.sequences, { ...fit, workers: 2, shardSize: 2 })).losses);
    return {
      losses: Array.from(losses), Why: Array.from(rnn.getParams().Why), predictions: rnn.predict(xs),
      fitInWorker, fitInWorkerWhy: Array.from(inWorker.getParams().Why), fitAsync, fitAsyncWhy: Array.from(sharded.getParams().Why),
    };
  }

  /** Opens `url` in chromium, waits for the app, and returns its result, the failed requests and the workers it started. */
  async function runApp(url: string) {
    const session = await openPage();
    const failed: string[] = [];
    const workers: string[] = [];
    session.page.on('response', (response) => {
      if (response.status() >= 400) failed.push(`${response.status()} ${response.url()}`);
    });
    session.page.on('worker', (worker) => workers.push(worker.url()));
    try {
      await session.page.goto(url);
      await session.page.waitForFunction(() => document.title !== 'loading', undefined, { timeout: 0 });
      const title = await session.page.title();
      const result = await session.page.evaluate(() => (window as unknown as { result?: unknown }).result);
      return { title, result, failed, workers, log: session.log.join('\n') };
    } finally {
      await session.close();
    }
  }

  beforeAll(() => {
    cpSync(join(here, 'app'), app, { recursive: true });
  });

  it('vite build: the app loads the wasm and trains to the bits Node gets', async () => {
    await build({ root: app, configFile: false, logLevel: 'error', build: { outDir: join(app, 'dist') } });
    const assets = readdirSync(join(app, 'dist/assets'));
    const code = assets.filter((name) => name.endsWith('.js')).map((name) => readFileSync(join(app, 'dist/assets', name), 'utf8')).join('\n');
    expect(code).not.toMatch(/node:fs/);
    expect(assets.filter((name) => name.endsWith('.wasm'))).toHaveLength(2); // both builds emitted; the page fetches one
    const server = await serve({ root: join(app, 'dist'), files: builtFiles(join(app, 'dist')), port: 0, index: '/index.html' });
    try {
      const { title, result, failed, workers, log } = await runApp(`${server.url}/`);
      expect(title, log).toBe('done');
      expect(failed).toEqual([]);
      expect(workers).toHaveLength(WORKERS_STARTED);
      expect(result).toEqual(await inNode()); // toEqual on numbers compares with Object.is: the same bits
    } finally {
      await server.close();
    }
  });

  it('vite dev server: the app loads the wasm and trains to the bits Node gets', async () => {
    const server: ViteDevServer = await createServer({
      root: app, configFile: false, logLevel: 'error', server: { host: '127.0.0.1', port: 0, strictPort: false },
    });
    await server.listen();
    try {
      const url = server.resolvedUrls?.local[0];
      expect(url).toBeDefined();
      const { title, result, failed, workers, log } = await runApp(url as string);
      expect(title, log).toBe('done');
      expect(failed).toEqual([]);
      expect(workers).toHaveLength(WORKERS_STARTED);
      expect(result).toEqual(await inNode());
    } finally {
      await server.close();
    }
  });

  it('webpack 5: the app loads the wasm and trains to the bits Node gets', async () => {
    // webpack's own defaults (src/index.js in, main.js out), with the output folder named since
    // its default is relative to the working directory; nothing about wasm.
    const site = join(scratch, 'webpack-app');
    mkdirSync(join(site, 'src'), { recursive: true });
    cpSync(join(app, 'main.js'), join(site, 'src/index.js'));
    symlinkSync(join(app, 'node_modules'), join(site, 'node_modules'), 'dir');
    writeFileSync(join(site, 'package.json'), JSON.stringify({ name: 'webpack-app', private: true, type: 'module' }));
    const stats = await new Promise<webpack.Stats>((done, fail) => {
      webpack({ mode: 'production', context: site, output: { path: join(site, 'dist') } }, (error, result) => (error || !result ? fail(error) : done(result)));
    });
    expect(stats.hasErrors(), stats.toString('errors-only')).toBe(false);
    const emitted = readdirSync(join(site, 'dist'));
    expect(emitted.filter((name) => name.endsWith('.wasm'))).toHaveLength(2); // the SIMD and the scalar build
    expect(readFileSync(join(site, 'dist/main.js'), 'utf8')).not.toMatch(/node:fs/);
    // webpack emits a classic script, loaded the usual way.
    writeFileSync(join(site, 'dist/index.html'), readFileSync(join(app, 'index.html'), 'utf8')
      .replace('<script type="module" src="./main.js"></script>', '<script defer src="./main.js"></script>'));
    const server = await serve({ root: join(site, 'dist'), files: builtFiles(join(site, 'dist')), port: 0, index: '/index.html' });
    try {
      const { title, result, failed, workers, log } = await runApp(`${server.url}/`);
      expect(title, log).toBe('done');
      expect(failed).toEqual([]);
      expect(workers).toHaveLength(WORKERS_STARTED);
      expect(result).toEqual(await inNode());
    } finally {
      await server.close();
    }
  });
});
