// Debian's chromium, driven by playwright-core (which never downloads a browser). Where chromium is
// missing the browser tests are skipped with the reason in their names; under CI=true they fail.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** The browser binary: $CHROMIUM_PATH, or Debian's /usr/bin/chromium. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM_PATH);
export const IN_CI = process.env.CI === 'true' || process.env.CI === '1';

/** Why the browser tests do not run here, or undefined when they do. */
export const SKIP_REASON = HAVE_CHROMIUM ? undefined
  : `skipped: no chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)`;

/** A suffix for describe() names, so a skip shows its reason in the report. */
export const skipNote = SKIP_REASON === undefined ? '' : ` (${SKIP_REASON})`;

if (SKIP_REASON !== undefined && !IN_CI) console.warn(`rnn-wasm browser tests ${SKIP_REASON}`);

/** Throws in CI when chromium is missing: there the browser tests must run. */
export function requireChromiumInCI(): void {
  if (!HAVE_CHROMIUM && IN_CI) {
    throw new Error(`CI=true but there is no chromium at ${CHROMIUM_PATH}: .ci/run installs it with apt-get`);
  }
}

export interface Session {
  context: BrowserContext;
  page: Page;
  /** What the page logged and threw, for failure messages. */
  log: string[];
  close(): Promise<void>;
}

/** Starts headless chromium with a fresh profile (removed on close) and opens one page. */
export async function openPage(): Promise<Session> {
  const profile = mkdtempSync(join(tmpdir(), 'rnn-wasm-chromium-'));
  // playwright-core passes --user-data-dir itself for a persistent context.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    viewport: { width: 1100, height: 900 },
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run',
    ],
  });
  const page = context.pages()[0] ?? await context.newPage();
  const log: string[] = [];
  page.on('console', (message) => log.push(`${message.type()}: ${message.text()}`));
  page.on('pageerror', (error) => log.push(`pageerror: ${error.message}`));
  return {
    context,
    page,
    log,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
