// rnn-wasm export: a model file to safetensors, for PyTorch.
import { required, type Command, type Values } from './args.js';
import { checkWritable, writeFileOf } from './files.js';
import { readModel } from './model-io.js';

async function run(values: Values): Promise<void> {
  const path = required(values, 'model');
  const out = required(values, 'out');
  await checkWritable('out', out);
  const { rnn } = await readModel('model', path, 'ts');
  await writeFileOf('out', out, rnn.toSafetensors());
  if (values.quiet !== true) {
    console.log(`wrote ${out}: safetensors, F64, the state_dict of torch.nn.RNN(${rnn.inputDim}, ${rnn.hiddenDim}) as rnn + torch.nn.Linear(${rnn.hiddenDim}, ${rnn.outputDim}) as fc`);
  }
}

export const exportCommand: Command = {
  name: 'export',
  summary: 'write a model file as safetensors, to load into PyTorch',
  options: { model: { type: 'string' }, out: { type: 'string' }, quiet: { type: 'boolean' } },
  help: `Usage: rnn-wasm export --model MODEL.json --out MODEL.safetensors

Writes the parameters as F64 tensors named as the state_dict of torch.nn.RNN(I, H) (as "rnn")
followed by torch.nn.Linear(H, O) (as "fc"): rnn.weight_ih_l0 (Wxh), rnn.weight_hh_l0 (Whh),
rnn.bias_ih_l0 (bh), rnn.bias_hh_l0 (zeros), fc.weight (Why), fc.bias (by). The README shows the
Python that loads it.

  --model MODEL.json       the model file
  --out MODEL.safetensors  where to write
  --quiet                  print nothing but errors
  -h, --help               show this help
`,
  run,
};
