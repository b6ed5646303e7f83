// rnn-wasm train: trains a new model, or resumes one from its file, and saves it.
import cliProgress from 'cli-progress';
import { RNN, type BackendName } from '../rnn.js';
import { choice, integer, number, required, UsageError, type Command, type Values } from './args.js';
import { lossChart } from './chart.js';
import { checkWritable, writeFileOf } from './files.js';
import { readModel } from './model-io.js';
import { buildTask, TASK_NAMES, TASK_OPTIONS, taskFromFlags, TASKS } from './tasks.js';
import { DEFAULT_LEARNING_RATES, OPTIMIZERS, trainModel, type OptimizerName } from './train-model.js';

const MAX_HIDDEN = 65_536;
const MAX_ITERATIONS = 1e9;

/** What the command line keeps in a model file's `meta`. */
export interface CliMeta {
  task: Record<string, unknown>;
  training: { optimizer: OptimizerName; learningRate: number; iterations: number; loss: number };
}

function describeTask(spec: Record<string, unknown>): string {
  const { task, ...settings } = spec;
  return `${String(task)} ${JSON.stringify(settings)}`;
}

async function run(values: Values): Promise<number> {
  const out = required(values, 'out');
  await checkWritable('out', out);
  const iterations = integer('iterations', required(values, 'iterations'), 0, MAX_ITERATIONS);
  const optimizer = choice('optimizer', (values.optimizer as string | undefined) ?? 'rprop', OPTIMIZERS);
  const learningRate = values.lr === undefined ? DEFAULT_LEARNING_RATES[optimizer] : number('lr', values.lr as string, 0);
  const backend = choice<BackendName>('backend', (values.backend as string | undefined) ?? 'wasm', ['wasm', 'ts']);
  const init = choice('init', (values.init as string | undefined) ?? 'uniform', ['uniform', 'notebook'] as const);
  const seed = (values.seed as string | undefined) ?? 1;
  const quiet = values.quiet === true;
  const print = quiet ? () => undefined : (line: string) => console.log(line);

  const flagged = await taskFromFlags(values);
  let resumed: RNN | undefined;
  let previous = 0;
  let spec = flagged;
  let hidden = 0;
  if (values.resume !== undefined) {
    for (const flag of ['hidden', 'seed', 'init'] as const) {
      if (values[flag] !== undefined) throw new UsageError(`--${flag} comes from the model file when resuming; leave it out`);
    }
    const model = await readModel('resume', values.resume as string, backend);
    resumed = model.rnn;
    const meta = model.meta as Partial<CliMeta> | undefined;
    spec ??= meta?.task as typeof spec;
    if (spec === undefined) throw new UsageError(`--resume ${values.resume as string} keeps no task: give --task or --data`);
    const done = meta?.training?.iterations;
    previous = typeof done === 'number' && Number.isSafeInteger(done) && done >= 0 ? done : 0;
  } else {
    if (spec === undefined) throw new UsageError(`--task (one of: ${TASK_NAMES.join(', ')}) or --data is required (see --help)`);
    hidden = integer('hidden', required(values, 'hidden'), 1, MAX_HIDDEN);
  }
  const task = await buildTask(spec, flagged === undefined ? `the task kept in ${values.resume as string}` : 'the flags');
  const rnn = resumed ?? await RNN.create(task.inputDim, hidden, task.outputDim, { seed, backend, init });
  if (task.inputDim !== rnn.inputDim || task.outputDim !== rnn.outputDim) {
    throw new UsageError(`the task has ${task.inputDim} inputs and ${task.outputDim} classes, the model ${rnn.inputDim} and ${rnn.outputDim}`);
  }

  // Ctrl-C stops training between iterations; the model trained so far is saved, to resume. The
  // handler is in place before the first line is printed, so that line says Ctrl-C is safe.
  const interrupt = new AbortController();
  const onSigint = (): void => interrupt.abort();
  process.once('SIGINT', onSigint);
  const unit = task.text === undefined ? 'iterations' : 'epochs';
  print(`task ${describeTask(task.spec)}: a ${rnn.inputDim}-${rnn.hiddenDim}-${rnn.outputDim} model on the ${rnn.backend} backend, ${optimizer} from lr ${learningRate}`);
  const bar = quiet ? undefined : new cliProgress.SingleBar({
    format: `training |{bar}| {value}/{total} ${unit} | loss {loss} | {eta_formatted} left`,
    hideCursor: true,
    clearOnComplete: true,
  }, cliProgress.Presets.shades_classic);
  bar?.start(iterations, 0, { loss: '-' });
  const start = performance.now();
  const { losses, stopped } = await trainModel(rnn, task, {
    optimizer, learningRate, iterations, signal: interrupt.signal,
    onProgress: (done, loss) => bar?.update(done, { loss: loss.toExponential(3) }),
  }).finally(() => process.off('SIGINT', onSigint));
  bar?.stop();
  const seconds = (performance.now() - start) / 1000;

  rnn.resetHistory();
  const predictions = rnn.predict(task.data.xs);
  const right = predictions.filter((p, t) => p === task.data.targets[t]).length;
  const loss = losses.length > 0 ? losses[losses.length - 1] : NaN;
  for (const line of lossChart(losses, 60, 10, unit)) print(line);
  const lossText = losses.length > 0 ? `loss ${losses[0].toExponential(3)} -> ${loss.toExponential(3)}` : 'no loss computed';
  const why = { iterations: '', targetLoss: '', callback: '', aborted: ', then interrupted', diverged: ', then stopped: the loss or a weight was no longer finite' }[stopped];
  print(`trained ${losses.length} ${unit} (${previous + losses.length} in all) in ${seconds.toFixed(2)} s: ${lossText}${why}`);
  if (task.text === undefined) {
    print(`predictions right: ${right} of ${predictions.length}`);
  } else {
    const { first } = task.spec;
    const start = Math.max(0, task.text.vocab.indexOf(typeof first === 'string' ? first : ''));
    print(`sample: ${JSON.stringify(task.text.decode([start, ...rnn.sample(start, 80, { seed: 1 })]))}`);
  }

  const file = rnn.toJSON();
  const meta: CliMeta = { task: task.spec, training: { optimizer, learningRate, iterations: previous + losses.length, loss } };
  file.meta = meta;
  await writeFileOf('out', out, `${JSON.stringify(file)}\n`);
  print(`wrote ${out}`);
  if (stopped === 'aborted') {
    process.stderr.write(`rnn-wasm train: interrupted after ${losses.length} ${unit}; ${out} holds the model so far (continue with --resume ${out})\n`);
    return 130;
  }
  return 0;
}

export const train: Command = {
  name: 'train',
  summary: 'train a model on a task, or resume one from its file, and save it',
  options: {
    ...TASK_OPTIONS,
    hidden: { type: 'string' },
    optimizer: { type: 'string' },
    lr: { type: 'string' },
    iterations: { type: 'string' },
    seed: { type: 'string' },
    backend: { type: 'string' },
    init: { type: 'string' },
    out: { type: 'string' },
    resume: { type: 'string' },
    quiet: { type: 'boolean' },
  },
  help: `Usage: rnn-wasm train (--task NAME | --data FILE.json) --hidden N --iterations N --out MODEL.json [options]
       rnn-wasm train --resume MODEL.json --iterations N --out MODEL.json [options]

Trains with the notebook's loop (reset, forward, loss, backward, update) and saves the model with
its optimiser state, so that --resume continues exactly where it stopped. Ctrl-C stops training
between iterations and saves the model so far (exit code 130); a second Ctrl-C ends at once.

Task:
  --task NAME         ${TASK_NAMES.map((name) => `${name}: ${TASKS[name].help}`).join('\n                      ')}
  --data FILE.json    train on { "xs": [[...], ...], "targets": [...] } (see the README)
  --value C           constant: the class of every target
  --pattern 0,1,2     periodic: the repeating targets
  --delay D           identity: steps between an input and its target
  --length T          steps in the sequence (default 10)
  --dim D             inputs and classes (default 3)
  --text FILE         text: the text to learn (an iteration is then an epoch over its chunks)
  --seq-length N      text: characters per chunk (default 25)

Model and training:
  --hidden N          hidden units (not with --resume)
  --iterations N      training iterations
  --optimizer NAME    one of: ${OPTIMIZERS.join(', ')} (default rprop)
  --lr X              learning rate; for the Rprop family the initial step size (default
                      per optimiser: ${OPTIMIZERS.map((o) => `${o} ${DEFAULT_LEARNING_RATES[o]}`).join(', ')})
  --seed S            seed of the weights and of the task's random inputs (default 1)
  --init NAME         uniform (default) or notebook
  --backend NAME      wasm (default) or ts
  --out MODEL.json    where to save the model
  --resume MODEL.json continue training this model, on its own task unless one is given
  --quiet             print nothing but errors
  -h, --help          show this help
`,
  run,
};
