// dist/rnn-wasm.browser.js in real Chromium: it loads from a plain module script with no network
// request for wasm (the core is inlined), and training there gives exactly the weights that the
// same training gives in Node, bit for bit, on each backend.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as lib from '../../src/index.js';
import { DEMO_FILES, serve } from '../../examples/browser/serve.mjs';
import { openPage, requireChromiumInCI, SKIP_REASON, skipNote, type Session } from './chromium.js';
import { trainBits, type RunBits } from './fixtures/train-bits.js';

requireChromiumInCI();

describe.skipIf(SKIP_REASON !== undefined)(`browser bundle in chromium${skipNote}`, () => {
  let server: Awaited<ReturnType<typeof serve>>;
  let session: Session;
  const requests: string[] = [];

  beforeAll(async () => {
    server = await serve({ port: 0, files: [...DEMO_FILES, 'test/browser/fixtures/bundle.html', 'test/browser/fixtures/train-bits.js'] });
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

  // Both builds use the same portable tanh, exp and log (src/backends/ts/mathf.ts and
  // assembly/mathf.ts), never the engine's Math.exp, so neither depends on the JS engine.
  it.each(['wasm', 'ts'] as const)('trains to exactly the same bits as Node on the %s backend', async (backend) => {
    const inPage = await trainInPage(backend);
    const inNode = await trainBits(lib, backend);
    expect(Object.keys(inPage)).toEqual(Object.keys(inNode));
    for (const run of Object.keys(inNode)) expect(inPage[run], run).toEqual(inNode[run]);
  });

  it('never fetches a wasm file: the core is inlined', () => {
    expect(requests.some((url) => url.includes('/dist/rnn-wasm.browser.js'))).toBe(true);
    expect(requests.filter((url) => /\.wasm(\?|$)/.test(url))).toEqual([]);
  });
});
