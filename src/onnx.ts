// ONNX export: a model as an ONNX graph of opset 14 built from ONNX's own recurrent operators, so
// that ONNX Runtime (and any other ONNX engine) runs it with its RNN, LSTM and GRU kernels.
//
//   x  [T, N, I] (dense) or [T, N] int64 ids (index: Gather from an embedding that equals the
//      first layer's input weights, which then multiply by the identity)
//   each layer k: RNN | LSTM | GRU (W, R, B in ONNX's gate order) -> Y [T, 1, N, H] -> Squeeze(1)
//   head: MatMul(fc.weight^T) + fc.bias -> Softmax (or nothing, for a linear output), at every
//      step ([T, N, O]) or at the last (from the top layer's Y_h: [N, O])
//
// See: the ONNX operator specifications of RNN, LSTM and GRU (opset 14). ONNX computes
// X·W^T + H·R^T + Wb + Rb, as torch does with weight_ih, weight_hh, bias_ih and bias_hh; only the
// order of the gate blocks differs: LSTM i, o, f, c where torch has i, f, g, o; GRU z, r, h where
// torch has r, z, n, with linear_before_reset = 1 for torch's r * (W_hn h + b_hn).
import { show } from './errors.js';
import { ATTRIBUTE_TYPE, DATA_TYPE, encodeOnnx } from './onnx-proto.js';
import { cellPart } from './parts.js';
import type { CellName, ModelSpec } from './spec.js';

/**
 * Options of `RNN#toONNX`. `dtype` is the element type of the inputs, outputs and weights:
 * 'float32', the default and the only one available, since ONNX Runtime's RNN, LSTM and GRU
 * kernels take float32 only (version 1.30: RNN has no double kernel, and LSTM and GRU refuse
 * doubles when they run); 'float64' is refused with an error that says so.
 *
 * @example
 * const options: ONNXOptions = { dtype: 'float32' };
 */
export interface ONNXOptions {
  dtype?: 'float32' | 'float64';
}

/** The opset the graph is written for, and the IR version that goes with it (ONNX 1.9). */
export const ONNX_OPSET = 14;
const IR_VERSION = 7;

const OPS: Record<CellName, string> = { rnn: 'RNN', lstm: 'LSTM', gru: 'GRU' };
/** For each of ONNX's gate blocks, the torch block it comes from. */
const GATE_ORDER: Record<CellName, readonly number[]> = { rnn: [0], lstm: [0, 3, 1, 2], gru: [1, 0, 2] };
const OPTION_KEYS = ['dtype'];

/** Checks toONNX's options; returns the dtype. */
export function checkONNXOptions(where: string, spec: ModelSpec, options: unknown): 'float32' {
  if (options === undefined) return 'float32';
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`${where}: options must be an object, got ${show(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.includes(key)) throw new TypeError(`${where}: unknown option '${key}' (known: ${OPTION_KEYS.join(', ')})`);
  }
  const { dtype } = options as ONNXOptions;
  if (dtype === undefined || dtype === 'float32') return 'float32';
  if (dtype === 'float64') {
    throw new RangeError(`${where}: options.dtype 'float64' is not available: ONNX Runtime's ${OPS[spec.cell]} kernel takes float32 only (as do its RNN, LSTM and GRU kernels on every backend), so export float32`);
  }
  throw new TypeError(`${where}: options.dtype must be 'float32' (or 'float64', which ONNX Runtime's recurrent kernels do not take), got ${show(dtype)}`);
}

/** Rows of blocks of `rows` each, reordered: block j of the result is block order[j] of `data`. */
function reorder(data: Float64Array, rows: number, cols: number, order: readonly number[]): Float64Array {
  const out = new Float64Array(data.length);
  order.forEach((from, j) => out.set(data.subarray(from * rows * cols, (from + 1) * rows * cols), j * rows * cols));
  return out;
}

function transpose(data: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(data.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = data[i * cols + j];
  return out;
}

interface Initializer { name: string; dims: number[]; data: Float64Array | BigInt64Array }

/**
 * The model as the bytes of an ONNX ModelProto. `tensors` are the model's tensors by torch's
 * names (as getTensors gives them). RNN#toONNX writes float32; 'float64' writes the same graph
 * in doubles, which the tests keep to check that ONNX Runtime still refuses it.
 */
export function modelToONNX(spec: ModelSpec, tensors: Record<string, Float64Array>, dtype: 'float32' | 'float64'): Uint8Array {
  const { cell, inputSize: I, hiddenSize: H, outputSize: O, layers } = spec;
  const { gates: G, biases } = cellPart(cell);
  const order = GATE_ORDER[cell];
  const elemType = dtype === 'float64' ? DATA_TYPE.DOUBLE : DATA_TYPE.FLOAT;
  const initializers: Initializer[] = [];
  const nodes: object[] = [];
  const node = (op: string, inputs: string[], outputs: string[], attributes: object[] = []): void => {
    nodes.push({ op_type: op, name: `${op.toLowerCase()}_${nodes.length}`, input: inputs, output: outputs, attribute: attributes });
  };
  const int = (name: string, i: number): object => ({ name, type: ATTRIBUTE_TYPE.INT, i });

  initializers.push({ name: 'axes_1', dims: [1], data: new BigInt64Array([1n]) });
  let x = 'x';
  if (spec.input === 'index') {
    // Row i of the embedding is column i of weight_ih_l0: the model's one-hot product.
    const Wih = reorder(tensors['rnn.weight_ih_l0'], H, I, order);
    initializers.push({ name: 'embedding', dims: [I, G * H], data: transpose(Wih, G * H, I) });
    node('Gather', ['embedding', 'x'], ['x_embedded'], [int('axis', 0)]);
    x = 'x_embedded';
  }
  let top = '';
  for (let k = 0; k < layers; k++) {
    const inputWidth = k === 0 ? I : H;
    let W = reorder(tensors[`rnn.weight_ih_l${k}`], H, inputWidth, order);
    let Wdims = [1, G * H, inputWidth];
    if (k === 0 && spec.input === 'index') {
      W = new Float64Array(G * H * G * H);
      for (let i = 0; i < G * H; i++) W[i * G * H + i] = 1;
      Wdims = [1, G * H, G * H];
    }
    const R = reorder(tensors[`rnn.weight_hh_l${k}`], H, H, order);
    const B = new Float64Array(2 * G * H);
    B.set(reorder(tensors[`rnn.bias_ih_l${k}`], H, 1, order), 0);
    if (biases === 'two') B.set(reorder(tensors[`rnn.bias_hh_l${k}`], H, 1, order), G * H);
    initializers.push(
      { name: `W_${k}`, dims: Wdims, data: W },
      { name: `R_${k}`, dims: [1, G * H, H], data: R },
      { name: `B_${k}`, dims: [1, 2 * G * H], data: B },
    );
    const attributes = [int('hidden_size', H)];
    if (cell === 'gru') attributes.push(int('linear_before_reset', 1));
    node(OPS[cell], [x, `W_${k}`, `R_${k}`, `B_${k}`], [`Y_${k}`, `Y_h_${k}`], attributes);
    node('Squeeze', [`Y_${k}`, 'axes_1'], [`h_${k}`]);
    x = `h_${k}`;
    top = `Y_h_${k}`;
  }
  let h = x;
  if (spec.outputAt === 'last') {
    initializers.push({ name: 'axes_0', dims: [1], data: new BigInt64Array([0n]) });
    node('Squeeze', [top, 'axes_0'], ['h_last']);
    h = 'h_last';
  }
  initializers.push(
    { name: 'fc_weight_t', dims: [H, O], data: transpose(tensors['fc.weight'], O, H) },
    { name: 'fc_bias', dims: [O], data: tensors['fc.bias'] },
  );
  node('MatMul', [h, 'fc_weight_t'], ['logits_nobias']);
  const softmax = spec.output === 'softmax';
  node('Add', ['logits_nobias', 'fc_bias'], [softmax ? 'logits' : 'y']);
  if (softmax) node('Softmax', ['logits'], ['y'], [int('axis', -1)]);

  const dim = (d: number | string): object => (typeof d === 'number' ? { dim_value: d } : { dim_param: d });
  const valueInfo = (name: string, type: number, shape: (number | string)[], doc: string): object => ({
    name, doc_string: doc, type: { tensor_type: { elem_type: type, shape: { dim: shape.map(dim) } } },
  });
  const input = spec.input === 'index'
    ? valueInfo('x', DATA_TYPE.INT64, ['T', 'N'], `class ids in [0, ${I}): step t of sequence n`)
    : valueInfo('x', elemType, ['T', 'N', I], 'step t of sequence n');
  const what = softmax ? 'probabilities' : 'values';
  const output = spec.outputAt === 'last'
    ? valueInfo('y', elemType, ['N', O], `the ${what} of the last step of sequence n`)
    : valueInfo('y', elemType, ['T', 'N', O], `the ${what} of step t of sequence n`);
  const tensor = ({ name, dims, data }: Initializer): object => {
    if (data instanceof BigInt64Array) {
      return { name, dims, data_type: DATA_TYPE.INT64, raw_data: littleEndian(data) };
    }
    const values = dtype === 'float64' ? data : Float32Array.from(data);
    return { name, dims, data_type: elemType, raw_data: littleEndian(values) };
  };
  const metadata: Record<string, string> = {
    cell, layers: String(layers), input: spec.input, output: spec.output, outputAt: spec.outputAt,
    inputDim: String(I), hiddenDim: String(H), outputDim: String(O),
  };
  return encodeOnnx('ModelProto', {
    ir_version: IR_VERSION,
    producer_name: 'rnn-wasm',
    opset_import: [{ domain: '', version: ONNX_OPSET }],
    metadata_props: Object.entries(metadata).map(([key, value]) => ({ key, value })),
    graph: {
      name: `rnn-wasm ${cell}`,
      doc_string: `${layers} ${OPS[cell]} layer(s) of ${H}, ${spec.output} output at ${spec.outputAt === 'every' ? 'every step' : 'the last step'}`,
      node: nodes,
      initializer: initializers.map(tensor),
      input: [input],
      output: [output],
    },
  });
}

/** The bytes of typed values in little-endian order, whatever the machine's order. */
function littleEndian(values: Float32Array | Float64Array | BigInt64Array): Uint8Array {
  const bytes = new Uint8Array(values.length * values.BYTES_PER_ELEMENT);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) {
    if (values instanceof Float32Array) view.setFloat32(4 * i, values[i], true);
    else if (values instanceof Float64Array) view.setFloat64(8 * i, values[i], true);
    else view.setBigInt64(8 * i, values[i], true);
  }
  return bytes;
}
