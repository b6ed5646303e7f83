// The facade: the notebook's RNN API, and its extensions, over a Model. Each method checks its
// arguments (reading each input once into a copy), then makes one call; nothing changes before
// every check has passed.
import type { BackendName } from './backend.js';
import { compileCore, type WasmBuild } from './backends/wasm.js';
import { checkInteger, checkOptionKeys, checkRate, show } from './errors.js';
import { readExamples, readSequence, readStep, readTargets, readVector, someExamples, type Examples } from './inputs.js';
import { register, registerRun } from './internal.js';
import { exp } from './backends/ts/mathf.js';
import { Model } from './model.js';
import { Scaler } from './series.js';
import { headPart } from './parts.js';
import { checkLoadOptions, decodeModel, encodeModel, loadModel, type ModelFile, type ModelFileOptions } from './model-file.js';
import { plainOptimizer, type OptimizerName } from './optimizers.js';
import { checkBlockSize, MIN_CAPACITY, type PlacedTensor } from './plan.js';
import { checkONNXOptions, modelToONNX, type ONNXOptions } from './onnx.js';
import { checkNames, modelFromSafetensors, modelToSafetensors, type TorchNames } from './pytorch.js';
import { makeRandom, type Seed } from './random.js';
import {
  hasNotebookTensors, resolveSpec, SPEC_OPTION_KEYS, type CellName, type InputKind, type ModelSpec, type OutputAt, type OutputKind,
} from './spec.js';
import { NOTEBOOK_NAMES } from './tensors.js';
import { checkFitOptions, checkTrainOptions, type Example, type FitOptions, type Progress, type Schedule, type TrainOptions, type TrainResult } from './training-options.js';
import { fitRun, runInSlices, runToEnd, trainRun, type Run } from './training.js';
import { canShareMemory, GradientWorkers, runInWorker, shapeOf, type RunHooks } from './workers/pool.js';
import type { Gradients, GradientsLike, Ids, Params, ParamsLike, RNNOptions, Sequence, Targets, Vector } from './types.js';

export type { BackendName } from './backend.js';
export type { TrainResult } from './training-options.js';
export type { WasmBuild } from './backends/wasm.js';
export type { Gradients, GradientsLike, Ids, Params, ParamsLike, RNNOptions, Sequence, Targets, Vector } from './types.js';

const PARAM_NAMES = ['Wxh', 'Whh', 'Why', 'bh', 'by'] as const;
type ParamName = (typeof PARAM_NAMES)[number];
const GRAD_NAMES = ['dWxh', 'dWhh', 'dWhy', 'dbh', 'dby'] as const;
const SHAPES: Record<ParamName, string> = {
  Wxh: 'hiddenDim * inputDim', Whh: 'hiddenDim * hiddenDim', Why: 'outputDim * hiddenDim', bh: 'hiddenDim', by: 'outputDim',
};

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

interface CheckedOptions {
  backend: BackendName;
  init: 'uniform' | 'notebook';
  seed?: Seed;
  wasmBuild?: WasmBuild;
}

const OPTION_KEYS = ['seed', 'backend', 'init', 'wasmBuild', ...SPEC_OPTION_KEYS];

function checkOptions(where: string, options: unknown): CheckedOptions {
  const { seed, backend = 'wasm', init = 'uniform', wasmBuild } = checkOptionKeys(where, options, OPTION_KEYS) as RNNOptions;
  if (backend !== 'wasm' && backend !== 'ts') {
    throw new TypeError(`${where}: options.backend must be 'wasm' or 'ts', got ${show(backend)}`);
  }
  if (init !== 'uniform' && init !== 'notebook') {
    throw new TypeError(`${where}: options.init must be 'uniform' or 'notebook', got ${show(init)}`);
  }
  if (wasmBuild !== undefined) checkWasmBuild(where, 'options.wasmBuild', wasmBuild);
  return { seed, backend, init, wasmBuild };
}

/** The sizes and options of a new model, checked, as its spec. */
function checkSpec(where: string, I: unknown, H: unknown, O: unknown, options: unknown): ModelSpec {
  const inputDim = checkInteger(where, 'inputDim', I, 1);
  const hiddenDim = checkInteger(where, 'hiddenDim', H, 1);
  const outputDim = checkInteger(where, 'outputDim', O, 1);
  const spec = resolveSpec(where, inputDim, hiddenDim, outputDim, (options ?? {}) as RNNOptions);
  checkBlockSize(where, spec, MIN_CAPACITY);
  return spec;
}

/** The options of toSafetensors and fromSafetensors: an object (or undefined) of known keys. */
function safetensorsOptions(where: string, options: unknown, keys: readonly string[]): Record<string, unknown> {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`${where}: options must be an object, got ${show(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!keys.includes(key)) throw new TypeError(`${where}: unknown option '${key}' (known: ${keys.join(', ')})`);
  }
  return options as Record<string, unknown>;
}

/**
 * What fitInWorker and trainInWorker take beside the options of fitAsync and trainAsync.
 *
 * @example
 * const view = await RNN.create(V, 32, V, { seed: 1 }); // shows predictions while `rnn` trains
 * await rnn.fitInWorker(data, { epochs: 100, onWeights: (tensors) => view.setTensors(tensors) });
 */
export interface InWorker {
  /**
   * Called on this thread with a copy of the worker's weights (keyed as getTensors keys them)
   * after an iteration (epoch), at most every 100 ms: for live predictions from another model
   * while this one trains.
   */
  onWeights?: (tensors: Record<string, Float64Array>, progress: Progress) => void;
}

function checkWeightsHook(where: string, hook: unknown): void {
  if (hook !== undefined && typeof hook !== 'function') throw new TypeError(`${where}: options.onWeights must be a function, got ${show(hook)}`);
}

/** The options without onWeights, for the checks of fit's options. */
function withoutWeightsHook<T extends object>(options: T): T {
  if (typeof options !== 'object' || options === null || !('onWeights' in options)) return options;
  const { onWeights: _, ...rest } = options as T & InWorker;
  return rest as T;
}

/**
 * A recurrent network: stacked recurrent layers (by default one tanh Elman layer) and an output
 * layer (by default a softmax at every step):
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
   * The length of an input vector, I (for index inputs, the number of ids).
   *
   * @example
   * new RNN(3, 5, 2, { backend: 'ts' }).inputDim; // 3
   */
  readonly inputDim: number;
  /**
   * The number of hidden units of each layer, H.
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
  /**
   * The recurrent cell.
   *
   * @example
   * new RNN(3, 5, 2, { backend: 'ts' }).cell; // 'rnn'
   */
  readonly cell: CellName;
  /**
   * The number of stacked recurrent layers.
   *
   * @example
   * new RNN(3, 5, 2, { backend: 'ts', layers: 2 }).layers; // 2
   */
  readonly layers: number;
  /**
   * What a step's input is: 'dense' vectors or 'index' class ids.
   *
   * @example
   * new RNN(30, 5, 30, { backend: 'ts', input: 'index' }).input; // 'index'
   */
  readonly input: InputKind;
  /**
   * The output layer.
   *
   * @example
   * new RNN(3, 5, 2, { backend: 'ts' }).output; // 'softmax'
   */
  readonly output: OutputKind;
  /**
   * Where the targets are.
   *
   * @example
   * new RNN(3, 5, 2, { backend: 'ts' }).outputAt; // 'every'
   */
  readonly outputAt: OutputAt;
  readonly #model: Model;
  readonly #spec: ModelSpec;
  /** The creation options a model file keeps. */
  readonly #creation: ModelFileOptions;
  /** Set while train or fit runs, so that a call from a callback cannot disturb its buffers. */
  #busy: string | null = null;
  /** While a run in workers goes on: ends it (dispose calls it). */
  #cancel: ((error: Error) => void) | null = null;
  #disposed = false;
  /** The scaler of a forecasting model: forecast reads and writes original units through it. */
  #scaler: Scaler | null = null;

  /**
   * Creates a model, compiling the wasm core first if needed.
   *
   * @example
   * const rnn = await RNN.create(3, 5, 3, { seed: 'abc', backend: 'ts' });
   * const stacked = await RNN.create(3, 16, 3, { layers: 2 });
   */
  static async create(inputDim: number, hiddenDim: number, outputDim: number, options?: RNNOptions): Promise<RNN> {
    const opts = checkOptions('RNN', options);
    checkSpec('RNN', inputDim, hiddenDim, outputDim, options);
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
    const opts = checkOptions(where, options);
    const spec = checkSpec(where, inputDim, hiddenDim, outputDim, options);
    const random = makeRandom(where, opts.seed);
    const model = new Model(spec, opts.backend, opts.wasmBuild);
    const bound = 1 / Math.sqrt(hiddenDim);
    if (opts.init === 'uniform') model.initialise(random, -bound, bound);
    else model.initialise(random, 0, 1);
    this.#model = model;
    this.#spec = spec;
    this.inputDim = inputDim;
    this.hiddenDim = hiddenDim;
    this.outputDim = outputDim;
    this.backend = opts.backend;
    this.cell = spec.cell;
    this.layers = spec.layers;
    this.input = spec.input;
    this.output = spec.output;
    this.outputAt = spec.outputAt;
    this.#creation = opts.seed === undefined ? { init: opts.init } : { init: opts.init, seed: opts.seed };
    register(this, model);
  }

  #assertLive(where: string): void {
    if (this.#disposed) throw new Error(`${where}: this model was disposed`);
  }

  #assertIdle(where: string): void {
    this.#assertLive(where);
    if (this.#busy !== null) {
      throw new Error(`${where}: the model is busy in ${this.#busy}; call this after it returns (getParams, getTensors and getHiddenState are allowed)`);
    }
  }

  /**
   * The model file: format and version, the model's shape, creation options, every parameter and
   * the whole optimiser state, so that training resumed from it continues exactly as if it had not
   * stopped. The history of steps is not kept. `JSON.stringify(rnn)` writes it.
   *
   * @example
   * writeFileSync('model.json', JSON.stringify(rnn));
   */
  toJSON(): ModelFile {
    this.#assertLive('RNN.toJSON');
    const file = encodeModel(this.#model, this.#creation);
    if (this.#scaler !== null && file.version === 2) file.scaler = this.#scaler.toJSON();
    return file;
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
    const { inputSize, hiddenSize, outputSize, ...shape } = file.spec;
    const rnn = await RNN.create(inputSize, hiddenSize, outputSize, { ...shape, ...file.options, backend: file.backend });
    loadModel(file, rnn.#model);
    if (file.scaler !== undefined) rnn.#scaler = new Scaler(file.scaler.mean, file.scaler.std);
    return rnn;
  }

  /**
   * The parameters as a safetensors file of F64 tensors, named as the state_dict of
   * torch.nn.RNN, LSTM or GRU (I, H, num_layers, as the cell) as `rnn` followed by torch.nn.Linear(H, O) as `fc` (an Elman
   * layer's bias_hh is zeros: the model has one hidden bias, bias_ih). The file's metadata
   * records the model's shape. `options.names` names the modules otherwise, for a torch module
   * whose attributes are not `rnn` and `fc`: `{ names: { rnn: 'lstm', fc: 'out' } }` writes
   * `lstm.weight_ih_l0`, ..., `out.weight`, `out.bias`.
   *
   * @example
   * writeFileSync('model.safetensors', rnn.toSafetensors());
   * writeFileSync('lstm.safetensors', rnn.toSafetensors({ names: { rnn: 'lstm', fc: 'out' } }));
   */
  toSafetensors(options?: { names?: TorchNames }): Uint8Array {
    const where = 'RNN.toSafetensors';
    this.#assertLive(where);
    return modelToSafetensors(this.#model, checkNames(where, safetensorsOptions(where, options, ['names']).names));
  }

  /**
   * The model as an ONNX model (opset 14), to run in ONNX Runtime or any ONNX engine: the
   * recurrent layers as ONNX's RNN, LSTM or GRU operators, stacked in order, and the output layer
   * as MatMul and Add, with a Softmax for a softmax output. The graph's input `x` is [T, N, I]
   * (T steps of N sequences; an index model takes int64 ids [T, N]); its output `y` is [T, N, O],
   * or [N, O] with outputAt 'last'. Every sequence starts from a zero state. Tensors are float32
   * (ONNX Runtime's recurrent kernels take no other type).
   *
   * @example
   * writeFileSync('model.onnx', rnn.toONNX());
   */
  toONNX(options?: ONNXOptions): Uint8Array {
    const where = 'RNN.toONNX';
    this.#assertLive(where);
    const dtype = checkONNXOptions(where, this.#spec, options);
    return modelToONNX(this.#spec, this.getTensors(), dtype);
  }

  /**
   * A model from a safetensors file named as `toSafetensors` writes (F64 or F32); an Elman
   * layer's bias becomes bias_ih + bias_hh. The optimiser state starts fresh. `options.names`
   * reads modules named otherwise than `rnn` and `fc` (see toSafetensors). A file is refused, with
   * a message that says what rnn-wasm expected, when it is of a bidirectional model, one with
   * bias=False, or one whose metadata says nonlinearity 'relu' or batch_first True.
   *
   * @example
   * const rnn = await RNN.fromSafetensors(readFileSync('model.safetensors'), { backend: 'ts' });
   * const net = await RNN.fromSafetensors(readFileSync('net.safetensors'), { names: { rnn: 'lstm', fc: 'out' } });
   */
  static async fromSafetensors(bytes: Uint8Array, options?: { backend?: BackendName; names?: TorchNames }): Promise<RNN> {
    const where = 'RNN.fromSafetensors';
    const { names, ...load } = safetensorsOptions(where, options, ['backend', 'names']);
    const backend = checkLoadOptions(where, options === undefined ? undefined : load);
    const { spec, tensors } = modelFromSafetensors(where, bytes, checkNames(where, names));
    const { inputSize, hiddenSize, outputSize, ...shape } = spec;
    const rnn = await RNN.create(inputSize, hiddenSize, outputSize, { ...shape, backend });
    for (const [name, values] of tensors) rnn.#model.write(rnn.#model.tensor(name) as PlacedTensor, values);
    return rnn;
  }

  /** The tensor behind a notebook name; a TypeError for a model without the notebook's five tensors. */
  #notebookTensor(where: string, name: ParamName): PlacedTensor {
    if (!hasNotebookTensors(this.#spec)) {
      throw new TypeError(`${where}: this model (${this.#describe()}) does not have the notebook's five parameters; use getTensors and setTensors`);
    }
    return this.#model.tensor(NOTEBOOK_NAMES[name]) as PlacedTensor;
  }

  #describe(): string {
    const { cell, layers, output, outputAt } = this.#spec;
    return `cell '${cell}', ${layers} layer${layers > 1 ? 's' : ''}, output '${output}' at '${outputAt}'`;
  }

  /**
   * Copies of the parameters, row-major (for a model with the notebook's five: one Elman layer
   * and a softmax at every step; any model has getTensors).
   *
   * @example
   * const { Wxh } = rnn.getParams(); // Float64Array of hiddenDim * inputDim
   */
  getParams(): Params {
    const where = 'RNN.getParams';
    this.#assertLive(where);
    const read = (name: ParamName): Float64Array => this.#model.read(this.#notebookTensor(where, name));
    return { Wxh: read('Wxh'), Whh: read('Whh'), Why: read('Why'), bh: read('bh'), by: read('by') };
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
    this.#assertIdle(where);
    if (typeof params !== 'object' || params === null) {
      throw new TypeError(`${where}: params must be an object, got ${show(params)}`);
    }
    const copies: [PlacedTensor, Float64Array][] = [];
    for (const [name, value] of Object.entries(params)) {
      if (!(PARAM_NAMES as readonly string[]).includes(name)) {
        throw new TypeError(`${where}: unknown parameter '${name}' (known: ${PARAM_NAMES.join(', ')})`);
      }
      const tensor = this.#notebookTensor(where, name as ParamName);
      copies.push([tensor, readVector(where, name, value, tensor.length, SHAPES[name as ParamName])]);
    }
    for (const [tensor, values] of copies) this.#model.write(tensor, values);
  }

  /**
   * Copies of every tensor, keyed by the names of torch's state_dict (`rnn.weight_ih_l0`, ...,
   * `fc.weight`, `fc.bias`), each row-major in torch's shape. An Elman layer has one hidden bias,
   * `rnn.bias_ih_l{k}`.
   *
   * @example
   * const tensors = rnn.getTensors();
   * tensors['rnn.weight_hh_l0']; // Float64Array of hiddenDim * hiddenDim
   */
  getTensors(): Record<string, Float64Array> {
    this.#assertLive('RNN.getTensors');
    return Object.fromEntries(this.#model.plan.tensors.map((t) => [t.name, this.#model.read(t)]));
  }

  /**
   * Copies in any of the tensors, by torch's names, after checking all of them (names, lengths,
   * finite values). The optimiser state is kept.
   *
   * @example
   * rnn.setTensors({ 'fc.bias': [0, 0, 0] });
   */
  setTensors(tensors: Record<string, ArrayLike<number>>): void {
    const where = 'RNN.setTensors';
    this.#assertIdle(where);
    if (typeof tensors !== 'object' || tensors === null) {
      throw new TypeError(`${where}: tensors must be an object, got ${show(tensors)}`);
    }
    const copies: [PlacedTensor, Float64Array][] = [];
    for (const [name, value] of Object.entries(tensors)) {
      const tensor = this.#model.tensor(name);
      if (tensor === undefined) {
        throw new TypeError(`${where}: unknown tensor '${name}' (known: ${this.#model.plan.tensors.map((t) => t.name).join(', ')})`);
      }
      copies.push([tensor, readVector(where, name, value, tensor.length, `[${tensor.shape.join(', ')}]`)]);
    }
    for (const [tensor, values] of copies) this.#model.write(tensor, values);
  }

  /**
   * Forgets the steps run so far. The next step starts from `hiddenState`, or from zeros when it
   * is omitted: pass `getHiddenState()` to carry the state of one chunk of a stream into the next
   * (truncated backpropagation through time). The state is every layer's h, layer 0 first
   * (layers * hiddenDim numbers), as torch's h_n; an LSTM's is h_n then c_n, every layer's h and
   * then every layer's c (2 * layers * hiddenDim numbers).
   *
   * @example
   * rnn.resetHistory(); rnn.seqLength; // 0
   * const h = rnn.getHiddenState();
   * rnn.resetHistory(h); // continue from h
   */
  resetHistory(hiddenState?: Vector): void {
    const where = 'RNN.resetHistory';
    this.#assertIdle(where);
    const state = hiddenState === undefined ? undefined : this.#readState(where, 'hiddenState', hiddenState);
    this.#model.startFrom(state);
  }

  #readState(where: string, name: string, value: unknown): Float64Array {
    const n = this.#model.stateLength;
    const size = `${this.#model.plan.stateRegions.length / this.layers > 1 ? '2 * ' : ''}${this.layers > 1 ? 'layers * ' : ''}hiddenDim`;
    return readVector(where, name, value, n, size);
  }

  /**
   * A copy of the current hidden state: after the last step run, or the initial state when the
   * history is empty; every layer's h, layer 0 first (layers * hiddenDim numbers), and for an
   * LSTM then every layer's c (torch's h_n and c_n, 2 * layers * hiddenDim numbers).
   *
   * @example
   * rnn.forward(xs);
   * const h = rnn.getHiddenState(); // Float64Array of hiddenDim
   */
  getHiddenState(): Float64Array {
    this.#assertLive('RNN.getHiddenState');
    return this.#model.hiddenState();
  }

  /**
   * Steps run since `resetHistory()`.
   *
   * @example
   * rnn.resetHistory(); rnn.forward(xs); rnn.seqLength === xs.length; // true
   */
  get seqLength(): number {
    return this.#model.steps;
  }

  /**
   * Releases the model's memory now, instead of when the garbage collector finds the model: a
   * small wasm model's instance (1 MiB of memory or less) is wiped and goes to a pool of a few
   * that the next new models reuse; a larger one is dropped for the garbage collector. Every later
   * call but `dispose` throws. Not allowed while train or fit runs.
   *
   * @example
   * const rnn = await RNN.create(3, 5, 3);
   * rnn.dispose();
   * rnn.forward([[1, 0, 0]]); // Error: RNN.forward: this model was disposed
   */
  dispose(): void {
    if (this.#disposed) return;
    if (this.#busy !== null && this.#cancel !== null) {
      // A run in workers: it ends them and rejects; the block goes when the run has let it go.
      this.#disposed = true;
      this.#cancel(new Error(`${this.#busy}: the model was disposed during the run`));
      return;
    }
    this.#assertIdle('RNN.dispose');
    this.#disposed = true;
    this.#model.dispose();
  }

  /**
   * Whether `dispose` has been called.
   *
   * @example
   * rnn.dispose(); rnn.isDisposed; // true
   */
  get isDisposed(): boolean {
    return this.#disposed;
  }

  /** Runs checked inputs as the next steps of the history; returns the first step's index. */
  #run(where: string, xs: Float64Array): number {
    const T = xs.length / this.#model.plan.inputWidth;
    const t0 = this.#model.steps;
    this.#model.reserve(where, t0 + T);
    this.#model.writeInputs(xs, t0);
    this.#model.forward(t0, t0 + T);
    return t0;
  }

  /** The steps from t0 on whose outputs forward and predict give: every one, or the last with outputAt 'last'. */
  #outputSteps(t0: number): number[] {
    const T = this.#model.steps;
    if (this.#spec.outputAt === 'last') return T > t0 ? [T - 1] : [];
    return Array.from({ length: T - t0 }, (_, t) => t0 + t);
  }

  /** A TypeError for the calls that give classes, on a model whose output is not a softmax. */
  #assertClasses(where: string, instead: string): void {
    if (headPart(this.#spec.output).targetWidth !== 'one') {
      throw new TypeError(`${where}: this model's output is '${this.#spec.output}', which has no classes; use ${instead}`);
    }
  }

  /**
   * Runs one step from the current hidden state and appends it to the history.
   * Returns the output of this step: probabilities (softmax) or values (linear).
   *
   * @example
   * const y = rnn.forwardOneStep([1, 0, 0]); // Float64Array of outputDim probabilities
   */
  forwardOneStep(x: Vector | number): Float64Array {
    const where = 'RNN.forwardOneStep';
    this.#assertIdle(where);
    return this.#model.output(this.#run(where, readStep(where, 'x', x, this.#spec)));
  }

  /**
   * Runs a sequence from the current hidden state, appending it to the history.
   * Returns the output of every step (probabilities, or values for output 'linear'); with
   * outputAt 'last', only the last step's, as an array of one.
   *
   * @example
   * rnn.resetHistory();
   * const ys = rnn.forward(xs); // ys[t] is a Float64Array of outputDim probabilities
   */
  forward(xs: Sequence | Ids): Float64Array[] {
    const where = 'RNN.forward';
    this.#assertIdle(where);
    const input = readSequence(where, 'xs', xs, this.#spec);
    const t0 = this.#run(where, input);
    return this.#outputSteps(t0).map((t) => this.#model.output(t));
  }

  /**
   * `forwardOneStep`, returning the most probable class (the first one on a tie).
   *
   * @example
   * rnn.predictOneStep([1, 1, 1]); // 0, 1 or 2
   */
  predictOneStep(x: Vector | number): number {
    const where = 'RNN.predictOneStep';
    this.#assertIdle(where);
    this.#assertClasses(where, 'forwardOneStep');
    return this.#model.prediction(this.#run(where, readStep(where, 'x', x, this.#spec)));
  }

  /**
   * `forward`, returning the most probable class of every step (with outputAt 'last', of the
   * last step only). For a softmax output; a linear one has `forward` and `forecast`.
   *
   * @example
   * rnn.resetHistory();
   * rnn.predict(xs); // e.g. [0, 1, 0, 1]
   */
  predict(xs: Sequence | Ids): number[] {
    const where = 'RNN.predict';
    this.#assertIdle(where);
    this.#assertClasses(where, 'forward');
    const input = readSequence(where, 'xs', xs, this.#spec);
    const t0 = this.#run(where, input);
    return this.#outputSteps(t0).map((t) => this.#model.prediction(t));
  }

  /**
   * The loss of the steps run since `resetHistory()`: for a softmax output the cross-entropy
   * sum_t -log y_t[targets[t]], computed from log-probabilities so that it stays finite; for a
   * linear output the squared error sum_t sum_k (y_tk - targets[t][k])^2. With outputAt 'last',
   * `targets` has one target, for the last step.
   *
   * @example
   * rnn.resetHistory();
   * rnn.forward(xs);
   * rnn.loss(targets); // e.g. 10.98
   */
  loss(targets: Targets): number {
    const where = 'RNN.loss';
    this.#assertIdle(where);
    if (this.#spec.outputAt === 'last' && this.#model.steps === 0) {
      throw new RangeError(`${where}: no steps have run since resetHistory(); with outputAt 'last' the loss is the last step's`);
    }
    const copy = readTargets(where, 'targets', targets, this.#model.steps, this.#spec);
    this.#model.writeTargets(copy);
    return this.#model.loss();
  }

  /** Checks that `xs` are the steps in the history and writes the targets, for a backward pass. */
  #prepareBackward(where: string, xs: unknown, targets: unknown): void {
    const input = readSequence(where, 'xs', xs, this.#spec);
    const model = this.#model;
    const T = model.steps, w = model.plan.inputWidth;
    if (T === 0) throw new RangeError(`${where}: no steps have run since resetHistory(); call forward(xs) first`);
    if (input.length !== T * w) {
      throw new RangeError(`${where}: xs must be the ${T} steps run by forward since resetHistory(), got length ${input.length / w}`);
    }
    const { data, plan: p } = model;
    for (let i = 0; i < input.length; i++) {
      if (input[i] !== data[p.xs + i]) {
        const t = Math.floor(i / w);
        throw new RangeError(`${where}: xs[${t}] is not the input forward ran at step ${t}; call forward(xs) with these xs first`);
      }
    }
    model.writeTargets(readTargets(where, 'targets', targets, T, this.#spec));
    model.backward(false);
  }

  /**
   * Gradients of `loss(targets)` by backpropagation through the steps run since
   * `resetHistory()`, which must be exactly `xs` (run them with `forward(xs)` first). A hidden
   * state given to `resetHistory` is a constant here: the gradient stops at it. For a model with
   * the notebook's five parameters; any model has `backwardTensors`.
   *
   * @example
   * rnn.resetHistory();
   * rnn.forward(xs);
   * const grads = rnn.backward(xs, targets);
   * rnn.updateRprop(grads, 0.01);
   */
  backward(xs: Sequence | Ids, targets: Targets): Gradients {
    const where = 'RNN.backward';
    this.#assertIdle(where);
    const tensors = PARAM_NAMES.map((name) => this.#notebookTensor(where, name));
    this.#prepareBackward(where, xs, targets);
    const [dWxh, dWhh, dWhy, dbh, dby] = tensors.map((t) => this.#model.read(t, true));
    return { dWxh, dWhh, dWhy, dbh, dby };
  }

  /**
   * `backward` for any model: the gradient of every tensor, keyed by the names of getTensors.
   *
   * @example
   * const rnn = await RNN.create(3, 8, 3, { layers: 2, seed: 1 });
   * rnn.forward(xs);
   * rnn.backwardTensors(xs, targets)['rnn.weight_hh_l1']; // Float64Array of 8 * 8
   */
  backwardTensors(xs: Sequence | Ids, targets: Targets): Record<string, Float64Array> {
    const where = 'RNN.backwardTensors';
    this.#assertIdle(where);
    this.#prepareBackward(where, xs, targets);
    return Object.fromEntries(this.#model.plan.tensors.map((t) => [t.name, this.#model.read(t, true)]));
  }

  /** Checks gradients and a learning rate, copies the gradients in and applies one update. */
  #applyUpdate(where: string, optimizer: OptimizerName, grads: GradientsLike, learningRate: number): void {
    this.#assertIdle(where);
    if (typeof grads !== 'object' || grads === null) {
      throw new TypeError(`${where}: grads must be an object with ${GRAD_NAMES.join(', ')}, got ${show(grads)}`);
    }
    const copies = PARAM_NAMES.map((name) => {
      const tensor = this.#notebookTensor(where, name);
      return [tensor, readVector(where, `grads.d${name}`, grads[`d${name}`], tensor.length, SHAPES[name])] as const;
    });
    checkRate(where, 'learningRate', learningRate);
    const model = this.#model;
    for (const [tensor, values] of copies) model.data.set(values, tensor.gradAt);
    // Save params and optimiser state, so that a step that overflows can be undone whole.
    model.saveBackup(true);
    model.data[model.plan.stepLoss] = NaN;
    if (!model.update(plainOptimizer(optimizer, learningRate))) {
      model.restoreBackup(true);
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
    this.#applyUpdate('RNN.update', 'sgd', grads, learningRate);
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
    this.#applyUpdate('RNN.updateRprop', 'rprop', grads, learningRate);
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
    this.#applyUpdate('RNN.updateRpropNotebook', 'rprop-notebook', grads, learningRate);
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
  train(xs: Sequence | Ids, targets: Targets, iterations: number, learningRate: number, printEvery?: number): TrainResult;
  train(xs: Sequence | Ids, targets: Targets, options: TrainOptions): TrainResult;
  train(xs: Sequence | Ids, targets: Targets, iterationsOrOptions: number | TrainOptions, learningRate?: number, printEvery?: number): TrainResult {
    return runToEnd(this.#trainRun('RNN.train', xs, targets, iterationsOrOptions, learningRate, printEvery));
  }

  /**
   * `train`, yielding to the event loop every few milliseconds so that a page or a server stays
   * responsive. Other calls on the model (but getParams, getTensors and getHiddenState) throw
   * until it settles.
   *
   * @example
   * const result = await rnn.trainAsync(xs, targets, { iterations: 5000, onProgress: ({ loss }) => console.log(loss) });
   */
  trainAsync(xs: Sequence | Ids, targets: Targets, iterations: number, learningRate: number, printEvery?: number): Promise<TrainResult>;
  trainAsync(xs: Sequence | Ids, targets: Targets, options: TrainOptions): Promise<TrainResult>;
  trainAsync(xs: Sequence | Ids, targets: Targets, iterationsOrOptions: number | TrainOptions, learningRate?: number, printEvery?: number): Promise<TrainResult> {
    try {
      return runInSlices(this.#trainRun('RNN.trainAsync', xs, targets, iterationsOrOptions, learningRate, printEvery));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Checks train's arguments, all of them before anything changes, then returns the training, to run. */
  #trainRun(
    where: string, xs: unknown, targets: unknown, iterationsOrOptions: number | TrainOptions, learningRate?: number, printEvery?: number,
  ): Run {
    this.#assertIdle(where);
    const input = readSequence(where, 'xs', xs, this.#spec);
    const T = input.length / this.#model.plan.inputWidth;
    if (T === 0) throw new RangeError(`${where}: xs must have at least one step, got length 0`);
    const copy = readTargets(where, 'targets', targets, T, this.#spec);
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
    this.#model.reserve(where, T);
    return this.#busyWhile(where, trainRun(this.#model, input, copy, plan));
  }

  /** Marks the model busy until the run has finished (or thrown). */
  #busyWhile(where: string, run: Run, cancel: ((error: Error) => void) | null = null): Run {
    this.#busy = where;
    this.#cancel = cancel;
    return {
      pending: () => run.pending?.() ?? null,
      step: (deadline) => {
        try {
          const done = run.step(deadline);
          if (done !== null) this.#idle();
          return done;
        } catch (error) {
          this.#idle();
          throw error;
        }
      },
    };
  }

  /** A run has ended: the model takes calls again (or, disposed during the run, lets its block go). */
  #idle(): void {
    this.#busy = null;
    this.#cancel = null;
    registerRun(this, null);
    if (this.#disposed) this.#model.dispose();
  }

  /**
   * Trains on many sequences, of any lengths, for `epochs` passes. Each batch of `batchSize`
   * sequences gives one update with the mean of their gradients. Every sequence starts from a
   * zero hidden state, unless `carryState` carries it over from the previous sequence (chunks of
   * one stream, in order). `losses` has one entry per epoch: the mean loss of its sequences, each
   * taken before the update of its batch. `targetLoss` and `onProgress` are checked after each
   * epoch, `signal` before each batch. iRprop+ compares the loss of each batch with the previous
   * batch's: with batches of different sequences that is noisy, so it is best used with one batch
   * of all the data. The data is read once, when fit is called: changing it afterwards (from a
   * callback, or while fitAsync runs) does not change the training.
   *
   * `validation` (held-out sequences, or `{ split }`, the last fraction of the data) is evaluated
   * after every epoch: `validationLosses` (and for a softmax output `validationAccuracies`) in the
   * result, `validationLoss` in onProgress. `earlyStopping` stops when the monitored loss stops
   * improving, as Keras's EarlyStopping; `learningRateSchedule` changes the rate by epoch.
   *
   * @example
   * const text = textDataset('hello world, hello wasm', 8);
   * const rnn = await RNN.create(text.vocab.length, 32, text.vocab.length, { seed: 1 });
   * rnn.fit(text.sequences, { epochs: 100, optimizer: 'adam', learningRate: 0.01, carryState: true });
   * rnn.fit(data, { epochs: 500, optimizer: 'adam', validation: { split: 0.2 }, earlyStopping: { patience: 20, restoreBestWeights: true } });
   */
  fit(data: ArrayLike<Example>, options: FitOptions): TrainResult {
    return runToEnd(this.#fitRun('RNN.fit', data, options, false));
  }

  /**
   * `fit`, yielding to the event loop every few milliseconds. Other calls on the model (but
   * getParams, getTensors and getHiddenState) throw until it settles.
   *
   * @example
   * const text = textDataset('hello world, hello wasm', 8);
   * const rnn = await RNN.create(text.vocab.length, 32, text.vocab.length, { seed: 1 });
   * const controller = new AbortController(); // controller.abort() stops it before the next batch
   * const result = await rnn.fitAsync(text.sequences, { epochs: 100, signal: controller.signal });
   */
  fitAsync(data: ArrayLike<Example>, options: FitOptions): Promise<TrainResult> {
    try {
      return runInSlices(this.#fitRun('RNN.fitAsync', data, options, true));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * `fitAsync` on a copy of the model in a worker (worker_threads in Node, a module Worker in
   * browsers), so that the thread that calls it never blocks; when it ends, this model takes the
   * trained parameters and optimiser state, the same bits as fitAsync here would give, and an
   * empty history. onProgress runs on this thread; where memory can be shared (Node, cross-origin
   * isolated pages) the worker waits for its answer, so that returning false stops where it
   * would here; elsewhere the worker goes on and stops at its next batch (`stopped` still says
   * 'callback'). If onProgress throws, or the worker fails, the promise rejects and this model
   * is left as it was. Other calls on the model (but getParams, getTensors and getHiddenState)
   * throw until it settles; dispose ends the worker.
   *
   * @example
   * const text = textDataset('hello world, hello wasm', 8);
   * const rnn = await RNN.create(text.vocab.length, 32, text.vocab.length, { seed: 1 });
   * const result = await rnn.fitInWorker(text.sequences, { epochs: 100, optimizer: 'adam', onProgress: ({ loss }) => console.log(loss) });
   */
  fitInWorker(data: ArrayLike<Example>, options: FitOptions & InWorker): Promise<TrainResult> {
    const where = 'RNN.fitInWorker';
    try {
      this.#assertIdle(where);
      readExamples(where, data, this.#spec);
      const plan = checkFitOptions(where, withoutWeightsHook(options));
      if (plan.workers !== undefined) throw new TypeError(`${where}: options.workers is for fitAsync, whose workers compute each batch's shards`);
      if (plan.validation !== undefined && 'data' in plan.validation) readExamples(where, plan.validation.data, this.#spec, 'options.validation');
      const { onProgress, onWeights, signal, ...rest } = options;
      checkWeightsHook(where, onWeights);
      return this.#inWorker(where, 'fit', [data, rest], { onProgress, onWeights, signal });
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * `trainAsync` (with an options object) on a copy of the model in a worker: see fitInWorker.
   *
   * @example
   * const { xs, targets } = periodicDataset([0, 1, 2], 10, 3);
   * const rnn = await RNN.create(3, 50, 3, { seed: 1 });
   * const result = await rnn.trainInWorker(xs, targets, { iterations: 500, optimizer: 'adam', learningRate: 0.01 });
   */
  trainInWorker(xs: Sequence | Ids, targets: Targets, options: TrainOptions & InWorker): Promise<TrainResult> {
    const where = 'RNN.trainInWorker';
    try {
      this.#assertIdle(where);
      const input = readSequence(where, 'xs', xs, this.#spec);
      const T = input.length / this.#model.plan.inputWidth;
      if (T === 0) throw new RangeError(`${where}: xs must have at least one step, got length 0`);
      readTargets(where, 'targets', targets, T, this.#spec);
      if (typeof options !== 'object' || options === null) throw new TypeError(`${where}: options must be an object with iterations, got ${show(options)}`);
      const { onProgress, onWeights, signal, ...rest } = options;
      checkTrainOptions(where, { onProgress, signal, ...rest });
      checkWeightsHook(where, onWeights);
      return this.#inWorker(where, 'train', [xs, targets, rest], { onProgress, onWeights, signal });
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Runs a checked fit or train in a worker, busy meanwhile; then takes the state it ended in. */
  #inWorker(where: string, method: 'fit' | 'train', args: unknown[], hooks: RunHooks): Promise<TrainResult> {
    const model = this.#model, p = model.plan;
    const run = runInWorker(where, shapeOf(model), model.data.subarray(p.params, p.params + p.stateSize), method, args, hooks);
    this.#busy = where;
    this.#cancel = run.cancel;
    registerRun(this, run);
    return run.done.then(({ result, state }) => {
      if (!this.#disposed) {
        model.data.set(state, model.plan.params);
        model.startFrom();
      }
      this.#idle();
      return result;
    }, (error: unknown) => {
      this.#idle();
      throw error;
    });
  }

  #fitRun(where: string, data: unknown, options: FitOptions, async: boolean): Run {
    this.#assertIdle(where);
    const all = readExamples(where, data, this.#spec);
    const plan = checkFitOptions(where, options);
    if (plan.workers !== undefined && !async) {
      throw new TypeError(`${where}: options.workers trains in other threads, which only an asynchronous call can wait for: use fitAsync`);
    }
    const shared = plan.workers?.sharedMemory ?? canShareMemory();
    if (shared && !canShareMemory()) {
      throw new TypeError(`${where}: options.sharedMemory needs SharedArrayBuffer, which this page does not have (it must be cross-origin isolated)`);
    }
    let examples = all, validation: Examples | null = null;
    if (plan.validation !== undefined && 'split' in plan.validation) {
      // As Keras's validation_split: the last sequences, before any shuffling.
      const n = all.lengths.length, at = Math.floor(n * (1 - plan.validation.split));
      if (at === 0 || at === n) {
        throw new RangeError(`${where}: options.validation.split ${plan.validation.split} of ${n} sequences leaves ${at === 0 ? 'none to train on' : 'none to validate on'}`);
      }
      examples = someExamples(all, 0, at);
      validation = someExamples(all, at, n);
    } else if (plan.validation !== undefined) {
      validation = readExamples(where, plan.validation.data, this.#spec, 'options.validation');
    }
    const random = plan.shuffle ? makeRandom(where, plan.seed) : null;
    const longest = (e: Examples): number => e.lengths.reduce((a, b) => Math.max(a, b), 0);
    const steps = Math.max(longest(examples), validation === null ? 0 : longest(validation));
    // batchSize > 1: the sequences of a batch advance together, through products over the batch.
    const lanes = Math.min(plan.batchSize, examples.lengths.length);
    if (lanes > 1) this.#model.layOut(where, lanes, steps);
    else this.#model.reserve(where, steps);
    if (plan.workers === undefined) return this.#busyWhile(where, fitRun(this.#model, examples, plan, random, validation));
    const { count, shardSize } = plan.workers;
    checkBlockSize(`${where}: ${steps} steps in a worker`, this.#spec, Math.max(steps, MIN_CAPACITY), shardSize);
    // No more workers than a batch has shards: the others would have nothing to do.
    const started = Math.min(count, Math.ceil(lanes / shardSize));
    const workers = new GradientWorkers(where, this.#model, examples, { workers: started, lanes: shardSize, batchSize: lanes, steps, shared });
    registerRun(this, workers);
    return this.#busyWhile(where, fitRun(this.#model, examples, plan, random, validation, workers), (error) => workers.cancel(error));
  }

  /**
   * Generates `length` classes, feeding each one back as the next input (its one-hot vector, or
   * its id for index inputs; so inputDim must equal outputDim), from a zero hidden state or
   * `options.hiddenState`, first feeding `start`. Each class is drawn from
   * softmax(logits / temperature) (default 1: the model's own probabilities; lower is greedier;
   * a temperature so small that every scaled logit but the largest underflows draws the most
   * probable class) with seedrandom(`options.seed`), using the library's own exp, so the same
   * seed draws the same classes on every engine. The history then holds the steps run.
   *
   * @example
   * const ids = rnn.sample(text.encode('h')[0], 20, { temperature: 0.8, seed: 1 });
   * text.decode(ids);
   */
  sample(start: number, length: number, options: { temperature?: number; seed?: Seed; hiddenState?: Vector } = {}): number[] {
    const where = 'RNN.sample';
    this.#assertIdle(where);
    this.#assertClasses(where, 'forecast');
    const { inputDim: I, outputDim: O } = this;
    if (I !== O) throw new RangeError(`${where}: feeding samples back needs inputDim = outputDim, got ${I} and ${O}`);
    checkInteger(where, 'start', start, 0, O - 1);
    checkInteger(where, 'length', length, 0);
    const o = checkOptionKeys(where, options, ['temperature', 'seed', 'hiddenState']);
    const temperature = o.temperature === undefined ? 1 : checkRate(where, 'options.temperature', o.temperature);
    if (temperature === 0) throw new RangeError(`${where}: options.temperature must be positive, got 0`);
    const state = o.hiddenState === undefined ? undefined : this.#readState(where, 'options.hiddenState', o.hiddenState);
    const random = makeRandom(where, o.seed as Seed | undefined);
    const model = this.#model;
    model.reserve(where, length);
    model.startFrom(state);
    const index = this.#spec.input === 'index';
    const x = new Float64Array(index ? 1 : I);
    const weights = new Float64Array(O);
    const out: number[] = [];
    let current = start;
    for (let t = 0; t < length; t++) {
      if (index) x[0] = current;
      else {
        x.fill(0);
        x[current] = 1;
      }
      model.writeInputs(x, t);
      model.forward(t, t + 1);
      current = draw(model.data, this.#logps(t), O, temperature, random, weights);
      out.push(current);
    }
    return out;
  }

  /**
   * Continues a series: runs `xs` from a zero hidden state (or `options.hiddenState`), then feeds
   * each output back as the next input, as brain.js's `forecast` does. Returns `steps` outputs:
   * the first is the output of the last step of `xs` (the model's next value after it), each
   * later one the output for the one before it fed back. For a model with a linear output and
   * dense inputs of inputDim = outputDim; any cell and number of layers. The history then holds
   * the steps run.
   *
   * @example
   * const rnn = await RNN.create(1, 16, 1, { output: 'linear', seed: 1 });
   * rnn.forecast([[0.1], [0.2], [0.3]], 5); // 5 Float64Arrays of 1 number
   */
  forecast(xs: Sequence, steps: number, options: { hiddenState?: Vector } = {}): Float64Array[] {
    const where = 'RNN.forecast';
    this.#assertIdle(where);
    const { inputDim: I, outputDim: O } = this;
    if (headPart(this.#spec.output).targetWidth === 'one') {
      throw new TypeError(`${where}: forecasting feeds real outputs back, so the model needs output 'linear', got '${this.#spec.output}' (sample draws classes)`);
    }
    if (this.#spec.input !== 'dense') throw new TypeError(`${where}: forecasting feeds outputs back as inputs, so the model needs input 'dense', got '${this.#spec.input}'`);
    if (I !== O) throw new RangeError(`${where}: feeding outputs back needs inputDim = outputDim, got ${I} and ${O}`);
    const input = readSequence(where, 'xs', xs, this.#spec);
    const T = input.length / I;
    if (T === 0) throw new RangeError(`${where}: xs must have at least one step, got length 0`);
    checkInteger(where, 'steps', steps, 0);
    const o = checkOptionKeys(where, options, ['hiddenState']);
    const state = o.hiddenState === undefined ? undefined : this.#readState(where, 'options.hiddenState', o.hiddenState);
    const model = this.#model;
    model.reserve(where, T + Math.max(steps - 1, 0));
    const scaler = this.#scaler;
    if (scaler !== null) for (let i = 0; i < input.length; i++) input[i] = (input[i] - scaler.mean[i % I]) / scaler.std[i % I];
    model.startFrom(state);
    model.writeInputs(input, 0);
    model.forward(0, T);
    const out: Float64Array[] = [];
    for (let k = 0; k < steps; k++) {
      const y = model.output(T - 1 + k);
      out.push(scaler === null ? y : y.map((v, j) => v * scaler.std[j] + scaler.mean[j]));
      if (k === steps - 1) break;
      model.writeInputs(y, T + k);
      model.forward(T + k, T + k + 1);
    }
    return out;
  }

  /**
   * Keeps a scaler with the model (or removes it, with null), so that `forecast` reads and returns
   * the series' original units, and the model file keeps it. For a linear output with inputDim =
   * outputDim = the scaler's columns.
   *
   * @example
   * const data = seriesDataset(values, { length: 12 });
   * rnn.setScaler(data.scaler);
   */
  setScaler(scaler: Scaler | null): void {
    const where = 'RNN.setScaler';
    this.#assertIdle(where);
    if (scaler === null) {
      this.#scaler = null;
      return;
    }
    if (!(scaler instanceof Scaler)) throw new TypeError(`${where}: scaler must be a Scaler (from seriesDataset) or null, got ${show(scaler)}`);
    if (headPart(this.#spec.output).targetWidth === 'one') throw new TypeError(`${where}: a scaler applies to output 'linear', got '${this.#spec.output}'`);
    if (this.inputDim !== this.outputDim || scaler.columns !== this.inputDim) {
      throw new RangeError(`${where}: the scaler has ${scaler.columns} column(s); the model needs inputDim = outputDim = ${scaler.columns}, got ${this.inputDim} and ${this.outputDim}`);
    }
    this.#scaler = new Scaler(scaler.mean, scaler.std);
  }

  /**
   * The model's scaler (a copy), or null.
   *
   * @example
   * const loaded = await RNN.fromJSON(text);
   * loaded.getScaler()?.mean;
   */
  getScaler(): Scaler | null {
    this.#assertLive('RNN.getScaler');
    return this.#scaler === null ? null : new Scaler(this.#scaler.mean, this.#scaler.std);
  }

  /** Where step t's log-probabilities are. */
  #logps(t: number): number {
    return this.#model.plan.head.logps + t * this.outputDim;
  }
}

/**
 * One class drawn from softmax(logp / temperature), with the portable exp: the weights
 * exp(logp_i / temperature - max) are summed in class order and a uniform draw times their sum
 * picks the first class whose running sum passes it. When no scaled logit is finite (a
 * temperature so small that they all underflow to -Infinity) it is the most probable class.
 */
function draw(m: Float64Array, logp: number, O: number, temperature: number, random: () => number, weights: Float64Array): number {
  let max = -Infinity, best = 0;
  for (let i = 0; i < O; i++) {
    const z = m[logp + i] / temperature;
    if (z > max) {
      max = z;
      best = i;
    }
  }
  if (!Number.isFinite(max)) {
    for (let i = 1; i < O; i++) if (m[logp + i] > m[logp + best]) best = i;
    return best;
  }
  let total = 0;
  for (let i = 0; i < O; i++) total += weights[i] = exp(m[logp + i] / temperature - max);
  let u = random() * total;
  for (let i = 0; i < O; i++) {
    u -= weights[i];
    if (u < 0) return i;
  }
  return O - 1;
}
