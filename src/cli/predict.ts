// rnn-wasm predict: runs a saved model on a sequence and prints the most probable class of each step.
import type { Dataset } from '../datasets.js';
import { show } from '../errors.js';
import { choice, integer, integerList, required, UsageError, type Command, type Values } from './args.js';
import { readModel } from './model-io.js';
import type { CliMeta } from './train.js';
import { buildTask, maxSteps, readDataFile } from './tasks.js';

/** The sequence to run: from exactly one of the input flags, or else the model's own task. */
async function sequenceOf(values: Values, inputDim: number, meta: unknown): Promise<{ xs: ArrayLike<ArrayLike<number>>; targets?: number[] }> {
  const given = ['input', 'pattern', 'ones', 'data'].filter((flag) => values[flag] !== undefined);
  if (given.length > 1) throw new UsageError(`give one of --input, --pattern, --ones, --data, not ${given.map((f) => `--${f}`).join(' and ')}`);
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
    return { xs: classes.map((c) => Float64Array.from({ length: inputDim }, (_, j) => (j === c ? 1 : 0))) };
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
    if (task === undefined) throw new UsageError('give the sequence with --input, --pattern, --ones or --data (the model file keeps no task)');
    data = (await buildTask(task, `the task kept in ${values.model as string}`)).data;
  }
  return { xs: data.xs, targets: data.targets };
}

async function run(values: Values): Promise<void> {
  const path = required(values, 'model');
  const backend = choice('backend', (values.backend as string | undefined) ?? 'wasm', ['wasm', 'ts'] as const);
  const { rnn, meta } = await readModel('model', path, backend);
  const { xs, targets } = await sequenceOf(values, rnn.inputDim, meta);
  const beyond = targets?.find((t) => t >= rnn.outputDim);
  if (beyond !== undefined) throw new UsageError(`the targets name class ${beyond}, the model has ${rnn.outputDim} classes`);
  let probabilities: Float64Array[];
  try {
    probabilities = rnn.forward(xs);
  } catch (error) {
    if (error instanceof TypeError || error instanceof RangeError) throw new UsageError(error.message.replace('RNN.forward: xs', 'the input'));
    throw error;
  }
  const predictions = probabilities.map((p) => p.indexOf(p.reduce((a, b) => Math.max(a, b))));
  if (values.json === true) {
    console.log(JSON.stringify({ predictions, probabilities: probabilities.map((p) => Array.from(p)), ...(targets === undefined ? {} : { targets }) }));
    return;
  }
  console.log(`predictions: [${predictions.join(', ')}]`);
  if (targets !== undefined) {
    console.log(`targets:     [${targets.join(', ')}]`);
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
    backend: { type: 'string' },
    json: { type: 'boolean' },
  },
  help: `Usage: rnn-wasm predict --model MODEL.json [--input JSON | --pattern 0,2,1 | --ones T | --data FILE.json]

Runs the sequence from a zero hidden state and prints the most probable class at each step (the
first on a tie). Without a sequence, runs the task the model was trained on and compares.

  --model MODEL.json   the model file
  --input JSON         the input vectors, e.g. '[[1,0,0],[0,1,0]]'
  --pattern 0,2,1      one-hot inputs of these classes (as in the identity task)
  --ones T             T inputs of all ones (as in the periodic task)
  --data FILE.json     the sequence of a data file, compared with its targets
  --backend NAME       wasm (default) or ts
  --json               print { predictions, probabilities, targets? } as JSON
  -h, --help           show this help
`,
  run,
};
