// Training in workers from dist/rnn-wasm.browser.js in real Chromium, with no bundler and no
// configuration: the bundle starts itself as a module Worker. A page that is not cross-origin
// isolated has no SharedArrayBuffer, and its workers get the parameters and gradients in messages;
// a cross-origin isolated one (COOP same-origin, COEP require-corp) shares them. Either way, fit
// in workers trains to exactly the bits Node gives, and the page stays responsive meanwhile.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as lib from '../../src/index.js';
import { DEMO_FILES, serve } from '../../examples/browser/serve.mjs';
import { openPage, requireChromiumInCI, SKIP_REASON, skipNote, type Session } from './chromium.js';
import { workerBits, type TimerDuringFit, type WorkerRunBits } from './fixtures/worker-bits.js';

requireChromiumInCI();

const FILES = [...DEMO_FILES, 'test/browser/fixtures/bundle.html', 'test/browser/fixtures/worker-bits.js'];

describe('fit in workers in Node', () => {
  it('gives the same bits for 1, 2 and 3 workers, sharing memory or not', async () => {
    const shared = await workerBits(lib, { workers: [1, 2, 3], sharedMemory: true });
    const messages = await workerBits(lib, { workers: [1, 2, 3], sharedMemory: false });
    expect(messages).toEqual(shared);
    for (const n of [2, 3]) expect(shared[`fitAsync workers ${n}`], `${n} workers`).toEqual(shared['fitAsync workers 1']);
  });
});

describe.skipIf(SKIP_REASON !== undefined)(`training in workers from the browser bundle in chromium${skipNote}`, () => {
  let plain: Awaited<ReturnType<typeof serve>>;
  let isolated: Awaited<ReturnType<typeof serve>>;
  let session: Session;
  /** Node's bits of the same runs, with messages, as a page without shared memory has them. */
  let inNode: Record<string, WorkerRunBits>;

  beforeAll(async () => {
    plain = await serve({ port: 0, files: FILES });
    isolated = await serve({ port: 0, files: FILES, crossOriginIsolated: true });
    session = await openPage();
    inNode = await workerBits(lib, { workers: [1, 2], sharedMemory: false });
  });

  afterAll(async () => {
    await session?.close();
    await plain?.close();
    await isolated?.close();
  });

  /** Opens the bundle's page on `server`. */
  async function open(server: { url: string }): Promise<void> {
    await session.page.goto(`${server.url}/test/browser/fixtures/bundle.html`);
    await session.page.waitForFunction(() => document.title !== 'loading', undefined, { timeout: 0 });
    expect(await session.page.title(), session.log.join('\n')).toBe('ready');
  }

  /** Runs `call` of fixtures/worker-bits.js in the page with the bundle as its `lib`. */
  function inPage<T>(call: string): Promise<T> {
    // A string, so that vitest's transform of import() never reaches the page.
    return session.page.evaluate(`import('/test/browser/fixtures/worker-bits.js').then((m) => m.${call})`);
  }

  function expectNodeBits(page: Record<string, WorkerRunBits>): void {
    expect(Object.keys(page)).toEqual(Object.keys(inNode));
    for (const run of Object.keys(inNode)) expect(page[run], run).toEqual(inNode[run]);
  }

  /**
   * A long fitInWorker beside a 16 ms timer, and the same fit on the page's thread. In the worker
   * the timer fires between every two epochs' progress callbacks; on the page's thread it cannot
   * fire at all until the fit returns, which shows the measure sees a blocked thread. No time is
   * asserted: the machine is shared.
   */
  async function expectResponsive(where: string): Promise<void> {
    const worker = await inPage<TimerDuringFit>('timerDuringFit(window.rnnWasm, { inWorker: true, epochs: 8 })');
    const blocked = await inPage<TimerDuringFit>('timerDuringFit(window.rnnWasm, { inWorker: false, epochs: 3 })');
    const ms = (values: number[]): string => values.map((v) => v.toFixed(0)).join(', ');
    console.log(`${where}: fitInWorker, epochs of ${ms(worker.epochMs)} ms: the 16 ms timer fired ${worker.ticksBetween.join(', ')} times between epochs, largest gap ${worker.largestGap.toFixed(1)} ms; fit on the page's thread: ${blocked.ticksBetween.join(', ')} times, largest gap ${blocked.largestGap.toFixed(1)} ms`);
    expect(worker.ticksBetween).toHaveLength(7);
    for (const ticks of worker.ticksBetween) expect(ticks).toBeGreaterThan(0);
    expect(blocked.ticksBetween).toEqual([0, 0]);
  }

  describe('a page that is not cross-origin isolated (messages)', () => {
    beforeAll(() => open(plain));

    it('has no SharedArrayBuffer, and sharedMemory: true says why it cannot be', async () => {
      expect(await session.page.evaluate(() => [crossOriginIsolated, typeof SharedArrayBuffer])).toEqual([false, 'undefined']);
      const error = await session.page.evaluate(`import('/test/browser/fixtures/worker-bits.js').then(async (m) => {
        const text = m.workerData(window.rnnWasm), V = text.vocab.length;
        const rnn = await window.rnnWasm.RNN.create(V, 8, V, { seed: 1 });
        return rnn.fitAsync(text.sequences, { epochs: 1, workers: 2, sharedMemory: true }).then(() => 'resolved', (e) => e.message);
      })`);
      expect(error).toMatch(/sharedMemory needs SharedArrayBuffer.*cross-origin isolated/);
    });

    it('fitAsync with 1 and 2 workers, fitInWorker and trainInWorker train to exactly the bits Node gives', async () => {
      expectNodeBits(await inPage('workerBits(window.rnnWasm, { workers: [1, 2] })'));
    });

    it('stays responsive during a long fitInWorker', () => expectResponsive('not isolated'));
  });

  describe('a cross-origin isolated page (shared memory)', () => {
    beforeAll(() => open(isolated));

    it('is cross-origin isolated', async () => {
      expect(await session.page.evaluate(() => [crossOriginIsolated, typeof SharedArrayBuffer])).toEqual([true, 'function']);
    });

    it('fitAsync with 1 and 2 workers sharing memory, fitInWorker and trainInWorker train to exactly the bits Node gives', async () => {
      expectNodeBits(await inPage('workerBits(window.rnnWasm, { workers: [1, 2], sharedMemory: true })'));
    });

    it('stays responsive during a long fitInWorker, whose worker waits for each progress answer', () => expectResponsive('isolated'));
  });
});
