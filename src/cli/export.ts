// rnn-wasm export: a model file to safetensors, for PyTorch, or to ONNX, for ONNX Runtime.
import { choice, required, type Command, type Values } from './args.js';
import { checkWritable, writeFileOf } from './files.js';
import { readModel } from './model-io.js';

const FORMATS = ['safetensors', 'onnx'] as const;
const TORCH_CELLS = { rnn: 'RNN', lstm: 'LSTM', gru: 'GRU' } as const;

async function run(values: Values): Promise<void> {
  const path = required(values, 'model');
  const out = required(values, 'out');
  const format = typeof values.format === 'string'
    ? choice('format', values.format, FORMATS)
    : (out.toLowerCase().endsWith('.onnx') ? 'onnx' : 'safetensors');
  await checkWritable('out', out);
  const { rnn } = await readModel('model', path, 'ts');
  const { inputDim: I, hiddenDim: H, outputDim: O, layers } = rnn;
  const op = TORCH_CELLS[rnn.cell];
  const stack = layers > 1 ? `, num_layers=${layers}` : '';
  await writeFileOf('out', out, format === 'onnx' ? rnn.toONNX() : rnn.toSafetensors());
  if (values.quiet !== true) {
    if (format === 'onnx') {
      const x = rnn.input === 'index' ? 'int64 ids [T, N]' : `float32 [T, N, ${I}]`;
      const y = rnn.outputAt === 'last' ? `[N, ${O}]` : `[T, N, ${O}]`;
      console.log(`wrote ${out}: ONNX opset 14, ${layers} ${op} layer(s) of ${H} and a ${rnn.output} output; input x ${x}, output y float32 ${y}`);
    } else {
      console.log(`wrote ${out}: safetensors, F64, the state_dict of torch.nn.${op}(${I}, ${H}${stack}) as rnn + torch.nn.Linear(${H}, ${O}) as fc`);
    }
  }
}

export const exportCommand: Command = {
  name: 'export',
  summary: 'write a model file as safetensors (for PyTorch) or ONNX (for ONNX Runtime)',
  options: { model: { type: 'string' }, out: { type: 'string' }, format: { type: 'string' }, quiet: { type: 'boolean' } },
  help: `Usage: rnn-wasm export --model MODEL.json --out FILE [--format safetensors|onnx]

safetensors: the parameters as F64 tensors named as the state_dict of torch.nn.RNN, LSTM or
GRU(I, H, num_layers) (as "rnn") followed by torch.nn.Linear(H, O) (as "fc"): rnn.weight_ih_l0,
rnn.weight_hh_l0, rnn.bias_ih_l0, rnn.bias_hh_l0 (zeros for the Elman cell, which has one
hidden bias), ..., fc.weight, fc.bias. The README shows the Python that loads it.

onnx: an ONNX model (opset 14) of ONNX's RNN, LSTM or GRU operators and a MatMul, Add and
Softmax output, float32; input x is [T, N, I] (T steps of N sequences; int64 ids [T, N] for a
model with index inputs), output y is [T, N, O], or [N, O] for a model with outputs at the last
step. It runs in ONNX Runtime (onnxruntime-node, onnxruntime-web).

  --model MODEL.json     the model file
  --out FILE             where to write
  --format FORMAT        safetensors or onnx (default: onnx when FILE ends in .onnx,
                         otherwise safetensors)
  --quiet                print nothing but errors
  -h, --help             show this help
`,
  run,
};
