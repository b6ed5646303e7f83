// The training tasks of `rnn-wasm train`: the notebook's three, and a sequence from a JSON file.
// Each task turns its flags into a spec (plain JSON, kept in the model file's meta so that
// `train --resume` and `predict` can rebuild the same data) and a spec into a dataset.
//
// A spec read back from a model file is untrusted, as the rest of the file is: it must have
// exactly its task's keys, each within the limits its flag has, and it cannot make the command
// read a file (a --data or --text task kept in a model file is refused unless the file is named
// on the command line again). Only specs made by fromFlags here are trusted (FROM_FLAGS).
import { constants } from 'node:buffer';
import { relative, resolve } from 'node:path';
import { constantDataset, identityDataset, periodicDataset, textDataset, type Dataset, type TextDataset } from '../datasets.js';
import { checkSequence, checkTargets, show } from '../errors.js';
import { seriesDataset, type SeriesDataset } from '../series.js';
import { integer, integerList, number, UsageError, type OptionSpec, type Values } from './args.js';
import { readSeriesCsv, type CsvSeries } from './series.js';
import { readFileOf, readJsonOf } from './files.js';

/** What a task needs to rebuild its data: `task` names it, the rest are its settings. */
export type TaskSpec = { task: string } & Record<string, unknown>;

/**
 * A task's data with the model sizes it asks for. `data` is the sequence to train and predict on;
 * a text task trains on all of `text.sequences` and has `data` be the first of them.
 */
export interface TaskData {
  data: Dataset;
  /**
   * A text's chunks, in the order of `streams` streams side by side (see textDataset), with the
   * text's own count of characters (the chunks that make no full round of streams are left out).
   */
  text?: TextDataset<'index'> & { streams: number; characters: number };
  /** A series task's windows and scaler, with the rows (original units) and column names they come from. */
  series?: SeriesDataset & CsvSeries;
  inputDim: number;
  outputDim: number;
}

interface Task {
  /** One line for --help. */
  help: string;
  /** The flags this task reads, beyond --task. */
  flags: readonly string[];
  /** The keys of its spec, beyond `task`: a spec from a model file must have exactly these. */
  keys: readonly string[];
  /** For a task that reads a file: the flags that name it, which a model file cannot stand in for. */
  fileFlags?: string;
  /** The spec from the command line, checked. */
  fromFlags(values: Values): TaskSpec | Promise<TaskSpec>;
  /**
   * The data of a spec, from the command line or from a model file (so checked again); a text
   * cut into `batch` streams (fewer when it has fewer chunks), for batches of that many chunks.
   */
  build(spec: TaskSpec, batch: number): TaskData | Promise<TaskData>;
}

/** The flags the tasks read, for the train command's parser. */
export const TASK_OPTIONS: OptionSpec = {
  task: { type: 'string' },
  data: { type: 'string' },
  value: { type: 'string' },
  pattern: { type: 'string' },
  delay: { type: 'string' },
  length: { type: 'string' },
  dim: { type: 'string' },
  text: { type: 'string' },
  'seq-length': { type: 'string' },
  columns: { type: 'string' },
  horizon: { type: 'string' },
  test: { type: 'string' },
};

/**
 * The most numbers a task's inputs may hold, steps times width (for text, characters times
 * kinds): each is a float64 of the dataset, so this bounds its memory to 256 MiB.
 */
export const MAX_CELLS = 2 ** 25;

const MAX_LENGTH = 1_000_000;
const MAX_DIM = 65_536;
const MAX_SEED_LENGTH = 1000;
/** A text's characters (textDataset's limit), and its file's bytes (128 MiB). */
const MAX_TEXT_CHARACTERS = 2 ** 24;
const MAX_TEXT_BYTES = 2 ** 27;
/** A data file's bytes: the longest string JavaScript can hold, which JSON.parse needs. */
const MAX_DATA_BYTES = constants.MAX_STRING_LENGTH;
const DEFAULTS = { length: 10, dim: 3 };

/** The most steps a sequence of vectors of `dim` numbers may have. */
export function maxSteps(dim: number): number {
  return Math.min(MAX_LENGTH, Math.floor(MAX_CELLS / dim));
}

/** Specs made from the command line; any other spec came from a file. */
const FROM_FLAGS = new WeakSet<TaskSpec>();

function trusted(spec: TaskSpec): TaskSpec {
  FROM_FLAGS.add(spec);
  return spec;
}

function sizes(values: Values): { length: number; dim: number } {
  const length = values.length === undefined ? DEFAULTS.length : integer('length', values.length as string, 1, MAX_LENGTH);
  const dim = values.dim === undefined ? DEFAULTS.dim : integer('dim', values.dim as string, 1, MAX_DIM);
  if (length * dim > MAX_CELLS) throw new UsageError(`--length times --dim must be at most ${MAX_CELLS}, got ${length} x ${dim}`);
  return { length, dim };
}

function seedFlag(values: Values): string | number {
  const seed = (values.seed as string | undefined) ?? 1;
  if (typeof seed === 'string' && seed.length > MAX_SEED_LENGTH) throw new UsageError(`--seed must have at most ${MAX_SEED_LENGTH} characters, got ${seed.length}`);
  return seed;
}

/** A spec's field, checked as an integer in [min, max], for specs read back from model files. */
function field(spec: TaskSpec, name: string, min: number, max: number): number {
  const v = spec[name];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new UsageError(`task ${spec.task}: ${name} must be an integer in [${min}, ${max}], got ${show(v)}`);
  }
  return v;
}

/** A spec's length and dim, within the limits of --length and --dim. */
function specSizes(spec: TaskSpec): { length: number; dim: number } {
  const length = field(spec, 'length', 1, MAX_LENGTH);
  const dim = field(spec, 'dim', 1, MAX_DIM);
  if (length * dim > MAX_CELLS) throw new UsageError(`task ${spec.task}: length times dim must be at most ${MAX_CELLS}, got ${length} x ${dim}`);
  return { length, dim };
}

function seedOf(spec: TaskSpec): string | number {
  const { seed } = spec;
  if (!(typeof seed === 'string' && seed.length <= MAX_SEED_LENGTH) && !(typeof seed === 'number' && Number.isFinite(seed))) {
    throw new UsageError(`task ${spec.task}: seed must be a string of at most ${MAX_SEED_LENGTH} characters or a finite number, got ${show(seed)}`);
  }
  return seed;
}

/**
 * A training sequence from a JSON file:
 *   { "xs": [[...], ...], "targets": [...], "outputDim"?: number }
 * xs holds T input vectors of one length (the inputDim), targets T class indices; outputDim, the
 * number of classes, defaults to the largest target + 1.
 */
export async function readDataFile(flag: string, path: string): Promise<TaskData> {
  const json = await readJsonOf(flag, path, MAX_DATA_BYTES);
  const where = `--${flag} ${path}`;
  try {
    if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new TypeError(`must hold an object { xs, targets }, got ${show(json)}`);
    const { xs, targets, outputDim, ...rest } = json as Record<string, unknown>;
    const unknown = Object.keys(rest);
    if (unknown.length > 0) throw new TypeError(`unknown key '${unknown[0]}' (known: xs, targets, outputDim)`);
    if (!Array.isArray(xs) || xs.length === 0 || xs.length > MAX_LENGTH) throw new RangeError(`xs must be an array of 1 to ${MAX_LENGTH} input vectors, got ${show(xs)}`);
    if (!Array.isArray(xs[0]) || xs[0].length === 0 || xs[0].length > MAX_DIM) throw new RangeError(`xs[0] must be an array of 1 to ${MAX_DIM} numbers, got ${show(xs[0])}`);
    const inputDim = xs[0].length;
    if (xs.length > maxSteps(inputDim)) throw new RangeError(`xs must have at most ${maxSteps(inputDim)} vectors of ${inputDim} numbers (${MAX_CELLS} numbers in all), got ${xs.length}`);
    checkSequence(where, 'xs', xs, inputDim);
    if (!Array.isArray(targets)) throw new TypeError(`targets must be an array, got ${show(targets)}`);
    // A loop, not Math.max(...targets): a spread of more than about 125k arguments overflows the stack.
    let largest = 0;
    for (const t of targets) if (Number.isInteger(t) && t >= 0 && t < MAX_DIM && t > largest) largest = t;
    const classes = outputDim === undefined ? largest + 1 : outputDim;
    if (typeof classes !== 'number' || !Number.isInteger(classes) || classes < 1 || classes > MAX_DIM) {
      throw new RangeError(`outputDim must be an integer in [1, ${MAX_DIM}], got ${show(outputDim)}`);
    }
    checkTargets(where, 'targets', targets, xs.length, classes);
    return { data: { xs: xs.map((x: number[]) => Float64Array.from(x)), targets: targets as number[] }, inputDim, outputDim: classes };
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const message = (error as Error).message;
    throw new UsageError(message.startsWith(where) ? message : `${where}: ${message}`);
  }
}

/**
 * The fewest chunks a stream may have, and the most chunks of a text its streams may leave out
 * (as a fraction of them), for streamsFor.
 */
export const STREAMS = { minChunks: 8, maxLeftOut: 1 / 50 };

/**
 * The streams to cut `chunks` chunks into for batches of up to `batch`: the most that give each
 * stream STREAMS.minChunks chunks or more and leave out at most STREAMS.maxLeftOut of them (the
 * chunks that make no full round of streams are not trained on). A long text gets `batch`; a
 * short one fewer, down to one stream: batches of a few chunks make few updates an epoch (on a
 * text of 8 chunks, 150 epochs of adagrad in 4 streams left 0.65 nats per character, in one
 * stream 0.10), and 16 streams of 31 chunks would leave out 15.
 *
 * @example
 * streamsFor(2400, 16); // 16, of 150 chunks
 * streamsFor(120, 16);  // 15, of 8 chunks
 * streamsFor(13, 16);   // 1
 */
export function streamsFor(chunks: number, batch: number): number {
  const { minChunks, maxLeftOut } = STREAMS;
  for (let s = Math.min(batch, Math.floor(chunks / minChunks)); s > 1; s--) if (chunks % s <= maxLeftOut * chunks) return s;
  return 1;
}

/**
 * A text file as next-character sequences in streams for batches of up to `batch` chunks (see
 * streamsFor), with its first character; refused when too short or too large.
 */
async function readText(flag: string, path: string, seqLength: number, batch = 1): Promise<{ text: NonNullable<TaskData['text']>; first: string }> {
  const text = (await readFileOf(flag, path, MAX_TEXT_BYTES)).toString('utf8');
  const chars = Array.from(text);
  if (chars.length < 2) throw new UsageError(`--${flag} ${path}: the text must have at least 2 characters, got ${chars.length}`);
  if (chars.length > MAX_TEXT_CHARACTERS) {
    throw new UsageError(`--${flag} ${path}: ${chars.length} characters are too many (at most ${MAX_TEXT_CHARACTERS})`);
  }
  // A text model reads character ids: memory follows the text, not the text times its vocabulary.
  const streams = streamsFor(Math.ceil((chars.length - 1) / seqLength), batch);
  return { text: { ...textDataset(text, seqLength, { input: 'index', streams }), streams, characters: chars.length }, first: chars[0] };
}

/** The tasks, by name. A new task (text from a file, say) is one more entry. */
export const TASKS: Record<string, Task> = {
  constant: {
    help: 'random inputs, every target --value (default 0)',
    flags: ['value', 'length', 'dim'],
    keys: ['value', 'length', 'dim', 'seed'],
    fromFlags(values) {
      const { length, dim } = sizes(values);
      const value = values.value === undefined ? 0 : integer('value', values.value as string, 0, dim - 1);
      return trusted({ task: 'constant', value, length, dim, seed: seedFlag(values) });
    },
    build(spec) {
      const { length, dim } = specSizes(spec);
      const data = constantDataset(field(spec, 'value', 0, dim - 1), length, dim, { seed: seedOf(spec) });
      return { data, inputDim: dim, outputDim: dim };
    },
  },
  periodic: {
    help: 'inputs of ones, targets repeating --pattern (default 0,1,2)',
    flags: ['pattern', 'length', 'dim'],
    keys: ['pattern', 'length', 'dim'],
    fromFlags(values) {
      const { length, dim } = sizes(values);
      const pattern = values.pattern === undefined ? [0, 1, 2].filter((c) => c < dim) : integerList('pattern', values.pattern as string, 0, dim - 1);
      if (pattern.length > MAX_LENGTH) throw new UsageError(`--pattern must have at most ${MAX_LENGTH} classes, got ${pattern.length}`);
      return trusted({ task: 'periodic', pattern, length, dim });
    },
    build(spec) {
      const { length, dim } = specSizes(spec);
      const { pattern } = spec;
      if (!Array.isArray(pattern) || pattern.length === 0 || pattern.length > MAX_LENGTH || !pattern.every((c) => Number.isInteger(c) && c >= 0 && c < dim)) {
        throw new UsageError(`task periodic: pattern must be a list of 1 to ${MAX_LENGTH} classes in [0, ${dim - 1}], got ${show(pattern)}`);
      }
      return { data: periodicDataset(pattern as number[], length, dim), inputDim: dim, outputDim: dim };
    },
  },
  identity: {
    help: 'random one-hot inputs, the target is the class shown --delay steps earlier (default 1)',
    flags: ['delay', 'length', 'dim'],
    keys: ['delay', 'length', 'dim', 'seed'],
    fromFlags(values) {
      const { length, dim } = sizes(values);
      const delay = values.delay === undefined ? Math.min(1, length - 1) : integer('delay', values.delay as string, 0, length - 1);
      return trusted({ task: 'identity', delay, length, dim, seed: seedFlag(values) });
    },
    build(spec) {
      const { length, dim } = specSizes(spec);
      const data = identityDataset(length, dim, { seed: seedOf(spec), delay: field(spec, 'delay', 0, length - 1) });
      return { data, inputDim: dim, outputDim: dim };
    },
  },
  text: {
    help: 'next-character prediction on the text in --text FILE, in chunks of --seq-length (default 25)',
    flags: ['text', 'seq-length'],
    keys: ['file', 'seqLength', 'vocab', 'first'],
    fileFlags: '--task text --text FILE',
    async fromFlags(values) {
      if (values.text === undefined) throw new UsageError('--task text needs --text FILE');
      const seqLength = values['seq-length'] === undefined ? 25 : integer('seq-length', values['seq-length'] as string, 1, MAX_LENGTH);
      const file = resolve(values.text as string);
      const { text, first } = await readText('text', values.text as string, seqLength);
      return trusted({ task: 'text', file, seqLength, vocab: text.vocab, first });
    },
    async build(spec, batch) {
      if (typeof spec.file !== 'string') throw new UsageError(`task text: file must be a path, got ${show(spec.file)}`);
      const path = relative(process.cwd(), spec.file) || spec.file;
      const { text } = await readText('text', path, field(spec, 'seqLength', 1, MAX_LENGTH), batch);
      if (JSON.stringify(text.vocab) !== JSON.stringify(spec.vocab)) {
        throw new UsageError(`--text ${path}: its characters are not the vocabulary the model was trained on`);
      }
      const V = text.vocab.length, [first] = text.sequences;
      const data = { xs: first.xs.map((id) => Float64Array.from({ length: V }, (_, j) => (j === id ? 1 : 0))), targets: first.targets };
      return { data, text, inputDim: V, outputDim: V };
    },
  },
  data: {
    help: 'the sequence in --data FILE.json (see the README for its format)',
    flags: ['data'],
    keys: ['file'],
    fileFlags: '--data FILE',
    fromFlags(values) {
      return trusted({ task: 'data', file: resolve(values.data as string) });
    },
    build(spec) {
      if (typeof spec.file !== 'string') throw new UsageError(`task data: file must be a path, got ${show(spec.file)}`);
      // Stored absolute, so that --resume finds it from anywhere; named relative in messages.
      return readDataFile('data', relative(process.cwd(), spec.file) || spec.file);
    },
  },
};

/** Defaults of the series task: windows of two years of a monthly series, a fifth held out. */
const SERIES_DEFAULTS = { length: 24, horizon: 1, test: 0.2 };

TASKS.series = {
  help: 'forecast the numeric columns of --data FILE.csv (windows of --length, default 24; the last --test, default 0.2, held out)',
  flags: ['data', 'length', 'horizon', 'test', 'columns'],
  keys: ['file', 'length', 'horizon', 'test', 'columns'],
  fileFlags: '--task series --data FILE.csv',
  async fromFlags(values) {
    if (values.data === undefined) throw new UsageError('--task series needs --data FILE.csv');
    const length = values.length === undefined ? SERIES_DEFAULTS.length : integer('length', values.length as string, 1, MAX_LENGTH);
    const horizon = values.horizon === undefined ? SERIES_DEFAULTS.horizon : integer('horizon', values.horizon as string, 1, MAX_LENGTH);
    const test = values.test === undefined ? SERIES_DEFAULTS.test : number('test', values.test as string, 0);
    if (!(test < 1)) throw new UsageError(`--test must be in [0, 1), got ${JSON.stringify(values.test)}`);
    const wanted = values.columns === undefined ? undefined : (values.columns as string).split(',').map((c) => c.trim());
    const { names } = await readSeriesCsv('data', values.data as string, wanted);
    return trusted({ task: 'series', file: resolve(values.data as string), length, horizon, test, columns: names });
  },
  async build(spec) {
    if (typeof spec.file !== 'string') throw new UsageError(`task series: file must be a path, got ${show(spec.file)}`);
    const { columns } = spec;
    if (!Array.isArray(columns) || columns.length === 0 || columns.length > MAX_DIM || !columns.every((c) => typeof c === 'string')) {
      throw new UsageError(`task series: columns must be a list of column names, got ${show(columns)}`);
    }
    const length = field(spec, 'length', 1, MAX_LENGTH), horizon = field(spec, 'horizon', 1, MAX_LENGTH);
    const { test } = spec;
    if (typeof test !== 'number' || !(test >= 0 && test < 1)) throw new UsageError(`task series: test must be a number in [0, 1), got ${show(test)}`);
    const path = relative(process.cwd(), spec.file) || spec.file;
    const csv = await readSeriesCsv('data', path, columns as string[]);
    if (csv.rows.length * csv.names.length > MAX_CELLS) throw new UsageError(`--data ${path}: more than ${MAX_CELLS} numbers`);
    let series: SeriesDataset;
    try {
      series = seriesDataset(csv.rows, { length, horizon, test });
    } catch (error) {
      throw new UsageError(`--data ${path}: ${(error as Error).message.replace(/^seriesDataset: /, '')}`);
    }
    const first = series.train[0];
    const data = { xs: first.xs, targets: [] };
    return { data, series: { ...series, ...csv }, inputDim: csv.names.length, outputDim: csv.names.length };
  },
};

/** The task names --task takes: every task but 'data', which --data selects. */
export const TASK_NAMES = Object.keys(TASKS).filter((name) => name !== 'data');

/**
 * The task the flags describe, or undefined when they name none (then a resumed model's own task
 * is used). --task and --data exclude each other, and a flag the task does not read is an error.
 */
export async function taskFromFlags(values: Values): Promise<TaskSpec | undefined> {
  if (values.task !== undefined && values.task !== 'series' && values.data !== undefined) throw new UsageError('give --task or --data, not both (but --task series --data FILE.csv)');
  const name = values.task === 'series' ? 'series' : values.data !== undefined ? 'data' : (values.task as string | undefined);
  const taskFlags = Object.keys(TASK_OPTIONS).filter((flag) => flag !== 'task' && values[flag] !== undefined);
  if (name === undefined) {
    if (taskFlags.length > 0) throw new UsageError(`--${taskFlags[0]} needs --task (one of: ${TASK_NAMES.join(', ')})`);
    return undefined;
  }
  if (!TASK_NAMES.includes(name) && name !== 'data') {
    throw new UsageError(`--task must be one of: ${TASK_NAMES.join(', ')}, got ${JSON.stringify(name)}`);
  }
  const task = TASKS[name];
  for (const flag of taskFlags) {
    if (!task.flags.includes(flag)) throw new UsageError(`--${flag} does not apply to ${name === 'data' ? '--data' : `--task ${name}`}`);
  }
  return task.fromFlags(values);
}

/**
 * The data of a spec, from the flags or from a model file's meta. A spec from a file is checked
 * whole first, and one that would read a file is refused: a model file must not choose what the
 * command reads.
 */
export async function buildTask(spec: unknown, source: string, batch = 1): Promise<TaskData & { spec: TaskSpec }> {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec) || typeof (spec as TaskSpec).task !== 'string' || !Object.hasOwn(TASKS, (spec as TaskSpec).task)) {
    throw new UsageError(`${source} names no task this version knows (tasks: ${Object.keys(TASKS).join(', ')})`);
  }
  const s = spec as TaskSpec;
  const task = TASKS[s.task];
  if (FROM_FLAGS.has(s)) return { ...(await task.build(s, batch)), spec: s };
  if (task.fileFlags !== undefined) {
    throw new UsageError(`${source} reads a file (task ${s.task}), and rnn-wasm reads only the files named on its command line: give ${task.fileFlags} (to predict: --input or --data)`);
  }
  const unknown = Object.keys(s).find((key) => key !== 'task' && !task.keys.includes(key));
  if (unknown !== undefined) throw new UsageError(`${source}: task ${s.task} has an unknown key ${show(unknown)} (known: ${task.keys.join(', ')})`);
  try {
    return { ...(await task.build(s, batch)), spec: s };
  } catch (error) {
    throw error instanceof UsageError ? new UsageError(`${source}: ${error.message}`) : error;
  }
}
