// Runs the battery in this process's engine (node, bun or deno) on the package's dist/index.js,
// as an application of the package would, and writes the result as one line of JSON on stdout.
// `--detail` adds every case's values, as bits. Run by test/engines.test.ts after `npm run build`.
import * as lib from '../../dist/index.js';
import { runBattery } from './battery.js';

/** The engine and its version, from what each runtime reports. */
function engine() {
  const { Deno } = globalThis;
  if (Deno !== undefined) return `Deno ${Deno.version.deno} (V8 ${Deno.version.v8})`;
  if (process.versions.bun !== undefined) return `Bun ${process.versions.bun} (JavaScriptCore)`;
  return `Node ${process.versions.node} (V8 ${process.versions.v8})`;
}

const result = await runBattery(lib, { detail: process.argv.includes('--detail') });
process.stdout.write(`${JSON.stringify({ engine: engine(), ...result })}\n`);
