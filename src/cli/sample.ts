// rnn-wasm sample: text from a model trained with --task text, one character at a time, each fed
// back as the next input.
import { show } from '../errors.js';
import { choice, integer, number, required, UsageError, type Command, type Values } from './args.js';
import { readModel } from './model-io.js';
import type { CliMeta } from './train.js';

async function run(values: Values): Promise<void> {
  const path = required(values, 'model');
  const length = integer('length', required(values, 'length'), 0, 1_000_000);
  const temperature = values.temperature === undefined ? 1 : number('temperature', values.temperature as string, 0);
  if (temperature === 0) throw new UsageError('--temperature must be positive, got "0"');
  const backend = choice('backend', (values.backend as string | undefined) ?? 'wasm', ['wasm', 'ts'] as const);
  const { rnn, meta } = await readModel('model', path, backend);
  const task = (meta as Partial<CliMeta> | undefined)?.task;
  const vocab = task?.task === 'text' ? task.vocab : undefined;
  if (!Array.isArray(vocab)) throw new UsageError(`--model ${path} was not trained with --task text, so it keeps no vocabulary to sample from`);
  // The vocabulary is read from the file, so checked as textDataset makes one: one entry per
  // class, each a single character, none twice.
  if (vocab.length !== rnn.outputDim || vocab.length !== rnn.inputDim || !vocab.every((c) => typeof c === 'string' && Array.from(c).length === 1) || new Set(vocab).size !== vocab.length) {
    throw new UsageError(`--model ${path}: meta.task.vocab must be ${rnn.outputDim} different characters, one per class`);
  }
  const kept = typeof task?.first === 'string' && vocab.includes(task.first) ? task.first : vocab[0];
  const first = (values.start as string | undefined) ?? kept;
  const start = vocab.indexOf(first);
  if (start < 0) throw new UsageError(`--start must be one character of the model's vocabulary, got ${show(first)}`);
  const seed = values.seed as string | undefined;
  const ids = rnn.sample(start, length, { temperature, ...(seed === undefined ? {} : { seed }) });
  process.stdout.write(`${first}${ids.map((id) => vocab[id]).join('')}\n`);
}

export const sample: Command = {
  name: 'sample',
  summary: 'write text with a model trained on --task text',
  options: {
    model: { type: 'string' },
    length: { type: 'string' },
    temperature: { type: 'string' },
    start: { type: 'string' },
    seed: { type: 'string' },
    backend: { type: 'string' },
  },
  help: `Usage: rnn-wasm sample --model MODEL.json --length N [--temperature T] [--start C] [--seed S]

Feeds a character to a model trained with --task text, draws the next one from its output, feeds
that back, and so on for N characters; prints them after the first.

  --model MODEL.json   a model trained with --task text (its file keeps the vocabulary)
  --length N           characters to draw
  --temperature T      below 1 is greedier, above 1 more random (default 1)
  --start C            the first character (default the first of the training text)
  --seed S             seed of the draws (default: from the platform's entropy)
  --backend NAME       wasm (default) or ts
  -h, --help           show this help
`,
  run,
};
