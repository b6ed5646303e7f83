// ONNX export, checked where it runs: every exported model loads in ONNX Runtime (onnxruntime-node,
// its CPU kernels) and gives the library's outputs within float32 precision, for every cell, one
// and two layers, dense and index inputs, both outputs and both output positions. The file's
// structure is read back with the decoder onnxruntime-web generated from onnx.proto, which shares
// nothing with the encoder here.
import { createRequire } from 'node:module';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { RNN, type RNNOptions } from '../src/index.js';
import { modelToONNX } from '../src/onnx.js';
import { lcg, randomSequence } from './helpers.js';

const require = createRequire(import.meta.url);
/** onnxruntime-web's own onnx.proto bindings (protobufjs static code generated from onnx.proto). */
const { onnx } = require('../node_modules/onnxruntime-web/lib/onnxjs/ort-schema/protobuf/onnx.js') as {
  onnx: { ModelProto: { decode(bytes: Uint8Array): OnnxModel } };
};
interface OnnxModel {
  irVersion: number | { toNumber(): number };
  producerName: string;
  opsetImport: { domain: string; version: number | { toNumber(): number } }[];
  metadataProps: { key: string; value: string }[];
  graph: {
    node: { opType: string; input: string[]; output: string[]; attribute: { name: string; i: number | { toNumber(): number } }[] }[];
    input: { name: string; type: { tensorType: { elemType: number; shape: { dim: { dimValue?: unknown; dimParam?: string }[] } } } }[];
    output: { name: string }[];
    initializer: { name: string; dims: unknown[]; dataType: number }[];
  };
}
const num = (v: number | { toNumber(): number }): number => (typeof v === 'number' ? v : v.toNumber());

const I = 4, H = 5, O = 3, T = 6, N = 3;
/**
 * ORT computes in float32 from weights rounded to float32 (relative error 2^-24 ≈ 6e-8 each);
 * along T = 6 steps of sums over H = 5 terms an output gathers a few hundred such roundings, about
 * 1e-6 here (the largest difference measured over the whole grid is 3.1e-7). 1e-5 leaves room
 * and is still far below what a wrong gate order or a missing bias gives (0.01 and more).
 */
const TOLERANCE = 1e-5;

const CASES: RNNOptions[] = [];
for (const cell of ['rnn', 'lstm', 'gru'] as const) {
  for (const layers of [1, 2]) {
    for (const input of ['dense', 'index'] as const) {
      for (const output of ['softmax', 'linear'] as const) {
        for (const outputAt of ['every', 'last'] as const) CASES.push({ cell, layers, input, output, outputAt });
      }
    }
  }
}
const label = (o: RNNOptions): string => `${o.cell} x${o.layers} ${o.input} ${o.output} at ${o.outputAt}`;

/** A model whose every weight is drawn from U(-1, 1), so that gates and outputs are far from uniform. */
async function randomModel(options: RNNOptions, seed: number): Promise<RNN> {
  const rnn = await RNN.create(I, H, O, { ...options, backend: 'ts', seed });
  const random = lcg(seed);
  const tensors = rnn.getTensors();
  rnn.setTensors(Object.fromEntries(Object.entries(tensors).map(([name, t]) => [name, t.map(() => 2 * random() - 1)])));
  return rnn;
}

/** N sequences of T steps: vectors, or ids for an index model. */
function batch(options: RNNOptions, seed: number): (number[][] | number[])[] {
  const random = lcg(seed);
  return Array.from({ length: N }, () => (options.input === 'index'
    ? Array.from({ length: T }, () => Math.floor(random() * I))
    : randomSequence(random, T, I)));
}

/** The batch as ONNX's x: [T, N, I] float32, or [T, N] int64 ids. */
function feed(options: RNNOptions, xs: (number[][] | number[])[]): ort.Tensor {
  if (options.input === 'index') {
    const ids = new BigInt64Array(T * N);
    for (let t = 0; t < T; t++) for (let n = 0; n < N; n++) ids[t * N + n] = BigInt((xs[n] as number[])[t]);
    return new ort.Tensor('int64', ids, [T, N]);
  }
  const data = new Float32Array(T * N * I);
  for (let t = 0; t < T; t++) for (let n = 0; n < N; n++) data.set((xs[n] as number[][])[t], (t * N + n) * I);
  return new ort.Tensor('float32', data, [T, N, I]);
}

/** A session that logs errors only (level 3), or nothing (4) where the test expects a failure. */
function session(bytes: Uint8Array, logSeverityLevel: 3 | 4 = 3): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(bytes, { logSeverityLevel });
}

describe('toONNX in onnxruntime-node', () => {
  it.each(CASES.map((o) => [label(o), o] as const))('%s gives the library\'s outputs within float32 precision', async (_, options) => {
    const rnn = await randomModel(options, 7);
    const xs = batch(options, 11);
    const { y } = await (await session(rnn.toONNX())).run({ x: feed(options, xs) });
    const steps = options.outputAt === 'last' ? 1 : T;
    expect(y.dims).toEqual(options.outputAt === 'last' ? [N, O] : [T, N, O]);
    const got = y.data as Float32Array;
    let worst = 0;
    for (let n = 0; n < N; n++) {
      rnn.resetHistory();
      const ys = rnn.forward(xs[n]);
      expect(ys.length).toBe(steps);
      for (let t = 0; t < steps; t++) {
        for (let k = 0; k < O; k++) {
          const want = ys[t][k];
          const value = got[(t * N + n) * O + k];
          worst = Math.max(worst, Math.abs(value - want) / Math.max(1, Math.abs(want)));
        }
      }
    }
    expect(worst).toBeLessThan(TOLERANCE);
  });

  it('predict gives the classes of ONNX Runtime\'s probabilities', async () => {
    const options: RNNOptions = { cell: 'lstm', layers: 2, input: 'index' };
    const rnn = await randomModel(options, 3);
    const xs = batch(options, 5);
    const { y } = await (await session(rnn.toONNX())).run({ x: feed(options, xs) });
    const p = y.data as Float32Array;
    for (let n = 0; n < N; n++) {
      rnn.resetHistory();
      const classes = Array.from({ length: T }, (_, t) => {
        const row = Array.from(p.subarray((t * N + n) * O, (t * N + n + 1) * O));
        return row.indexOf(Math.max(...row));
      });
      expect(rnn.predict(xs[n])).toEqual(classes);
    }
  });

  it('ONNX Runtime refuses doubles in its recurrent kernels, which is why toONNX does', async () => {
    for (const cell of ['rnn', 'lstm', 'gru'] as const) {
      const rnn = await randomModel({ cell }, 1);
      const spec = { cell, inputSize: I, hiddenSize: H, outputSize: O, layers: 1, input: 'dense', output: 'softmax', outputAt: 'every' } as const;
      const bytes = modelToONNX(spec, rnn.getTensors(), 'float64');
      const x = new ort.Tensor('float64', new Float64Array(T * I), [T, 1, I]);
      await expect(session(bytes, 4).then((s) => s.run({ x }))).rejects.toThrow(/RNN|LSTM|GRU/);
      expect(() => rnn.toONNX({ dtype: 'float64' })).toThrow(RangeError);
      expect(() => rnn.toONNX({ dtype: 'float64' })).toThrow(/float32 only/);
    }
  });
});

describe('the ONNX file', () => {
  it('is opset 14 with the recurrent operators chained, the gate order and attributes of torch\'s cells, and the spec in its metadata', async () => {
    const rnn = await randomModel({ cell: 'gru', layers: 2, input: 'index', outputAt: 'last' }, 2);
    const model = onnx.ModelProto.decode(rnn.toONNX());
    expect(num(model.irVersion)).toBe(7);
    expect(model.producerName).toBe('rnn-wasm');
    expect(model.opsetImport.map((o) => [o.domain, num(o.version)])).toEqual([['', 14]]);
    expect(Object.fromEntries(model.metadataProps.map((p) => [p.key, p.value]))).toEqual({
      cell: 'gru', layers: '2', input: 'index', output: 'softmax', outputAt: 'last', inputDim: '4', hiddenDim: '5', outputDim: '3',
    });
    const { node, input, output, initializer } = model.graph;
    expect(node.map((n) => n.opType)).toEqual(['Gather', 'GRU', 'Squeeze', 'GRU', 'Squeeze', 'Squeeze', 'MatMul', 'Add', 'Softmax']);
    const grus = node.filter((n) => n.opType === 'GRU');
    expect(grus[1].input[0]).toBe(grus[0].output[0].replace('Y_', 'h_'));
    for (const gru of grus) {
      expect(Object.fromEntries(gru.attribute.map((a) => [a.name, num(a.i)]))).toEqual({ hidden_size: 5, linear_before_reset: 1 });
    }
    expect(input.map((v) => v.name)).toEqual(['x']);
    expect(input[0].type.tensorType.elemType).toBe(7); // int64 ids
    expect(input[0].type.tensorType.shape.dim.map((d) => d.dimParam)).toEqual(['T', 'N']);
    expect(output.map((v) => v.name)).toEqual(['y']);
    const embedding = initializer.find((t) => t.name === 'embedding');
    expect(embedding?.dims.map((d) => Number(d))).toEqual([4, 15]);
    expect(embedding?.dataType).toBe(1); // float32
  });

  it('reorders torch\'s gate blocks to ONNX\'s: LSTM i, f, g, o to i, o, f, c and GRU r, z, n to z, r, h', async () => {
    for (const [cell, order] of [['lstm', [0, 3, 1, 2]], ['gru', [1, 0, 2]]] as const) {
      const rnn = await RNN.create(1, 1, 1, { cell, backend: 'ts' });
      const G = order.length;
      // Mark each gate block of bias_ih by its torch index; read back ONNX's B_0.
      rnn.setTensors({ 'rnn.bias_ih_l0': Array.from({ length: G }, (_, g) => g + 1), 'rnn.bias_hh_l0': Array.from({ length: G }, (_, g) => 10 * (g + 1)) });
      const bytes = rnn.toONNX();
      const decoded = onnx.ModelProto.decode(bytes) as unknown as { graph: { initializer: { name: string; rawData: Uint8Array }[] } };
      const B = decoded.graph.initializer.find((t) => t.name === 'B_0');
      if (B === undefined) throw new Error('no B_0');
      const raw = B.rawData;
      const values = Array.from(new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength)));
      expect(values).toEqual([...order.map((g) => g + 1), ...order.map((g) => 10 * (g + 1))]);
    }
  });
});

describe('toONNX options', () => {
  it.each([
    [null, TypeError, /options must be an object, got null/],
    ['float32', TypeError, /options must be an object/],
    [{ type: 'float32' }, TypeError, /unknown option 'type' \(known: dtype\)/],
    [{ dtype: 'float16' }, TypeError, /options.dtype must be 'float32'.*got "float16"/],
    [{ dtype: 'float64' }, RangeError, /'float64' is not available: ONNX Runtime's RNN kernel takes float32 only/],
  ])('refuses %j', async (options, type, message) => {
    const rnn = await RNN.create(2, 3, 2, { backend: 'ts' });
    expect(() => rnn.toONNX(options as never)).toThrow(type);
    expect(() => rnn.toONNX(options as never)).toThrow(message);
  });

  it('takes { dtype: \'float32\' }, the default', async () => {
    const rnn = await RNN.create(2, 3, 2, { backend: 'ts', seed: 1 });
    expect(rnn.toONNX({ dtype: 'float32' })).toEqual(rnn.toONNX());
  });

  it('refuses a disposed model', async () => {
    const rnn = await RNN.create(2, 3, 2, { backend: 'ts' });
    rnn.dispose();
    expect(() => rnn.toONNX()).toThrow(/RNN.toONNX: this model was disposed/);
  });
});
