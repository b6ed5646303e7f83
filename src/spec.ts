// A model is a spec: which cell, how many layers, what it reads and what it outputs. Everything
// else (the tensors, where they sit, which kernels run) follows from it, as torch.nn.RNNBase
// follows from its mode.
import { show } from './errors.js';

/**
 * The recurrent cell: 'rnn' is the tanh Elman cell of torch.nn.RNN (with one hidden bias),
 * 'lstm' and 'gru' those of torch.nn.LSTM and torch.nn.GRU.
 *
 * @example
 * const cell: CellName = 'rnn';
 */
export type CellName = 'rnn' | 'lstm' | 'gru';

/**
 * What a step's input is: 'dense', a vector of inputDim numbers; 'index', a class id in
 * [0, inputDim), read as its one-hot vector would be.
 *
 * @example
 * const input: InputKind = 'index'; // a character model fed character ids
 */
export type InputKind = 'dense' | 'index';

/**
 * The output layer: 'softmax' (class probabilities, cross-entropy loss) or 'linear' (real
 * outputs, squared error).
 *
 * @example
 * const output: OutputKind = 'softmax';
 */
export type OutputKind = 'softmax' | 'linear';

/**
 * Where the model has targets: at 'every' step, or at the 'last' step of each sequence only.
 *
 * @example
 * const outputAt: OutputAt = 'every';
 */
export type OutputAt = 'every' | 'last';

/** The shape of a model, resolved from `RNN`'s sizes and options. */
export interface ModelSpec {
  readonly cell: CellName;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly outputSize: number;
  readonly layers: number;
  readonly input: InputKind;
  readonly output: OutputKind;
  readonly outputAt: OutputAt;
}

/** The spec options of `RNN`, as a caller gives them. */
export interface SpecOptions {
  cell?: CellName;
  layers?: number;
  input?: InputKind;
  output?: OutputKind;
  outputAt?: OutputAt;
}

export const SPEC_OPTION_KEYS = ['cell', 'layers', 'input', 'output', 'outputAt'] as const;

/** The cells, inputs, outputs and output positions this version computes. */
export const CELLS: readonly CellName[] = ['rnn', 'lstm', 'gru'];
export const INPUTS: readonly InputKind[] = ['dense', 'index'];
export const OUTPUTS: readonly OutputKind[] = ['softmax', 'linear'];
export const OUTPUT_POSITIONS: readonly OutputAt[] = ['every', 'last'];

/** Most stacked layers a model may have. */
export const MAX_LAYERS = 64;

function choice<T extends string>(where: string, name: string, value: unknown, known: readonly T[], all: readonly string[], fallback: T): T {
  if (value === undefined) return fallback;
  if (known.includes(value as T)) return value as T;
  if (all.includes(value as string)) {
    throw new RangeError(`${where}: ${name} ${show(value)} is not available in this version of rnn-wasm (available: ${known.map((k) => `'${k}'`).join(', ')})`);
  }
  throw new TypeError(`${where}: ${name} must be one of ${known.map((k) => `'${k}'`).join(', ')}, got ${show(value)}`);
}

/** Checks the spec options (sizes already checked) and fills in the defaults. */
export function resolveSpec(where: string, inputSize: number, hiddenSize: number, outputSize: number, o: SpecOptions, prefix = 'options.'): ModelSpec {
  const cell = choice(where, `${prefix}cell`, o.cell, CELLS, ['rnn', 'lstm', 'gru'], 'rnn');
  let layers = 1;
  if (o.layers !== undefined) {
    if (typeof o.layers !== 'number' || !Number.isFinite(o.layers)) {
      throw new TypeError(`${where}: ${prefix}layers must be a finite number, got ${show(o.layers)}`);
    }
    if (!Number.isInteger(o.layers) || o.layers < 1 || o.layers > MAX_LAYERS) {
      throw new RangeError(`${where}: ${prefix}layers must be an integer in [1, ${MAX_LAYERS}], got ${o.layers}`);
    }
    layers = o.layers;
  }
  const input = choice(where, `${prefix}input`, o.input, INPUTS, INPUTS, 'dense');
  const output = choice(where, `${prefix}output`, o.output, OUTPUTS, ['softmax', 'linear'], 'softmax');
  const outputAt = choice(where, `${prefix}outputAt`, o.outputAt, OUTPUT_POSITIONS, ['every', 'last'], 'every');
  return { cell, inputSize, hiddenSize, outputSize, layers, input, output, outputAt };
}

/** The spec of the notebook's model: one tanh layer over dense inputs, a softmax at every step. */
export function notebookSpec(inputSize: number, hiddenSize: number, outputSize: number): ModelSpec {
  return { cell: 'rnn', inputSize, hiddenSize, outputSize, layers: 1, input: 'dense', output: 'softmax', outputAt: 'every' };
}

/**
 * Whether a model has the notebook's five tensors (Wxh, Whh, Why, bh, by), so that getParams,
 * backward's Gradients and the updates that take them apply: one Elman layer and a softmax at
 * every step, over dense or index inputs.
 */
export function hasNotebookTensors(spec: ModelSpec): boolean {
  return spec.cell === 'rnn' && spec.layers === 1 && spec.output === 'softmax' && spec.outputAt === 'every';
}

/** Whether a spec is exactly the notebook's model (which model files keep in their version 1). */
export function isNotebookSpec(spec: ModelSpec): boolean {
  return hasNotebookTensors(spec) && spec.input === 'dense';
}

/** The spec's options beyond the sizes, those that differ from the defaults, for files and messages. */
export function specOptions(spec: ModelSpec): SpecOptions {
  const o: SpecOptions = {};
  if (spec.cell !== 'rnn') o.cell = spec.cell;
  if (spec.layers !== 1) o.layers = spec.layers;
  if (spec.input !== 'dense') o.input = spec.input;
  if (spec.output !== 'softmax') o.output = spec.output;
  if (spec.outputAt !== 'every') o.outputAt = spec.outputAt;
  return o;
}

/** A short name of the model, as `2-layer rnn 3-8-3 (index input)`, for messages. */
export function describeSpec(spec: ModelSpec): string {
  const { cell, layers, inputSize: I, hiddenSize: H, outputSize: O } = spec;
  const extras = Object.entries(specOptions(spec)).filter(([k]) => k !== 'cell' && k !== 'layers').map(([k, v]) => `${k} ${String(v)}`);
  return `${layers > 1 ? `${layers}-layer ` : ''}${cell} ${I}-${H}-${O}${extras.length > 0 ? ` (${extras.join(', ')})` : ''}`;
}
