// rnn-wasm beside PyTorch (float64 and float32, one thread) in the same run, on two workloads:
// a character model trained with `fit` (V = 65 token ids, H = 128, T = 50, batches of 32, Adam),
// sequences per second, for each cell; and the one-sequence training iteration of `npm run bench`
// (forward, loss, BPTT, Rprop) at its sizes, µs per iteration. PyTorch runs in one persistent
// process (bench/peers/torch_bench.py), started once and told what to train one JSON line at a
// time, and times itself around the training only, so that rounds interleave the two systems
// without Python's start-up in the timings. Also the f64x2 mul+add peak of this machine's engine
// (bench/peak/peak.ts), and the fraction of it the character workload reaches.
//
// Run with `npm run bench:torch`. ROUNDS=n sets the number of rounds (default 7); TORCH_PYTHON
// the Python that has torch (default /usr/bin/python3, where Debian's python3-torch installs it).
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import { createInterface, type Interface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { init, RNN, type CellName, type RNNOptions } from 'rnn-wasm';
import { CASES, CELL_NAMES, CHAR, charData, environment, median, table, task, type Case } from './measure.js';

const ROUNDS = Number(process.env.ROUNDS ?? 7);
const PYTHON = process.env.TORCH_PYTHON ?? '/usr/bin/python3';
const PEER = fileURLToPath(new URL('../../bench/peers/torch_bench.py', import.meta.url));
const PEAK = fileURLToPath(new URL('./peak.wasm', import.meta.url));
const SYSTEM_BLAS = '/etc/alternatives/libblas.so.3-x86_64-linux-gnu';
const INSTALL = 'apt-get install -y python3-torch libopenblas0-pthread';

/** Above this, a round of the pure-TS build is too long to keep in the character table. */
const TS_LIMIT_SECONDS = 20;
const GATES: Record<CellName, number> = { rnn: 1, lstm: 4, gru: 3 };

/**
 * Multiply-adds of one training sequence (forward, backward, no optimiser step), the same count
 * for both systems. Per step, forward: the state product W_hh h (G H x H, with G = 1, 4, 3 gate
 * blocks for rnn, lstm, gru) and the head W_hy h (O x H); backward: for each of the two the same
 * product again for the weight's gradient (dz h^T, dy h^T) and once more for dh (W^T dz, W^T dy).
 * Dense inputs add W_ih x (G H x I) forward and its gradient dz x^T backward (no dx is needed);
 * index inputs add none (a gather forward, a scatter of adds backward). Elementwise work (the
 * nonlinearities, the gates' products, the softmax) and the optimiser are not counted.
 */
function multiplyAdds(cell: CellName, I: number, H: number, O: number, T: number, input: 'dense' | 'index'): number {
  const G = GATES[cell];
  const inputProducts = input === 'dense' ? 2 * G * H * I : 0;
  return T * (3 * G * H * H + 3 * O * H + inputProducts);
}

interface PeerInfo {
  torch: string;
  python: string;
  executable: string;
  threads: number;
  interopThreads: number;
  env: Record<string, string>;
  blas: string[];
  openblas: { config: string; core: string; threads: number } | null;
}
interface PeerAnswer {
  seconds: number;
  loss: number;
  error?: string;
}

/** The Python process: one JSON command per line in, one JSON answer per line out, in order. */
class Peer {
  #child: ChildProcessWithoutNullStreams;
  #lines: Interface;
  #waiting: ((line: string) => void)[] = [];
  #exited = false;

  constructor() {
    const env = { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
    this.#child = spawn(PYTHON, [PEER], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.#child.stderr.on('data', (chunk: Buffer) => process.stderr.write(chunk));
    this.#lines = createInterface({ input: this.#child.stdout });
    this.#lines.on('line', (line) => this.#waiting.shift()?.(line));
    const fail = (why: string) => {
      this.#exited = true;
      for (const resolve of this.#waiting.splice(0)) resolve(JSON.stringify({ error: why }));
    };
    this.#child.on('error', (error) => fail(error.message));
    this.#child.on('exit', (code) => fail(`${PYTHON} exited with code ${code}`));
  }

  #next(): Promise<string> {
    if (this.#exited) return Promise.resolve(JSON.stringify({ error: `${PYTHON} is not running` }));
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  /** The first line: what the process runs on, or why it cannot run. */
  async hello(): Promise<PeerInfo | { error: string }> {
    return JSON.parse(await this.#next()) as PeerInfo | { error: string };
  }

  async run(command: Record<string, unknown>): Promise<PeerAnswer> {
    const answer = this.#next();
    this.#child.stdin.write(`${JSON.stringify(command)}\n`);
    const parsed = JSON.parse(await answer) as PeerAnswer;
    if (parsed.error !== undefined) throw new Error(`torch_bench.py: ${parsed.error}`);
    return parsed;
  }

  close(): void {
    this.#child.stdin.end();
  }
}

/** The f64x2 ceilings of bench/peak/peak.ts, in GFLOP/s: from registers, and from L1. */
function peaks(): { registers: number; l1: number } {
  const module = new WebAssembly.Module(readFileSync(PEAK));
  const exports = new WebAssembly.Instance(module, { env: { abort: () => undefined } }).exports as {
    registers: (n: number, seed: number) => number;
    loads: (passes: number, seed: number) => number;
    LENGTH: WebAssembly.Global;
  };
  const length = Number(exports.LENGTH.value);
  // V8 tiers a function up from Liftoff to TurboFan in the background, and a call that is running
  // stays in the code it started in: so short calls for half a second first, and each timing is
  // many calls, not one long one.
  const calls = 50;
  const n = 1e6;
  const passes = Math.round((32 * n) / (4 * length));
  const rate = (run: (seed: number) => number, flops: number): number => {
    const start = process.hrtime.bigint();
    let sum = 0;
    for (let k = 0; k < calls; k++) sum += run(0.3);
    if (!Number.isFinite(sum)) throw new Error('peak.wasm: a non-finite result');
    return (calls * flops) / Number(process.hrtime.bigint() - start); // flops per ns = GFLOP/s
  };
  for (const start = Date.now(); Date.now() - start < 500;) {
    exports.registers(1000, 0.3);
    exports.loads(4, 0.3);
  }
  const registers: number[] = [];
  const l1: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    registers.push(rate((seed) => exports.registers(n, seed), 32 * n));
    l1.push(rate((seed) => exports.loads(passes, seed), 4 * length * passes));
  }
  return { registers: median(registers), l1: median(l1) };
}

type Timer = () => Promise<number>;

/** The median of each timer over ROUNDS interleaved rounds in a rotating order, after a warm-up. */
async function medians(timers: Timer[]): Promise<number[]> {
  for (const timer of timers) await timer(); // warm up
  const samples = timers.map((): number[] => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < timers.length; k++) {
      const j = (k + round) % timers.length;
      samples[j].push(await timers[j]());
    }
  }
  return samples.map(median);
}

const speed = (a: number, b: number | undefined): string => (b === undefined ? '-' : `${(a / b).toFixed(2)}x`);
const fixed = (value: number | undefined, digits: number): string => (value === undefined ? '-' : value.toFixed(digits));

function blasLine(info: PeerInfo): string {
  let system = 'unknown';
  try {
    system = realpathSync(SYSTEM_BLAS);
  } catch {
    // not a Debian-style system: the alternatives link is only for the record
  }
  const mapped = info.blas.length > 0 ? info.blas.join(', ') : 'none mapped';
  const openblas = info.openblas === null ? '' : `\n  ${info.openblas.config}, core ${info.openblas.core}, ${info.openblas.threads} thread(s)`;
  return `BLAS mapped into the torch process: ${mapped}${openblas}\n  (${SYSTEM_BLAS} -> ${system})`;
}

async function main(): Promise<void> {
  await init('simd');
  const peer = new Peer();
  const hello = await peer.hello();
  const torch = 'error' in hello ? undefined : hello;
  const { registers, l1 } = peaks();

  console.log(environment());
  if (torch === undefined) {
    console.log(`no PyTorch (${(hello as { error: string }).error}): install it with \`${INSTALL}\` (for /usr/bin/python3), or set TORCH_PYTHON to a Python that has it; the PyTorch columns are left out`);
  } else {
    console.log(`torch ${torch.torch} (Python ${torch.python}, ${torch.executable}), ${torch.threads} thread, ${torch.interopThreads} inter-op thread, ${Object.entries(torch.env).map(([k, v]) => `${k}=${v}`).join(' ')}`);
    console.log(blasLine(torch));
  }
  console.log(`f64x2 mul+add peak on this machine: ${registers.toFixed(2)} GFLOP/s (8 accumulators in registers); ${l1.toFixed(2)} GFLOP/s as the matrix-vector kernel, from L1`);
  console.log(`median of ${ROUNDS} interleaved rounds; ratios are speeds: 1.50x means rnn-wasm (wasm SIMD) is 1.5 times as fast as that PyTorch column\n`);

  await characterTable(peer, torch !== undefined, registers, l1);
  await singleTable(peer, torch !== undefined);
  peer.close();
}

async function characterTable(peer: Peer, withTorch: boolean, registers: number, l1: number): Promise<void> {
  const data = charData();
  const fitOptions = { epochs: 1, batchSize: CHAR.B, optimizer: 'adam', learningRate: CHAR.learningRate, shuffle: false } as const;
  const losses: Record<string, number> = {};
  const rnnTimer = (cell: CellName, build: RNNOptions, name: string): Timer => async () => {
    const rnn = new RNN(CHAR.V, CHAR.H, CHAR.V, { seed: 1, input: 'index', cell, ...build });
    const start = process.hrtime.bigint();
    const result = rnn.fit(data.examples, fitOptions);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    rnn.dispose();
    losses[`${cell} ${name}`] = result.loss;
    return CHAR.N / seconds;
  };
  const torchTimer = (cell: CellName, dtype: string, variant: string): Timer => async () => {
    const command = { cmd: 'char', cell, dtype, variant, V: CHAR.V, H: CHAR.H, B: CHAR.B, lr: CHAR.learningRate, xs: data.xs, targets: data.targets };
    const { seconds, loss } = await peer.run(command);
    losses[`${cell} torch ${dtype} ${variant}`] = loss;
    return CHAR.N / seconds;
  };

  console.log(`character model: V = ${CHAR.V} token ids, H = ${CHAR.H}, T = ${CHAR.T}, one epoch of ${CHAR.N} sequences in batches of ${CHAR.B}, Adam (lr ${CHAR.learningRate}), sequences per second (higher is better)`);
  console.log('torch one-hot: F.one_hot(ids) into nn.RNN/LSTM/GRU(V, H), then nn.Linear(H, V): the same model and parameters as rnn-wasm\'s index input (the ratios use it);');
  console.log('torch embedding: nn.Embedding(V, H) into nn.RNN/LSTM/GRU(H, H): what a char model in PyTorch usually is, a different model (G H x H more per step), for the record\n');
  const rows: string[][] = [];
  const rateRows: string[][] = [];
  const tsLeftOut: string[] = [];
  for (const cell of CELL_NAMES) {
    const tsTimer = rnnTimer(cell, { backend: 'ts' }, 'ts');
    const tsSeconds = CHAR.N / (await tsTimer());
    const withTs = tsSeconds <= TS_LIMIT_SECONDS;
    if (!withTs) tsLeftOut.push(`${cell} (${tsSeconds.toFixed(0)} s a round)`);
    const timers: Timer[] = [rnnTimer(cell, { wasmBuild: 'simd' }, 'simd')];
    if (withTs) timers.push(tsTimer);
    if (withTorch) {
      for (const variant of ['onehot', 'embedding']) for (const dtype of ['float64', 'float32']) timers.push(torchTimer(cell, dtype, variant));
    }
    const m = await medians(timers);
    const simd = m[0];
    const ts = withTs ? m[1] : undefined;
    const [f64, f32, embedding64, embedding32] = withTorch ? m.slice(withTs ? 2 : 1) : [];
    rows.push([
      cell, fixed(simd, 0), fixed(ts, 0), fixed(f64, 0), fixed(f32, 0), fixed(embedding64, 0), fixed(embedding32, 0),
      speed(simd, f64), speed(simd, f32),
    ]);
    const gflops = (sequencesPerSecond: number | undefined): number | undefined =>
      sequencesPerSecond === undefined ? undefined : (2 * multiplyAdds(cell, CHAR.V, CHAR.H, CHAR.V, CHAR.T, 'index') * sequencesPerSecond) / 1e9;
    const simdRate = gflops(simd) as number;
    rateRows.push([
      cell, (multiplyAdds(cell, CHAR.V, CHAR.H, CHAR.V, CHAR.T, 'index') / 1e6).toFixed(2),
      simdRate.toFixed(2), `${((100 * simdRate) / registers).toFixed(0)}%`, `${((100 * simdRate) / l1).toFixed(0)}%`,
      fixed(gflops(ts), 2), fixed(gflops(f64), 2), fixed(gflops(f32), 2),
    ]);
  }
  console.log(table(['cell', 'wasm-simd', 'ts', 'torch f64', 'torch f32', 'torch f64 emb', 'torch f32 emb', 'simd vs f64', 'simd vs f32'], rows));
  if (tsLeftOut.length > 0) console.log(`(ts left out for ${tsLeftOut.join(', ')}: over ${TS_LIMIT_SECONDS} s a round)`);
  console.log(`\nthe same, as arithmetic: GFLOP/s = 2 x multiply-adds per second, counting the model's (multiplyAdds in bench/torch.ts, the same for every column);`);
  console.log(`peak: the f64x2 mul+add peak from registers (${registers.toFixed(2)} GFLOP/s), L1: from L1 (${l1.toFixed(2)} GFLOP/s)\n`);
  console.log(table(['cell', 'M mul-adds/seq', 'wasm-simd', 'of peak', 'of L1', 'ts', 'torch f64', 'torch f32'], rateRows));
  const lossLine = CELL_NAMES.map((cell) => {
    const torchLoss = losses[`${cell} torch float64 onehot`];
    return `${cell} ${losses[`${cell} simd`].toFixed(2)}${torchLoss === undefined ? '' : ` / ${torchLoss.toFixed(2)}`}`;
  });
  console.log(`\nthe epoch's mean loss per sequence (ln 65 x 50 = ${(Math.log(CHAR.V) * CHAR.T).toFixed(2)} at chance), rnn-wasm${withTorch ? ' / torch f64 one-hot' : ''}: ${lossLine.join(', ')}\n`);
}

async function singleTable(peer: Peer, withTorch: boolean): Promise<void> {
  const rnnTimer = (c: Case): Timer => async () => {
    const { xs, targets } = task(c);
    const rnn = new RNN(c.I, c.H, c.O, { seed: 1, wasmBuild: 'simd' });
    const start = process.hrtime.bigint();
    rnn.train(xs, targets, c.iterations, 0.01);
    const us = Number(process.hrtime.bigint() - start) / 1e3 / c.iterations;
    rnn.dispose();
    return us;
  };
  const torchTimer = (c: Case, dtype: string): Timer => async () => {
    const { xs, targets } = task(c);
    // PyTorch's fixed cost per iteration is some 100x rnn-wasm's at the small sizes: fewer iterations.
    const iterations = Math.max(4, Math.ceil(c.iterations / 10));
    const command = { cmd: 'single', cell: 'rnn', dtype, I: c.I, H: c.H, O: c.O, lr: 0.01, iterations, xs: xs.map((x) => Array.from(x)), targets };
    return ((await peer.run(command)).seconds * 1e6) / iterations;
  };

  console.log('one sequence, dense inputs, the Elman cell: one training iteration (forward, loss, BPTT, one Rprop step, lr 0.01) as `npm run bench`, µs per iteration (lower is better)\n');
  const rows: string[][] = [];
  for (const c of CASES) {
    const timers = [rnnTimer(c)];
    if (withTorch) timers.push(torchTimer(c, 'float64'), torchTimer(c, 'float32'));
    const [simd, f64, f32] = await medians(timers);
    const faster = (torchUs: number | undefined) => (torchUs === undefined ? '-' : speed(torchUs, simd));
    rows.push([`(${c.I}, ${c.H}, ${c.O}, ${c.T})`, fixed(simd, 1), fixed(f64, 1), fixed(f32, 1), faster(f64), faster(f32)]);
  }
  console.log(table(['(I, H, O, T)', 'wasm-simd', 'torch f64', 'torch f32', 'simd vs f64', 'simd vs f32'], rows));
}

await main();
