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

/** torch's state_dict names of a model with `layers` recurrent layers, in torch's order. */
export function torchNames(layers: number): string[] {
  const names: string[] = [];
  for (let k = 0; k < layers; k++) {
    names.push(`rnn.weight_ih_l${k}`, `rnn.weight_hh_l${k}`, `rnn.bias_ih_l${k}`, `rnn.bias_hh_l${k}`);
  }
  names.push('fc.weight', 'fc.bias');
  return names;
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

/** The model's tensors as a safetensors file of F64 tensors named and ordered as torch's state_dict. */
export function modelToSafetensors(model: Model): Uint8Array {
  const { spec, plan: p } = model;
  const values = new Map(p.tensors.map((t) => [t.name, { shape: [...t.shape], data: model.read(t) }]));
  const tensors: [string, Tensor][] = torchNames(spec.layers).map((name) => {
    const tensor = values.get(name);
    if (tensor !== undefined) return [name, tensor];
    const bias = values.get(name.replace('bias_hh', 'bias_ih')) as Tensor; // an Elman layer's second bias
    return [name, { shape: bias.shape, data: new Float64Array(bias.data.length) }];
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
export function modelFromSafetensors(where: string, bytes: unknown): { spec: ModelSpec; tensors: Map<string, Float64Array> } {
  const { tensors, metadata } = decodeSafetensors(where, bytes, SAFETENSORS_LIMITS);
  let layers = 0;
  while (tensors.has(`rnn.weight_ih_l${layers}`)) layers++;
  const expected = torchNames(Math.max(layers, 1));
  for (const name of tensors.keys()) {
    if (expected.includes(name)) continue;
    if (name.endsWith('_reverse')) throw new TypeError(`${where}: tensor ${name} is of a bidirectional model (torch's bidirectional=True), which rnn-wasm does not have: its layers run forward in time only`);
    throw new TypeError(`${where}: unexpected tensor ${name} (expected exactly: ${expected.join(', ')})`);
  }
  if (layers > 0 && !tensors.has('rnn.bias_ih_l0') && !tensors.has('rnn.bias_hh_l0')) {
    throw new TypeError(`${where}: the file has no rnn.bias_ih_l0 or rnn.bias_hh_l0: a model made with torch's bias=False, which rnn-wasm does not have (its layers have biases)`);
  }
  const get = (name: string, rank: number): Tensor => {
    const tensor = tensors.get(name);
    if (tensor === undefined) throw new TypeError(`${where}: tensor ${name} is missing (expected: ${expected.join(', ')})`);
    if (tensor.shape.length !== rank) throw new RangeError(`${where}: tensor ${name} must have ${rank} dimension(s), got shape [${tensor.shape}]`);
    return tensor;
  };
  const ih = get('rnn.weight_ih_l0', 2), fcw = get('fc.weight', 2);
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
    throw new RangeError(`${where}: tensor rnn.weight_ih_l0 has shape [${ih.shape}]: its rows must be 1, 3 or 4 times hiddenDim ${H}, the columns of fc.weight (torch.nn.RNN, GRU or LSTM)`);
  }
  const cell = Object.hasOwn(metadata, 'cell') ? metadata.cell : byGates;
  if (!(CELLS as readonly string[]).includes(cell)) {
    throw new TypeError(`${where}: metadata cell must be one of ${CELLS.map((k) => `'${k}'`).join(', ')}, got ${JSON.stringify(cell)}`);
  }
  if (cell !== byGates) {
    throw new RangeError(`${where}: metadata cell is '${cell}', but rnn.weight_ih_l0 [${ih.shape}] has the ${G} gate block(s) of a${byGates === 'rnn' ? 'n' : ''} '${byGates}' cell`);
  }
  if (Object.hasOwn(metadata, 'nonlinearity') && metadata.nonlinearity !== 'tanh') {
    throw new TypeError(`${where}: metadata nonlinearity is ${JSON.stringify(metadata.nonlinearity)}: rnn-wasm's Elman cell is torch.nn.RNN's tanh one (nonlinearity='relu' is not supported)`);
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
    shapes.set(`rnn.weight_ih_l${k}`, [G * H, k === 0 ? I : H]);
    shapes.set(`rnn.weight_hh_l${k}`, [G * H, H]);
    shapes.set(`rnn.bias_ih_l${k}`, [G * H]);
    shapes.set(`rnn.bias_hh_l${k}`, [G * H]);
  }
  shapes.set('fc.weight', [O, H]);
  shapes.set('fc.bias', [O]);
  for (const name of expected) {
    const shape = shapes.get(name) as number[];
    const tensor = get(name, shape.length);
    if (tensor.shape.join() !== shape.join()) {
      throw new RangeError(`${where}: tensor ${name} must have shape [${shape}] (from rnn.weight_ih_l0 [${ih.shape}] and fc.weight [${fcw.shape}]), got [${tensor.shape}]`);
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
    const { data } = tensors.get(entry.name) as Tensor;
    if (!entry.name.includes('bias_ih') || cellPart(spec.cell).biases === 'two') {
      out.set(entry.name, data);
      continue;
    }
    const hh = (tensors.get(entry.name.replace('bias_ih', 'bias_hh')) as Tensor).data;
    const sum = data.map((v, i) => (hh[i] === 0 ? v : v + hh[i]));
    const i = sum.findIndex((v) => !Number.isFinite(v));
    if (i >= 0) throw new RangeError(`${where}: ${entry.name}[${i}] + ${entry.name.replace('bias_ih', 'bias_hh')}[${i}] overflows to ${sum[i]}`);
    out.set(entry.name, sum);
  }
  return { spec, tensors: out };
}
