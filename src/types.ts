// The public types of the facade: the options of a model, its inputs, its parameters and
// gradients by the notebook's names.
import type { BackendName } from './backend.js';
import type { WasmBuild } from './backends/wasm.js';
import type { CellName, InputKind, OutputAt, OutputKind } from './spec.js';

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
  /**
   * The recurrent cell: 'rnn' (default), the tanh Elman cell of torch.nn.RNN with one hidden
   * bias; 'lstm', torch.nn.LSTM's (gates i, f, g, o; a cell state c beside h); 'gru',
   * torch.nn.GRU's (gates r, z, n). Both gated cells have torch's two biases.
   */
  cell?: CellName;
  /** Stacked recurrent layers, as torch.nn.RNN's num_layers: layer k+1 reads layer k's states. Default 1. */
  layers?: number;
  /**
   * 'dense' (default): each step's input is a vector of inputDim numbers. 'index': each step's
   * input is a class id in [0, inputDim), read as its one-hot vector (the same bits), in memory
   * and time independent of inputDim.
   */
  input?: InputKind;
  /** The output layer: 'softmax' (default), class probabilities and cross-entropy. */
  output?: OutputKind;
  /** Where the targets are: at 'every' step (default). */
  outputAt?: OutputAt;
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
 * A sequence of T class ids: the input of a model with `input: 'index'`.
 *
 * @example
 * const rnn = await RNN.create(65, 128, 65, { input: 'index' });
 * const ids: Ids = [3, 14, 15];
 * rnn.predict(ids);
 */
export type Ids = ArrayLike<number>;

/**
 * The targets of a sequence: one per step, or one for the whole sequence with `outputAt: 'last'`.
 * For a softmax output each is a class id; for a linear output a vector of outputDim numbers, or
 * a plain number where outputDim is 1.
 *
 * @example
 * const classes: Targets = [0, 2, 1];
 * const values: Targets = [[0.5, -1], [0.25, 0]]; // output 'linear', outputDim 2
 * const last: Targets = [1]; // outputAt 'last'
 */
export type Targets = ArrayLike<number> | ArrayLike<Vector>;

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
