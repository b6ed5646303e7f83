// The demo page in real Chromium, driven through its controls as a person would: every optimiser
// on offer, a periodic task trained to full accuracy on each backend, the text task trained well
// below the uniform guess with a sample shown, a longer text trained in batches of streams, Stop,
// the speeds of both backends on both kinds of task, the identity task scored on a held-out
// sequence, the page on a phone's width, and screenshots (test-results/demo-periodic.png,
// demo-text.png, demo-phone.png) for the record.
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve } from '../../examples/browser/serve.mjs';
import { DEFAULT_LEARNING_RATES, OPTIMIZERS } from '../../src/index.js';
import { openPage, requireChromiumInCI, SKIP_REASON, skipNote, type Session } from './chromium.js';

requireChromiumInCI();

const PATTERN = [0, 1, 2, 1];
const LENGTH = 16;
const ITERATIONS = 150;
/** Iterations after which the periodic loss is well on its way down but not yet 0. */
const PART_WAY = 30;
const EPOCHS = 150;
const SEQ_LENGTH = 16;
/** "Clearly below the uniform guess": at most this fraction of log V per character. */
const BELOW_UNIFORM = 0.5;

describe.skipIf(SKIP_REASON !== undefined)(`demo page in chromium${skipNote}`, () => {
  let server: Awaited<ReturnType<typeof serve>>;
  let session: Session;

  beforeAll(async () => {
    server = await serve({ port: 0 });
    session = await openPage();
    await session.page.goto(`${server.url}/`);
    await waitForState(['idle', 'error']);
  });

  afterAll(async () => {
    await session?.close();
    await server?.close();
  });

  /** Waits, without a time limit of its own, until the status is one of `states`; returns it. */
  async function waitForState(states: string[]): Promise<string> {
    const { page } = session;
    await page.waitForFunction(
      (wanted) => wanted.includes(document.getElementById('status')?.dataset.state ?? ''),
      states,
      { timeout: 0 },
    );
    return page.$eval('#status', (el) => (el as HTMLElement).dataset.state ?? '');
  }

  function pageErrors(): string[] {
    return session.log.filter((line) => line.startsWith('pageerror') || line.startsWith('error'));
  }

  /**
   * Runs `fn(library, args)` in the page, with the library imported from the bundle the demo uses.
   * `fn` is sent as source, so it may use only its arguments.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async function inPage<A, R>(fn: (lib: any, args: A) => Promise<R>, args: A): Promise<R> {
    // A string, so that vitest's transform of import() never reaches the page.
    return session.page.evaluate(`import('/dist/rnn-wasm.browser.js').then((lib) => (${fn.toString()})(lib, ${JSON.stringify(args)}))`) as Promise<R>;
  }

  /** The loss the page shows, at full precision. */
  async function shownLoss(): Promise<number> {
    return Number(await session.page.$eval('#loss', (el) => (el as HTMLElement).dataset.value));
  }

  async function train(backend: 'wasm' | 'ts'): Promise<void> {
    const { page } = session;
    await page.click(`.switch label:has(input[value="${backend}"])`);
    await page.click('#train');
    expect(await waitForState(['done', 'error']), await page.textContent('#status') ?? '').toBe('done');
  }

  async function trainPeriodic(backend: 'wasm' | 'ts'): Promise<void> {
    const { page } = session;
    await page.selectOption('#task', 'periodic');
    await page.fill('#pattern', PATTERN.join(', '));
    await page.fill('#classes', '3');
    await page.fill('#length', String(LENGTH));
    await page.fill('#hidden', '16');
    await page.selectOption('#optimizer', 'rprop');
    await page.fill('#lr', '0.01');
    await page.fill('#iterations', String(ITERATIONS));
    await page.fill('#seed', '7');
    await page.setChecked('#stop-at-full', false);
    await train(backend);
  }

  async function trainText(backend: 'wasm' | 'ts'): Promise<void> {
    const { page } = session;
    await page.selectOption('#task', 'text');
    await page.selectOption('#optimizer', 'adagrad');
    await page.fill('#seq-length', String(SEQ_LENGTH));
    await page.fill('#hidden', '16');
    await page.fill('#epochs', String(EPOCHS));
    await page.fill('#seed', '7');
    await page.fill('#temperature', '0.8');
    await train(backend);
  }

  it('offers every optimiser, each with its default learning rate', async () => {
    const { page } = session;
    const offered = await page.$$eval('#optimizer option', (options) => options.map((o) => (o as HTMLOptionElement).value));
    expect(offered).toEqual([...OPTIMIZERS]);
    for (const name of OPTIMIZERS) {
      await page.fill('#lr', '123');
      await page.selectOption('#optimizer', name);
      expect(Number(await page.inputValue('#lr')), name).toBe(DEFAULT_LEARNING_RATES[name]);
    }
    // Choosing the text task picks adagrad, as min-char-rnn trains; the sequence tasks pick Rprop.
    await page.selectOption('#task', 'text');
    expect(await page.inputValue('#optimizer')).toBe('adagrad');
    await page.selectOption('#task', 'periodic');
    expect(await page.inputValue('#optimizer')).toBe('rprop');
  });

  it.each(['wasm', 'ts'] as const)('trains periodic %s to full accuracy through the controls', async (backend) => {
    const { page } = session;
    await trainPeriodic(backend);
    expect(await page.isChecked(`input[name=backend][value="${backend}"]`)).toBe(true);
    expect(await page.textContent('#status')).toBe(`Done after ${ITERATIONS} updates: all predictions right.`);
    expect(await page.textContent('#accuracy')).toBe('100%');
    const rows = await page.$$eval('#predictions tr', (trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent)));
    const expected = Array.from({ length: LENGTH }, (_, t) => String(PATTERN[t % PATTERN.length]));
    expect(rows[1]).toEqual(expected); // targets
    expect(rows[2]).toEqual(expected); // predictions
    expect(await shownLoss()).toBeLessThan(1); // summed over 16 steps, from about 17 at the start
    expect(Number(await page.textContent('#speed'))).toBeGreaterThan(0);
    // The page trains in bursts: together they must be one run, to the bit. Checked part way,
    // where the loss is not yet rounded to 0.
    await page.fill('#iterations', String(PART_WAY));
    await train(backend);
    const loss = await shownLoss();
    expect(loss).toBeGreaterThan(0.01);
    const oneRun = await inPage(async ({ RNN, periodicDataset }, { backend, pattern, length, iterations }) => {
      const { xs, targets } = periodicDataset(pattern, length, 3);
      const rnn = await RNN.create(3, 16, 3, { seed: '7', backend });
      rnn.train(xs, targets, { iterations, optimizer: 'rprop', learningRate: 0.01 });
      rnn.resetHistory();
      rnn.forward(xs);
      return rnn.loss(targets) as number;
    }, { backend, pattern: PATTERN, length: LENGTH, iterations: PART_WAY });
    expect(loss).toBe(oneRun);
    expect(pageErrors()).toEqual([]);
  });

  it('stops at 100% when asked: on the page between bursts, in a worker soon after', async () => {
    const { page } = session;
    await page.fill('#iterations', '100000');
    await page.setChecked('#stop-at-full', true);
    try {
      await page.setChecked('#in-worker', false);
      await train('wasm');
      const [, updates] = /^Done after (\d+) updates: all predictions right\.$/.exec(await page.textContent('#status') ?? '') ?? [];
      expect(Number(updates)).toBeGreaterThan(0);
      expect(Number(updates)).toBeLessThan(ITERATIONS);
      expect(await page.textContent('#accuracy')).toBe('100%');
      // In a worker the page sees the weights at most every 100 ms, and the worker stops at its next update after.
      await page.setChecked('#in-worker', true);
      await train('wasm');
      const [, inWorker] = /^Done after (\d+) updates: all predictions right\.$/.exec(await page.textContent('#status') ?? '') ?? [];
      expect(Number(inWorker)).toBeGreaterThan(0);
      expect(Number(inWorker)).toBeLessThan(100000);
      expect(await page.textContent('#accuracy')).toBe('100%');
    } finally {
      await page.setChecked('#in-worker', true);
      await page.setChecked('#stop-at-full', false);
      await page.fill('#iterations', String(ITERATIONS));
    }
  });

  it.each(['wasm', 'ts'] as const)('trains the text task on %s well below the uniform guess, and samples it', async (backend) => {
    const { page } = session;
    await trainText(backend);
    expect(await page.isVisible('#sample')).toBe(true);
    expect(await page.isVisible('#predictions')).toBe(false);
    const text = await page.inputValue('#text');
    const vocab = new Set(Array.from(text));
    const uniform = Math.log(vocab.size);
    expect(Number(await page.textContent('#uniform'))).toBeCloseTo(uniform, 3);
    const loss = await shownLoss();
    expect(loss).toBeGreaterThan(0);
    expect(loss).toBeLessThan(BELOW_UNIFORM * uniform);
    expect(await page.textContent('#status')).toBe(
      `Done after ${EPOCHS} epochs: ${loss.toFixed(3)} per character against log V = ${uniform.toFixed(3)}.`,
    );
    // Bursts of fitAsync, carrying the state through the text: one run of fit, to the bit.
    const oneRun = await inPage(async ({ RNN, textDataset }, { backend, text, seqLength, epochs }) => {
      const data = textDataset(text, seqLength);
      const V = data.vocab.length;
      const rnn = await RNN.create(V, 16, V, { seed: '7', backend });
      rnn.fit(data.sequences, { epochs, optimizer: 'adagrad', learningRate: 0.1, carryState: true });
      const sequences = data.sequences as { xs: Float64Array[]; targets: number[] }[];
      const targets = sequences.flatMap((s) => s.targets);
      rnn.resetHistory();
      rnn.forward(sequences.flatMap((s) => s.xs));
      return (rnn.loss(targets) as number) / targets.length;
    }, { backend, text, seqLength: SEQ_LENGTH, epochs: EPOCHS });
    expect(loss).toBe(oneRun);

    const sample = await page.textContent('#sample') ?? '';
    expect(sample.length).toBeGreaterThan(0);
    expect(sample[0]).toBe(text[0]);
    expect(Array.from(sample).filter((c) => !vocab.has(c))).toEqual([]);
    // Another temperature samples again at once; a bad one is reported and keeps the sample.
    await page.fill('#temperature', '5');
    const hot = await page.textContent('#sample');
    expect(hot).not.toBe(sample);
    await page.fill('#temperature', '-1');
    expect(await page.textContent('#sample-note')).toMatch(/^RNN\.sample: options\.temperature/);
    expect(await page.textContent('#sample')).toBe(hot);
    await page.fill('#temperature', '0.8');
    expect(await page.textContent('#sample')).toBe(sample);
    expect(await page.textContent('#sample-note')).toBe('');
    expect(pageErrors()).toEqual([]);
  });

  it('trains a longer text in batches of streams side by side, to the bits of one fit, and shows characters a second', async () => {
    const { page } = session;
    await page.selectOption('#task', 'text');
    const short = await page.inputValue('#text');
    // 8 times the page's text: 1,023 characters to predict, 64 chunks of 16, cut into 8 streams of 8.
    const text = short.repeat(8);
    await page.fill('#text', text);
    await page.selectOption('#optimizer', 'adagrad');
    await page.fill('#seq-length', String(SEQ_LENGTH));
    await page.fill('#hidden', '16');
    await page.fill('#epochs', '20');
    await page.fill('#seed', '7');
    expect(await page.inputValue('#batch')).toBe('16');
    await page.click('.switch label:has(input[value="wasm"])');
    await page.click('#train');
    expect(await waitForState(['done', 'error']), await page.textContent('#status') ?? '').toBe('done');
    const oneRun = await inPage(async ({ RNN, textDataset }, { text, seqLength }) => {
      const data = textDataset(text, seqLength, { streams: 8 });
      const V = data.vocab.length;
      const rnn = await RNN.create(V, 16, V, { seed: '7', backend: 'wasm' });
      rnn.fit(data.sequences, { epochs: 20, optimizer: 'adagrad', learningRate: 0.1, carryState: true, batchSize: 8 });
      // The page shows the loss of the whole text read as one sequence.
      const sequences = textDataset(text, seqLength).sequences as { xs: Float64Array[]; targets: number[] }[];
      const targets = sequences.flatMap((s) => s.targets);
      rnn.resetHistory();
      rnn.forward(sequences.flatMap((s) => s.xs));
      return (rnn.loss(targets) as number) / targets.length;
    }, { text, seqLength: SEQ_LENGTH });
    expect(await shownLoss()).toBe(oneRun);
    expect(await page.textContent('.stats div:has(#speed) .for-text')).toBe('chars / s');
    expect(Number(await page.textContent('#speed'))).toBeGreaterThan(0);
    await page.fill('#text', short);
    await page.fill('#epochs', String(EPOCHS));
    expect(pageErrors()).toEqual([]);
  });

  it.each([
    ['periodic', 'iterations', 'updates'],
    ['text', 'epochs', 'epochs'],
  ] as const)('answers the Stop button while it trains %s: the page does not freeze', async (task, field, unit) => {
    const { page } = session;
    await page.selectOption('#task', task);
    await page.fill(`#${field}`, '100000000');
    await page.click('#train');
    await page.waitForFunction(() => Number(document.getElementById('iteration')?.textContent) > 100, undefined, { timeout: 0 });
    expect(await page.$eval('#status', (el) => (el as HTMLElement).dataset.state)).toBe('training');
    // By default it trains in a worker, which ends with the run.
    expect(await page.isChecked('#in-worker')).toBe(true);
    expect(page.workers().length).toBe(1);
    // The speed is shown as it trains, not only at the end.
    expect(Number(await page.textContent('#speed'))).toBeGreaterThan(0);
    expect(await page.isDisabled('#train')).toBe(true);
    expect(await page.isDisabled('#optimizer')).toBe(true);
    // The text task shows a sample while it trains, refreshed between bursts.
    if (task === 'text') expect(await page.textContent('#sample')).not.toBe('');
    await page.click('#stop');
    expect(await waitForState(['done', 'error'])).toBe('done');
    expect(await page.textContent('#status')).toMatch(new RegExp(`^Stopped after \\d+ ${unit}: `));
    expect(await page.isDisabled('#optimizer')).toBe(false);
    for (let i = 0; i < 50 && page.workers().length > 0; i++) await page.waitForTimeout(20);
    expect(page.workers()).toEqual([]);
    await page.fill(`#${field}`, String(task === 'text' ? EPOCHS : ITERATIONS));
  });

  it('scores the identity task on a held-out sequence, not the one it trains on', async () => {
    const { page } = session;
    await page.selectOption('#task', 'identity');
    await page.fill('#delay', '1');
    await page.fill('#classes', '3');
    await page.fill('#length', '12');
    await page.fill('#hidden', '16');
    await page.selectOption('#optimizer', 'adam');
    await page.fill('#lr', '0.01');
    await page.fill('#iterations', '400');
    await page.fill('#seed', '7');
    await page.setChecked('#stop-at-full', false);
    await train('wasm');
    const rows = await page.$$eval('#predictions tr', (trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => Number(td.textContent))));
    const expected = await inPage(async ({ RNN, identityDataset }) => {
      const data = identityDataset(12, 3, { seed: '7', delay: 1 });
      const heldOut = identityDataset(12, 3, { seed: '7/held-out', delay: 1 });
      const rnn = await RNN.create(3, 16, 3, { seed: '7', backend: 'wasm' });
      rnn.train(data.xs, data.targets, { iterations: 400, optimizer: 'adam', learningRate: 0.01 });
      rnn.resetHistory();
      return { trained: data.targets as number[], targets: heldOut.targets as number[], predictions: rnn.predict(heldOut.xs) as number[] };
    }, {});
    expect(expected.targets).not.toEqual(expected.trained);
    expect(rows[1]).toEqual(expected.targets);
    expect(rows[2]).toEqual(expected.predictions);
    const right = expected.predictions.filter((p, t) => p === expected.targets[t]).length;
    expect(await page.textContent('#accuracy')).toBe(`${((100 * right) / 12).toFixed(0)}%`);
    expect(await page.textContent('#accuracy-label')).toBe('accuracy, held out');
    expect(await page.textContent('#predictions-note')).toMatch(/held-out sequence/);
    expect(await page.textContent('#status')).toMatch(/^Done after 400 updates: (all predictions right|\d+% right) on a held-out sequence\.$/);
    expect(pageErrors()).toEqual([]);
  });

  it('the recall task: an LSTM chosen in the cell selector learns it, scored on 200 held-out sequences', async () => {
    const { page } = session;
    await page.selectOption('#task', 'recall');
    expect(await page.inputValue('#optimizer')).toBe('adam');
    await page.selectOption('#cell', 'lstm');
    await page.fill('#recall-delay', '15');
    await page.fill('#recall-count', '256');
    await page.fill('#classes', '4');
    await page.fill('#hidden', '16');
    await page.fill('#lr', '0.01');
    await page.fill('#epochs', '40');
    await page.fill('#seed', '3');
    await train('wasm');
    expect(await page.textContent('#unit-label')).toBe('epoch');
    expect(await page.textContent('#status')).toMatch(/^Done after 40 epochs: (all predictions right|\d+% right) on 200 held-out sequences\.$/);
    const shown = Number((await page.textContent('#accuracy'))?.replace('%', ''));
    const expected = await inPage(async ({ RNN, recallDataset }) => {
      const train = recallDataset(256, { delay: 15, classes: 4, seed: '3' });
      const test = recallDataset(200, { delay: 15, classes: 4, seed: '3/held-out' });
      const rnn = await RNN.create(train.inputDim, 16, train.outputDim, { seed: '3', backend: 'wasm', cell: 'lstm', input: 'index' });
      for (let epoch = 0; epoch < 40; epoch++) {
        rnn.fit(train.sequences, { epochs: 1, batchSize: 8, shuffle: true, seed: `3/epoch ${epoch}`, optimizer: 'adam', learningRate: 0.01 });
      }
      let right = 0;
      for (const { xs, targets } of test.sequences) {
        rnn.resetHistory();
        if (rnn.predict(xs)[15] === targets[15]) right++;
      }
      return (100 * right) / 200;
    }, {});
    expect(shown).toBe(Math.round(expected));
    expect(expected).toBeGreaterThanOrEqual(90);
    await page.selectOption('#cell', 'rnn');
    await page.selectOption('#task', 'periodic');
    expect(await page.inputValue('#optimizer')).toBe('rprop');
    expect(pageErrors()).toEqual([]);
  });

  it('switching tasks replaces the last task\'s status line and speeds; Compare speed keeps the loss plot', async () => {
    const { page } = session;
    await trainPeriodic('wasm');
    expect(await page.textContent('#status')).toMatch(/^Done after/);
    const plot = await page.$eval('#loss-curve', (c) => (c as HTMLCanvasElement).toDataURL());
    const stats = await page.$$eval('.stats b', (bs) => bs.map((b) => b.textContent));
    await page.click('#compare');
    expect(await waitForState(['done', 'error'])).toBe('done');
    await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => done(undefined))));
    expect(await page.$eval('#loss-curve', (c) => (c as HTMLCanvasElement).toDataURL())).toBe(plot);
    expect(await page.$$eval('.stats b', (bs) => bs.map((b) => b.textContent))).toEqual(stats);
    expect(await page.textContent('#speed-ratio')).toMatch(/×$/);
    await page.selectOption('#task', 'identity');
    expect(await page.textContent('#status')).toBe('Ready: press Train to train the identity task.');
    expect(await page.textContent('#speed-ratio')).toBe('–');
    await page.selectOption('#task', 'periodic');
  });

  it('works on a phone: at 420 px one column, nothing wider than the screen, the plot legible; keeps a screenshot', async () => {
    const { page } = session;
    await page.setViewportSize({ width: 420, height: 900 });
    try {
      await trainPeriodic('wasm');
      const layout = await page.evaluate(() => {
        const box = (selector: string) => document.querySelector(selector)!.getBoundingClientRect();
        return {
          scrollWidth: document.documentElement.scrollWidth,
          controls: box('#controls'), status: box('#status'), plot: box('#loss-curve'), speed: box('.speed'),
          lead: box('p.lead'),
        };
      });
      expect(layout.scrollWidth).toBeLessThanOrEqual(420);
      expect(layout.status.top).toBeGreaterThan(layout.controls.bottom); // the results below the controls
      expect(layout.plot.width).toBeGreaterThan(300);
      expect(layout.plot.height).toBeGreaterThan(150);
      expect(layout.speed.right).toBeLessThanOrEqual(420);
      expect(layout.lead.width).toBeGreaterThan(300); // not a word a line
      // The canvas draws at its size on screen, so its 12 px text stays 12 px.
      expect(await page.$eval('#loss-curve', (c) => (c as HTMLCanvasElement).width / (c as HTMLCanvasElement).clientWidth)).toBeCloseTo(1, 1);
      mkdirSync('test-results', { recursive: true });
      await page.screenshot({ path: 'test-results/demo-phone.png', fullPage: true });
    } finally {
      await page.setViewportSize({ width: 1100, height: 900 });
    }
    expect(pageErrors()).toEqual([]);
  });

  it.each(['periodic', 'text'] as const)('shows the speed of each backend on the %s task and keeps a screenshot', async (task) => {
    const { page } = session;
    await page.selectOption('#task', task);
    await page.click('#compare');
    expect(await waitForState(['done', 'error']), await page.textContent('#status') ?? '').toBe('done');
    const wasm = Number(await page.textContent('#speed-wasm'));
    const ts = Number(await page.textContent('#speed-ts'));
    expect(wasm).toBeGreaterThan(0);
    expect(ts).toBeGreaterThan(0);
    expect(await page.textContent('#speed-ratio')).toMatch(/^\d+\.\d\d×$/);
    // The screenshot is of a trained model, with both speeds shown.
    if (task === 'periodic') await trainPeriodic('wasm');
    else await trainText('wasm');
    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: `test-results/demo-${task}.png`, fullPage: true });
    expect(pageErrors()).toEqual([]);
  });

  it('forecasts the held-out airline passengers better than the last value, plotting the series, the fit and the forecast', async () => {
    const { page } = session;
    await page.waitForFunction(() => document.getElementById('fc-status')?.dataset.state === 'ready', undefined, { timeout: 0 });
    await page.fill('#fc-epochs', '150');
    await page.click('#fc-train');
    await page.waitForFunction(() => /^trained|error/.test(document.getElementById('fc-status')?.textContent ?? ''), undefined, { timeout: 0 });
    expect(await page.textContent('#fc-status')).toBe('trained 150 epochs');
    expect(await page.textContent('#fc-epoch')).toBe('150');
    const rmse = Number(await page.textContent('#fc-rmse')), naive = Number(await page.textContent('#fc-naive'));
    expect(rmse).toBeGreaterThan(0);
    expect(rmse).toBeLessThan(naive);
    // The plot has been drawn: some of its pixels are the forecast's orange.
    const orange = await page.$eval('#fc-plot', (c) => {
      const { data } = (c as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, (c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height);
      let n = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i] > 200 && data[i + 1] > 80 && data[i + 1] < 140 && data[i + 2] < 40) n++;
      return n;
    });
    expect(orange).toBeGreaterThan(50);
    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/demo-forecast.png', fullPage: true });
    expect(pageErrors()).toEqual([]);
  });
});
