// PyTorch interchange: a model as the state_dict of torch.nn.RNN, LSTM or GRU(I, H, num_layers)
// as `rnn` followed by torch.nn.Linear(H, O) as `fc`, saved as safetensors. A file without
// rnn-wasm's metadata (one torch saved) is read by its shapes: weight_ih_l0 is G·H x I, with G = 1,
// 4 or 3 gate blocks for RNN, LSTM and GRU, and H the columns of fc.weight. The gated cells have torch's two biases; torch's Elman
// layer has two hidden biases, bias_ih and bias_hh, where this model has one: it goes to bias_ih,
// and bias_hh is written as zeros (and added to bias_ih when a file is read).
import type { Model } from './model.js';
import { cellPart } from './parts.js';
import { checkBlockSize, MIN_CAPACITY } from './plan.js';
import { decodeSafetensors, encodeSafetensors, type SafetensorsLimits, type Tensor } from './safetensors.js';
import { CELLS, INPUTS, MAX_LAYERS, OUTPUT_POSITIONS, OUTPUTS, resolveSpec, type ModelSpec } from './spec.js';
import { paramTable } from './tensors.js';
import { show } from './errors.js';

/**
 * The names of the two modules in a file: the recurrent one (torch.nn.RNN, LSTM or GRU, `rnn` by
 * default) and the output layer (torch.nn.Linear, `fc` by default). A name may be a dotted path
 * to a submodule, as torch's state_dict writes it (`encoder.lstm`).
 *
 * @example
 * const names: TorchNames = { rnn: 'lstm', fc: 'out' }; // lstm.weight_ih_l0, ..., out.weight
 */
export interface TorchNames {
  rnn?: string;
  fc?: string;
}

/** The default module names, and the table's. */
export const DEFAULT_NAMES: Required<TorchNames> = { rnn: 'rnn', fc: 'fc' };

/** Checks a `names` option: an object of at most `rnn` and `fc`, each a dotted module path, distinct. */
export function checkNames(where: string, names: unknown): Required<TorchNames> {
  if (names === undefined) return DEFAULT_NAMES;
  if (typeof names !== 'object' || names === null || Array.isArray(names)) {
    throw new TypeError(`${where}: options.names must be an object such as { rnn: 'lstm', fc: 'out' }, got ${show(names)}`);
  }
  for (const key of Object.keys(names)) {
    if (key !== 'rnn' && key !== 'fc') throw new TypeError(`${where}: options.names has an unknown key '${key}' (known: rnn, fc)`);
  }
  const out = { ...DEFAULT_NAMES, ...(names as TorchNames) };
  for (const key of ['rnn', 'fc'] as const) {
    const name: unknown = out[key];
    if (typeof name !== 'string' || !/^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/.test(name)) {
      throw new TypeError(`${where}: options.names.${key} must be a module name such as 'lstm' or 'model.rnn' (letters, digits and _, parts joined by dots), got ${show(name)}`);
    }
  }
  if (out.rnn === out.fc || out.rnn.startsWith(`${out.fc}.`) || out.fc.startsWith(`${out.rnn}.`)) {
    throw new RangeError(`${where}: options.names.rnn '${out.rnn}' and options.names.fc '${out.fc}' must name two different modules, neither inside the other`);
  }
  return out;
}

/** A table name (`rnn.weight_ih_l0`, `fc.bias`) as it is named in a file with these module names. */
function renamer(names: Required<TorchNames>): (name: string) => string {
  return (name) => (name.startsWith('rnn.') ? `${names.rnn}.${name.slice(4)}` : `${names.fc}.${name.slice(3)}`);
}

/** torch's state_dict names of a model with `layers` recurrent layers, in torch's order. */
export function torchNames(layers: number, names: Required<TorchNames> = DEFAULT_NAMES): string[] {
  const { rnn, fc } = names;
  const out: string[] = [];
  for (let k = 0; k < layers; k++) {
    out.push(`${rnn}.weight_ih_l${k}`, `${rnn}.weight_hh_l${k}`, `${rnn}.bias_ih_l${k}`, `${rnn}.bias_hh_l${k}`);
  }
  out.push(`${fc}.weight`, `${fc}.bias`);
  return out;
}

/**
 * The state_dict names of a one-layer model, in the order they are written.
 *
 * @example
 * TORCH_NAMES[0]; // 'rnn.weight_ih_l0', which holds Wxh
 */
export const TORCH_NAMES = torchNames(1);

/**
 * The most a model's safetensors file can hold, so that the decoder refuses anything beyond it
 * before parsing it: one tensor per name of the largest stack, and a header of the entries' JSON
 * (a name, a dtype, two sizes and two offsets of up to 16 digits each: under 160 bytes beyond the
 * name, doubled for the whitespace other writers put in) plus 64 KiB of metadata.
 */
const LARGEST = torchNames(MAX_LAYERS);
export const SAFETENSORS_LIMITS: SafetensorsLimits = {
  maxTensors: LARGEST.length,
  maxHeaderBytes: LARGEST.reduce((sum, name) => sum + 2 * (name.length + 160), 65_536),
};

/** The same limits for a file whose modules have other names (longer ones make a longer header). */
function limitsFor(names: Required<TorchNames>): SafetensorsLimits {
  const longest = torchNames(MAX_LAYERS, names);
  return { maxTensors: longest.length, maxHeaderBytes: longest.reduce((sum, name) => sum + 2 * (name.length + 160), 65_536) };
}

/** The model's tensors as a safetensors file of F64 tensors named and ordered as torch's state_dict. */
export function modelToSafetensors(model: Model, names: Required<TorchNames> = DEFAULT_NAMES): Uint8Array {
  const { spec, plan: p } = model;
  const values = new Map(p.tensors.map((t) => [t.name, { shape: [...t.shape], data: model.read(t) }]));
  const rename = renamer(names);
  const tensors: [string, Tensor][] = torchNames(spec.layers).map((name) => {
    const tensor = values.get(name);
    if (tensor !== undefined) return [rename(name), tensor];
    const bias = values.get(name.replace('bias_hh', 'bias_ih')) as Tensor; // an Elman layer's second bias
    return [rename(name), { shape: bias.shape, data: new Float64Array(bias.data.length) }];
  });
  return encodeSafetensors(tensors, {
    format: 'pt', producer: 'rnn-wasm',
    inputDim: String(spec.inputSize), hiddenDim: String(spec.hiddenSize), outputDim: String(spec.outputSize),
    cell: spec.cell, layers: String(spec.layers), input: spec.input, output: spec.output, outputAt: spec.outputAt,
  });
}

/**
 * Reads a state_dict back: infers the layers from the names and the sizes from the shapes,
 * checks that every tensor is there with the shape the others imply and that every number is
 * finite, and returns the spec and the tensors by their names in the table; an Elman layer's bias
 * is bias_ih + bias_hh (bias_ih alone where bias_hh is 0, which keeps the sign of a zero bias).
 * The metadata's `input` ('dense' or 'index'), `output` and `outputAt` are kept; torch's files have
 * none and are dense, with a softmax at every step.
 *
 * @example
 * const { spec, tensors } = modelFromSafetensors('RNN.fromSafetensors', bytes);
 * spec.layers; // 1
 */
export function modelFromSafetensors(
  where: string, bytes: unknown, names: Required<TorchNames> = DEFAULT_NAMES,
): { spec: ModelSpec; tensors: Map<string, Float64Array> } {
  const { tensors, metadata } = decodeSafetensors(where, bytes, names === DEFAULT_NAMES ? SAFETENSORS_LIMITS : limitsFor(names));
  const n = renamer(names);
  let layers = 0;
  while (tensors.has(n(`rnn.weight_ih_l${layers}`))) layers++;
  const expected = torchNames(Math.max(layers, 1), names);
  for (const name of tensors.keys()) {
    if (expected.includes(name)) continue;
    if (name.endsWith('_reverse')) throw new TypeError(`${where}: tensor ${name} is of a bidirectional model (torch's bidirectional=True), which rnn-wasm does not have: its layers run forward in time only`);
    const hint = names === DEFAULT_NAMES && !name.startsWith('rnn.') && !name.startsWith('fc.')
      ? ` (a file whose modules are not named rnn and fc loads with options.names, such as { names: { rnn: 'lstm', fc: 'out' } })` : '';
    throw new TypeError(`${where}: unexpected tensor ${name} (expected exactly: ${expected.join(', ')})${hint}`);
  }
  if (layers > 0 && !tensors.has(n('rnn.bias_ih_l0')) && !tensors.has(n('rnn.bias_hh_l0'))) {
    throw new TypeError(`${where}: the file has no ${n('rnn.bias_ih_l0')} or ${n('rnn.bias_hh_l0')}: a model made with torch's bias=False, which rnn-wasm does not have (its layers have biases)`);
  }
  const get = (name: string, rank: number): Tensor => {
    const tensor = tensors.get(name);
    if (tensor === undefined) throw new TypeError(`${where}: tensor ${name} is missing (expected: ${expected.join(', ')})`);
    if (tensor.shape.length !== rank) throw new RangeError(`${where}: tensor ${name} must have ${rank} dimension(s), got shape [${tensor.shape}]`);
    return tensor;
  };
  const ih = get(n('rnn.weight_ih_l0'), 2), fcw = get(n('fc.weight'), 2);
  const I = ih.shape[1], [O, H] = fcw.shape;
  // The gates of the cell: weight_ih_l0 is G·H x I (torch.nn.RNN 1, GRU 3, LSTM 4).
  const G = H > 0 ? ih.shape[0] / H : 0;
  const byGates = CELLS.find((c) => cellPart(c).gates === G);
  if (H < 1 || I < 1 || O < 1) throw new RangeError(`${where}: sizes must be at least 1, got inputDim ${I}, hiddenDim ${H}, outputDim ${O}`);
  const input = Object.hasOwn(metadata, 'input') ? metadata.input : 'dense';
  if (!(INPUTS as readonly string[]).includes(input)) {
    throw new TypeError(`${where}: metadata input must be one of ${INPUTS.map((k) => `'${k}'`).join(', ')}, got ${JSON.stringify(input)}`);
  }
  if (byGates === undefined) {
    throw new RangeError(`${where}: tensor ${n('rnn.weight_ih_l0')} has shape [${ih.shape}]: its rows must be 1, 3 or 4 times hiddenDim ${H}, the columns of ${n('fc.weight')} (torch.nn.RNN, GRU or LSTM)`);
  }
  const cell = Object.hasOwn(metadata, 'cell') ? metadata.cell : byGates;
  if (!(CELLS as readonly string[]).includes(cell)) {
    throw new TypeError(`${where}: metadata cell must be one of ${CELLS.map((k) => `'${k}'`).join(', ')}, got ${JSON.stringify(cell)}`);
  }
  if (cell !== byGates) {
    throw new RangeError(`${where}: metadata cell is '${cell}', but ${n('rnn.weight_ih_l0')} [${ih.shape}] has the ${G} gate block(s) of a${byGates === 'rnn' ? 'n' : ''} '${byGates}' cell`);
  }
  if (Object.hasOwn(metadata, 'nonlinearity') && metadata.nonlinearity !== 'tanh') {
    throw new TypeError(`${where}: metadata nonlinearity is ${JSON.stringify(metadata.nonlinearity)}: rnn-wasm's Elman cell is torch.nn.RNN's tanh one (nonlinearity='relu' is not supported)`);
  }
  if (Object.hasOwn(metadata, 'batch_first')) {
    const value = metadata.batch_first;
    if (['True', 'true', '1'].includes(value)) {
      throw new TypeError(`${where}: metadata batch_first is ${JSON.stringify(value)}: rnn-wasm's recurrent layers are torch's batch_first=False ones, which take sequences time-major ([T, N, I]); the weights do not depend on it, so a file whose metadata says batch_first=False (or nothing) loads, and its sequences go in one step after another`);
    }
    if (!['False', 'false', '0'].includes(value)) {
      throw new TypeError(`${where}: metadata batch_first must be "False" (or "True", which is refused), got ${JSON.stringify(value)}`);
    }
  }
  const output = Object.hasOwn(metadata, 'output') ? metadata.output : 'softmax';
  if (!(OUTPUTS as readonly string[]).includes(output)) {
    throw new TypeError(`${where}: metadata output must be one of ${OUTPUTS.map((k) => `'${k}'`).join(', ')}, got ${JSON.stringify(output)}`);
  }
  const outputAt = Object.hasOwn(metadata, 'outputAt') ? metadata.outputAt : 'every';
  if (!(OUTPUT_POSITIONS as readonly string[]).includes(outputAt)) {
    throw new TypeError(`${where}: metadata outputAt must be one of ${OUTPUT_POSITIONS.map((k) => `'${k}'`).join(', ')}, got ${JSON.stringify(outputAt)}`);
  }
  const spec = resolveSpec(where, I, H, O, {
    cell: cell as ModelSpec['cell'], layers, input: input as ModelSpec['input'], output: output as ModelSpec['output'], outputAt: outputAt as ModelSpec['outputAt'],
  });
  const shapes = new Map<string, number[]>();
  for (let k = 0; k < layers; k++) {
    shapes.set(n(`rnn.weight_ih_l${k}`), [G * H, k === 0 ? I : H]);
    shapes.set(n(`rnn.weight_hh_l${k}`), [G * H, H]);
    shapes.set(n(`rnn.bias_ih_l${k}`), [G * H]);
    shapes.set(n(`rnn.bias_hh_l${k}`), [G * H]);
  }
  shapes.set(n('fc.weight'), [O, H]);
  shapes.set(n('fc.bias'), [O]);
  for (const name of expected) {
    const shape = shapes.get(name) as number[];
    const tensor = get(name, shape.length);
    if (tensor.shape.join() !== shape.join()) {
      throw new RangeError(`${where}: tensor ${name} must have shape [${shape}] (from ${n('rnn.weight_ih_l0')} [${ih.shape}] and ${n('fc.weight')} [${fcw.shape}]), got [${tensor.shape}]`);
    }
  }
  checkBlockSize(where, spec, MIN_CAPACITY);
  for (const name of expected) {
    const { data } = tensors.get(name) as Tensor;
    const i = data.findIndex((v) => !Number.isFinite(v));
    if (i >= 0) throw new TypeError(`${where}: tensor ${name}[${i}] must be a finite number, got ${data[i]}`);
  }
  const out = new Map<string, Float64Array>();
  for (const entry of paramTable(spec)) {
    const { data } = tensors.get(n(entry.name)) as Tensor;
    if (!entry.name.includes('bias_ih') || cellPart(spec.cell).biases === 'two') {
      out.set(entry.name, data);
      continue;
    }
    const hhName = n(entry.name.replace('bias_ih', 'bias_hh'));
    const hh = (tensors.get(hhName) as Tensor).data;
    const sum = data.map((v, i) => (hh[i] === 0 ? v : v + hh[i]));
    const i = sum.findIndex((v) => !Number.isFinite(v));
    if (i >= 0) throw new RangeError(`${where}: ${n(entry.name)}[${i}] + ${hhName}[${i}] overflows to ${sum[i]}`);
    out.set(entry.name, sum);
  }
  return { spec, tensors: out };
}
