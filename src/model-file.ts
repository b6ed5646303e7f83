// Model files: what `RNN.toJSON` writes and `RNN.fromJSON` reads. Reading checks the whole file
// before anything is allocated for the model, so a malformed, truncated or hostile file is refused
// with a clear error and nothing else happens.
import type { BackendName } from './backend.js';
import { show } from './errors.js';
import {
  computeLayout, MAX_BLOCK_BYTES, OPT_INFO, OPTIMIZER_SLOTS, PARAM_NAMES, paramLengths, parameterCount, type Layout,
  type OptimizerSlot, type ParamName,
} from './layout.js';
import { optimizerStateProblem } from './optimizers.js';
import type { Seed } from './random.js';

/**
 * The `format` field of every model file.
 *
 * @example
 * JSON.parse(text).format === MODEL_FORMAT; // an rnn-wasm model file
 */
export const MODEL_FORMAT = 'rnn-wasm-model';
/**
 * The version of the model file format that this build writes and reads; a file of another
 * version is refused with a RangeError.
 *
 * @example
 * rnn.toJSON().version === MODEL_VERSION; // true
 */
export const MODEL_VERSION = 1;

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

/** The scalars of optimiser state, by name (see OPT_INFO in layout.ts). */
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
 * A model file, as `rnn.toJSON()` returns it and `JSON.stringify(rnn)` writes it.
 *
 * @example
 * const file: ModelFile = rnn.toJSON();
 * file.params.Wxh.length; // hiddenDim * inputDim
 */
export interface ModelFile {
  format: typeof MODEL_FORMAT;
  version: typeof MODEL_VERSION;
  inputDim: number;
  hiddenDim: number;
  outputDim: number;
  options: ModelFileOptions;
  /** Row-major, as `getParams()`: Wxh H x I, Whh H x H, Why O x H, bh H, by O. */
  params: Record<ParamName, StoredNumber[]>;
  /**
   * The optimiser state: one array of P numbers per slot (OPTIMIZER_SLOTS in layout.ts), and the
   * scalars of OPT_INFO (which optimiser owns the state, its step count, the last loss).
   */
  optimizer: {
    slots: Partial<Record<OptimizerSlot, StoredNumber[]>>;
    info: Partial<Record<InfoName, StoredNumber>>;
  };
  /** Anything the application keeps with the model (the command line keeps its task there); the library ignores it. */
  meta?: unknown;
}

/** A model file that passed every check, decoded into float64s. */
export interface DecodedModel {
  inputDim: number;
  hiddenDim: number;
  outputDim: number;
  options: ModelFileOptions;
  backend: BackendName;
  params: Record<ParamName, Float64Array>;
  /** The slots the file holds; the others keep a new model's values. */
  slots: Map<OptimizerSlot, Float64Array>;
  /** The scalars the file holds; the others keep a new model's values. */
  info: Map<InfoName, number>;
}

const TOP_KEYS = ['format', 'version', 'inputDim', 'hiddenDim', 'outputDim', 'options', 'params', 'optimizer', 'meta'];

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

/** Writes a model's sizes, options, parameters and whole optimiser state (every slot and OPT_INFO entry). */
export function encodeModel(data: Float64Array, L: Layout, options: ModelFileOptions): ModelFile {
  const slice = (start: number, length: number): StoredNumber[] => Array.from(data.subarray(start, start + length), store);
  const lengths = paramLengths(L.I, L.H, L.O);
  const params = Object.fromEntries(PARAM_NAMES.map((name) => [name, slice(L[name], lengths[name])])) as ModelFile['params'];
  const slots = Object.fromEntries(OPTIMIZER_SLOTS.map((slot) => [slot, slice(L[slot], L.P)]));
  const info = Object.fromEntries(INFO_NAMES.map((name) => [name, store(data[L.optInfo + OPT_INFO[name]])]));
  const fileOptions: ModelFileOptions = options.seed === undefined ? { init: options.init } : { init: options.init, seed: options.seed };
  return {
    format: MODEL_FORMAT, version: MODEL_VERSION,
    inputDim: L.I, hiddenDim: L.H, outputDim: L.O,
    options: fileOptions, params, optimizer: { slots, info },
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
      throw new TypeError(`${where}: json is not valid JSON, is the file truncated? (${(error as Error).message})`, { cause: error });
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
  if (file.version !== MODEL_VERSION) {
    throw new RangeError(`${where}: model file version ${file.version} is not supported (this rnn-wasm reads version ${MODEL_VERSION})`);
  }
  checkKeys(where, 'json', file, TOP_KEYS);
  const I = checkDim(where, 'inputDim', file.inputDim);
  const H = checkDim(where, 'hiddenDim', file.hiddenDim);
  const O = checkDim(where, 'outputDim', file.outputDim);
  const bytes = 8 * computeLayout(I, H, O, 1).size;
  if (bytes > MAX_BLOCK_BYTES) {
    throw new RangeError(`${where}: a ${I}-${H}-${O} model needs ${bytes} bytes, more than the limit of ${MAX_BLOCK_BYTES}`);
  }

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

  const rawParams = checkObject(where, 'params', file.params);
  checkKeys(where, 'params', rawParams, PARAM_NAMES);
  const lengths = paramLengths(I, H, O);
  const params = {} as Record<ParamName, Float64Array>;
  for (const name of PARAM_NAMES) {
    if (!(name in rawParams)) throw new TypeError(`${where}: params.${name} is missing`);
    params[name] = readNumbers(where, `params.${name}`, rawParams[name], lengths[name], false);
  }

  const rawOptimizer = checkObject(where, 'optimizer', file.optimizer);
  checkKeys(where, 'optimizer', rawOptimizer, ['slots', 'info']);
  const newer = '; was the file written by a newer rnn-wasm?';
  const rawSlots = checkObject(where, 'optimizer.slots', rawOptimizer.slots ?? {});
  checkKeys(where, 'optimizer.slots', rawSlots, OPTIMIZER_SLOTS, newer);
  const P = parameterCount(I, H, O);
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
  return { inputDim: I, hiddenDim: H, outputDim: O, options: fileOptions, backend, params, slots, info };
}

/** Copies a decoded model's parameters and optimiser slots into a model's block. */
export function loadModel(model: DecodedModel, data: Float64Array, L: Layout): void {
  for (const name of PARAM_NAMES) data.set(model.params[name], L[name]);
  for (const [slot, values] of model.slots) data.set(values, L[slot]);
  for (const [name, value] of model.info) data[L.optInfo + OPT_INFO[name]] = value;
}

