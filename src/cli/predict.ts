// rnn-wasm predict: runs a saved model on a sequence and prints the most probable class of each step.
import type { Dataset } from '../datasets.js';
import { show } from '../errors.js';
import { choice, integer, integerList, required, UsageError, type Command, type Values } from './args.js';
import { readModel } from './model-io.js';
import type { CliMeta } from './train.js';
import { buildTask, maxSteps, readDataFile } from './tasks.js';

function oneHot(classes: number[], dim: number): Float64Array[] {
  return classes.map((c) => Float64Array.from({ length: dim }, (_, j) => (j === c ? 1 : 0)));
}

/** The vocabulary of a model trained with --task text, or undefined for another model. */
function vocabularyOf(meta: unknown, rnn: { inputDim: number; outputDim: number }): string[] | undefined {
  const task = (meta as Partial<CliMeta> | undefined)?.task;
  const vocab = task?.task === 'text' ? task.vocab : undefined;
  const ok = Array.isArray(vocab) && vocab.length === rnn.inputDim && vocab.length === rnn.outputDim && vocab.every((c) => typeof c === 'string');
  return ok ? vocab as string[] : undefined;
}

/** The sequence to run: from exactly one of the input flags, or else the model's own task. */
async function sequenceOf(values: Values, inputDim: number, meta: unknown, vocab: string[] | undefined): Promise<{ xs: ArrayLike<ArrayLike<number>>; targets?: number[]; classes?: number[] }> {
  const given = ['input', 'pattern', 'ones', 'data', 'string'].filter((flag) => values[flag] !== undefined);
  if (given.length > 1) throw new UsageError(`give one of --input, --pattern, --ones, --data, --string, not ${given.map((f) => `--${f}`).join(' and ')}`);
  if (values.string !== undefined) {
    if (vocab === undefined) throw new UsageError(`--string needs a model trained with --task text; --model ${values.model as string} keeps no vocabulary (give class ids with --pattern)`);
    const chars = Array.from(values.string as string);
    if (chars.length === 0) throw new UsageError('--string must have at least 1 character, got ""');
    const ids = chars.map((c, k) => {
      const id = vocab.indexOf(c);
      if (id < 0) throw new UsageError(`--string: character ${JSON.stringify(c)} at ${k} is not in the model's vocabulary (${JSON.stringify(vocab.join(''))})`);
      return id;
    });
    // Each step predicts the next character: the string's own next characters are the targets.
    return { xs: oneHot(ids, inputDim), targets: ids.slice(1), classes: ids };
  }
  if (values.input !== undefined) {
    let xs: unknown;
    try {
      xs = JSON.parse(values.input as string);
    } catch (error) {
      throw new UsageError(`--input must be JSON, an array of input vectors such as [[1,0,0],[0,1,0]] (${(error as Error).message})`);
    }
    if (!Array.isArray(xs)) throw new UsageError(`--input must be an array of input vectors, got ${show(xs)}`);
    return { xs: xs as number[][] };
  }
  if (values.pattern !== undefined) {
    const classes = integerList('pattern', values.pattern as string, 0, inputDim - 1);
    if (classes.length > maxSteps(inputDim)) throw new UsageError(`--pattern must have at most ${maxSteps(inputDim)} classes for a model of ${inputDim} inputs, got ${classes.length}`);
    return { xs: oneHot(classes, inputDim), classes };
  }
  if (values.ones !== undefined) {
    const T = integer('ones', values.ones as string, 1, maxSteps(inputDim));
    return { xs: Array.from({ length: T }, () => new Float64Array(inputDim).fill(1)) };
  }
  let data: Dataset;
  if (values.data !== undefined) {
    data = (await readDataFile('data', values.data as string)).data;
  } else {
    const task = (meta as Partial<CliMeta> | undefined)?.task;
    if (task === undefined) throw new UsageError('give the sequence with --input, --pattern, --ones, --data or --string (the model file keeps no task)');
    const built = await buildTask(task, `the task kept in ${values.model as string}`);
    // A text's chunk is one-hot characters: its classes are the text itself.
    if (built.text !== undefined) return { xs: built.data.xs, targets: built.data.targets, classes: built.data.xs.map((x) => x.indexOf(1)) };
    data = built.data;
  }
  return { xs: data.xs, targets: data.targets };
}

/** The ids of one-hot vectors, for a model that reads ids (a text model); a usage error for any other vector. */
function idsOf(xs: ArrayLike<ArrayLike<number>>): number[] {
  return Array.from(xs, (x, t) => {
    const ones = Array.from(x).flatMap((v, j) => (v === 1 ? [j] : []));
    if (ones.length !== 1 || Array.from(x).some((v) => v !== 0 && v !== 1)) {
      throw new UsageError(`this model reads class ids: the input[${t}] must be a one-hot vector (give --pattern or --string)`);
    }
    return ones[0];
  });
}

async function run(values: Values): Promise<void> {
  const path = required(values, 'model');
  const backend = choice('backend', (values.backend as string | undefined) ?? 'wasm', ['wasm', 'ts'] as const);
  const { rnn, meta } = await readModel('model', path, backend);
  const vocab = vocabularyOf(meta, rnn);
  const { xs, targets, classes } = await sequenceOf(values, rnn.inputDim, meta, vocab);
  const beyond = targets?.find((t) => t >= rnn.outputDim);
  if (beyond !== undefined) throw new UsageError(`the targets name class ${beyond}, the model has ${rnn.outputDim} classes`);
  let probabilities: Float64Array[];
  try {
    probabilities = rnn.forward(rnn.input === 'index' ? idsOf(xs) : xs);
  } catch (error) {
    if (error instanceof TypeError || error instanceof RangeError) throw new UsageError(error.message.replace('RNN.forward: xs', 'the input'));
    throw error;
  }
  const predictions = probabilities.map((p) => p.indexOf(p.reduce((a, b) => Math.max(a, b))));
  const text = vocab === undefined ? undefined : (ids: number[]): string => ids.map((id) => vocab[id]).join('');
  if (values.json === true) {
    const characters = text === undefined ? {} : { text: text(predictions) };
    console.log(JSON.stringify({ predictions, ...characters, probabilities: probabilities.map((p) => Array.from(p)), ...(targets === undefined ? {} : { targets }) }));
    return;
  }
  // A text model's classes are characters: shown as text, each the prediction of the next one.
  const line = (ids: number[]): string => (text === undefined ? `[${ids.join(', ')}]` : JSON.stringify(text(ids)));
  if (text !== undefined && classes !== undefined) console.log(`input:       ${JSON.stringify(text(classes))}`);
  console.log(`predictions: ${line(predictions)}`);
  if (targets !== undefined) {
    console.log(`targets:     ${line(targets)}`);
    console.log(`right: ${predictions.filter((p, t) => p === targets[t]).length} of ${targets.length}`);
  }
}

export const predict: Command = {
  name: 'predict',
  summary: 'run a model on a sequence and print the predicted class of each step',
  options: {
    model: { type: 'string' },
    input: { type: 'string' },
    pattern: { type: 'string' },
    ones: { type: 'string' },
    data: { type: 'string' },
    string: { type: 'string' },
    backend: { type: 'string' },
    json: { type: 'boolean' },
  },
  help: `Usage: rnn-wasm predict --model MODEL.json [--input JSON | --pattern 0,2,1 | --ones T | --data FILE.json | --string TEXT]

Runs the sequence from a zero hidden state and prints the most probable class at each step (the
first on a tie). Without a sequence, runs the task the model was trained on and compares. For a
model trained with --task text the classes are characters: each step predicts the next one.

  --model MODEL.json   the model file
  --input JSON         the input vectors, e.g. '[[1,0,0],[0,1,0]]'
  --pattern 0,2,1      one-hot inputs of these classes (as in the identity task)
  --ones T             T inputs of all ones (as in the periodic task)
  --data FILE.json     the sequence of a data file, compared with its targets
  --string TEXT        a text model: these characters, each prediction compared with the
                       next character
  --backend NAME       wasm (default) or ts
  --json               print { predictions, probabilities, targets? } as JSON
  -h, --help           show this help
`,
  run,
};
