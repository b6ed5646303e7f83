// The same bits on every engine: the battery of test/engines/battery.js runs in Node, Bun
// (JavaScriptCore), Deno (a newer V8), Chromium and Firefox (SpiderMonkey), on every build, through
// the package's dist/ (`npm test` builds it first), and every case's digest must equal Node's.
import seedrandom from 'seedrandom';
import { describe, expect, it, vi } from 'vitest';
import * as lib from '../src/index.js';
import { exp } from '../src/backends/ts/mathf.js';
import { BUILDS, caseNames, OPTIMIZERS, runCases, SAMPLING_EDGES, type Build } from './engines/battery.js';
import { NODE, OTHER_ENGINES, requireEnginesInCI, type EngineResult } from './engines/engines.js';
import { backendOf } from './internals.js';

requireEnginesInCI();

const ALL_BUILDS = Object.keys(BUILDS) as Build[];

let nodeRun: Promise<EngineResult> | undefined;
/** Node's result, the reference: run once, on first use. */
function inNode(): Promise<EngineResult> {
  nodeRun ??= NODE.run();
  return nodeRun;
}

const digestOf = (d: string | { digest: string }): string => (typeof d === 'string' ? d : d.digest);

describe('the cross-engine battery', () => {
  it('trains with every optimiser the library has', () => {
    expect(new Set(OPTIMIZERS.map((o) => o.options.optimizer))).toEqual(new Set(lib.OPTIMIZERS));
  });

  it('has a case for each name, each name once', async () => {
    const node = await inNode();
    const names = caseNames();
    expect(new Set(names).size).toBe(names.length);
    for (const build of ALL_BUILDS) expect(Object.keys(node.builds[build] ?? {}), build).toEqual(names);
  });

  it('runs every build in Node, and the three builds agree on every case', async () => {
    const node = await inNode();
    expect(node.unavailable).toEqual({});
    const reference = node.builds['wasm-simd']!;
    for (const build of ALL_BUILDS) {
      const differ = Object.keys(reference).filter((name) => digestOf(node.builds[build]![name]) !== digestOf(reference[name]));
      expect(differ, build).toEqual([]);
    }
  });

  // The engine's elementary functions are not specified to the bit and differ from one engine to
  // the next (sqrt is correctly rounded everywhere, and stays). `**` calls no function and cannot be watched: src/ has none
  // on a path to a result (Adam's bias corrections use powi).
  it('reaches none of the engine\'s Math.exp, pow, log, tanh, random and kin, on any build', async () => {
    const calls = new Set<string>();
    const spies = ENGINE_MATH.map((name) => {
      const original = Math[name] as (...args: number[]) => number;
      return vi.spyOn(Math, name).mockImplementation((...args: number[]) => {
        // Only the library's own calls count, not the test runner's.
        const frame = new Error().stack?.split('\n').find((line) => line.includes('/src/') && !line.includes('node_modules'));
        if (frame !== undefined) calls.add(`Math.${name} from ${frame.trim()}`);
        return original(...args);
      });
    });
    try {
      for (const build of ALL_BUILDS) await runCases(lib, build);
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
    expect([...calls]).toEqual([]);
  });

  // If the softmax's or sample's arithmetic changes, an edge may no longer be one: then run
  // scripts/sampling-edges.mjs and replace SAMPLING_EDGES with what it prints.
  it.each(SAMPLING_EDGES.map((edge) => [edge.name, edge] as const))('the sampling edge %s sits within one ulp of a class boundary', async (_, edge) => {
    const rnn = await lib.RNN.create(2, 1, 2, { backend: 'ts' });
    rnn.setParams({ Wxh: [0, 0], Whh: [0], Why: [0, 0], bh: [0], by: edge.by });
    const ids = rnn.sample(0, edge.step + 1, { temperature: edge.temperature, seed: edge.seed });
    const { data, plan: p } = backendOf(rnn);
    const logps = p.head.logps;
    const v = Array.from(data.subarray(logps + 2 * edge.step, logps + 2 * edge.step + 2), (l) => l / edge.temperature);
    const w = v.map((vi) => exp(vi - Math.max(...v)));
    const random = seedrandom(String(edge.seed));
    let r = 0;
    for (let i = 0; i <= edge.step; i++) r = random();
    expect(draw(w, r), 'the draw, recomputed').toBe(ids[edge.step]);
    const moved = [nextAfter(w[edge.class], 1), nextAfter(w[edge.class], -1)].map((wk) => draw(w.map((wi, i) => (i === edge.class ? wk : wi)), r));
    expect(moved.some((id) => id !== ids[edge.step]), `w = [${w.join(', ')}], r = ${r}`).toBe(true);
  });
});

/** Math's functions whose results are not correctly rounded (or, for random, not seeded). */
const ENGINE_MATH = [
  'exp', 'expm1', 'log', 'log1p', 'log2', 'log10', 'pow', 'cbrt', 'hypot', 'tanh', 'sinh', 'cosh',
  'asinh', 'acosh', 'atanh', 'sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'atan2', 'random',
] as const;

/** The class `sample` draws from weights w with the uniform r (src/rnn.ts). */
function draw(w: number[], r: number): number {
  let total = 0;
  for (const wi of w) total += wi;
  let u = r * total;
  for (let i = 0; i < w.length; i++) {
    u -= w[i];
    if (u < 0) return i;
  }
  return w.length - 1;
}

/** The float64 next to a positive x, above (direction 1) or below (-1). */
function nextAfter(x: number, direction: 1 | -1): number {
  const words = new BigInt64Array(Float64Array.of(x).buffer);
  words[0] += BigInt(direction);
  return new Float64Array(words.buffer)[0];
}

/**
 * A guard against a hung engine, not a measure: unloaded, each engine takes 1 to 8 s, but a browser
 * starts far slower on a loaded machine.
 */
const ENGINE_TIMEOUT_MS = 600_000;

describe.each(OTHER_ENGINES.map((engine) => [engine.name, engine] as const))('%s', (name, engine) => {
  const note = engine.missing === undefined ? '' : ` (skipped: ${engine.missing})`;
  it.skipIf(engine.missing !== undefined)(`gives Node's digest on every case and every build${note}`, { timeout: ENGINE_TIMEOUT_MS }, async () => {
    const [node, theirs] = await Promise.all([inNode(), engine.run()]);
    // A build may be missing only where the engine cannot validate SIMD at all.
    for (const build of Object.keys(theirs.unavailable) as Build[]) {
      expect({ build, simd: theirs.simd, error: theirs.unavailable[build] }).toMatchObject({ build: 'wasm-simd', simd: false });
    }
    const differ: string[] = [];
    let compared = 0;
    for (const build of ALL_BUILDS) {
      const cases = theirs.builds[build];
      if (cases === undefined) continue;
      expect(Object.keys(cases), `${name} ${build}: the cases`).toEqual(Object.keys(node.builds[build]!));
      for (const [c, digest] of Object.entries(cases)) {
        compared++;
        if (digestOf(digest) !== digestOf(node.builds[build]![c])) differ.push(`${build}: ${c}`);
      }
    }
    expect(differ, `${theirs.engine} differs from ${node.engine} on ${differ.length} of ${compared}`).toEqual([]);
  });
});
