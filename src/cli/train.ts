// rnn-wasm train: trains a new model, or resumes one from its file, and saves it.
import cliProgress from 'cli-progress';
import { relative } from 'node:path';
import { RNN, type BackendName, type RNNOptions } from '../rnn.js';
import { CELLS, MAX_LAYERS } from '../spec.js';
import { show } from '../errors.js';
import { choice, integer, required, UsageError, type Command, type Values } from './args.js';
import { lossChart } from './chart.js';
import { checkWritable, writeFileOf } from './files.js';
import { jsonChunks } from './json-chunks.js';
import { checkCanSave } from './limits.js';
import { readModel, type ReadModel } from './model-io.js';
import { lossSummary, lossView, progressFields, speed } from './progress.js';
import { chooseSchedule, DEFAULT_OPTIMIZER, storedTraining } from './schedule.js';
import { rmse } from './series.js';
import { buildTask, STREAMS, TASK_NAMES, TASK_OPTIONS, taskFromFlags, TASKS, type TaskData, type TaskSpec } from './tasks.js';
import { DEFAULT_LEARNING_RATES, MAX_WORKERS, OPTIMIZERS, trainModel, WORKER_SHARD, type OptimizerName } from './train-model.js';

const MAX_HIDDEN = 65_536;
const MAX_ITERATIONS = 1e9;
const MAX_BATCH = 65_536;
/**
 * Chunks of a text per update, one from each of as many streams: the chunks of a batch run
 * together through matrix-matrix products. On a 100-unit model of a text in chunks of 25, 16
 * trained 1.9 times as many characters a second as one stream (8: 1.5, 32: 1.6), and at adam's
 * rate for its batches (see defaultRate) reached a lower loss in the same time (README, Command line).
 */
export const DEFAULT_BATCH = 16;

/** What the command line keeps in a model file's `meta`. */
export interface CliMeta {
  task: Record<string, unknown>;
  /**
   * The training so far: the optimiser and rate of the last run (which --resume continues with),
   * for a text its --batch (chunks per update; a file without one was trained in one stream),
   * the iterations (epochs, for a text) completed, the updates made (for a text interrupted in an
   * epoch, more than the epochs' batches) and the last loss, as the library reports it.
   */
  training: { optimizer: OptimizerName; learningRate: number; batch?: number; iterations: number; updates: number; loss: number };
}

/** How a text's chunks are batched: "16 streams of 150 chunks side by side, a batch of 16 per update". */
function describeStreams(text: NonNullable<TaskData['text']>, chunks: number, batch: number): string {
  const { sequences, streams } = text;
  const per = sequences.length / streams;
  const trained = sequences.reduce((sum, s) => sum + s.targets.length, 0);
  const left = chunks - sequences.length;
  const notes = [
    ...(streams < batch ? [`not ${batch.toLocaleString('en-US')}: the most streams of ${STREAMS.minChunks} chunks or more that leave out at most 1 in ${1 / STREAMS.maxLeftOut} chunks`] : []),
    ...(left > 0 ? [`the last ${left.toLocaleString('en-US')} chunks (${(text.characters - 1 - trained).toLocaleString('en-US')} characters) make no full round and are left out`] : []),
  ];
  const read = streams === 1 ? 'one stream, a chunk per update'
    : `${streams.toLocaleString('en-US')} streams of ${per.toLocaleString('en-US')} chunk${per === 1 ? '' : 's'} side by side, a batch of ${streams.toLocaleString('en-US')} per update`;
  return `${read}${notes.length > 0 ? ` (${notes.join('; ')})` : ''}`;
}

/**
 * The chunks per update of a text: --batch, else when resuming what the file records (a file the
 * command wrote before it kept a batch was trained one chunk per update), else DEFAULT_BATCH.
 */
function chooseBatch(values: Values, resumed?: { path: string; training: unknown }): number {
  if (values.batch !== undefined) return integer('batch', values.batch as string, 1, MAX_BATCH);
  const training = resumed?.training;
  if (typeof training !== 'object' || training === null) return DEFAULT_BATCH;
  const { batch } = training as Record<string, unknown>;
  if (batch === undefined) return 'optimizer' in training ? 1 : DEFAULT_BATCH;
  if (typeof batch !== 'number' || !Number.isInteger(batch) || batch < 1 || batch > MAX_BATCH) {
    throw new UsageError(`--resume ${resumed!.path}: meta.training.batch must be an integer in [1, ${MAX_BATCH}], got ${show(batch)}`);
  }
  return batch;
}

function describeTask(spec: TaskSpec, task: TaskData, batch: number): string {
  if (task.series !== undefined) {
    const path = typeof spec.file === 'string' ? relative(process.cwd(), spec.file) || spec.file : '?';
    const { rows, names, split, train, test } = task.series;
    const held = rows.length - split;
    return `series ${path}: ${rows.length} rows of ${names.join(', ')}, ${train.length} windows of ${String(spec.length)} to train on${held > 0 ? `, the last ${held} rows held out (${test.length} windows)` : ''}`;
  }
  if (task.text !== undefined) {
    const path = typeof spec.file === 'string' ? relative(process.cwd(), spec.file) || spec.file : '?';
    const { characters, vocab } = task.text;
    const read = `text ${path}: ${characters.toLocaleString('en-US')} characters of ${vocab.length} kinds, in chunks of ${String(spec.seqLength)}`;
    return batch === 1 ? read : `${read}, ${describeStreams(task.text, Math.ceil((characters - 1) / (spec.seqLength as number)), batch)}`;
  }
  const { task: name, ...settings } = spec;
  return `${name} ${JSON.stringify(settings)}`;
}

/**
 * A new model; sizes it cannot have (its memory over the library's limit) or cannot save (its
 * file too large for node's heap) are bad input, refused before anything is allocated.
 */
async function createModel(inputDim: number, hidden: number, outputDim: number, options: RNNOptions): Promise<RNN> {
  checkCanSave(inputDim, hidden, outputDim);
  try {
    return await RNN.create(inputDim, hidden, outputDim, options);
  } catch (error) {
    if (error instanceof RangeError) throw new UsageError(`--hidden ${hidden}: ${error.message}`);
    throw error;
  }
}

/** The updates this run made, from the optimiser's step count before and after (unknown for sgd, which keeps none). */
function updatesMade(optimizer: OptimizerName, before: unknown, after: unknown): number | undefined {
  if (optimizer === 'sgd') return undefined;
  const field = (info: unknown, key: string): unknown => (typeof info === 'object' && info !== null ? (info as Record<string, unknown>)[key] : undefined);
  const steps = (info: unknown): number => {
    const v = field(info, 'steps');
    return typeof v === 'number' && Number.isSafeInteger(v) ? v : 0;
  };
  // Another optimiser's state is replaced at the first update, its count starting from 0.
  return field(before, 'optimizer') === field(after, 'optimizer') ? steps(after) - steps(before) : steps(after);
}

async function run(values: Values): Promise<number> {
  const out = required(values, 'out');
  await checkWritable('out', out);
  const iterations = integer('iterations', required(values, 'iterations'), 0, MAX_ITERATIONS);
  const backend = choice<BackendName>('backend', (values.backend as string | undefined) ?? 'wasm', ['wasm', 'ts']);
  const init = choice('init', (values.init as string | undefined) ?? 'uniform', ['uniform', 'notebook'] as const);
  const seed = (values.seed as string | undefined) ?? 1;
  const cell = choice('cell', (values.cell as string | undefined) ?? 'rnn', CELLS);
  const layers = values.layers === undefined ? 1 : integer('layers', values.layers as string, 1, MAX_LAYERS);
  const quiet = values.quiet === true;
  const print = quiet ? () => undefined : (line: string) => console.log(line);

  const flagged = await taskFromFlags(values);
  const resumePath = values.resume as string | undefined;
  let resumed: ReadModel | undefined;
  let previous = { iterations: 0, updates: 0 };
  let spec = flagged;
  let hidden = 0;
  if (resumePath !== undefined) {
    for (const flag of ['hidden', 'seed', 'init', 'cell', 'layers'] as const) {
      if (values[flag] !== undefined) throw new UsageError(`--${flag} comes from the model file when resuming; leave it out`);
    }
    resumed = await readModel('resume', resumePath, backend);
    const meta = resumed.meta as Partial<CliMeta> | undefined;
    spec ??= meta?.task as typeof spec;
    if (spec === undefined) throw new UsageError(`--resume ${resumePath} keeps no task: give --task or --data`);
    const count = (v: unknown): number => (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : 0);
    previous = { iterations: count(meta?.training?.iterations), updates: count(meta?.training?.updates ?? meta?.training?.iterations) };
  } else {
    if (spec === undefined) throw new UsageError(`--task (one of: ${TASK_NAMES.join(', ')}) or --data is required (see --help)`);
    hidden = integer('hidden', required(values, 'hidden'), 1, MAX_HIDDEN);
  }
  if (values.batch !== undefined && spec.task !== 'text') {
    throw new UsageError(`--batch applies to --task text, not to ${spec.task === 'data' ? '--data' : `--task ${spec.task}`}${spec.task === 'series' ? ' (which trains in shuffled batches of 8 windows)' : ''}`);
  }
  const workers = values.workers === undefined ? undefined : integer('workers', values.workers as string, 1, MAX_WORKERS);
  if (workers !== undefined && spec.task !== 'text' && spec.task !== 'series') {
    throw new UsageError(`--workers applies to --task text and --task series, which train on many sequences in batches, not to ${spec.task === 'data' ? '--data' : `--task ${spec.task}`}`);
  }
  const batch = chooseBatch(values, resumePath === undefined ? undefined : { path: resumePath, training: (resumed?.meta as Partial<CliMeta> | undefined)?.training });
  const task = await buildTask(spec, flagged === undefined ? `the task kept in ${resumePath}` : 'the flags', batch);
  const kind = task.series !== undefined ? 'series' : task.text === undefined ? 'sequence' : 'text';
  const stored = resumePath === undefined ? undefined : storedTraining(resumePath, (resumed?.meta as Partial<CliMeta> | undefined)?.training);
  const { optimizer, learningRate, says } = chooseSchedule(values, kind, resumePath === undefined ? undefined : { path: resumePath, stored }, task.text?.streams);
  const shape: RNNOptions = task.series !== undefined ? { output: 'linear' } : task.text === undefined ? {} : { input: 'index' };
  const rnn = resumed?.rnn ?? await createModel(task.inputDim, hidden, task.outputDim, { seed, backend, init, cell, layers, ...shape });
  if (task.series !== undefined) {
    if (rnn.output !== 'linear') throw new UsageError(`--resume ${resumePath}: a series needs a model with a linear output, this one's is '${rnn.output}'`);
    if (resumed === undefined) rnn.setScaler(task.series.scaler);
  }
  if (task.inputDim !== rnn.inputDim || task.outputDim !== rnn.outputDim) {
    throw new UsageError(`the task has ${task.inputDim} inputs and ${task.outputDim} classes, the model ${rnn.inputDim} and ${rnn.outputDim}`);
  }
  // Sequences per epoch (a text's chunks), and the updates they make: a text's batches of one
  // chunk from each stream, a series' batches of 8 windows (see trainModel).
  const chunks = task.text?.sequences.length ?? 1;
  const streams = task.text?.streams ?? 1;
  const perEpoch = task.series !== undefined ? Math.ceil(task.series.train.length / 8) : Math.ceil(chunks / streams);
  const view = lossView(task.text === undefined ? undefined : {
    characters: task.text.sequences.reduce((sum, s) => sum + s.targets.length, 0), chunks, vocab: task.text.vocab.length,
  });

  // Ctrl-C stops training between iterations; the model trained so far is saved, to resume. The
  // handler is in place before the first line is printed, so that line says Ctrl-C is safe.
  const interrupt = new AbortController();
  const onSigint = (): void => interrupt.abort();
  process.once('SIGINT', onSigint);
  const unit = kind === 'sequence' ? 'iterations' : 'epochs';
  const stack = `${rnn.layers > 1 ? `${rnn.layers}-layer ` : ''}${rnn.cell === 'rnn' ? '' : `${rnn.cell} `}`;
  const model = `${stack}${rnn.inputDim}-${rnn.hiddenDim}-${rnn.outputDim} model`;
  print(`task ${describeTask(task.spec, task, batch)}: ${resumePath === undefined ? `a ${model}` : `the ${model} of ${resumePath} (${previous.iterations} ${unit} so far)`} on the ${rnn.backend} backend`);
  print(`training: ${says}${workers === undefined ? '' : `, each batch in ${workers} worker${workers === 1 ? '' : 's'} (shards of ${WORKER_SHARD} sequences)`}`);
  const bar = quiet ? undefined : new cliProgress.SingleBar({
    format: `training |{bar}| {value}/{total} ${unit} | loss {loss} | {speed} | time left {left}`,
    hideCursor: true,
    clearOnComplete: true,
  }, cliProgress.Presets.shades_classic);
  bar?.start(iterations, 0, progressFields(view, 0, iterations, 0));
  const start = performance.now();
  const { losses, stopped } = await trainModel(rnn, task, {
    optimizer, learningRate, iterations, signal: interrupt.signal, ...(workers === undefined ? {} : { workers }),
    onProgress: (done, loss, validationLoss) => {
      const fields = progressFields(view, done, iterations, (performance.now() - start) / 1000, loss);
      if (validationLoss !== undefined) fields.loss += ` | validation ${view.format(validationLoss)}`;
      bar?.update(done, fields);
    },
  }).catch((error: unknown) => {
    // The memory of a batch is laid out before the first update: a batch too large for it is bad input.
    if (error instanceof RangeError && streams > 1) throw new UsageError(`--batch ${batch}: ${error.message}`);
    throw error;
  }).finally(() => process.off('SIGINT', onSigint));
  bar?.stop();
  const seconds = (performance.now() - start) / 1000;

  const file = rnn.toJSON();
  const full = losses.length;
  const updates = kind === 'sequence' ? full : updatesMade(optimizer, resumed?.optimizerInfo, file.optimizer.info) ?? full * perEpoch;
  // The chunks of an epoch cut short, a batch of `streams` chunks per update.
  const partial = task.text !== undefined && stopped === 'aborted' ? Math.min(chunks, (updates - full * perEpoch) * streams) : 0;
  const shown = Array.from(losses, (loss) => view.shown(loss));
  const reference = view.uniform === undefined ? undefined : { value: view.uniform, label: `log V = ${view.uniform.toFixed(3)}, a uniform guess` };
  for (const line of lossChart(shown, 60, 10, unit, reference, view.unit === '' ? 'log scale' : 'loss per character, log scale')) print(line);
  const rate = seconds > 0 && updates > 0 ? `, ${speed(view, updates / perEpoch, seconds)}` : '';
  const inPart = partial > 0 ? ` and ${partial.toLocaleString('en-US')} of the ${chunks.toLocaleString('en-US')} chunks of epoch ${previous.iterations + full + 1}` : '';
  const why = { iterations: '', targetLoss: '', callback: '', aborted: ', then interrupted', diverged: ', then stopped: the loss or a weight was no longer finite', earlyStopping: ', then stopped early: the loss stopped improving' }[stopped];
  print(`trained ${full} ${unit}${inPart} (${previous.iterations + full} in all) in ${seconds.toFixed(2)} s${rate}: ${lossSummary(view, losses)}${why}`);
  if (task.series !== undefined) {
    const { rows, split } = task.series;
    if (split < rows.length) {
      const held = rows.slice(split);
      const forecast = rnn.forecast(rows.slice(0, split), held.length);
      const naive = held.map(() => rows[split - 1]);
      print(`held out, the last ${held.length} rows: forecast RMSE ${rmse(forecast, held).toPrecision(4)} (the last value repeated: ${rmse(naive, held).toPrecision(4)})`);
    }
  } else if (task.text === undefined) {
    rnn.resetHistory();
    const predictions = rnn.predict(task.data.xs);
    const right = predictions.filter((p, t) => p === task.data.targets[t]).length;
    print(`predictions right: ${right} of ${predictions.length}`);
  } else {
    const { first } = task.spec;
    const start = Math.max(0, task.text.vocab.indexOf(typeof first === 'string' ? first : ''));
    print(`sample: ${JSON.stringify(task.text.decode([start, ...rnn.sample(start, 80, { seed: 1 })]))}`);
  }

  const loss = losses.length > 0 ? losses[losses.length - 1] : NaN;
  const meta: CliMeta = {
    task: task.spec,
    training: { optimizer, learningRate, ...(task.text === undefined ? {} : { batch }), iterations: previous.iterations + full, updates: previous.updates + updates, loss },
  };
  file.meta = meta;
  await writeFileOf('out', out, jsonChunks(file));
  print(`wrote ${out}`);
  if (stopped === 'aborted') {
    const done = partial > 0 ? `in epoch ${previous.iterations + full + 1}, after ${updates.toLocaleString('en-US')} updates` : `after ${full} ${unit}`;
    process.stderr.write(`rnn-wasm train: interrupted ${done}; ${out} holds the model after them (continue with --resume ${out})\n`);
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
    cell: { type: 'string' },
    layers: { type: 'string' },
    optimizer: { type: 'string' },
    lr: { type: 'string' },
    iterations: { type: 'string' },
    seed: { type: 'string' },
    backend: { type: 'string' },
    init: { type: 'string' },
    out: { type: 'string' },
    resume: { type: 'string' },
    batch: { type: 'string' },
    workers: { type: 'string' },
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
  --batch N           text: chunks per update (default: when resuming, the file's; else
                      ${DEFAULT_BATCH}): the text is read as N streams side by side, each update one
                      chunk of each, run together (faster than one stream); a short text
                      gets fewer streams, of ${STREAMS.minChunks} chunks or more; adam's default rate is
                      then 0.001 x sqrt(N); --batch 1 reads it as one stream
  --task series --data FILE.csv
                      series: forecast the numeric columns of a CSV file (a first line of
                      names is a header; non-numeric columns such as dates are left out;
                      an iteration is an epoch over its windows; see the README)
  --columns A,B       series: the columns to forecast (default: every numeric one)
  --length T          series: steps in a window (default 24)
  --horizon H         series: how many steps ahead each target is (default 1)
  --test F            series: the fraction of rows held out at the end (default 0.2)

Model and training:
  --hidden N          hidden units (not with --resume)
  --cell NAME         rnn (default: tanh Elman), lstm or gru, as torch.nn.RNN, LSTM and GRU
                      (not with --resume)
  --layers N          stacked recurrent layers (default 1; not with --resume)
  --iterations N      training iterations
  --optimizer NAME    one of: ${OPTIMIZERS.join(', ')} (default: when resuming, the
                      file's; else ${DEFAULT_OPTIMIZER.sequence} for one sequence, ${DEFAULT_OPTIMIZER.text} for a text)
  --lr X              learning rate; for the Rprop family the initial step size (default:
                      when resuming with the file's optimiser, the file's; else per optimiser:
                      ${OPTIMIZERS.map((o) => `${o} ${DEFAULT_LEARNING_RATES[o]}`).join(', ')})
  --seed S            seed of the weights and of the task's random inputs (default 1)
  --init NAME         uniform (default) or notebook
  --backend NAME      wasm (default) or ts
  --workers N         text and series: compute each batch in N worker threads, data-parallel
                      (fitAsync's workers), in shards of ${WORKER_SHARD} sequences: the same bits for every N
  --out MODEL.json    where to save the model
  --resume MODEL.json continue training this model, on its own task unless one is given
  --quiet             print nothing but errors
  -h, --help          show this help
`,
  run,
};
