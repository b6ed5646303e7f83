// The table of a model's tensors, named as the state_dict of torch.nn.RNN|LSTM|GRU(I, H,
// num_layers) as `rnn` followed by torch.nn.Linear(H, O) as `fc`. Initialisation, getTensors and
// setTensors, model files and safetensors all read this one table.
import { cellPart } from './parts.js';
import type { ModelSpec } from './spec.js';

/** Which record field of which part a tensor fills. */
export type TensorRole =
  | { part: 'cell'; layer: number; field: 'Wih' | 'Whh' | 'bih' | 'bhh' }
  | { part: 'head'; field: 'W' | 'b' };

export interface TensorEntry {
  /** torch's state_dict name: rnn.weight_ih_l0, ..., fc.weight, fc.bias. */
  readonly name: string;
  /** torch's shape, row-major: weight_ih_l{k} is G·H x in, weight_hh_l{k} G·H x H. */
  readonly shape: readonly number[];
  readonly length: number;
  /** Where it starts among the parameters (and its gradient among the gradients). */
  readonly offset: number;
  readonly role: TensorRole;
}

/** The notebook's names of the five tensors of a one-layer Elman model with a softmax. */
export const NOTEBOOK_NAMES = {
  Wxh: 'rnn.weight_ih_l0',
  Whh: 'rnn.weight_hh_l0',
  Why: 'fc.weight',
  bh: 'rnn.bias_ih_l0',
  by: 'fc.bias',
} as const;

/**
 * Every tensor of a spec, in block order: the weight matrices (weight_ih_l{k}, weight_hh_l{k} for
 * each layer, then fc.weight), then the biases (bias_ih_l{k} and, for cells with two, bias_hh_l{k},
 * then fc.bias). For the notebook's model that is Wxh, Whh, Why, bh, by, the order in which its
 * seeded weights have always been drawn.
 */
export function paramTable(spec: ModelSpec): TensorEntry[] {
  const { inputSize: I, hiddenSize: H, outputSize: O, layers } = spec;
  const part = cellPart(spec.cell);
  const G = part.gates;
  const table: TensorEntry[] = [];
  let offset = 0;
  const add = (name: string, shape: number[], role: TensorRole): void => {
    const length = shape.reduce((a, b) => a * b, 1);
    table.push({ name, shape, length, offset, role });
    offset += length;
  };
  for (let k = 0; k < layers; k++) {
    add(`rnn.weight_ih_l${k}`, [G * H, k === 0 ? I : H], { part: 'cell', layer: k, field: 'Wih' });
    add(`rnn.weight_hh_l${k}`, [G * H, H], { part: 'cell', layer: k, field: 'Whh' });
  }
  add('fc.weight', [O, H], { part: 'head', field: 'W' });
  for (let k = 0; k < layers; k++) {
    add(`rnn.bias_ih_l${k}`, [G * H], { part: 'cell', layer: k, field: 'bih' });
    if (part.biases === 'two') add(`rnn.bias_hh_l${k}`, [G * H], { part: 'cell', layer: k, field: 'bhh' });
  }
  add('fc.bias', [O], { part: 'head', field: 'b' });
  return table;
}

/** The number of parameters of a spec, without building its table. */
export function parameterCount(spec: ModelSpec): number {
  const { inputSize: I, hiddenSize: H, outputSize: O, layers } = spec;
  const part = cellPart(spec.cell);
  const GH = part.gates * H;
  const biases = part.biases === 'two' ? 2 : 1;
  return GH * I + GH * H + (layers - 1) * (GH * H + GH * H) + layers * biases * GH + O * H + O;
}
