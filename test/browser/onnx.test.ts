// toONNX in real Chromium: a model made in the page from the browser bundle is exported there and
// run by onnxruntime-web's wasm backend (its files served from node_modules, never a CDN), and
// gives the outputs the same model gives in Node within float32 precision; the exported bytes are
// those Node writes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RNN, type RNNOptions } from '../../src/index.js';
import { serve } from '../../examples/browser/serve.mjs';
import { openPage, requireChromiumInCI, SKIP_REASON, skipNote, type Session } from './chromium.js';

requireChromiumInCI();

const ORT = 'node_modules/onnxruntime-web/dist';
const FILES = [
  'dist/rnn-wasm.browser.js', 'test/browser/fixtures/onnx.html',
  `${ORT}/ort.wasm.min.mjs`, `${ORT}/ort-wasm-simd-threaded.mjs`, `${ORT}/ort-wasm-simd-threaded.wasm`,
];
/** float32, as in test/onnx.test.ts (whose grid in onnxruntime-node measured 3.1e-7 at most). */
const TOLERANCE = 1e-5;

const SIZES = [4, 6, 3] as const;
const OPTIONS: RNNOptions = { cell: 'lstm', layers: 2, input: 'index', seed: 5 };
const IDS = [[0, 1, 2, 3, 2, 1], [3, 3, 0, 1, 0, 2]]; // two sequences of six steps

describe.skipIf(SKIP_REASON !== undefined)(`toONNX in onnxruntime-web in chromium${skipNote}`, () => {
  let server: Awaited<ReturnType<typeof serve>>;
  let session: Session;
  const requests: string[] = [];

  beforeAll(async () => {
    server = await serve({ port: 0, files: FILES });
    session = await openPage();
    session.page.on('request', (request) => requests.push(request.url()));
    await session.page.goto(`${server.url}/test/browser/fixtures/onnx.html`);
    await session.page.waitForFunction(() => document.title !== 'loading', undefined, { timeout: 0 });
  });

  afterAll(async () => {
    await session?.close();
    await server?.close();
  });

  it('a 2-layer LSTM of ids, exported in the page, runs in onnxruntime-web\'s wasm backend to the library\'s outputs', async () => {
    expect(await session.page.title(), session.log.join('\n')).toBe('ready');
    const page = await session.page.evaluate(async ({ sizes, options, ids }) => {
      const { rnnWasm, ort } = window as unknown as {
        rnnWasm: typeof import('../../src/index.js');
        ort: typeof import('onnxruntime-web');
      };
      const rnn = await rnnWasm.RNN.create(...sizes, options);
      const bytes = rnn.toONNX();
      const onnx = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
      const T = ids[0].length, N = ids.length;
      const x = new BigInt64Array(T * N);
      for (let t = 0; t < T; t++) for (let n = 0; n < N; n++) x[t * N + n] = BigInt(ids[n][t]);
      const { y } = await onnx.run({ x: new ort.Tensor('int64', x, [T, N]) });
      return { bytes: Array.from(bytes), dims: [...y.dims], y: Array.from(y.data as Float32Array) };
    }, { sizes: SIZES, options: OPTIONS, ids: IDS });

    const rnn = await RNN.create(...SIZES, { ...OPTIONS, backend: 'ts' });
    expect(Buffer.from(page.bytes).equals(Buffer.from(rnn.toONNX()))).toBe(true);
    const T = IDS[0].length, N = IDS.length, O = SIZES[2];
    expect(page.dims).toEqual([T, N, O]);
    let worst = 0;
    IDS.forEach((ids, n) => {
      rnn.resetHistory();
      rnn.forward(ids).forEach((y, t) => y.forEach((v, k) => (worst = Math.max(worst, Math.abs(page.y[(t * N + n) * O + k] - v)))));
    });
    expect(worst).toBeLessThan(TOLERANCE);
  });

  it('fetched onnxruntime-web\'s files from this server only', () => {
    const origins = new Set(requests.map((url) => new URL(url).origin));
    expect([...origins]).toEqual([new URL(server.url).origin]);
    expect(requests.some((url) => url.endsWith('/ort-wasm-simd-threaded.wasm'))).toBe(true);
  });
});
