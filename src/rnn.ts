// The facade: the notebook's RNN API over a Backend, with every argument checked before anything
// is changed.
import type { Backend, BackendName } from './backend.js';
import { TsBackend } from './backends/ts/index.js';
import { compileCore, WasmBackend, type WasmBuild } from './backends/wasm.js';
import { checkInteger, checkRate, checkSequence, checkTargets, checkVector, show } from './errors.js';
import { computeLayout, MAX_BLOCK_BYTES, type Layout } from './layout.js';
import { makeRandom, type Seed } from './random.js';

export type { BackendName } from './backend.js';
export type { WasmBuild } from './backends/wasm.js';

/** Options of `new RNN` and `RNN.create`. */
export interface RNNOptions {
  /** seedrandom seed for the initial weights; without one they come from the platform's entropy. */
  seed?: string | number;
  /** The numeric core: 'wasm' (default) or the pure-TypeScript 'ts'. */
  backend?: BackendName;
  /**
   * 'uniform' (default): every parameter from U(-1/sqrt(H), 1/sqrt(H)), as torch.nn.RNN does.
   * 'notebook': U(0, 1), as the notebook did; it saturates tanh.
   */
  init?: 'uniform' | 'notebook';
  /**
   * Which build of the wasm core to run: 'simd' (f64x2) or 'scalar'. By default the SIMD build
   * where the engine validates it, else the scalar one. Both compute the same bits; the choice
   * is for benchmarks and tests. Ignored by the 'ts' backend. Where the engine has no wasm SIMD,
   * 'simd' fails with the engine's `WebAssembly.CompileError`.
   */
  wasmBuild?: WasmBuild;
}

/** An input vector, of length inputDim. */
export type Vector = ArrayLike<number>;
/** A sequence of T input vectors. */
export type Sequence = ArrayLike<Vector>;

/** The parameters, row-major: Wxh H x I, Whh H x H, Why O x H, bh H, by O. */
export interface Params {
  Wxh: Float64Array;
  Whh: Float64Array;
  Why: Float64Array;
  bh: Float64Array;
  by: Float64Array;
}

/** Gradients of the summed loss, named and shaped as the parameters with a `d` in front. */
export interface Gradients {
  dWxh: Float64Array;
  dWhh: Float64Array;
  dWhy: Float64Array;
  dbh: Float64Array;
  dby: Float64Array;
}

/** Parameters as any array-likes of numbers, for `setParams`: `Partial<Params>` is one. */
export type ParamsLike = { [K in keyof Params]?: ArrayLike<number> };
/** Gradients as any array-likes of numbers, for the updates: `Gradients` is one. */
export type GradientsLike = { [K in keyof Gradients]: ArrayLike<number> };

/** What `train` did. */
export interface TrainResult {
  /** Iterations whose loss was computed: `losses.length`. */
  iterations: number;
  /** The last entry of `losses` (NaN when the very first loss was not finite). */
  loss: number;
  /** The loss of every iteration, computed before that iteration's update. */
  losses: Float64Array;
  /**
   * 'iterations': all ran. 'diverged': the loss or a weight stopped being finite, and the weights
   * were put back to those whose loss is `loss`.
   */
  stopped: 'iterations' | 'diverged';
}

const PARAM_NAMES = ['Wxh', 'Whh', 'Why', 'bh', 'by'] as const;
const GRAD_NAMES = ['dWxh', 'dWhh', 'dWhy', 'dbh', 'dby'] as const;
type ParamName = (typeof PARAM_NAMES)[number];
type GradName = (typeof GRAD_NAMES)[number];
type Update = 'sgd' | 'rprop' | 'rpropNotebook';

/** Steps a new model's buffers hold before they first grow. */
const INITIAL_CAPACITY = 16;

/**
 * Compiles the wasm core, once; later calls return at once. Needed before `new RNN(...)` with the
 * wasm backend; `RNN.create` calls it for you. Without an argument it compiles the build this
 * engine runs best (SIMD where `WebAssembly.validate` accepts it); `init('scalar')` or
 * `init('simd')` compiles that one, for models created with the `wasmBuild` option.
 *
 * @example
 * await init();
 * const rnn = new RNN(3, 5, 3, { seed: 1 });
 * await init('scalar');
 * const scalar = new RNN(3, 5, 3, { seed: 1, wasmBuild: 'scalar' });
 */
export async function init(wasmBuild?: WasmBuild): Promise<void> {
  if (wasmBuild !== undefined) checkWasmBuild('init', 'wasmBuild', wasmBuild);
  await compileCore(wasmBuild);
}

function checkWasmBuild(where: string, name: string, value: unknown): asserts value is WasmBuild {
  if (value !== 'simd' && value !== 'scalar') {
    throw new TypeError(`${where}: ${name} must be 'simd' or 'scalar', got ${show(value)}`);
  }
}

function checkOptions(options: unknown): Required<Pick<RNNOptions, 'backend' | 'init'>> & { seed?: Seed; wasmBuild?: WasmBuild } {
  const where = 'RNN';
  if (options === undefined) return { backend: 'wasm', init: 'uniform' };
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${where}: options must be an object, got ${show(options)}`);
  }
  const known = ['seed', 'backend', 'init', 'wasmBuild'];
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new TypeError(`${where}: unknown option '${key}' (known: ${known.join(', ')})`);
  }
  const { seed, backend = 'wasm', init = 'uniform', wasmBuild } = options as RNNOptions;
  if (backend !== 'wasm' && backend !== 'ts') {
    throw new TypeError(`${where}: options.backend must be 'wasm' or 'ts', got ${show(backend)}`);
  }
  if (init !== 'uniform' && init !== 'notebook') {
    throw new TypeError(`${where}: options.init must be 'uniform' or 'notebook', got ${show(init)}`);
  }
  if (wasmBuild !== undefined) checkWasmBuild(where, 'options.wasmBuild', wasmBuild);
  return { seed, backend, init, wasmBuild };
}

function argmax(m: Float64Array, start: number, n: number): number {
  let best = 0;
  for (let i = 1; i < n; i++) if (m[start + i] > m[start + best]) best = i;
  return best;
}

/**
 * A vanilla (Elman) recurrent network with a tanh hidden layer and a softmax output at every step:
 *
 *     h_t = tanh(Wxh x_t + Whh h_{t-1} + bh),   y_t = softmax(Why h_t + by)
 *
 * trained on the cross-entropy sum_t -log y_t[target_t] by backpropagation through time. The
 * model keeps a history of the steps run since `resetHistory()`: `forward` appends to it, and
 * `loss` and `backward` read it.
 *
 * @example
 * const rnn = await RNN.create(3, 10, 3, { seed: 1 });
 * const { xs, targets } = periodicDataset([0, 1], 10, 3);
 * rnn.train(xs, targets, 200, 0.01);
 * rnn.resetHistory();
 * rnn.predict(xs); // [0, 1, 0, 1, 0, 1, 0, 1, 0, 1]
 */
export class RNN {
  readonly inputDim: number;
  readonly hiddenDim: number;
  readonly outputDim: number;
  readonly backend: BackendName;
  private readonly core: Backend;
  private steps = 0;

  /**
   * Creates a model, compiling the wasm core first if needed.
   *
   * @example
   * const rnn = await RNN.create(3, 5, 3, { seed: 'abc', backend: 'ts' });
   */
  static async create(inputDim: number, hiddenDim: number, outputDim: number, options?: RNNOptions): Promise<RNN> {
    const opts = checkOptions(options);
    if (opts.backend === 'wasm') await init(opts.wasmBuild);
    return new RNN(inputDim, hiddenDim, outputDim, options);
  }

  /**
   * Creates a model at once. With the wasm backend (the default), `await init()` must have
   * run first.
   *
   * @example
   * const rnn = new RNN(3, 5, 3, { backend: 'ts', seed: 1, init: 'notebook' });
   */
  constructor(inputDim: number, hiddenDim: number, outputDim: number, options?: RNNOptions) {
    const where = 'RNN';
    checkInteger(where, 'inputDim', inputDim, 1);
    checkInteger(where, 'hiddenDim', hiddenDim, 1);
    checkInteger(where, 'outputDim', outputDim, 1);
    const opts = checkOptions(options);
    const bytes = 8 * computeLayout(inputDim, hiddenDim, outputDim, INITIAL_CAPACITY).size;
    if (bytes > MAX_BLOCK_BYTES) {
      throw new RangeError(`${where}: a ${inputDim}-${hiddenDim}-${outputDim} model needs ${bytes} bytes, more than the limit of ${MAX_BLOCK_BYTES}`);
    }
    const random = makeRandom(where, opts.seed);
    this.core = opts.backend === 'wasm'
      ? new WasmBackend(inputDim, hiddenDim, outputDim, INITIAL_CAPACITY, opts.wasmBuild)
      : new TsBackend(inputDim, hiddenDim, outputDim, INITIAL_CAPACITY);
    this.inputDim = inputDim;
    this.hiddenDim = hiddenDim;
    this.outputDim = outputDim;
    this.backend = opts.backend;

    // Params are contiguous in the order Wxh, Whh, Why, bh, by, each row-major, so every backend
    // draws the same numbers into the same places.
    const { data, layout: L } = this.core;
    const bound = opts.init === 'uniform' ? 1 / Math.sqrt(hiddenDim) : 0;
    const [lo, hi] = opts.init === 'uniform' ? [-bound, bound] : [0, 1];
    for (let i = 0; i < L.P; i++) data[L.Wxh + i] = lo + (hi - lo) * random();
    // The notebook's update starts with previous gradients and multipliers of 1.
    data.fill(1, L.notebookPrev, L.notebookPrev + L.P);
    data.fill(1, L.notebookMult, L.notebookMult + L.P);
  }

  private get L(): Layout {
    return this.core.layout;
  }

  private offsetOf(name: ParamName | GradName): number {
    return this.L[name];
  }

  private lengthOf(name: ParamName | GradName): number {
    const { I, H, O } = this.L;
    const key = name.startsWith('d') ? name.slice(1) : name;
    return { Wxh: H * I, Whh: H * H, Why: O * H, bh: H, by: O }[key as ParamName];
  }

  /**
   * Copies of the parameters, row-major.
   *
   * @example
   * const { Wxh } = rnn.getParams(); // Float64Array of hiddenDim * inputDim
   */
  getParams(): Params {
    const { data } = this.core;
    const copyOf = (name: ParamName): Float64Array => {
      const start = this.offsetOf(name);
      return data.slice(start, start + this.lengthOf(name));
    };
    return { Wxh: copyOf('Wxh'), Whh: copyOf('Whh'), Why: copyOf('Why'), bh: copyOf('bh'), by: copyOf('by') };
  }

  /**
   * Copies in any of the parameters, after checking all of them: names, lengths and finite
   * values. The optimisers' state is kept.
   *
   * @example
   * rnn.setParams({ by: [0, 0, 0] });
   */
  setParams(params: ParamsLike): void {
    const where = 'RNN.setParams';
    if (typeof params !== 'object' || params === null) {
      throw new TypeError(`${where}: params must be an object, got ${show(params)}`);
    }
    const entries = Object.entries(params);
    for (const [name, value] of entries) {
      if (!(PARAM_NAMES as readonly string[]).includes(name)) {
        throw new TypeError(`${where}: unknown parameter '${name}' (known: ${PARAM_NAMES.join(', ')})`);
      }
      checkVector(where, name, value, this.lengthOf(name as ParamName), this.shapeOf(name as ParamName));
    }
    const { data } = this.core;
    for (const [name, value] of entries) data.set(value as ArrayLike<number>, this.offsetOf(name as ParamName));
  }

  private shapeOf(name: ParamName): string {
    return { Wxh: 'hiddenDim * inputDim', Whh: 'hiddenDim * hiddenDim', Why: 'outputDim * hiddenDim', bh: 'hiddenDim', by: 'outputDim' }[name];
  }

  /**
   * Forgets the steps run so far: the next step starts from a zero hidden state.
   *
   * @example
   * rnn.resetHistory(); rnn.seqLength; // 0
   */
  resetHistory(): void {
    this.steps = 0;
  }

  /** Steps run since `resetHistory()`. */
  get seqLength(): number {
    return this.steps;
  }

  /** Checks that `count` more steps fit, then makes room for them (doubling, within the limit). */
  private reserve(where: string, count: number): void {
    const total = this.steps + count;
    const { I, H, O, capacity } = this.L;
    if (total <= capacity) return;
    const bytesFor = (steps: number): number => 8 * computeLayout(I, H, O, steps).size;
    if (bytesFor(total) > MAX_BLOCK_BYTES) {
      throw new RangeError(`${where}: ${total} steps need ${bytesFor(total)} bytes, more than the limit of ${MAX_BLOCK_BYTES}; call resetHistory() or use shorter sequences`);
    }
    const doubled = Math.max(total, 2 * capacity);
    this.core.reserve(bytesFor(doubled) <= MAX_BLOCK_BYTES ? doubled : total);
  }

  /** Writes checked input vectors into the inputs buffer from step t0 on. */
  private writeInputs(xs: ArrayLike<ArrayLike<number>>, t0: number): void {
    const { data } = this.core;
    const { xs: base, I } = this.L;
    for (let t = 0; t < xs.length; t++) data.set(xs[t], base + (t0 + t) * I);
  }

  private writeTargets(targets: ArrayLike<number>): void {
    this.core.data.set(targets, this.L.targets);
  }

  /** Runs the checked inputs as the next steps of the history. */
  private run(xs: ArrayLike<ArrayLike<number>>, where: string): number {
    this.reserve(where, xs.length);
    const t0 = this.steps;
    this.writeInputs(xs, t0);
    this.core.forward(t0, t0 + xs.length);
    this.steps = t0 + xs.length;
    return t0;
  }

  private outputAt(t: number): Float64Array {
    const start = this.L.ps + t * this.outputDim;
    return this.core.data.slice(start, start + this.outputDim);
  }

  private predictionAt(t: number): number {
    return argmax(this.core.data, this.L.ps + t * this.outputDim, this.outputDim);
  }

  /**
   * Runs one step from the current hidden state and appends it to the history.
   * Returns the softmax output of this step.
   *
   * @example
   * const y = rnn.forwardOneStep([1, 0, 0]); // Float64Array of outputDim probabilities
   */
  forwardOneStep(x: Vector): Float64Array {
    const where = 'RNN.forwardOneStep';
    checkVector(where, 'x', x, this.inputDim, 'inputDim');
    return this.outputAt(this.run([x], where));
  }

  /**
   * Runs a sequence from the current hidden state, appending it to the history.
   * Returns the softmax output of every step.
   *
   * @example
   * rnn.resetHistory();
   * const ys = rnn.forward(xs); // ys[t] is a Float64Array of outputDim probabilities
   */
  forward(xs: Sequence): Float64Array[] {
    const where = 'RNN.forward';
    checkSequence(where, 'xs', xs, this.inputDim);
    const t0 = this.run(xs, where);
    return Array.from({ length: xs.length }, (_, t) => this.outputAt(t0 + t));
  }

  /**
   * `forwardOneStep`, returning the most probable class (the first one on a tie).
   *
   * @example
   * rnn.predictOneStep([1, 1, 1]); // 0, 1 or 2
   */
  predictOneStep(x: Vector): number {
    const where = 'RNN.predictOneStep';
    checkVector(where, 'x', x, this.inputDim, 'inputDim');
    return this.predictionAt(this.run([x], where));
  }

  /**
   * `forward`, returning the most probable class of every step.
   *
   * @example
   * rnn.resetHistory();
   * rnn.predict(xs); // e.g. [0, 1, 0, 1]
   */
  predict(xs: Sequence): number[] {
    const where = 'RNN.predict';
    checkSequence(where, 'xs', xs, this.inputDim);
    const t0 = this.run(xs, where);
    return Array.from({ length: xs.length }, (_, t) => this.predictionAt(t0 + t));
  }

  /**
   * The cross-entropy of the steps run since `resetHistory()`: sum_t -log y_t[targets[t]],
   * computed from log-probabilities so that it stays finite.
   *
   * @example
   * rnn.resetHistory();
   * rnn.forward(xs);
   * rnn.loss(targets); // e.g. 10.98
   */
  loss(targets: ArrayLike<number>): number {
    checkTargets('RNN.loss', 'targets', targets, this.steps, this.outputDim);
    this.writeTargets(targets);
    return this.core.loss(this.steps);
  }

  /**
   * Gradients of `loss(targets)` by backpropagation through the steps run since
   * `resetHistory()`, which must be exactly `xs` (run them with `forward(xs)` first).
   *
   * @example
   * rnn.resetHistory();
   * rnn.forward(xs);
   * const grads = rnn.backward(xs, targets);
   * rnn.updateRprop(grads, 0.01);
   */
  backward(xs: Sequence, targets: ArrayLike<number>): Gradients {
    const where = 'RNN.backward';
    checkSequence(where, 'xs', xs, this.inputDim);
    if (this.steps === 0) {
      throw new RangeError(`${where}: no steps have run since resetHistory(); call forward(xs) first`);
    }
    if (xs.length !== this.steps) {
      throw new RangeError(`${where}: xs must be the ${this.steps} steps run by forward since resetHistory(), got length ${xs.length}`);
    }
    const { data } = this.core;
    const { xs: base, I } = this.L;
    for (let t = 0; t < xs.length; t++) {
      for (let j = 0; j < I; j++) {
        if (xs[t][j] !== data[base + t * I + j]) {
          throw new RangeError(`${where}: xs[${t}] is not the input forward ran at step ${t}; call forward(xs) with these xs first`);
        }
      }
    }
    checkTargets(where, 'targets', targets, this.steps, this.outputDim);
    this.writeTargets(targets);
    this.core.backward(this.steps);
    const gradient = (name: GradName): Float64Array => {
      const start = this.offsetOf(name);
      return this.core.data.slice(start, start + this.lengthOf(name));
    };
    return { dWxh: gradient('dWxh'), dWhh: gradient('dWhh'), dWhy: gradient('dWhy'), dbh: gradient('dbh'), dby: gradient('dby') };
  }

  /** Checks gradients and a learning rate, copies the gradients in and applies one update. */
  private applyUpdate(where: string, kind: Update, grads: GradientsLike, learningRate: number): void {
    if (typeof grads !== 'object' || grads === null) {
      throw new TypeError(`${where}: grads must be an object with ${GRAD_NAMES.join(', ')}, got ${show(grads)}`);
    }
    for (const name of GRAD_NAMES) {
      const param = name.slice(1) as ParamName;
      checkVector(where, `grads.${name}`, grads[name], this.lengthOf(name), this.shapeOf(param));
    }
    checkRate(where, 'learningRate', learningRate);
    const { data } = this.core;
    for (const name of GRAD_NAMES) data.set(grads[name], this.offsetOf(name));
    // Save params and optimiser state, so that a step that overflows can be undone whole.
    const { Wxh, stateSize, backup } = this.L;
    data.copyWithin(backup, Wxh, Wxh + stateSize);
    if (!this.core[kind](learningRate)) {
      data.copyWithin(Wxh, backup, backup + stateSize);
      throw new RangeError(`${where}: this step would make some weights non-finite (learningRate ${learningRate} too large?); nothing was changed`);
    }
  }

  /**
   * Gradient descent: every parameter p -= learningRate * dp.
   *
   * @example
   * rnn.update(rnn.backward(xs, targets), 0.1);
   */
  update(grads: GradientsLike, learningRate: number): void {
    this.applyUpdate('RNN.update', 'sgd', grads, learningRate);
  }

  /**
   * Standard Rprop (Riedmiller & Braun 1993) with the semantics of torch.optim.Rprop (iRprop-):
   * each weight has its own step size, starting at `learningRate` on the first call; it grows by
   * 1.2 while the gradient keeps its sign and shrinks by 0.5 when the sign flips (and then the
   * weight does not move this time), within [1e-6, 50]. The weight moves by -sign(grad) * step.
   * The step sizes live with the model; later learning rates are ignored until they restart.
   *
   * @example
   * rnn.updateRprop(rnn.backward(xs, targets), 0.01);
   */
  updateRprop(grads: GradientsLike, learningRate: number): void {
    this.applyUpdate('RNN.updateRprop', 'rprop', grads, learningRate);
  }

  /**
   * The notebook's `update_rprop`, kept to reproduce its results; prefer `updateRprop`. It moves
   * each weight by -grad * multiplier * learningRate, where the multiplier (from 1) grows by 1.2
   * when the gradient's sign equals the previous gradient's (which starts at 1), halves
   * otherwise, and stays within [0.01, 100].
   *
   * @example
   * rnn.updateRpropNotebook(rnn.backward(xs, targets), 0.01);
   */
  updateRpropNotebook(grads: GradientsLike, learningRate: number): void {
    this.applyUpdate('RNN.updateRpropNotebook', 'rpropNotebook', grads, learningRate);
  }

  /**
   * The notebook's training loop: every iteration resets the history, runs `xs`, takes the loss,
   * backpropagates and applies `updateRprop` with `learningRate`. Every `printEvery` iterations
   * (none when omitted) it prints the predictions against the targets and the loss. Stops early,
   * with `stopped: 'diverged'`, if the loss or a weight is no longer finite, putting back the
   * weights of the last finite loss.
   *
   * @example
   * const { xs, targets } = periodicDataset([0, 1, 2], 10, 3);
   * const rnn = await RNN.create(3, 50, 3, { seed: 1 });
   * const result = rnn.train(xs, targets, 200, 0.01);
   * result.loss; // small
   */
  train(xs: Sequence, targets: ArrayLike<number>, iterations: number, learningRate: number, printEvery?: number): TrainResult {
    const where = 'RNN.train';
    checkSequence(where, 'xs', xs, this.inputDim);
    if (xs.length === 0) throw new RangeError(`${where}: xs must have at least one step, got length 0`);
    checkTargets(where, 'targets', targets, xs.length, this.outputDim);
    checkInteger(where, 'iterations', iterations, 0);
    checkRate(where, 'learningRate', learningRate);
    if (printEvery !== undefined) checkInteger(where, 'printEvery', printEvery, 1);

    const T = xs.length;
    this.steps = 0;
    this.reserve(where, T);
    this.writeInputs(xs, 0);
    this.writeTargets(targets);
    const { data } = this.core;
    const { Wxh, P, backup } = this.L;
    const losses = new Float64Array(iterations);
    data.copyWithin(backup, Wxh, Wxh + P);
    for (let i = 0; i < iterations; i++) {
      this.steps = 0;
      this.core.forward(0, T);
      this.steps = T;
      const loss = this.core.loss(T);
      if (printEvery !== undefined && i % printEvery === 0) this.print(targets, loss);
      if (!Number.isFinite(loss)) {
        // The weights of the last iteration with a finite loss are in the backup.
        data.copyWithin(Wxh, backup, backup + P);
        return this.result(losses, i, 'diverged');
      }
      losses[i] = loss;
      data.copyWithin(backup, Wxh, Wxh + P);
      this.core.backward(T);
      if (!this.core.rprop(learningRate)) {
        data.copyWithin(Wxh, backup, backup + P);
        return this.result(losses, i + 1, 'diverged');
      }
    }
    return this.result(losses, iterations, 'iterations');
  }

  private result(losses: Float64Array, iterations: number, stopped: TrainResult['stopped']): TrainResult {
    const kept = losses.slice(0, iterations);
    return { iterations, loss: iterations > 0 ? kept[iterations - 1] : NaN, losses: kept, stopped };
  }

  private print(targets: ArrayLike<number>, loss: number): void {
    const predictions = Array.from({ length: this.steps }, (_, t) => this.predictionAt(t));
    console.log(`Predictions: [${predictions.join(', ')}] vs targets: [${Array.from(targets).join(', ')}]`);
    console.log(`Loss: ${loss}`);
  }
}
