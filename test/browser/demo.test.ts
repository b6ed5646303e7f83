// The demo page in real Chromium, driven through its controls as a person would: train a
// periodic task to full accuracy on each backend, compare their speeds, and keep a screenshot
// (test-results/demo-periodic.png) for the record.
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve } from '../../examples/browser/serve.mjs';
import { openPage, requireChromiumInCI, SKIP_REASON, skipNote, type Session } from './chromium.js';

requireChromiumInCI();

const PATTERN = [0, 1, 2, 1];
const LENGTH = 16;

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

  async function trainPeriodic(backend: 'wasm' | 'ts'): Promise<void> {
    const { page } = session;
    await page.selectOption('#task', 'periodic');
    await page.fill('#pattern', PATTERN.join(', '));
    await page.fill('#classes', '3');
    await page.fill('#length', String(LENGTH));
    await page.fill('#hidden', '16');
    await page.selectOption('#optimizer', 'rprop');
    await page.fill('#lr', '0.01');
    await page.fill('#iterations', '150');
    await page.fill('#seed', '7');
    await page.setChecked('#stop-at-full', false);
    await page.click(`.switch label:has(input[value="${backend}"])`);
    await page.click('#train');
    expect(await waitForState(['done', 'error']), await page.textContent('#status') ?? '').toBe('done');
  }

  it.each(['wasm', 'ts'] as const)('trains periodic %s to full accuracy through the controls', async (backend) => {
    const { page } = session;
    await trainPeriodic(backend);
    expect(await page.isChecked(`input[name=backend][value="${backend}"]`)).toBe(true);
    expect(await page.textContent('#status')).toBe('Done after 150 updates: all predictions right.');
    expect(await page.textContent('#accuracy')).toBe('100%');
    const rows = await page.$$eval('#predictions tr', (trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent)));
    const expected = Array.from({ length: LENGTH }, (_, t) => String(PATTERN[t % PATTERN.length]));
    expect(rows[1]).toEqual(expected); // targets
    expect(rows[2]).toEqual(expected); // predictions
    const lossText = await page.textContent('#loss');
    expect(Number(lossText)).toBeLessThan(1); // summed over 16 steps, from about 17 at the start
    expect(Number(await page.textContent('#speed'))).toBeGreaterThan(0);
    expect(session.log.filter((line) => line.startsWith('pageerror') || line.startsWith('error'))).toEqual([]);
  });

  it('answers the Stop button while it trains: the page does not freeze', async () => {
    const { page } = session;
    await page.fill('#iterations', '100000000');
    await page.click('#train');
    await page.waitForFunction(() => Number(document.getElementById('iteration')?.textContent) > 100, undefined, { timeout: 0 });
    expect(await page.$eval('#status', (el) => (el as HTMLElement).dataset.state)).toBe('training');
    await page.click('#stop');
    expect(await waitForState(['done', 'error'])).toBe('done');
    expect(await page.textContent('#status')).toMatch(/^Stopped after \d+ updates: /);
  });

  it('shows µs per iteration of each backend and keeps a screenshot', async () => {
    const { page } = session;
    await page.click('#compare');
    expect(await waitForState(['done', 'error']), await page.textContent('#status') ?? '').toBe('done');
    const wasm = Number(await page.textContent('#speed-wasm'));
    const ts = Number(await page.textContent('#speed-ts'));
    expect(wasm).toBeGreaterThan(0);
    expect(ts).toBeGreaterThan(0);
    expect(await page.textContent('#speed-ratio')).toMatch(/^\d+\.\d\d×$/);
    // The screenshot is of a trained periodic model, with both speeds shown.
    await trainPeriodic('wasm');
    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/demo-periodic.png', fullPage: true });
  });
});
