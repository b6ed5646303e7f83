// The facade: the notebook's RNN API over a Backend, with every argument checked before anything
// is changed.
import type { Backend, BackendName } from './backend.js';
import { TsBackend } from './backends/ts/index.js';
import { compileCore, WasmBackend, type WasmBuild } from './backends/wasm.js';
import { exp } from './backends/ts/mathf.js';
import { checkInteger, checkOptionKeys, checkRate, checkSequence, checkTargets, checkVector, show } from './errors.js';
import { computeLayout, MAX_BLOCK_BYTES, PARAM_NAMES, paramLengths, type Layout, type ParamName } from './layout.js';
import { checkLoadOptions, decodeModel, encodeModel, loadModel, type ModelFile, type ModelFileOptions } from './model-file.js';
import { applyOptimizer, forgetOptimizerState, plainOptimizer, type OptimizerName } from './optimizers.js';
import { paramsFromSafetensors, paramsToSafetensors } from './pytorch.js';
import { makeRandom, type Seed } from './random.js';
import {
  checkExamples, checkFitOptions, checkTrainOptions, recheckExample, type Example, type FitOptions, type FitPlan, type Schedule,
  type TrainOptions, type TrainResult,
} from './training.js';

export type { BackendName } from './backend.js';
export type { TrainResult } from './training.js';
export type { WasmBuild } from './backends/wasm.js';

/**
 * Options of `new RNN` and `RNN.create`.
 *
 * @example
 * const options: RNNOptions = { seed: 42, backend: 'ts', init: 'notebook' };
 */
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

/**
 * An input vector, of length inputDim.
 *
 * @example
 * const x: Vector = Float64Array.of(1, 0, 0);
 */
export type Vector = ArrayLike<number>;
/**
 * A sequence of T input vectors.
 *
 * @example
 * const xs: Sequence = [[1, 0, 0], [0, 1, 0]];
 */
export type Sequence = ArrayLike<Vector>;

/**
 * The parameters, row-major: Wxh H x I, Whh H x H, Why O x H, bh H, by O.
 *
 * @example
 * const { Whh }: Params = rnn.getParams(); // Whh[i * H + j] is the weight from h_j to h_i
 */
export interface Params {
  Wxh: Float64Array;
  Whh: Float64Array;
  Why: Float64Array;
  bh: Float64Array;
  by: Float64Array;
}

/**
 * Gradients of the summed loss, named and shaped as the parameters with a `d` in front.
 *
 * @example
 * const { dWhy }: Gradients = rnn.backward(xs, targets);
 */
export interface Gradients {
  dWxh: Float64Array;
  dWhh: Float64Array;
  dWhy: Float64Array;
  dbh: Float64Array;
  dby: Float64Array;
}

/**
 * Parameters as any array-likes of numbers, for `setParams`: `Partial<Params>` is one.
 *
 * @example
 * const partial: ParamsLike = { by: [0, 0, 0] };
 */
export type ParamsLike = { [K in keyof Params]?: ArrayLike<number> };
/**
 * Gradients as any array-likes of numbers, for the updates: `Gradients` is one.
 *
 * @example
 * const grads: GradientsLike = { ...rnn.backward(xs, targets), dby: [0, 0, 0] };
 */
export type GradientsLike = { [K in keyof Gradients]: ArrayLike<number> };

const GRAD_NAMES = ['dWxh', 'dWhh', 'dWhy', 'dbh', 'dby'] as const;
type GradName = (typeof GRAD_NAMES)[number];

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
  const { seed, backend = 'wasm', init = 'uniform', wasmBuild } = checkOptionKeys(where, options, ['seed', 'backend', 'init', 'wasmBuild']) as RNNOptions;
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
  /**
   * The length of an input vector, I.
   *
   * @example
   * new RNN(3, 5, 2, { backend: 'ts' }).inputDim; // 3
   */
  readonly inputDim: number;
  /**
   * The number of hidden units, H.
   *
   * @example
   * new RNN(3, 5, 2, { backend: 'ts' }).hiddenDim; // 5
   */
  readonly hiddenDim: number;
  /**
   * The number of classes, O.
   *
   * @example
   * new RNN(3, 5, 2, { backend: 'ts' }).outputDim; // 2
   */
  readonly outputDim: number;
  /**
   * The build of the numeric core this model runs on.
   *
   * @example
   * (await RNN.create(3, 5, 2)).backend; // 'wasm'
   */
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
    this.creation = opts.seed === undefined ? { init: opts.init } : { init: opts.init, seed: opts.seed };

    // Params are contiguous in the order Wxh, Whh, Why, bh, by, each row-major, so every backend
    // draws the same numbers into the same places.
    const { data, layout: L } = this.core;
    const bound = opts.init === 'uniform' ? 1 / Math.sqrt(hiddenDim) : 0;
    const [lo, hi] = opts.init === 'uniform' ? [-bound, bound] : [0, 1];
    for (let i = 0; i < L.P; i++) data[L.Wxh + i] = lo + (hi - lo) * random();
  }

  /** Set while train or fit runs, so that a call from a callback cannot disturb its buffers. */
  private busy: string | null = null;
  /** The creation options a model file keeps. */
  private readonly creation: ModelFileOptions;
  private disposed = false;

  private assertLive(where: string): void {
    if (this.disposed) throw new Error(`${where}: this model was disposed`);
  }

  private assertIdle(where: string): void {
    this.assertLive(where);
    if (this.busy !== null) {
      throw new Error(`${where}: the model is busy in ${this.busy}; call this after it returns (getParams and getHiddenState are allowed)`);
    }
  }

  /**
   * The model file: format and version, sizes, creation options, every parameter and the whole
   * optimiser state, so that training resumed from it continues exactly as if it had not stopped.
   * The history of steps is not kept. `JSON.stringify(rnn)` writes it.
   *
   * @example
   * writeFileSync('model.json', JSON.stringify(rnn));
   */
  toJSON(): ModelFile {
    this.assertLive('RNN.toJSON');
    return encodeModel(this.core.data, this.L, this.creation);
  }

  /**
   * Loads a model file (its text or its parsed object) after checking all of it; a malformed,
   * truncated or hostile file is refused with a TypeError or RangeError. `options.backend` picks
   * the backend (default 'wasm'); the file does not bind it.
   *
   * @example
   * const rnn = await RNN.fromJSON(readFileSync('model.json', 'utf8'), { backend: 'ts' });
   */
  static async fromJSON(json: string | object, options?: { backend?: BackendName }): Promise<RNN> {
    const file = decodeModel('RNN.fromJSON', json, options);
    const rnn = await RNN.create(file.inputDim, file.hiddenDim, file.outputDim, { ...file.options, backend: file.backend });
    loadModel(file, rnn.core.data, rnn.L);
    return rnn;
  }

  /**
   * The parameters as a safetensors file of F64 tensors, named as the state_dict of
   * torch.nn.RNN(I, H) as `rnn` followed by torch.nn.Linear(H, O) as `fc` (bias_hh is zeros).
   *
   * @example
   * writeFileSync('model.safetensors', rnn.toSafetensors());
   */
  toSafetensors(): Uint8Array {
    this.assertLive('RNN.toSafetensors');
    return paramsToSafetensors(this.inputDim, this.hiddenDim, this.outputDim, this.getParams());
  }

  /**
   * A model from a safetensors file named as `toSafetensors` writes (F64 or F32); bh becomes
   * bias_ih + bias_hh. The optimiser state starts fresh.
   *
   * @example
   * const rnn = await RNN.fromSafetensors(readFileSync('model.safetensors'), { backend: 'ts' });
   */
  static async fromSafetensors(bytes: Uint8Array, options?: { backend?: BackendName }): Promise<RNN> {
    const where = 'RNN.fromSafetensors';
    const backend = checkLoadOptions(where, options);
    const { I, H, O, params } = paramsFromSafetensors(where, bytes);
    const rnn = await RNN.create(I, H, O, { backend });
    rnn.setParams(params);
    return rnn;
  }

  private get L(): Layout {
    return this.core.layout;
  }

  private offsetOf(name: ParamName | GradName): number {
    return this.L[name];
  }

  private lengthOf(name: ParamName | GradName): number {
    const { I, H, O } = this.L;
    return paramLengths(I, H, O)[(name.startsWith('d') ? name.slice(1) : name) as ParamName];
  }

  /**
   * Copies of the parameters, row-major.
   *
   * @example
   * const { Wxh } = rnn.getParams(); // Float64Array of hiddenDim * inputDim
   */
  getParams(): Params {
    this.assertLive('RNN.getParams');
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
    this.assertIdle(where);
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
   * Forgets the steps run so far. The next step starts from `hiddenState` (hiddenDim numbers), or
   * from zeros when it is omitted: pass `getHiddenState()` to carry the state of one chunk of a
   * stream into the next (truncated backpropagation through time).
   *
   * @example
   * rnn.resetHistory(); rnn.seqLength; // 0
   * const h = rnn.getHiddenState();
   * rnn.resetHistory(h); // continue from h
   */
  resetHistory(hiddenState?: Vector): void {
    const where = 'RNN.resetHistory';
    this.assertIdle(where);
    if (hiddenState !== undefined) checkVector(where, 'hiddenState', hiddenState, this.hiddenDim, 'hiddenDim');
    this.startFrom(hiddenState);
  }

  /** Empties the history and sets the initial hidden state (hs row 0): zeros when omitted. */
  private startFrom(hiddenState?: ArrayLike<number>): void {
    this.steps = 0;
    const { data } = this.core;
    const { hs, H } = this.L;
    if (hiddenState === undefined) data.fill(0, hs, hs + H);
    else data.set(hiddenState, hs);
  }

  /**
   * A copy of the current hidden state: after the last step run, or the initial state when the
   * history is empty.
   *
   * @example
   * rnn.forward(xs);
   * const h = rnn.getHiddenState(); // Float64Array of hiddenDim
   */
  getHiddenState(): Float64Array {
    this.assertLive('RNN.getHiddenState');
    const start = this.L.hs + this.steps * this.hiddenDim;
    return this.core.data.slice(start, start + this.hiddenDim);
  }

  /**
   * Steps run since `resetHistory()`.
   *
   * @example
   * rnn.resetHistory(); rnn.forward(xs); rnn.seqLength === xs.length; // true
   */
  get seqLength(): number {
    return this.steps;
  }

  /**
   * Releases the model's memory now, instead of when the garbage collector finds the model: a
   * small wasm model's instance (1 MiB of memory or less) goes to a pool of a few that the next
   * new models reuse; a larger one is dropped for the garbage collector. Every later call but
   * `dispose` throws. Not allowed while train or fit runs.
   *
   * @example
   * const rnn = await RNN.create(3, 5, 3);
   * rnn.dispose();
   * rnn.forward([[1, 0, 0]]); // Error: RNN.forward: this model was disposed
   */
  dispose(): void {
    if (this.disposed) return;
    this.assertIdle('RNN.dispose');
    this.disposed = true;
    this.steps = 0;
    this.core.dispose();
  }

  /**
   * Whether `dispose` has been called.
   *
   * @example
   * rnn.dispose(); rnn.isDisposed; // true
   */
  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Checks that a history of `total` steps fits, then makes room for it (doubling, within the limit). */
  private ensureCapacity(where: string, total: number): void {
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
    this.ensureCapacity(where, this.steps + xs.length);
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
    this.assertIdle(where);
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
    this.assertIdle(where);
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
    this.assertIdle(where);
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
    this.assertIdle(where);
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
    const where = 'RNN.loss';
    this.assertIdle(where);
    checkTargets(where, 'targets', targets, this.steps, this.outputDim);
    this.writeTargets(targets);
    return this.core.loss(this.steps);
  }

  /**
   * Gradients of `loss(targets)` by backpropagation through the steps run since
   * `resetHistory()`, which must be exactly `xs` (run them with `forward(xs)` first). A hidden
   * state given to `resetHistory` is a constant here: the gradient stops at it.
   *
   * @example
   * rnn.resetHistory();
   * rnn.forward(xs);
   * const grads = rnn.backward(xs, targets);
   * rnn.updateRprop(grads, 0.01);
   */
  backward(xs: Sequence, targets: ArrayLike<number>): Gradients {
    const where = 'RNN.backward';
    this.assertIdle(where);
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
    this.core.backward(this.steps, false);
    const gradient = (name: GradName): Float64Array => {
      const start = this.offsetOf(name);
      return this.core.data.slice(start, start + this.lengthOf(name));
    };
    return { dWxh: gradient('dWxh'), dWhh: gradient('dWhh'), dWhy: gradient('dWhy'), dbh: gradient('dbh'), dby: gradient('dby') };
  }

  /** Checks gradients and a learning rate, copies the gradients in and applies one update. */
  private applyUpdate(where: string, optimizer: OptimizerName, grads: GradientsLike, learningRate: number): void {
    this.assertIdle(where);
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
    data[this.L.stepLoss] = NaN;
    if (!applyOptimizer(this.core, plainOptimizer(optimizer, learningRate))) {
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
   * The step sizes live with the model; later learning rates are ignored until they restart
   * (when another stateful optimiser has been used in between).
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
    this.applyUpdate('RNN.updateRpropNotebook', 'rprop-notebook', grads, learningRate);
  }

  /**
   * Trains on one sequence. Every iteration resets the history (to a zero hidden state), runs
   * `xs`, takes the loss, backpropagates and updates once.
   *
   * The notebook's form, `train(xs, targets, iterations, learningRate, printEvery?)`, uses
   * `updateRprop` and prints the predictions against the targets and the loss every `printEvery`
   * iterations (never when omitted). The options form chooses the optimiser and when to stop; see
   * TrainOptions and the README.
   *
   * Training stops early when the loss reaches `targetLoss`, when `onProgress` returns false or
   * when `signal` is aborted: the model then keeps the weights whose loss is `result.loss`. If the
   * loss or a weight stops being finite it stops with `stopped: 'diverged'` and puts back the
   * weights of the last finite loss. Otherwise the model has the weights after the last update.
   *
   * @example
   * const { xs, targets } = periodicDataset([0, 1, 2], 10, 3);
   * const rnn = await RNN.create(3, 50, 3, { seed: 1 });
   * rnn.train(xs, targets, 200, 0.01).loss; // small
   * rnn.train(xs, targets, { iterations: 500, optimizer: 'adam', learningRate: 0.01, targetLoss: 1e-3 });
   */
  train(xs: Sequence, targets: ArrayLike<number>, iterations: number, learningRate: number, printEvery?: number): TrainResult;
  train(xs: Sequence, targets: ArrayLike<number>, options: TrainOptions): TrainResult;
  train(xs: Sequence, targets: ArrayLike<number>, iterationsOrOptions: number | TrainOptions, learningRate?: number, printEvery?: number): TrainResult {
    return runToEnd(this.trainRun('RNN.train', xs, targets, iterationsOrOptions, learningRate, printEvery));
  }

  /**
   * `train`, yielding to the event loop every few milliseconds so that a page or a server stays
   * responsive. Other calls on the model (but getParams and getHiddenState) throw until it settles.
   *
   * @example
   * const result = await rnn.trainAsync(xs, targets, { iterations: 5000, onProgress: ({ loss }) => console.log(loss) });
   */
  trainAsync(xs: Sequence, targets: ArrayLike<number>, iterations: number, learningRate: number, printEvery?: number): Promise<TrainResult>;
  trainAsync(xs: Sequence, targets: ArrayLike<number>, options: TrainOptions): Promise<TrainResult>;
  trainAsync(xs: Sequence, targets: ArrayLike<number>, iterationsOrOptions: number | TrainOptions, learningRate?: number, printEvery?: number): Promise<TrainResult> {
    try {
      return runInSlices(this.trainRun('RNN.trainAsync', xs, targets, iterationsOrOptions, learningRate, printEvery));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Checks train's arguments at once, then returns the training, to run. */
  private trainRun(
    where: string, xs: Sequence, targets: ArrayLike<number>, iterationsOrOptions: number | TrainOptions,
    learningRate?: number, printEvery?: number,
  ): Run {
    this.assertIdle(where);
    checkSequence(where, 'xs', xs, this.inputDim);
    if (xs.length === 0) throw new RangeError(`${where}: xs must have at least one step, got length 0`);
    checkTargets(where, 'targets', targets, xs.length, this.outputDim);
    let plan: Schedule & { iterations: number };
    if (typeof iterationsOrOptions === 'object' && iterationsOrOptions !== null) {
      if (learningRate !== undefined || printEvery !== undefined) {
        throw new TypeError(`${where}: with an options object, pass learningRate and printEvery inside it`);
      }
      plan = checkTrainOptions(where, iterationsOrOptions);
    } else {
      const iterations = checkInteger(where, 'iterations', iterationsOrOptions, 0);
      checkRate(where, 'learningRate', learningRate);
      if (printEvery !== undefined) checkInteger(where, 'printEvery', printEvery, 1);
      plan = { iterations, optimizer: plainOptimizer('rprop', learningRate as number), printEvery };
    }
    this.ensureCapacity(where, xs.length);
    return this.trainLoop(where, xs, targets, plan);
  }

  /** Marks the model busy until the run it returns has finished (or thrown). */
  private startRun(where: string, step: (deadline: number) => TrainResult | null): Run {
    this.busy = where;
    return {
      step: (deadline) => {
        try {
          const done = step(deadline);
          if (done !== null) this.busy = null;
          return done;
        } catch (error) {
          this.busy = null;
          throw error;
        }
      },
    };
  }

  private trainLoop(where: string, xs: Sequence, targets: ArrayLike<number>, plan: Schedule & { iterations: number }): Run {
    this.startFrom();
    this.writeInputs(xs, 0);
    this.writeTargets(targets);
    const { data } = this.core;
    const { Wxh, P, backup } = this.L;
    data.copyWithin(backup, Wxh, Wxh + P);
    const state: TrainState = {
      T: xs.length, targets, plan, i: 0, losses: new Float64Array(plan.iterations),
      // Only call progress when there is something to tell or check: passing the loss to a call
      // that is not inlined boxes it, an allocation per iteration.
      checksProgress: plan.onProgress !== undefined || plan.targetLoss !== undefined || plan.signal !== undefined,
    };
    return this.startRun(where, (deadline) => this.trainIterations(state, deadline));
  }

  /** Runs iterations of train until it ends or performance.now() passes the deadline. */
  private trainIterations(state: TrainState, deadline: number): TrainResult | null {
    const { T, targets, plan, losses, checksProgress } = state;
    const { data } = this.core;
    const { Wxh, P, backup, stepLoss } = this.L;
    const { iterations } = plan;
    let i = state.i;
    while (i < iterations) {
      if (plan.signal?.aborted) return result(losses, i, 'aborted');
      this.steps = 0;
      this.core.forward(0, T);
      this.steps = T;
      const loss = this.core.loss(T);
      if (!Number.isFinite(loss)) {
        return this.diverged(losses, i); // the weights of the last finite loss are in the backup
      }
      losses[i] = loss;
      if (plan.printEvery !== undefined && i % plan.printEvery === 0) this.print(targets, loss);
      if (checksProgress) {
        const stop = this.progress(plan, i, loss);
        if (stop !== null) return result(losses, i + 1, stop);
      }
      data.copyWithin(backup, Wxh, Wxh + P);
      this.core.backward(T, false);
      data[stepLoss] = loss;
      if (!applyOptimizer(this.core, plan.optimizer)) {
        return this.diverged(losses, i + 1);
      }
      i++;
      if (deadline !== Infinity && performance.now() >= deadline) {
        state.i = i;
        return null;
      }
    }
    return result(losses, iterations, 'iterations');
  }

  /**
   * Ends training that diverged: puts back the weights saved before the last update (those of the
   * last finite loss) and empties the optimiser state, which the failed step left belonging to no
   * weights the model keeps, so that the next update starts the optimiser afresh.
   */
  private diverged(losses: Float64Array, iterations: number): TrainResult {
    const { data } = this.core;
    const { Wxh, P, backup } = this.L;
    data.copyWithin(Wxh, backup, backup + P);
    forgetOptimizerState(this.core);
    return result(losses, iterations, 'diverged');
  }

  /** Tells onProgress, then says whether to stop here (before this iteration's update). */
  private progress(plan: Schedule, iteration: number, loss: number): TrainResult['stopped'] | null {
    if (plan.onProgress !== undefined && plan.onProgress({ iteration, loss }) === false) return 'callback';
    if (plan.targetLoss !== undefined && loss <= plan.targetLoss) return 'targetLoss';
    if (plan.signal?.aborted) return 'aborted';
    return null;
  }

  /**
   * Trains on many sequences, of any lengths, for `epochs` passes. Each batch of `batchSize`
   * sequences gives one update with the mean of their gradients. Every sequence starts from a
   * zero hidden state, unless `carryState` carries it over from the previous sequence (chunks of
   * one stream, in order). `losses` has one entry per epoch: the mean loss of its sequences, each
   * taken before the update of its batch. `targetLoss` and `onProgress` are checked after each
   * epoch, `signal` before each batch. iRprop+ compares the loss of each batch with the previous
   * batch's: with batches of different sequences that is noisy, so it is best used with one batch
   * of all the data. The data must not change while fit runs (from a callback, or between the
   * slices of fitAsync): a changed sequence is refused when fit reaches it, with the error a bad
   * one would have got.
   *
   * @example
   * const text = textDataset('hello world, hello wasm', 8);
   * const rnn = await RNN.create(text.vocab.length, 32, text.vocab.length, { seed: 1 });
   * rnn.fit(text.sequences, { epochs: 100, optimizer: 'adam', learningRate: 0.01, carryState: true });
   */
  fit(data: ArrayLike<Example>, options: FitOptions): TrainResult {
    return runToEnd(this.fitRun('RNN.fit', data, options));
  }

  /**
   * `fit`, yielding to the event loop every few milliseconds. Other calls on the model (but
   * getParams and getHiddenState) throw until it settles.
   *
   * @example
   * const text = textDataset('hello world, hello wasm', 8);
   * const rnn = await RNN.create(text.vocab.length, 32, text.vocab.length, { seed: 1 });
   * const controller = new AbortController(); // controller.abort() stops it before the next batch
   * const result = await rnn.fitAsync(text.sequences, { epochs: 100, signal: controller.signal });
   */
  fitAsync(data: ArrayLike<Example>, options: FitOptions): Promise<TrainResult> {
    try {
      return runInSlices(this.fitRun('RNN.fitAsync', data, options));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private fitRun(where: string, data: ArrayLike<Example>, options: FitOptions): Run {
    this.assertIdle(where);
    const lengths = checkExamples(where, data, this.inputDim, this.outputDim);
    const longest = lengths.reduce((a, b) => Math.max(a, b), 0);
    const plan = checkFitOptions(where, options);
    const random = plan.shuffle ? makeRandom(where, plan.seed) : null;
    this.ensureCapacity(where, longest);
    return this.fitLoop(where, data, lengths, plan, random);
  }

  private fitLoop(where: string, examples: ArrayLike<Example>, lengths: number[], plan: FitPlan, random: (() => number) | null): Run {
    const { data } = this.core;
    const { Wxh, P, backup, hs, H, stepLoss } = this.L;
    const n = examples.length;
    const order = Array.from({ length: n }, (_, k) => k);
    const losses = new Float64Array(plan.epochs);
    data.copyWithin(backup, Wxh, Wxh + P);
    let epoch = 0, start = 0, sum = 0;
    return this.startRun(where, (deadline) => {
      while (epoch < plan.epochs) {
        if (start === 0) {
          if (random !== null) shuffle(order, random);
          this.startFrom();
          sum = 0;
        }
        while (start < n) {
          if (plan.signal?.aborted) return result(losses, epoch, 'aborted');
          const end = Math.min(start + plan.batchSize, n);
          let batchLoss = 0;
          for (let k = start; k < end; k++) {
            const { xs, targets } = recheckExample(where, order[k], examples[order[k]], lengths[order[k]], this.inputDim, this.outputDim);
            const T = xs.length;
            if (plan.carryState && this.steps > 0) data.copyWithin(hs, hs + this.steps * H, hs + (this.steps + 1) * H);
            else data.fill(0, hs, hs + H);
            this.steps = 0;
            this.writeInputs(xs, 0);
            this.writeTargets(targets);
            this.core.forward(0, T);
            this.steps = T;
            const loss = this.core.loss(T);
            if (!Number.isFinite(loss)) {
              return this.diverged(losses, epoch);
            }
            batchLoss += loss;
            this.core.backward(T, k > start);
          }
          sum += batchLoss;
          data.copyWithin(backup, Wxh, Wxh + P);
          if (end - start > 1) this.core.scaleGrads(1 / (end - start));
          data[stepLoss] = batchLoss / (end - start);
          if (!applyOptimizer(this.core, plan.optimizer)) {
            return this.diverged(losses, epoch);
          }
          start = end;
          if (deadline !== Infinity && performance.now() >= deadline) return null;
        }
        const loss = sum / n;
        losses[epoch] = loss;
        if (plan.printEvery !== undefined && epoch % plan.printEvery === 0) console.log(`Epoch ${epoch}: loss ${loss}`);
        const stop = this.progress(plan, epoch, loss);
        if (stop !== null) return result(losses, epoch + 1, stop);
        epoch++;
        start = 0;
      }
      return result(losses, plan.epochs, 'iterations');
    });
  }

  /**
   * Generates `length` classes, feeding each one back as a one-hot input (so inputDim must equal
   * outputDim), from a zero hidden state or `options.hiddenState`, first feeding `start`. Each
   * class is drawn from softmax(logits / temperature) (default 1: the model's own probabilities;
   * lower is greedier) with seedrandom(`options.seed`). The history then holds the steps run.
   *
   * @example
   * const ids = rnn.sample(text.encode('h')[0], 20, { temperature: 0.8, seed: 1 });
   * text.decode(ids);
   */
  sample(start: number, length: number, options: { temperature?: number; seed?: Seed; hiddenState?: Vector } = {}): number[] {
    const where = 'RNN.sample';
    this.assertIdle(where);
    const { inputDim: I, outputDim: O } = this;
    if (I !== O) throw new RangeError(`${where}: feeding samples back needs inputDim = outputDim, got ${I} and ${O}`);
    checkInteger(where, 'start', start, 0, O - 1);
    checkInteger(where, 'length', length, 0);
    checkOptionKeys(where, options, ['temperature', 'seed', 'hiddenState']);
    const temperature = options.temperature === undefined ? 1 : checkRate(where, 'options.temperature', options.temperature);
    if (temperature === 0) throw new RangeError(`${where}: options.temperature must be positive, got 0`);
    if (options.hiddenState !== undefined) checkVector(where, 'options.hiddenState', options.hiddenState, this.hiddenDim, 'hiddenDim');
    const random = makeRandom(where, options.seed);
    this.ensureCapacity(where, length);
    this.startFrom(options.hiddenState);
    const x = new Float64Array(I);
    const weights = new Float64Array(O);
    const out: number[] = [];
    let current = start;
    for (let t = 0; t < length; t++) {
      x.fill(0);
      x[current] = 1;
      this.writeInputs([x], t);
      this.core.forward(t, t + 1);
      this.steps = t + 1;
      const { data } = this.core;
      const logp = this.L.logps + t * O;
      let max = -Infinity;
      for (let i = 0; i < O; i++) max = Math.max(max, data[logp + i] / temperature);
      let total = 0;
      for (let i = 0; i < O; i++) total += weights[i] = exp(data[logp + i] / temperature - max);
      let u = random() * total;
      current = O - 1;
      for (let i = 0; i < O; i++) {
        u -= weights[i];
        if (u < 0) {
          current = i;
          break;
        }
      }
      out.push(current);
    }
    return out;
  }

  private print(targets: ArrayLike<number>, loss: number): void {
    const predictions = Array.from({ length: this.steps }, (_, t) => this.predictionAt(t));
    console.log(`Predictions: [${predictions.join(', ')}] vs targets: [${Array.from(targets).join(', ')}]`);
    console.log(`Loss: ${loss}`);
  }
}

function result(losses: Float64Array, iterations: number, stopped: TrainResult['stopped']): TrainResult {
  const kept = losses.slice(0, iterations);
  return { iterations, loss: iterations > 0 ? kept[iterations - 1] : NaN, losses: kept, stopped };
}

/** Fisher-Yates, in place. */
function shuffle(order: number[], random: () => number): void {
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
}

/** Where a run of train is. */
interface TrainState {
  T: number;
  targets: ArrayLike<number>;
  plan: Schedule & { iterations: number };
  i: number;
  losses: Float64Array;
  checksProgress: boolean;
}

/**
 * Training in progress: `step` runs it until it ends (returning its result) or until
 * performance.now() passes `deadline` (returning null, to be called again).
 */
interface Run {
  step(deadline: number): TrainResult | null;
}

function runToEnd(run: Run): TrainResult {
  return run.step(Infinity) as TrainResult;
}

/** How long training runs before it yields to the event loop. */
const SLICE_MS = 10;

async function runInSlices(run: Run): Promise<TrainResult> {
  for (;;) {
    const done = run.step(performance.now() + SLICE_MS);
    if (done !== null) return done;
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}
