// Model files: what `RNN.toJSON` writes and `RNN.fromJSON` reads. Reading checks the whole file
// before anything is allocated for the model, so a malformed, truncated or hostile file is refused
// with a clear error and nothing else happens.
import type { BackendName } from './backend.js';
import { show } from './errors.js';
import type { Model } from './model.js';
import { optimizerStateProblem } from './optimizers.js';
import { headPart } from './parts.js';
import { checkBlockSize, MIN_CAPACITY, OPT_INFO, OPTIMIZER_SLOTS, type OptimizerSlot } from './plan.js';
import type { Seed } from './random.js';
import { isNotebookSpec, notebookSpec, resolveSpec, SPEC_OPTION_KEYS, type ModelSpec, type SpecOptions } from './spec.js';
import { NOTEBOOK_NAMES, paramTable } from './tensors.js';

/**
 * The `format` field of every model file.
 *
 * @example
 * JSON.parse(text).format === MODEL_FORMAT; // an rnn-wasm model file
 */
export const MODEL_FORMAT = 'rnn-wasm-model';
/**
 * The newest version of the model file format, which this build writes for every model but the
 * notebook's (one dense Elman layer and a softmax at every step), whose files stay at version 1
 * as earlier builds wrote them. This build reads versions 1 and 2; a file of another version is
 * refused with a RangeError.
 *
 * @example
 * const rnn = await RNN.create(3, 8, 3, { layers: 2 });
 * rnn.toJSON().version === MODEL_VERSION; // true
 */
export const MODEL_VERSION = 2;

const NOTEBOOK_PARAMS = Object.keys(NOTEBOOK_NAMES) as (keyof typeof NOTEBOOK_NAMES)[];
type ParamName = keyof typeof NOTEBOOK_NAMES;

/** Largest inputDim, hiddenDim or outputDim a file may name, before the block size is checked. */
const MAX_DIM = 2 ** 24;


/**
 * One number of a model file: a finite JSON number, or the string "-0" for negative zero, which
 * JSON.stringify would write as 0. With that, a file keeps every bit of every float64. Optimiser
 * state may also hold "Infinity", "-Infinity" and "NaN" (iRprop+ starts from a last loss of
 * Infinity); parameters are always finite.
 *
 * @example
 * const value = (v: StoredNumber): number => (typeof v === 'string' ? Number(v) : v);
 */
export type StoredNumber = number | '-0' | 'Infinity' | '-Infinity' | 'NaN';

/** The scalars of optimiser state, by name (see OPT_INFO in plan.ts). */
type InfoName = keyof typeof OPT_INFO;
const INFO_NAMES = Object.keys(OPT_INFO) as InfoName[];

/**
 * How the model was created, as given to `RNN.create`, less the backend.
 *
 * @example
 * const options: ModelFileOptions = { init: 'uniform', seed: 1 };
 */
export interface ModelFileOptions {
  init: 'uniform' | 'notebook';
  seed?: Seed;
}

/**
 * The optimiser state of a model file, as both versions keep it.
 *
 * @example
 * const { info }: ModelFileOptimizer = rnn.toJSON().optimizer;
 * info.steps; // the updates the optimiser has made
 */
export interface ModelFileOptimizer {
  /** One array of P numbers per slot (OPTIMIZER_SLOTS in plan.ts), the parameters in block order. */
  slots: Partial<Record<OptimizerSlot, StoredNumber[]>>;
  /** The scalars of OPT_INFO: which optimiser owns the state, its step count, the last loss. */
  info: Partial<Record<InfoName, StoredNumber>>;
}

/**
 * A model file of version 1, the notebook model's: sizes, creation options, the five parameters
 * by their notebook names and the whole optimiser state.
 *
 * @example
 * const file = new RNN(3, 5, 2, { backend: 'ts' }).toJSON() as ModelFileV1;
 * file.params.Wxh.length; // hiddenDim * inputDim
 */
export interface ModelFileV1 {
  format: typeof MODEL_FORMAT;
  version: 1;
  inputDim: number;
  hiddenDim: number;
  outputDim: number;
  options: ModelFileOptions;
  /** Row-major, as `getParams()`: Wxh H x I, Whh H x H, Why O x H, bh H, by O. */
  params: Record<ParamName, StoredNumber[]>;
  optimizer: ModelFileOptimizer;
  /** Anything the application keeps with the model (the command line keeps its task there); the library ignores it. */
  meta?: unknown;
}

/**
 * The shape of a model in a file of version 2 beyond its sizes: the spec options of `RNN`, all of them.
 *
 * @example
 * const model: ModelFileModel = { cell: 'rnn', layers: 2, input: 'dense', output: 'softmax', outputAt: 'every' };
 */
export type ModelFileModel = Required<SpecOptions>;

/**
 * A model file of version 2: the model's shape, creation options, every tensor by the names of
 * `getTensors` and the whole optimiser state.
 *
 * @example
 * const file = new RNN(3, 8, 3, { backend: 'ts', layers: 2 }).toJSON() as ModelFileV2;
 * file.tensors['rnn.weight_hh_l1'].length; // 64
 */
export interface ModelFileV2 {
  format: typeof MODEL_FORMAT;
  version: 2;
  inputDim: number;
  hiddenDim: number;
  outputDim: number;
  model: ModelFileModel;
  options: ModelFileOptions;
  tensors: Record<string, StoredNumber[]>;
  optimizer: ModelFileOptimizer;
  /** A forecasting model's scaler (see `RNN.setScaler`): the mean and standard deviation of each column. */
  scaler?: { mean: number[]; std: number[] };
  /** Anything the application keeps with the model; the library ignores it. */
  meta?: unknown;
}

/**
 * A model file, as `rnn.toJSON()` returns it and `JSON.stringify(rnn)` writes it: version 1 for
 * the notebook's model, version 2 for every other.
 *
 * @example
 * const file: ModelFile = rnn.toJSON();
 * file.version; // 1 or 2
 */
export type ModelFile = ModelFileV1 | ModelFileV2;

/** A model file that passed every check, decoded into float64s. */
export interface DecodedModel {
  spec: ModelSpec;
  options: ModelFileOptions;
  backend: BackendName;
  /** Every tensor, by its name in the table. */
  tensors: Map<string, Float64Array>;
  /** The slots the file holds; the others keep a new model's values. */
  slots: Map<OptimizerSlot, Float64Array>;
  /** The scalars the file holds; the others keep a new model's values. */
  info: Map<InfoName, number>;
  /** A forecasting model's scaler, checked: a mean and a positive std per column. */
  scaler?: { mean: Float64Array; std: Float64Array };
}

const TOP_KEYS_V1 = ['format', 'version', 'inputDim', 'hiddenDim', 'outputDim', 'options', 'params', 'optimizer', 'meta'];
const TOP_KEYS_V2 = ['format', 'version', 'inputDim', 'hiddenDim', 'outputDim', 'model', 'options', 'tensors', 'optimizer', 'scaler', 'meta'];

function store(v: number): StoredNumber {
  if (Object.is(v, -0)) return '-0';
  if (Number.isFinite(v)) return v;
  return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
}

/** Decodes a stored number; `state` allows the non-finite strings of optimiser state. */
function load(v: unknown, state: boolean): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (v === '-0') return -0;
  if (state && (v === 'Infinity' || v === '-Infinity' || v === 'NaN')) return Number(v);
  return undefined;
}

/** Writes a model's shape, options, parameters and whole optimiser state (every slot and OPT_INFO entry). */
export function encodeModel(model: Model, options: ModelFileOptions): ModelFile {
  const { data, plan: p, spec } = model;
  const slice = (start: number, length: number): StoredNumber[] => Array.from(data.subarray(start, start + length), store);
  const slots = Object.fromEntries(OPTIMIZER_SLOTS.map((slot) => [slot, slice(p[slot], p.P)]));
  const info = Object.fromEntries(INFO_NAMES.map((name) => [name, store(data[p.optInfo + OPT_INFO[name]])]));
  const fileOptions: ModelFileOptions = options.seed === undefined ? { init: options.init } : { init: options.init, seed: options.seed };
  const values = (name: string): StoredNumber[] => {
    const t = p.tensors.find((e) => e.name === name) as (typeof p.tensors)[number];
    return slice(t.at, t.length);
  };
  const { inputSize, hiddenSize, outputSize, cell, layers, input, output, outputAt } = spec;
  if (isNotebookSpec(spec)) {
    const params = Object.fromEntries(NOTEBOOK_PARAMS.map((name) => [name, values(NOTEBOOK_NAMES[name])])) as ModelFileV1['params'];
    return {
      format: MODEL_FORMAT, version: 1, inputDim: inputSize, hiddenDim: hiddenSize, outputDim: outputSize,
      options: fileOptions, params, optimizer: { slots, info },
    };
  }
  return {
    format: MODEL_FORMAT, version: 2,
    inputDim: inputSize, hiddenDim: hiddenSize, outputDim: outputSize, model: { cell, layers, input, output, outputAt },
    options: fileOptions, tensors: Object.fromEntries(p.tensors.map((t) => [t.name, values(t.name)])), optimizer: { slots, info },
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value);
}

function checkObject(where: string, name: string, value: unknown): Record<string, unknown> {
  if (!isPlainObject(value)) throw new TypeError(`${where}: ${name} must be an object, got ${show(value)}`);
  return value;
}

function checkKeys(where: string, name: string, value: Record<string, unknown>, known: readonly string[], hint = ''): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) throw new TypeError(`${where}: unknown key ${name}.${key} (known: ${known.join(', ')})${hint}`);
  }
}

function checkDim(where: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new TypeError(`${where}: ${name} must be a finite number, got ${show(value)}`);
  }
  if (!Number.isInteger(value) || value < 1 || value > MAX_DIM) {
    throw new RangeError(`${where}: ${name} must be an integer in [1, ${MAX_DIM}], got ${value}`);
  }
  return value;
}

function expected(state: boolean): string {
  return state ? 'a number (or "-0", "Infinity", "-Infinity", "NaN")' : 'a finite number (or "-0")';
}

/** An array of exactly `length` stored numbers, decoded; `state` as in `load`. */
function readNumbers(where: string, name: string, value: unknown, length: number, state: boolean): Float64Array {
  if (!Array.isArray(value)) throw new TypeError(`${where}: ${name} must be an array, got ${show(value)}`);
  if (value.length !== length) throw new RangeError(`${where}: ${name} must have length ${length}, got length ${value.length}`);
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) {
    const v = load(value[i], state);
    if (v === undefined) throw new TypeError(`${where}: ${name}[${i}] must be ${expected(state)}, got ${show(value[i])}`);
    out[i] = v;
  }
  return out;
}

function parse(where: string, json: unknown): Record<string, unknown> {
  if (typeof json === 'string') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch (error) {
      // The engine's message (and so its error, as a cause) quotes the text; a file's contents stay out of errors.
      const at = /position (\d+)/.exec((error as Error).message);
      // eslint-disable-next-line preserve-caught-error
      throw new TypeError(`${where}: json is not valid JSON, is the file truncated?${at === null ? '' : ` (at character ${at[1]})`}`);
    }
    return checkObject(where, 'json', parsed);
  }
  return checkObject(where, 'json', json);
}

/** The options of `fromJSON` and `fromSafetensors`: only `backend`, default 'wasm'. */
export function checkLoadOptions(where: string, options: unknown): BackendName {
  if (options === undefined) return 'wasm';
  const opts = checkObject(where, 'options', options);
  checkKeys(where, 'options', opts, ['backend']);
  const { backend = 'wasm' } = opts;
  if (backend !== 'wasm' && backend !== 'ts') {
    throw new TypeError(`${where}: options.backend must be 'wasm' or 'ts', got ${show(backend)}`);
  }
  return backend;
}

/**
 * Checks a model file completely and decodes it. Throws a TypeError for a wrong type, a missing or
 * unknown field or a non-finite number, and a RangeError for an unsupported version, a size out of
 * range or an array of the wrong length. Optimiser state missing from the file (a slot or a
 * scalar) is left out of the result, so that a model loaded from it keeps a new model's value
 * there; without `info.optimizer`, the optimiser starts afresh at its first update. Unknown state
 * is refused, since dropping it would not resume exactly.
 */
export function decodeModel(where: string, json: unknown, options?: unknown): DecodedModel {
  const backend = checkLoadOptions(where, options);
  const file = parse(where, json);
  if (file.format !== MODEL_FORMAT) {
    throw new TypeError(`${where}: not an rnn-wasm model file: format must be '${MODEL_FORMAT}', got ${show(file.format)}`);
  }
  if (typeof file.version !== 'number') throw new TypeError(`${where}: version must be a number, got ${show(file.version)}`);
  if (file.version !== 1 && file.version !== 2) {
    throw new RangeError(`${where}: model file version ${file.version} is not supported (this rnn-wasm reads versions 1 and ${MODEL_VERSION})`);
  }
  const v1 = file.version === 1;
  checkKeys(where, 'json', file, v1 ? TOP_KEYS_V1 : TOP_KEYS_V2);
  const I = checkDim(where, 'inputDim', file.inputDim), H = checkDim(where, 'hiddenDim', file.hiddenDim), O = checkDim(where, 'outputDim', file.outputDim);
  let spec: ModelSpec;
  if (v1) {
    spec = notebookSpec(I, H, O);
  } else {
    const m = checkObject(where, 'model', file.model);
    checkKeys(where, 'model', m, SPEC_OPTION_KEYS);
    for (const key of SPEC_OPTION_KEYS) if (m[key] === undefined) throw new TypeError(`${where}: model.${key} is missing`);
    spec = resolveSpec(where, I, H, O, m as SpecOptions, 'model.');
  }
  checkBlockSize(where, spec, MIN_CAPACITY);

  const opts = checkObject(where, 'options', file.options);
  checkKeys(where, 'options', opts, ['init', 'seed']);
  if (opts.init !== 'uniform' && opts.init !== 'notebook') {
    throw new TypeError(`${where}: options.init must be 'uniform' or 'notebook', got ${show(opts.init)}`);
  }
  const { seed } = opts;
  if (seed !== undefined && typeof seed !== 'string' && !(typeof seed === 'number' && Number.isFinite(seed))) {
    throw new TypeError(`${where}: options.seed must be a string or a finite number, got ${show(seed)}`);
  }
  const fileOptions: ModelFileOptions = seed === undefined ? { init: opts.init } : { init: opts.init, seed: seed as Seed };

  const table = paramTable(spec);
  const tensors = new Map<string, Float64Array>();
  if (v1) {
    const rawParams = checkObject(where, 'params', file.params);
    checkKeys(where, 'params', rawParams, NOTEBOOK_PARAMS);
    for (const name of NOTEBOOK_PARAMS) {
      if (!(name in rawParams)) throw new TypeError(`${where}: params.${name} is missing`);
      const entry = table.find((t) => t.name === NOTEBOOK_NAMES[name]) as (typeof table)[number];
      tensors.set(entry.name, readNumbers(where, `params.${name}`, rawParams[name], entry.length, false));
    }
  } else {
    const raw = checkObject(where, 'tensors', file.tensors);
    checkKeys(where, 'tensors', raw, table.map((t) => t.name));
    for (const entry of table) {
      if (!Object.hasOwn(raw, entry.name)) throw new TypeError(`${where}: tensors.${entry.name} is missing`);
      tensors.set(entry.name, readNumbers(where, `tensors.${entry.name}`, raw[entry.name], entry.length, false));
    }
  }

  const rawOptimizer = checkObject(where, 'optimizer', file.optimizer);
  checkKeys(where, 'optimizer', rawOptimizer, ['slots', 'info']);
  const newer = '; was the file written by a newer rnn-wasm?';
  const rawSlots = checkObject(where, 'optimizer.slots', rawOptimizer.slots ?? {});
  checkKeys(where, 'optimizer.slots', rawSlots, OPTIMIZER_SLOTS, newer);
  const P = table.reduce((n, t) => n + t.length, 0);
  const slots = new Map<OptimizerSlot, Float64Array>();
  for (const slot of OPTIMIZER_SLOTS) {
    if (rawSlots[slot] !== undefined) slots.set(slot, readNumbers(where, `optimizer.slots.${slot}`, rawSlots[slot], P, true));
  }
  const rawInfo = checkObject(where, 'optimizer.info', rawOptimizer.info ?? {});
  checkKeys(where, 'optimizer.info', rawInfo, INFO_NAMES, newer);
  const info = new Map<InfoName, number>();
  for (const name of INFO_NAMES) {
    if (rawInfo[name] === undefined) continue;
    const v = load(rawInfo[name], true);
    if (v === undefined) throw new TypeError(`${where}: optimizer.info.${name} must be ${expected(true)}, got ${show(rawInfo[name])}`);
    info.set(name, v);
  }
  const problem = optimizerStateProblem(info, slots);
  if (problem !== null) throw new RangeError(`${where}: ${problem}`);
  let scaler: DecodedModel['scaler'];
  if (!v1 && file.scaler !== undefined) {
    const raw = checkObject(where, 'scaler', file.scaler);
    checkKeys(where, 'scaler', raw, ['mean', 'std']);
    if (headPart(spec.output).targetWidth === 'one' || I !== O) throw new TypeError(`${where}: scaler applies to a model with output 'linear' and inputDim = outputDim`);
    const mean = readNumbers(where, 'scaler.mean', raw.mean, O, false), std = readNumbers(where, 'scaler.std', raw.std, O, false);
    const bad = std.findIndex((s) => !(s > 0));
    if (bad >= 0) throw new RangeError(`${where}: scaler.std[${bad}] must be positive, got ${std[bad]}`);
    scaler = { mean, std };
  }
  return { spec, options: fileOptions, backend, tensors, slots, info, ...(scaler === undefined ? {} : { scaler }) };
}

/** Copies a decoded model's parameters and optimiser state into a model's block. */
export function loadModel(file: DecodedModel, model: Model): void {
  const { data, plan: p } = model;
  for (const t of p.tensors) data.set(file.tensors.get(t.name) as Float64Array, t.at);
  for (const [slot, values] of file.slots) data.set(values, p[slot]);
  for (const [name, value] of file.info) data[p.optInfo + OPT_INFO[name]] = value;
}
