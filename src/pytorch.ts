// PyTorch interchange: the model as the state_dict of torch.nn.RNN(I, H) (tanh, one layer)
// followed by torch.nn.Linear(H, O), saved as safetensors. torch.nn.RNN has two hidden biases,
// bias_ih and bias_hh, where this model has one: bh goes to bias_ih and bias_hh is zeros.
import { MAX_BLOCK_BYTES, computeLayout } from './layout.js';
import { decodeSafetensors, encodeSafetensors, type SafetensorsLimits, type Tensor } from './safetensors.js';

interface ParamsIn {
  Wxh: Float64Array;
  Whh: Float64Array;
  Why: Float64Array;
  bh: Float64Array;
  by: Float64Array;
}

/**
 * The state_dict names, in the order they are written.
 *
 * @example
 * TORCH_NAMES[0]; // 'rnn.weight_ih_l0', which holds Wxh
 */
export const TORCH_NAMES = ['rnn.weight_ih_l0', 'rnn.weight_hh_l0', 'rnn.bias_ih_l0', 'rnn.bias_hh_l0', 'fc.weight', 'fc.bias'] as const;

/**
 * The most a model's safetensors file can hold, so that the decoder refuses anything beyond it
 * before parsing it: one tensor per name, and a header of the entries' JSON (a name, a dtype,
 * two sizes and two offsets of up to 16 digits each: under 160 bytes beyond the name, doubled
 * for the whitespace other writers put in) plus 64 KiB of metadata.
 */
const SAFETENSORS_LIMITS: SafetensorsLimits = {
  maxTensors: TORCH_NAMES.length,
  maxHeaderBytes: TORCH_NAMES.reduce((sum, name) => sum + 2 * (name.length + 160), 65_536),
};

/**
 * The model's parameters as a safetensors file of F64 tensors named as torch's state_dict.
 *
 * @example
 * const bytes = paramsToSafetensors(3, 8, 3, rnn.getParams()); // rnn = await RNN.create(3, 8, 3)
 */
export function paramsToSafetensors(I: number, H: number, O: number, p: ParamsIn): Uint8Array {
  const tensors: [string, Tensor][] = [
    ['rnn.weight_ih_l0', { shape: [H, I], data: p.Wxh }],
    ['rnn.weight_hh_l0', { shape: [H, H], data: p.Whh }],
    ['rnn.bias_ih_l0', { shape: [H], data: p.bh }],
    ['rnn.bias_hh_l0', { shape: [H], data: new Float64Array(H) }],
    ['fc.weight', { shape: [O, H], data: p.Why }],
    ['fc.bias', { shape: [O], data: p.by }],
  ];
  return encodeSafetensors(tensors, { format: 'pt', producer: 'rnn-wasm', inputDim: String(I), hiddenDim: String(H), outputDim: String(O) });
}

/**
 * Reads the six tensors back, checks their names and shapes agree on I, H and O and that every
 * number is finite, and returns the sizes and parameters; bh is bias_ih + bias_hh (bias_ih alone
 * where bias_hh is 0, which keeps the sign of a zero bias).
 *
 * @example
 * const { I, H, O, params } = paramsFromSafetensors('RNN.fromSafetensors', bytes); // bytes as above
 * [I, H, O]; // [3, 8, 3]
 */
export function paramsFromSafetensors(where: string, bytes: unknown): { I: number; H: number; O: number; params: ParamsIn } {
  const { tensors } = decodeSafetensors(where, bytes, SAFETENSORS_LIMITS);
  for (const name of tensors.keys()) {
    if (!(TORCH_NAMES as readonly string[]).includes(name)) {
      throw new TypeError(`${where}: unexpected tensor ${name} (expected exactly: ${TORCH_NAMES.join(', ')})`);
    }
  }
  const get = (name: string, rank: number): Tensor => {
    const tensor = tensors.get(name);
    if (tensor === undefined) throw new TypeError(`${where}: tensor ${name} is missing (expected: ${TORCH_NAMES.join(', ')})`);
    if (tensor.shape.length !== rank) throw new RangeError(`${where}: tensor ${name} must have ${rank} dimension(s), got shape [${tensor.shape}]`);
    return tensor;
  };
  const ih = get('rnn.weight_ih_l0', 2), hh = get('rnn.weight_hh_l0', 2);
  const bih = get('rnn.bias_ih_l0', 1), bhh = get('rnn.bias_hh_l0', 1);
  const fcw = get('fc.weight', 2), fcb = get('fc.bias', 1);
  const [H, I] = ih.shape;
  const O = fcw.shape[0];
  const expect = (name: string, tensor: Tensor, shape: number[]): void => {
    if (tensor.shape.join() !== shape.join()) {
      throw new RangeError(`${where}: tensor ${name} must have shape [${shape}] (from rnn.weight_ih_l0 [${ih.shape}] and fc.weight [${fcw.shape}]), got [${tensor.shape}]`);
    }
  };
  if (H < 1 || I < 1 || O < 1) throw new RangeError(`${where}: sizes must be at least 1, got inputDim ${I}, hiddenDim ${H}, outputDim ${O}`);
  expect('rnn.weight_hh_l0', hh, [H, H]);
  expect('rnn.bias_ih_l0', bih, [H]);
  expect('rnn.bias_hh_l0', bhh, [H]);
  expect('fc.weight', fcw, [O, H]);
  expect('fc.bias', fcb, [O]);
  const bytesNeeded = 8 * computeLayout(I, H, O, 1).size;
  if (bytesNeeded > MAX_BLOCK_BYTES) {
    throw new RangeError(`${where}: a ${I}-${H}-${O} model needs ${bytesNeeded} bytes, more than the limit of ${MAX_BLOCK_BYTES}`);
  }
  for (const name of TORCH_NAMES) {
    const { data } = tensors.get(name) as Tensor;
    const i = data.findIndex((v) => !Number.isFinite(v));
    if (i >= 0) throw new TypeError(`${where}: tensor ${name}[${i}] must be a finite number, got ${data[i]}`);
  }
  const bh = bih.data.map((v, i) => (bhh.data[i] === 0 ? v : v + bhh.data[i]));
  const i = bh.findIndex((v) => !Number.isFinite(v));
  if (i >= 0) throw new RangeError(`${where}: rnn.bias_ih_l0[${i}] + rnn.bias_hh_l0[${i}] overflows to ${bh[i]}`);
  return { I, H, O, params: { Wxh: ih.data, Whh: hh.data, Why: fcw.data, bh, by: fcb.data } };
}
