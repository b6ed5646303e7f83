// dist/rnn-wasm.browser.js in real Chromium: it loads from a plain module script with no network
// request for wasm (the core is inlined), and training there gives exactly the weights that the
// same training gives in Node, bit for bit, on each backend.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as lib from '../../src/index.js';
import { serve } from '../../examples/browser/serve.mjs';
import { openPage, requireChromiumInCI, SKIP_REASON, skipNote, type Session } from './chromium.js';
import { trainBits, type RunBits } from './fixtures/train-bits.js';

requireChromiumInCI();

/** How far the pure-TS build may drift between JS engines (see the ts test below). */
const TS_TOLERANCE = 1e-10;

function fromBits(hex: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${hex}`));
  return view.getFloat64(0);
}

describe.skipIf(SKIP_REASON !== undefined)(`browser bundle in chromium${skipNote}`, () => {
  let server: Awaited<ReturnType<typeof serve>>;
  let session: Session;
  const requests: string[] = [];

  beforeAll(async () => {
    server = await serve({ port: 0 });
    session = await openPage();
    session.page.on('request', (request) => requests.push(request.url()));
    await session.page.goto(`${server.url}/test/browser/fixtures/bundle.html`);
    await session.page.waitForFunction(() => document.title !== 'loading', undefined, { timeout: 0 });
  });

  afterAll(async () => {
    await session?.close();
    await server?.close();
  });

  it('loads from a plain module script and exports the same API as the package', async () => {
    expect(await session.page.title(), session.log.join('\n')).toBe('ready');
    const exported = await session.page.evaluate(() => Object.keys((window as unknown as { rnnWasm: object }).rnnWasm).sort());
    expect(exported).toEqual(Object.keys(lib).sort());
  });

  /** Runs the training of fixtures/train-bits.js in the page. */
  function trainInPage(backend: 'wasm' | 'ts'): Promise<Record<string, RunBits>> {
    // A string, so that vitest's transform of import() never reaches the page.
    return session.page.evaluate(
      `import('/test/browser/fixtures/train-bits.js').then((m) => m.trainBits(window.rnnWasm, ${JSON.stringify(backend)}))`,
    );
  }

  it('trains to exactly the same bits as Node on the wasm backend', async () => {
    const inPage = await trainInPage('wasm');
    const inNode = await trainBits(lib, 'wasm');
    expect(Object.keys(inPage)).toEqual(Object.keys(inNode));
    for (const run of Object.keys(inNode)) expect(inPage[run], run).toEqual(inNode[run]);
  });

  // The pure-TS build calls the engine's Math.exp and Math.log, which are not correctly rounded
  // and differ by an ulp between V8 versions (Node 20's and a current Chromium's differ on about
  // 1 input in 10 for exp), so across engines it agrees within a tolerance, not to the bit.
  it('trains to the same weights as Node within 1e-10 relative on the ts backend', async () => {
    const inPage = await trainInPage('ts');
    const inNode = await trainBits(lib, 'ts');
    expect(Object.keys(inPage)).toEqual(Object.keys(inNode));
    for (const run of Object.keys(inNode)) {
      expect(inPage[run].predictions, run).toEqual(inNode[run].predictions);
      for (const key of ['losses', 'Wxh', 'Whh', 'Why', 'bh', 'by'] as const) {
        const a = inPage[run][key].map(fromBits);
        const b = inNode[run][key].map(fromBits);
        expect(a.length, `${run} ${key}`).toBe(b.length);
        const worst = Math.max(...a.map((v, i) => Math.abs(v - b[i]) / Math.max(1, Math.abs(b[i]))));
        expect(worst, `${run} ${key}`).toBeLessThan(TS_TOLERANCE);
      }
    }
  });

  it('never fetches a wasm file: the core is inlined', () => {
    expect(requests.some((url) => url.includes('/dist/rnn-wasm.browser.js'))).toBe(true);
    expect(requests.filter((url) => /\.wasm(\?|$)/.test(url))).toEqual([]);
  });
});
