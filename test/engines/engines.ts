// The engines the cross-engine battery runs in, and how each is started: Node, Bun and Deno as
// child processes on dist/index.js (Bun and Deno from their npm packages, in node_modules/.bin),
// Debian's chromium through playwright-core and Debian's firefox-esr through puppeteer-core over
// WebDriver BiDi, both on the browser bundle. None of them downloads anything. Where an engine is
// missing, its tests are skipped with the reason; with CI=true they fail instead.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DEMO_FILES, serve } from '../../examples/browser/serve.mjs';
import { CHROMIUM_PATH, IN_CI, openPage } from '../browser/chromium.js';
import type { BatteryOptions, BatteryResult } from './battery.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const RUN = fileURLToPath(new URL('./run.mjs', import.meta.url));
const bin = (name: string): string => fileURLToPath(new URL(`../../node_modules/.bin/${name}`, import.meta.url));

/** The firefox binary: $FIREFOX_PATH, or Debian's /usr/bin/firefox-esr. */
export const FIREFOX_PATH = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

/** What the battery's result is, with the engine's own name and version. */
export type EngineResult = BatteryResult & { engine: string };

export interface Engine {
  name: string;
  /** Why this engine cannot run here, or undefined when it can. */
  missing: string | undefined;
  run(options?: BatteryOptions): Promise<EngineResult>;
}

/** Runs test/engines/run.mjs under `command` and parses the line it writes. */
async function runProcess(command: string, args: string[], options: BatteryOptions = {}): Promise<EngineResult> {
  const { stdout } = await promisify(execFile)(command, [...args, RUN, ...(options.detail ? ['--detail'] : [])], {
    cwd: ROOT,
    maxBuffer: 256 * 1024 * 1024,
    // No update checks, telemetry or crash reports: these engines reach no network.
    env: { ...process.env, DENO_NO_UPDATE_CHECK: '1', DENO_NO_PROMPT: '1', DO_NOT_TRACK: '1' },
  });
  return JSON.parse(stdout) as EngineResult;
}

/** Runs the battery in a page that imports the browser bundle, served from the package's root. */
async function runInPage(
  open: () => Promise<{ goto(url: string): Promise<unknown>; evaluate(script: string): Promise<unknown>; close(): Promise<void> }>,
  options: BatteryOptions,
): Promise<EngineResult> {
  const server = await serve({ port: 0, files: [...DEMO_FILES, 'test/engines/battery.html', 'test/engines/battery.js'] });
  const page = await open();
  try {
    await page.goto(`${server.url}/test/engines/battery.html`);
    // A string, so that vitest's transform never reaches the page.
    return await page.evaluate(`(async () => {
      while (document.title === 'loading') await new Promise((resolve) => setTimeout(resolve, 10));
      if (document.title !== 'ready') throw new Error('the battery page did not load: ' + document.title);
      return { engine: navigator.userAgent, ...(await window.runBattery(${JSON.stringify(options)})) };
    })()`) as EngineResult;
  } finally {
    await page.close();
    await server.close();
  }
}

// No time limits of the drivers' own: a loaded machine starts a browser slowly, and the test's
// timeout (see engines.test.ts) is the one guard against a hang.
async function openChromium() {
  const session = await openPage();
  session.page.setDefaultTimeout(0);
  return {
    goto: (url: string) => session.page.goto(url),
    evaluate: (script: string) => session.page.evaluate(script),
    close: () => session.close(),
  };
}

async function openFirefox() {
  const { default: puppeteer } = await import('puppeteer-core');
  const browser = await puppeteer.launch({ browser: 'firefox', executablePath: FIREFOX_PATH, headless: true, timeout: 0, protocolTimeout: 0 });
  const page = await browser.newPage();
  page.setDefaultTimeout(0);
  return {
    goto: (url: string) => page.goto(url),
    evaluate: (script: string) => page.evaluate(script),
    close: () => browser.close(),
  };
}

const missingFile = (path: string, install: string): string | undefined =>
  existsSync(path) ? undefined : `no ${path} (${install})`;

/** Node, the reference every other engine is compared with. */
export const NODE: Engine = {
  name: 'node',
  missing: undefined,
  run: (options) => runProcess(process.execPath, [], options),
};

/** The engines compared with Node, in the order the test runs them. */
export const OTHER_ENGINES: readonly Engine[] = [
  {
    name: 'bun',
    missing: missingFile(bin('bun'), 'the npm package bun, a devDependency: npm ci'),
    run: (options) => runProcess(bin('bun'), [], options),
  },
  {
    name: 'deno',
    missing: missingFile(bin('deno'), 'the npm package deno, a devDependency: npm ci'),
    run: (options) => runProcess(bin('deno'), ['run', '--allow-read', '--no-prompt', '--no-lock', '--cached-only'], options),
  },
  {
    name: 'chromium',
    missing: missingFile(CHROMIUM_PATH, 'apt-get install chromium, or set CHROMIUM_PATH'),
    run: (options = {}) => runInPage(openChromium, options),
  },
  {
    name: 'firefox',
    missing: missingFile(FIREFOX_PATH, 'apt-get install firefox-esr, or set FIREFOX_PATH'),
    run: (options = {}) => runInPage(openFirefox, options),
  },
];

/** Throws in CI when an engine is missing: there every engine must run. */
export function requireEnginesInCI(): void {
  const missing = OTHER_ENGINES.filter((e) => e.missing !== undefined);
  if (IN_CI && missing.length > 0) {
    throw new Error(`CI=true but engines are missing: ${missing.map((e) => `${e.name}: ${e.missing}`).join('; ')}`);
  }
  for (const e of missing) console.warn(`rnn-wasm cross-engine test for ${e.name} skipped: ${e.missing}`);
}
