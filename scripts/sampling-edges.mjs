// Finds the sampling edges of test/engines/battery.js (SAMPLING_EDGES): seeded draws of `sample`
// that sit within one ulp of a class boundary, at inputs where some engine's own Math.exp is one
// ulp away from the library's portable exp. Not run in CI; run it (after `npm run build`) when the
// arithmetic of the softmax or of `sample` changes, and paste the lines it prints.
//
//   node scripts/sampling-edges.mjs            searches, asks every engine it finds, prints the edges
//
// The model is 2-1-2 with every parameter 0 but the output biases by = [b0, 0], b0 < 0: every
// step has the same log-probabilities, and sample's weights are w = [exp(x), 1] with
// x = logp0 / T - logp1 / T. Draw number `step` of seedrandom(seed) is r; class 0 is drawn when
// r * (w0 + 1) - w0 < 0, so the boundary is at w0 = r / (1 - r). For each seed, draw and
// temperature this sweeps b0 over consecutive doubles near it and keeps every b0 whose w0 is one
// ulp from the other side. Then it asks each engine for Math.exp(x) at every edge found.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import seedrandom from 'seedrandom';
import { exp, log } from '../dist/backends/ts/mathf.js';

const SEEDS = Number(process.env.EDGE_SEEDS ?? 60);
const STEPS = 12;
const TEMPERATURES = [1, 0.8, 1.25];

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);
function nextAfter(x, up) {
  f64[0] = x;
  u64[0] += (x > 0) === up ? 1n : -1n; // x is positive and finite here
  return f64[0];
}

/** The library's log-softmax (src/backends/ts/forward.ts), over [b0, 0]. */
function logSoftmax(z) {
  const max = Math.max(...z);
  let sum = 0;
  for (const zi of z) sum += exp(zi - max);
  const logSum = log(sum);
  return z.map((zi) => zi - max - logSum);
}

/** Sample's weights (src/rnn.ts) at a temperature. */
function weights(logp, T) {
  const v = logp.map((l) => l / T);
  const max = Math.max(...v);
  return v.map((vi) => [vi - max, exp(vi - max)]);
}

/** The class sample draws from weights w with the uniform r. */
function draw(w, r) {
  let total = 0;
  for (const wi of w) total += wi;
  let u = r * total;
  for (let i = 0; i < w.length; i++) {
    u -= w[i];
    if (u < 0) return i;
  }
  return w.length - 1;
}

const edges = [];
for (let seed = 1; seed <= SEEDS; seed++) {
  const random = seedrandom(String(seed));
  for (let step = 0; step < STEPS; step++) {
    const r = random();
    if (r < 0.02 || r > 0.45) continue;
    for (const T of TEMPERATURES) {
      let b0 = T * Math.log(r / (1 - r));
      for (let i = 0; i < 300; i++) b0 = -nextAfter(-b0, true); // start 300 doubles below
      for (let i = 0; i < 600; i++, b0 = -nextAfter(-b0, false)) {
        const [[x, w0]] = weights(logSoftmax([b0, 0]), T);
        const drawn = draw([w0, 1], r);
        for (const up of [true, false]) {
          const known = edges.some((e) => e.seed === seed && e.step === step && e.T === T && e.x === x);
          if (!known && draw([nextAfter(w0, up), 1], r) !== drawn) edges.push({ seed, step, r, T, b0, x, w0, drawn, flip: up ? 'up' : 'down' });
        }
      }
    }
  }
}
console.error(`${edges.length} edges from ${SEEDS} seeds, ${STEPS} draws each, temperatures ${TEMPERATURES.join(', ')}`);

/** Math.exp at every x, in one engine, as bits. */
const probe = `(xs) => xs.map((x) => { const a = new Float64Array([Math.exp(x)]); return new BigUint64Array(a.buffer)[0].toString(16); })`;
const xs = edges.map((e) => e.x);
const bin = (name) => fileURLToPath(new URL(`../node_modules/.bin/${name}`, import.meta.url));
const script = `const xs = ${JSON.stringify(xs)}; console.log(JSON.stringify((${probe})(xs)));`;
const engines = {
  node: () => JSON.parse(execFileSync(process.execPath, ['-e', script], { maxBuffer: 1 << 28 })),
  bun: existsSync(bin('bun')) && (() => JSON.parse(execFileSync(bin('bun'), ['-e', script], { maxBuffer: 1 << 28, env: { ...process.env, DO_NOT_TRACK: '1' } }))),
  deno: existsSync(bin('deno')) && (() => JSON.parse(execFileSync(bin('deno'), ['eval', script], { maxBuffer: 1 << 28, env: { ...process.env, DENO_NO_UPDATE_CHECK: '1' } }))),
  chromium: existsSync('/usr/bin/chromium') && (async () => {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
    const out = await (await browser.newPage()).evaluate(`(${probe})(${JSON.stringify(xs)})`);
    await browser.close();
    return out;
  }),
  firefox: existsSync('/usr/bin/firefox-esr') && (async () => {
    const { default: puppeteer } = await import('puppeteer-core');
    const browser = await puppeteer.launch({ browser: 'firefox', executablePath: '/usr/bin/firefox-esr', headless: true });
    const out = await (await browser.newPage()).evaluate(`(${probe})(${JSON.stringify(xs)})`);
    await browser.close();
    return out;
  }),
};

const flipsOn = edges.map(() => []);
for (const [name, run] of Object.entries(engines)) {
  if (!run) {
    console.error(`${name}: not found, skipped`);
    continue;
  }
  const bits = await run();
  let differ = 0, flips = 0;
  edges.forEach((e, i) => {
    u64[0] = BigInt(`0x${bits[i]}`);
    const theirs = f64[0];
    if (theirs !== e.w0) differ++;
    if (theirs !== e.w0 && draw([theirs, 1], e.r) !== e.drawn) {
      flips++;
      flipsOn[i].push(name);
    }
  });
  console.error(`${name}: Math.exp differs from the portable exp at ${differ} of ${edges.length} edges; the draw changes at ${flips}`);
}

// Two edges for each set of engines that changes the draw, then one of each direction that no
// engine changes; earliest draws first, to keep the samples short.
const order = edges.map((e, i) => i).sort((a, b) => edges[a].step - edges[b].step || edges[a].seed - edges[b].seed);
const chosen = [], perSet = new Map();
for (const i of order) {
  const key = flipsOn[i].join('+');
  const n = perSet.get(key) ?? 0;
  if ((key === '' ? 1 : 2) <= n) continue;
  if (key === '' && chosen.some((j) => flipsOn[j].length === 0 && edges[j].flip === edges[i].flip)) continue;
  perSet.set(key, n + (key === '' ? 0 : 1));
  chosen.push(i);
}
for (const i of chosen) {
  const { seed, step, T, b0, flip } = edges[i];
  const on = flipsOn[i].length > 0 ? `Math.exp moves it on ${flipsOn[i].join(', ')}` : 'no engine tried moves it';
  const name = `seed ${seed}, draw ${step}, T ${T}, w0 one ulp ${flip}`;
  console.log(`  { name: '${name}', by: [${b0}, 0], temperature: ${T}, seed: ${seed}, step: ${step}, class: 0 }, // ${on}`);
}
